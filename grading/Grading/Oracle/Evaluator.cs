// Evaluates cases with the registered ops. A case that cannot be evaluated becomes a result
// with an "error"; the other cases are still evaluated. This is the code path of `eval`
// and of the parity tests.
namespace Rnn.Grading.Oracle;

public static class Evaluator
{
    public static CaseResult Evaluate(Case c)
    {
        if (!OpRegistry.TryGet(c.Op, out var op))
            return CaseResult.Failed(c.Id, $"unknown op \"{c.Op}\"; the ops are {string.Join(", ", OpRegistry.Names)}");
        try
        {
            var (outputs, grads) = op.Evaluate(c);
            var notes = op.Notes(c);
            return new CaseResult(c.Id, outputs, grads, Notes: notes.Count == 0 ? null : notes);
        }
        catch (ArgumentException e)
        {
            return CaseResult.Failed(c.Id, e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or ArithmeticException or KeyNotFoundException or IndexOutOfRangeException)
        {
            return CaseResult.Failed(c.Id, $"internal error evaluating op \"{c.Op}\": {e.GetType().Name}: {e.Message}");
        }
    }

    public static IReadOnlyList<CaseResult> EvaluateAll(IEnumerable<Case> cases)
    {
        var results = new List<CaseResult>();
        foreach (var c in cases) results.Add(Evaluate(c));
        return results;
    }
}
