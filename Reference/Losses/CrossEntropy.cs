// Softmax cross-entropy from logits with class-index targets, PyTorch's F.cross_entropy /
// nn.CrossEntropyLoss (log_softmax then nll_loss). The loss of the slides' multi-class head
// ("dense layer, softmax activation"), and per time step the L(yhat<t>, y<t>) of
// "L(yhat, y) = sum_t L(yhat<t>, y<t>)" (STATS 507); SequenceRows shows the [T, B, C] use.
// Spec/losses.md.
//
// Layout as PyTorch: input [C] (one example, target a scalar), [N, C] (target [N]) or
// [N, C, d1, ...] (target [N, d1, ...]). Seen as [Outer, C, Inner]: Outer = N (1 unbatched),
// Inner = d1*d2*... (1 without extra axes); target [Outer, Inner]. One softmax per (n, i).
//
//   logp[n, c, i] = x[n, c, i] - logsumexp_c x[n, :, i]   (stable: the max is taken out first)
//   l[n, i] = -w[t] * logp[n, t, i] with t = target[n, i]; 0 where t == ignore_index
//   none: l;  sum: sum l;  mean: sum l / sum_{(n, i) not ignored} w[t]   (PyTorch's weighted mean)
// w is the optional class weight [C] (1 for every class when absent), so the unweighted mean
// divides by the number of targets that are not ignored. If every target is ignored (or all
// their weights are 0) the mean is 0 / 0 = NaN, as in PyTorch.
//
// Backward: dx[n, c, i] = coef[n, i] * (p[n, c, i] - [c == t]), p = softmax, with
// coef = w[t] * dLoss[n, i] (none), w[t] * dLoss (sum), w[t] * dLoss / sum w (mean); 0 where ignored.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Losses;

/// <summary>What CrossEntropy.Backward needs: softmax probabilities, targets, weights and the reduction.</summary>
public sealed record CrossEntropyCache(
    int[] InputShape, int Outer, int C, int Inner,
    double[] Probs, int[] Targets, double[]? ClassWeight, int IgnoreIndex, Reduction Reduction, double TotalWeight);

/// <summary>Softmax cross-entropy from logits with class-index targets, PyTorch's F.cross_entropy (Spec/losses.md).</summary>
public static class CrossEntropy
{
    /// <summary>PyTorch's default ignore_index.</summary>
    public const int DefaultIgnoreIndex = -100;

    /// <summary>
    /// One softmax group: logits z[C] (stride apart in memory, starting at 0) -> log-sum-exp,
    /// and p[c] = softmax written at the same stride. Stable: m = max z is subtracted before exp.
    /// </summary>
    public static double LogSumExp(ReadOnlySpan<double> z, int C, int stride, Span<double> p)
    {
        double m = double.NegativeInfinity;
        for (int c = 0; c < C; c++) m = Math.Max(m, z[c * stride]);
        // logsumexp(z) = m + log sum_c exp(z_c - m): every exponent <= 0, the largest term is 1
        double sum = 0.0;
        for (int c = 0; c < C; c++) sum += Math.Exp(z[c * stride] - m);
        double lse = m + Math.Log(sum);
        for (int c = 0; c < C; c++) p[c * stride] = Math.Exp(z[c * stride] - lse);
        return lse;
    }

