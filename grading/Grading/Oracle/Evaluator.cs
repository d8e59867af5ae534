// Evaluates cases with the registered ops. A case that cannot be evaluated becomes a result
// with an "error"; the other cases are still evaluated. This is the code path of `eval`
// and of the parity tests.
//
// How the ops compute: Compute.Fast() (Reference/Fast on every core) unless a caller says
// otherwise, either per call (Evaluate(c, compute)) or for everything it runs inside a scope
// (using (Evaluator.Use(Compute.Plain)) { ... }: eval's and grade's --compute option). The fast
// path equals the plain loops within rounding (Spec/performance.md).
using Rnn.Reference.Numerics;

namespace Rnn.Grading.Oracle;

public static class Evaluator
{
    private static readonly AsyncLocal<Compute?> Scoped = new();

    /// <summary>What the oracle computes with when nobody chose: the fast path on every core.</summary>
    public static Compute DefaultCompute { get; } = Compute.Fast();

    /// <summary>The compute of the innermost Use scope around the caller, else DefaultCompute.</summary>
    public static Compute Current => Scoped.Value ?? DefaultCompute;

    /// <summary>Evaluates with compute until the returned scope is disposed (then the previous choice is back).</summary>
    public static IDisposable Use(Compute compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var scope = new ComputeScope(Scoped.Value);
        Scoped.Value = compute;
        return scope;
    }

    private sealed class ComputeScope(Compute? previous) : IDisposable
    {
        public void Dispose() => Scoped.Value = previous;
    }

    public static CaseResult Evaluate(Case c) => Evaluate(c, Current);

    public static CaseResult Evaluate(Case c, Compute compute)
    {
        if (!OpRegistry.TryGet(c.Op, out var op))
            return CaseResult.Failed(c.Id, $"unknown op \"{c.Op}\"; the ops are {string.Join(", ", OpRegistry.Names)}");
        try
        {
            var (outputs, grads) = op.Evaluate(c, compute);
            return new CaseResult(c.Id, outputs, grads);
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

    public static IReadOnlyList<CaseResult> EvaluateAll(IEnumerable<Case> cases) => EvaluateAll(cases, Current);

    public static IReadOnlyList<CaseResult> EvaluateAll(IEnumerable<Case> cases, Compute compute)
    {
        var results = new List<CaseResult>();
        foreach (var c in cases) results.Add(Evaluate(c, compute));
        return results;
    }
}
