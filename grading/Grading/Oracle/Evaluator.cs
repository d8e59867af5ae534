// Evaluates cases with the registered ops. A case that cannot be evaluated becomes a result
// with an "error"; the other cases are still evaluated. This is the code path of `eval`
// and of the parity tests. With a GPU layer (eval --device) the recurrent ops run on its device
// and every other op on the CPU reference (RunsOnDevice says which).
using Rnn.Reference.Gpu;
using Rnn.Reference.Gpu.Recurrent;

namespace Rnn.Grading.Oracle;

public static class Evaluator
{
    /// <summary>Whether a case of this op runs on the GPU path when eval is given --device: the recurrent stacks do.</summary>
    public static bool RunsOnDevice(string op) => OpRegistry.TryGet(op, out var o) && o is Ops.RecurrentOp;

    public static CaseResult Evaluate(Case c, GpuRecurrentLayer? gpu = null)
    {
        if (!OpRegistry.TryGet(c.Op, out var op))
            return CaseResult.Failed(c.Id, $"unknown op \"{c.Op}\"; the ops are {string.Join(", ", OpRegistry.Names)}");
        try
        {
            var (outputs, grads) = gpu is not null && op is Ops.RecurrentOp recurrent ? recurrent.Evaluate(c, gpu) : op.Evaluate(c);
            return new CaseResult(c.Id, outputs, grads);
        }
        catch (GpuException e)
        {
            return CaseResult.Failed(c.Id, $"GPU error on {gpu?.Device}: {e.Message}");
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

    public static IReadOnlyList<CaseResult> EvaluateAll(IEnumerable<Case> cases, GpuRecurrentLayer? gpu = null)
    {
        var results = new List<CaseResult>();
        foreach (var c in cases) results.Add(Evaluate(c, gpu));
        return results;
    }
}