    /// <summary>
    /// input [C], [N, C] or [N, C, d1, ...]; target: class indices, Outer*Inner of them in the order of
    /// the target shape ([] / [N] / [N, d1, ...]); weight [C] or null. Returns the loss (a scalar for
    /// mean and sum, the target's shape for none) and the cache for Backward.
    /// </summary>
    public static (Tensor Loss, CrossEntropyCache Cache) Forward(
        Tensor input, ReadOnlySpan<int> target, Tensor? weight = null,
        Reduction reduction = Reduction.Mean, int ignoreIndex = DefaultIgnoreIndex)
    {
        Require.NotNull(input, nameof(input));
        Reductions.Check(reduction);
        if (input.Rank < 1)
            throw new ArgumentException(
                $"input is {input.ShapeText()} but [C], [N, C] or [N, C, d1, ...] logits were expected", nameof(input));
        int[] targetShape = TargetShape(input.Shape);
        int C = input.Rank == 1 ? input.Shape[0] : input.Shape[1];
        Require.Positive(C, "number of classes C (input.shape[1], or input.shape[0] unbatched)");
        int Outer = input.Rank == 1 ? 1 : input.Shape[0];
        int Inner = Outer * C == 0 ? 0 : input.Length / (Outer * C);
        if (target.Length != Outer * Inner)
            throw new ArgumentException(
                $"target has {target.Length} elements but input {input.ShapeText()} needs targets of shape {Tensor.ShapeText(targetShape)} ({Outer * Inner} elements)",
                nameof(target));
        if (weight is not null && !weight.HasShape(C))
            throw new ArgumentException(
                $"weight is {weight.ShapeText()} but input {input.ShapeText()} has {C} classes, so weight [{C}] was expected", nameof(weight));
        for (int k = 0; k < target.Length; k++)
            if (target[k] != ignoreIndex && (target[k] < 0 || target[k] >= C))
                throw new ArgumentException(
                    $"target has {target[k]} at position {FlatPosition.Text(k, targetShape)} but class indices must lie in [0, {C - 1}] (or be ignore_index {ignoreIndex})",
                    nameof(target));

        var x = input.Data;
        var probs = new double[input.Length];                        // [Outer, C, Inner]
        var l = new double[Outer * Inner];                           // [Outer, Inner]
        double totalWeight = 0.0;
        for (int o = 0; o < Outer; o++)
            for (int i = 0; i < Inner; i++)
            {
                int at0 = o * C * Inner + i;                         // x[o, 0, i]; x[o, c, i] is at0 + c*Inner
                double lse = LogSumExp(x.AsSpan(at0), C, Inner, probs.AsSpan(at0));
                int t = target[o * Inner + i];
                if (t == ignoreIndex) continue;                      // l = 0, weight 0
                double w = weight is null ? 1.0 : weight.Data[t];
                // slide (STATS 507): L(ŷ, y) = Σ_{t=1}^{T_y} L(ŷ<t>, y<t>)   (this is one L(ŷ<t>, y<t>); no slide
                //   writes the cross-entropy itself, 95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked)
                // l = -w[t] * log softmax(x)[t] = w[t] * (logsumexp(x) - x[t])
                l[o * Inner + i] = w * (lse - x[at0 + t * Inner]);
                totalWeight += w;
            }

        Tensor loss;
        if (reduction == Reduction.None)
            loss = new Tensor(targetShape, l);
        else
        {
            double sum = 0.0;
            for (int k = 0; k < l.Length; k++) sum += l[k];
            loss = Tensor.Scalar(reduction == Reduction.Sum ? sum : sum / totalWeight);
        }
        var cache = new CrossEntropyCache((int[])input.Shape.Clone(), Outer, C, Inner, probs, target.ToArray(),
            weight is null ? null : (double[])weight.Data.Clone(), ignoreIndex, reduction, totalWeight);
        return (loss, cache);
    }

    /// <summary>dLoss (the loss's shape) -> dInput (input's shape, fresh).</summary>
    public static Tensor Backward(Tensor dLoss, CrossEntropyCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        int Outer = cache.Outer, C = cache.C, Inner = cache.Inner;
        if (cache.Reduction == Reduction.None) Require.Shape(dLoss, nameof(dLoss), TargetShape(cache.InputShape));
        else Require.Shape(dLoss, nameof(dLoss), []);
        var dInput = Tensor.Zeros(cache.InputShape);                 // [Outer, C, Inner]
        var dx = dInput.Data;
        var p = cache.Probs;
        for (int o = 0; o < Outer; o++)
            for (int i = 0; i < Inner; i++)
            {
                int t = cache.Targets[o * Inner + i];
                if (t == cache.IgnoreIndex) continue;                // ignored targets pass no gradient
                double w = cache.ClassWeight is null ? 1.0 : cache.ClassWeight[t];
                double coef = cache.Reduction switch
                {
                    Reduction.None => w * dLoss.Data[o * Inner + i],
                    Reduction.Sum => w * dLoss.Data[0],
                    _ => w * dLoss.Data[0] / cache.TotalWeight,
                };
                int at0 = o * C * Inner + i;
                // forward: l = w[t] * (logsumexp(x) - x[t]);  d logsumexp / dx_c = p_c
                for (int c = 0; c < C; c++) dx[at0 + c * Inner] += coef * p[at0 + c * Inner];
                dx[at0 + t * Inner] -= coef;
            }
        return dInput;
    }

    /// <summary>The loss and dInput for an upstream gradient of 1 (of ones for "none").</summary>
    public static (Tensor Loss, Tensor dInput) Compute(
        Tensor input, ReadOnlySpan<int> target, Tensor? weight = null,
        Reduction reduction = Reduction.Mean, int ignoreIndex = DefaultIgnoreIndex)
    {
        var (loss, cache) = Forward(input, target, weight, reduction, ignoreIndex);
        return (loss, Backward(ElementwiseReduction.Ones(loss), cache));
    }

    /// <summary>The target shape for an input shape: [] for [C], [N] for [N, C], [N, d1, ...] for [N, C, d1, ...].</summary>
    public static int[] TargetShape(ReadOnlySpan<int> inputShape) =>
        inputShape.Length <= 1 ? [] : [inputShape[0], .. inputShape[2..]];
}
