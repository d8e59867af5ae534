// Norms of gradients, computed as torch.nn.utils.clip_grad_norm_ computes them: the p-norm of
// each tensor, then the p-norm of those norms (for p = inf, the largest |g|). Mathematically
// that is the p-norm of all gradients viewed as one flat vector. No rescaling against
// overflow, as in PyTorch: (sum |g|^p)^(1/p) overflows where the sum does.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Clipping;

/// <summary>p-norms of gradients as clip_grad_norm_ computes them.</summary>
public static class GradNorm
{
    /// <summary>||x||_p = (sum_i |x_i|^p)^(1/p) for p > 0; max_i |x_i| for p = +inf. NaN anywhere gives NaN.</summary>
    public static double Of(ReadOnlySpan<double> x, double p)
    {
        if (double.IsPositiveInfinity(p))
        {
            double max = 0;
            for (int i = 0; i < x.Length; i++) max = Math.Max(max, Math.Abs(x[i])); // Math.Max propagates NaN
            return max;
        }
        if (p == 2) return Math.Sqrt(SumOfSquares(x));
        double sum = 0;
        if (p == 1)
        {
            for (int i = 0; i < x.Length; i++) sum += Math.Abs(x[i]);
            return sum;
        }
        for (int i = 0; i < x.Length; i++) sum += Math.Pow(Math.Abs(x[i]), p);
        return Math.Pow(sum, 1 / p);
    }

    /// <summary>sum_i x_i * x_i: the squared L2 norm (the slide's np.sum(grad * grad)).</summary>
    public static double SumOfSquares(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += x[i] * x[i];
        return sum;
    }

    /// <summary>
    /// PyTorch's total norm: ||(||g_0||_p, ||g_1||_p, ...)||_p. Writes each tensor's own norm to
    /// tensorNorms (one per tensor, in the set's order). An empty set has norm 0.
    /// </summary>
    public static double Total(NamedTensors grads, double p, Span<double> tensorNorms)
    {
        ArgumentNullException.ThrowIfNull(grads);
        if (tensorNorms.Length != grads.Count)
            throw new ArgumentException(
                $"tensorNorms has {tensorNorms.Length} elements but grads holds {grads.Count} tensors", nameof(tensorNorms));
        int k = 0;
        foreach (var (_, g) in grads) tensorNorms[k++] = Of(g.Data, p);
        return Of(tensorNorms, p);
    }

    /// <summary>
    /// The global L2 norm as one flat sum, sqrt(sum_k sum_i g_k[i]^2), as d2l and Keras compute it
    /// (Total takes the norm of the per-tensor norms, as PyTorch does; the two agree up to rounding).
    /// Writes each tensor's own L2 norm to tensorNorms (one per tensor, in the set's order).
    /// </summary>
    internal static double FlatL2(NamedTensors grads, Span<double> tensorNorms)
    {
        double sumOfSquares = 0;
        int k = 0;
        foreach (var (_, g) in grads)
        {
            double s = SumOfSquares(g.Data);
            tensorNorms[k++] = Math.Sqrt(s);
            sumOfSquares += s;
        }
        return Math.Sqrt(sumOfSquares);
    }

    /// <summary>The p-norm of all gradients together (see Total).</summary>
    public static double Total(NamedTensors grads, double p = 2.0)
    {
        ArgumentNullException.ThrowIfNull(grads);
        return Total(grads, p, new double[grads.Count]);
    }
}
