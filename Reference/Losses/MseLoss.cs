// Mean squared error, PyTorch's F.mse_loss / nn.MSELoss: l_i = (input_i - target_i)^2,
// reduced by "mean" (default), "sum" or "none". With "sum" it is the slides' summed squared
// error (SummedSquaredError). Spec/losses.md.
//
// N = number of elements; input and target have the same shape (no broadcasting).
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Losses;

/// <summary>What MseLoss.Backward needs.</summary>
public sealed record MseLossCache(Tensor Input, Tensor Target, Reduction Reduction);

/// <summary>Gradients of a squared-error loss with respect to both of its arguments.</summary>
public sealed record SquaredErrorGradients(Tensor dInput, Tensor dTarget);

/// <summary>Mean squared error, PyTorch's F.mse_loss, with its backward (Spec/losses.md).</summary>
public static class MseLoss
{
    /// <summary>l[N] = (x - y)^2 elementwise. Overwrites l.</summary>
    public static void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> l)
    {
        Require.SameLength(y, nameof(y), x, nameof(x));
        Require.SameLength(l, nameof(l), x, nameof(x));
        // slide (MATH80629): E = Σ_t (y_t - ŷ_t)^2   (that is this loss with reduction "sum": SummedSquaredError)
        for (int i = 0; i < x.Length; i++)
        {
            double diff = x[i] - y[i];
            l[i] = diff * diff;
        }
    }

    /// <summary>dx[i] += 2 (x_i - y_i) dl_i and dy[i] -= 2 (x_i - y_i) dl_i. Accumulates; dy may be empty.</summary>
    public static void Backward(ReadOnlySpan<double> dl, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> dx, Span<double> dy)
    {
        Require.SameLength(y, nameof(y), x, nameof(x));
        Require.SameLength(dl, nameof(dl), x, nameof(x));
        Require.SameLength(dx, nameof(dx), x, nameof(x));
        Require.SameLengthOrEmpty(dy, nameof(dy), x, nameof(x));
        for (int i = 0; i < x.Length; i++)
        {
            // forward: l_i = (x_i - y_i)^2
            double g = 2.0 * (x[i] - y[i]) * dl[i];
            dx[i] += g;
            if (!dy.IsEmpty) dy[i] -= g;
        }
    }

    /// <summary>
    /// input and target of one shape. Returns the loss (a scalar [] for mean and sum, input's shape
    /// for none) and the cache for Backward.
    /// </summary>
    public static (Tensor Loss, MseLossCache Cache) Forward(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        Require.NotNull(input, nameof(input));
        Require.NotNull(target, nameof(target));
        if (!target.HasShape(input.Shape))
            throw new ArgumentException(
                $"target is {target.ShapeText()} but input is {input.ShapeText()}; they must have the same shape", nameof(target));
        Reductions.Check(reduction);
        var l = new double[input.Length];                            // [N]
        Forward(input.Data, target.Data, l);
        return (ElementwiseReduction.Reduce(l, input.Shape, reduction), new MseLossCache(input, target, reduction));
    }

    /// <summary>dLoss (the loss's shape) -> gradients of input and target (fresh).</summary>
    public static SquaredErrorGradients Backward(Tensor dLoss, MseLossCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var dl = ElementwiseReduction.Spread(dLoss, cache.Input.Shape, cache.Reduction);   // [N]
        var dInput = Tensor.Zeros(cache.Input.Shape);
        var dTarget = Tensor.Zeros(cache.Input.Shape);
        Backward(dl, cache.Input.Data, cache.Target.Data, dInput.Data, dTarget.Data);
        return new SquaredErrorGradients(dInput, dTarget);
    }

    /// <summary>The loss and its gradients for an upstream gradient of 1 (of ones for "none").</summary>
    public static (Tensor Loss, SquaredErrorGradients Gradients) Compute(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        var (loss, cache) = Forward(input, target, reduction);
        return (loss, Backward(ElementwiseReduction.Ones(loss), cache));
    }
}
