// The slides' training loss for a sequence: "Gradient descent from the loss
// E = sum_t (y_t - yhat_t)^2" (MATH80629), where y_t = f(V h_t) is the network's output
// at step t. It is MseLoss with reduction "sum" (no division by the number of elements);
// Spec/losses.md shows the factor that separates it from the default "mean".
//
// T = steps (the first axis), F = the number of values per step (the product of the other
// axes; 1 for a scalar output per step). output and target are [T, ...] of one shape.
// The square is symmetric, so which argument is the target does not change E; the
// gradients are dE/doutput = 2 (output - target) and dE/dtarget = -2 (output - target).
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Losses;

/// <summary>The slides' sequence loss E = sum_t (y_t - yhat_t)^2 (MATH80629): MseLoss with reduction sum.</summary>
public static class SummedSquaredError
{
    /// <summary>E = sum_t sum_f (output[t, f] - target[t, f])^2 over output[T, F], target[T, F].</summary>
    public static double Forward(ReadOnlySpan<double> output, ReadOnlySpan<double> target, int T, int F)
    {
        Require.Size(T, nameof(T));
        Require.Size(F, nameof(F));
        Require.Length(output, nameof(output), "T*F", T, F);
        Require.Length(target, nameof(target), "T*F", T, F);
        double E = 0.0;
        // slide: E = sum_t (y_t - yhat_t)^2
        for (int t = 0; t < T; t++)
            for (int f = 0; f < F; f++)
            {
                double diff = output[t * F + f] - target[t * F + f];
                E += diff * diff;
            }
        return E;
    }

    /// <summary>doutput[t, f] += 2 (output - target) dE and dtarget[t, f] -= the same. Accumulates; dtarget may be empty.</summary>
    public static void Backward(double dE, ReadOnlySpan<double> output, ReadOnlySpan<double> target, int T, int F,
        Span<double> doutput, Span<double> dtarget)
    {
        Require.Size(T, nameof(T));
        Require.Size(F, nameof(F));
        Require.Length(output, nameof(output), "T*F", T, F);
        Require.Length(target, nameof(target), "T*F", T, F);
        Require.Length(doutput, nameof(doutput), "T*F", T, F);
        Require.LengthOrEmpty(dtarget, nameof(dtarget), "T*F", T, F);
        for (int t = 0; t < T; t++)
            for (int f = 0; f < F; f++)
            {
                // forward: E += (y_t - yhat_t)^2
                double g = 2.0 * (output[t * F + f] - target[t * F + f]) * dE;
                doutput[t * F + f] += g;
                if (!dtarget.IsEmpty) dtarget[t * F + f] -= g;
            }
    }

    /// <summary>E for output and target of one shape [T, ...] (a scalar or [T] also works).</summary>
    public static double Forward(Tensor output, Tensor target)
    {
        var (T, F) = Dims(output, target);
        return Forward(output.Data, target.Data, T, F);
    }

    /// <summary>dE (the upstream gradient of the scalar E) -> gradients of output and target (fresh).</summary>
    public static SquaredErrorGradients Backward(double dE, Tensor output, Tensor target)
    {
        var (T, F) = Dims(output, target);
        var dOutput = Tensor.Zeros(output.Shape);
        var dTarget = Tensor.Zeros(output.Shape);
        Backward(dE, output.Data, target.Data, T, F, dOutput.Data, dTarget.Data);
        return new SquaredErrorGradients(dOutput, dTarget);
    }

    /// <summary>E and its gradients (dE = 1).</summary>
    public static (double E, SquaredErrorGradients Gradients) Compute(Tensor output, Tensor target) =>
        (Forward(output, target), Backward(1.0, output, target));

    private static (int T, int F) Dims(Tensor output, Tensor target)
    {
        Require.NotNull(output, nameof(output));
        Require.NotNull(target, nameof(target));
        if (!target.HasShape(output.Shape))
            throw new ArgumentException(
                $"target is {target.ShapeText()} but output is {output.ShapeText()}; they must have the same shape", nameof(target));
        int T = output.Rank == 0 ? 1 : output.Shape[0];
        return (T, T == 0 ? 0 : output.Length / T);
    }
}
