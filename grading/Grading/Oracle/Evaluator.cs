// Evaluates cases with the registered ops. A case that cannot be evaluated becomes a result
// with an "error"; the other cases are still evaluated. Before an op runs, the case's need of
// memory and work is estimated from its sizes and checked against the budget (CaseBudget,
// CaseBudget.Default unless the caller gives one), so no case can exhaust the machine. Every
// error message is bounded in length and safe to print (Printable). This is the code path of
// `eval` and of the parity tests.
//
// How the ops compute: Compute.Fast() (Reference/Fast on every core) unless a caller says
// otherwise, either per call (Evaluate(c, compute)) or for everything it runs inside a scope
// (using (Evaluator.Use(Compute.Plain)) { ... }: eval's and grade's --compute option). The fast
// path equals the plain loops within rounding (Spec/performance.md). With a GPU layer (eval
// --device) the recurrent ops run on its device and every other op as chosen (RunsOnDevice says which).
using Rnn.Reference.Gpu;
using Rnn.Reference.Gpu.Recurrent;
using Rnn.Reference.Numerics;

namespace Rnn.Grading.Oracle;

public static class Evaluator
{
    /// <summary>Whether a case of this op runs on the GPU path when eval is given --device: the recurrent stacks do.</summary>
    public static bool RunsOnDevice(string op) => OpRegistry.TryGet(op, out var o) && o is Ops.RecurrentOp;

    /// <summary>Whether this case runs on the GPU path under --device: a recurrent op the device computes (not a reset-before GRU).</summary>
    public static bool RunsOnDevice(Case c) => OpRegistry.TryGet(c.Op, out var o) && o is Ops.RecurrentOp recurrent && recurrent.RunsOnDevice(c);

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

    public static CaseResult Evaluate(Case c) => Evaluate(c, Current, CaseBudget.Default);

    public static CaseResult Evaluate(Case c, Compute compute) => Evaluate(c, compute, CaseBudget.Default);

    /// <summary>Evaluate one case within the budget; with a GPU layer the recurrent ops it can compute run on its device.</summary>
    public static CaseResult Evaluate(Case c, Compute compute, CaseBudget budget, GpuRecurrentLayer? gpu = null)
    {
        if (!OpRegistry.TryGet(c.Op, out var op))
            return Failed(c, $"unknown op \"{c.Op}\"; the ops are {string.Join(", ", OpRegistry.Names)}");
        if (budget.Check(c) is { } overBudget)
            return Failed(c, overBudget);
        try
        {
            var (outputs, grads) = gpu is not null && RunsOnDevice(c) ? ((Ops.RecurrentOp)op).Evaluate(c, gpu) : op.Evaluate(c, compute);
            var notes = op.Notes(c);
            return new CaseResult(c.Id, outputs, grads, Notes: notes.Count == 0 ? null : notes);
        }
        catch (GpuException e)
        {
            return Failed(c, $"GPU error on {gpu?.Device}: {e.Message}");
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

    public static IReadOnlyList<CaseResult> EvaluateAll(IEnumerable<Case> cases) => EvaluateAll(cases, Current, CaseBudget.Default);

    public static IReadOnlyList<CaseResult> EvaluateAll(IEnumerable<Case> cases, Compute compute) => EvaluateAll(cases, compute, CaseBudget.Default);

    public static IReadOnlyList<CaseResult> EvaluateAll(IEnumerable<Case> cases, Compute compute, CaseBudget budget, GpuRecurrentLayer? gpu = null)
    {
        var results = new List<CaseResult>();
        foreach (var c in cases) results.Add(Evaluate(c, compute, budget, gpu));
        return results;
    }

    private static CaseResult Failed(Case c, string message) => CaseResult.Failed(c.Id, Printable.Escape(message));
}
