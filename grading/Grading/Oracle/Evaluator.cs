// Evaluates cases with the registered ops. A case that cannot be evaluated becomes a result
// with an "error"; the other cases are still evaluated. Before an op runs, the case's need of
// memory and work is estimated from its sizes and checked against the budget (CaseBudget), so
// no case can exhaust the machine. Every error message is bounded in length and safe to print
// (Printable). This is the code path of `eval` and of the parity tests.
namespace Rnn.Grading.Oracle;

public static class Evaluator
{
    public static CaseResult Evaluate(Case c) => Evaluate(c, CaseBudget.Default);

    public static CaseResult Evaluate(Case c, CaseBudget budget)
    {
        if (!OpRegistry.TryGet(c.Op, out var op))
            return Failed(c, $"unknown op \"{c.Op}\"; the ops are {string.Join(", ", OpRegistry.Names)}");
        if (budget.Check(c) is { } overBudget)
            return Failed(c, overBudget);
        try
        {
            var (outputs, grads) = op.Evaluate(c);
            return new CaseResult(c.Id, outputs, grads);
        }
        catch (ArgumentException e)
        {
            return Failed(c, e.Message);
        }
        catch (OutOfMemoryException)
        {
            return Failed(c, "the case needs more memory than the machine could give (lower its sizes, or evaluate it alone)");
        }
        catch (Exception e) when (e is InvalidOperationException or ArithmeticException or KeyNotFoundException or IndexOutOfRangeException)
        {
            return Failed(c, $"internal error evaluating op \"{c.Op}\" (a fault of the reference, not of the case): {e.Message}");
        }
    }

    public static IReadOnlyList<CaseResult> EvaluateAll(IEnumerable<Case> cases) => EvaluateAll(cases, CaseBudget.Default);

    public static IReadOnlyList<CaseResult> EvaluateAll(IEnumerable<Case> cases, CaseBudget budget)
    {
        var results = new List<CaseResult>();
        foreach (var c in cases) results.Add(Evaluate(c, budget));
        return results;
    }

    private static CaseResult Failed(Case c, string message) => CaseResult.Failed(c.Id, Printable.Escape(message));
}
