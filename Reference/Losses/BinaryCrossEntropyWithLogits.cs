// Binary cross-entropy from logits, PyTorch's F.binary_cross_entropy_with_logits /
// nn.BCEWithLogitsLoss: the loss of the slides' binary head ("dense layer with 1 neuron,
// sigmoid activation"), with the sigmoid folded into the loss. Spec/losses.md.
//
// x = input (logits), y = target (in [0, 1]; soft labels allowed), same shape; N elements.
// w = weight and pw = pos_weight, both optional, broadcast to x's shape (pos_weight is usually
// [C], one per class on the last axis).
//   l = w * ( pw * y * softplus(-x) + (1 - y) * softplus(x) )        (= -w [pw y log s + (1-y) log(1-s)], s = sigmoid(x))
//     = w * ( (1 - y) * x + lw * softplus(-x) ),  lw = 1 + (pw - 1) * y,
// and without pos_weight (pw = 1) this is the stable form max(x, 0) - x*y + log(1 + exp(-|x|)).
// softplus(z) = log(1 + e^z) is evaluated as max(z, 0) + log(1 + e^-|z|) (StableMath): no
// exponent is ever positive, so no overflow and no log(0) for any finite x.
// Reductions: none / sum / mean, where the mean divides by N (weights are NOT renormalised,
// unlike cross_entropy's weighted mean).
//
// Gradients:  dl/dx = w * ( lw * sigmoid(x) - pw * y )   (without pos_weight: w * (sigmoid(x) - y))
//             dl/dy = w * ( (pw - 1) * softplus(-x) - x ) (without pos_weight: -w * x)
// weight and pos_weight get no gradient: PyTorch treats them as constants (it refuses to differentiate them).
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Losses;

/// <summary>What BinaryCrossEntropyWithLogits.Backward needs; W and Pw are already broadcast to N elements (null: all 1).</summary>
public sealed record BceWithLogitsCache(Tensor Input, Tensor Target, double[]? W, double[]? Pw, Reduction Reduction);

/// <summary>Gradients of binary cross-entropy with respect to the logits and the targets.</summary>
public sealed record BceWithLogitsGradients(Tensor dInput, Tensor dTarget);

/// <summary>Binary cross-entropy from logits, PyTorch's F.binary_cross_entropy_with_logits, with optional weight and pos_weight (Spec/losses.md).</summary>
public static class BinaryCrossEntropyWithLogits
{
    /// <summary>l[N] from x[N], y[N], w[N] and pw[N] (w, pw may be empty: all 1). Overwrites l.</summary>
    public static void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> w, ReadOnlySpan<double> pw,
        Span<double> l)
    {
        // no slide writes this loss (95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked); the 95-865 lecture names
        // only its head: "Classification with 2 classes: dense layer with 1 neuron, sigmoid activation"
        for (int i = 0; i < x.Length; i++)
        {
            double wi = w.IsEmpty ? 1.0 : w[i];
            if (pw.IsEmpty)
                // l = max(x, 0) - x*y + log(1 + exp(-|x|))
                l[i] = wi * (Math.Max(x[i], 0.0) - x[i] * y[i] + StableMath.Log1P(Math.Exp(-Math.Abs(x[i]))));
            else
            {
                // l = (1 - y) * x + (1 + (pw - 1) * y) * softplus(-x)
                double lw = 1.0 + (pw[i] - 1.0) * y[i];
                l[i] = wi * ((1.0 - y[i]) * x[i] + lw * StableMath.Softplus(-x[i]));
            }
        }
    }

    /// <summary>dx[i] += dl/dx_i * dl[i] and (if not empty) dy[i] += dl/dy_i * dl[i]. Accumulates.</summary>
    public static void Backward(ReadOnlySpan<double> dl, ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        ReadOnlySpan<double> w, ReadOnlySpan<double> pw, Span<double> dx, Span<double> dy)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double g = (w.IsEmpty ? 1.0 : w[i]) * dl[i];
            double p = pw.IsEmpty ? 1.0 : pw[i];
            double lw = 1.0 + (p - 1.0) * y[i];
            // forward: l = (1 - y) x + lw softplus(-x);  softplus'(z) = sigmoid(z), sigmoid(-x) = 1 - sigmoid(x)
            dx[i] += g * (lw * Activations.Sigmoid(x[i]) - p * y[i]);
            // d/dy: -x + (pw - 1) softplus(-x)
            if (!dy.IsEmpty) dy[i] += g * ((p - 1.0) * StableMath.Softplus(-x[i]) - x[i]);
        }
    }

    /// <summary>
    /// input (logits) and target of one shape; weight and posWeight optional, broadcastable to it.
    /// Returns the loss (a scalar for mean and sum, input's shape for none) and the cache for Backward.
    /// </summary>
    public static (Tensor Loss, BceWithLogitsCache Cache) Forward(
        Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        Require.NotNull(input, nameof(input));
        Require.NotNull(target, nameof(target));
        Reductions.Check(reduction);
        if (!target.HasShape(input.Shape))
            throw new ArgumentException(
                $"target is {target.ShapeText()} but input is {input.ShapeText()}; they must have the same shape", nameof(target));
        double[]? W = weight is null ? null : Expand(weight, input.Shape, nameof(weight));
        double[]? Pw = posWeight is null ? null : Expand(posWeight, input.Shape, "pos_weight");
        var l = new double[input.Length];                            // [N]
        Forward(input.Data, target.Data, W, Pw, l);
        return (ElementwiseReduction.Reduce(l, input.Shape, reduction), new BceWithLogitsCache(input, target, W, Pw, reduction));
    }

    /// <summary>dLoss (the loss's shape) -> gradients of input and target (fresh).</summary>
    public static BceWithLogitsGradients Backward(Tensor dLoss, BceWithLogitsCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var dl = ElementwiseReduction.Spread(dLoss, cache.Input.Shape, cache.Reduction);   // [N]
        var dInput = Tensor.Zeros(cache.Input.Shape);
        var dTarget = Tensor.Zeros(cache.Input.Shape);
        Backward(dl, cache.Input.Data, cache.Target.Data, cache.W, cache.Pw, dInput.Data, dTarget.Data);
        return new BceWithLogitsGradients(dInput, dTarget);
    }

    /// <summary>The loss and its gradients for an upstream gradient of 1 (of ones for "none").</summary>
    public static (Tensor Loss, BceWithLogitsGradients Gradients) Compute(
        Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        var (loss, cache) = Forward(input, target, weight, posWeight, reduction);
        return (loss, Backward(ElementwiseReduction.Ones(loss), cache));
    }

    private static double[] Expand(Tensor small, int[] shape, string name)
    {
        var map = Broadcast.IndexMap(small, shape, name);
        var full = new double[map.Length];
        for (int k = 0; k < map.Length; k++) full[k] = small.Data[map[k]];
        return full;
    }
}
