// Keras's clipnorm (keras.optimizers.Optimizer, BaseOptimizer._clip_by_norm): every gradient
// tensor is clipped ON ITS OWN to L2 norm at most clipnorm, with no epsilon:
//   g = g * clipnorm / max(||g||_2, clipnorm)
// Keras applies this formula to every tensor, also the ones under the limit (then the factor
// is clipnorm / clipnorm); so does this code, in Keras's order (g * clipnorm first, then the
// division). Keras's global_clipnorm is the global-norm rule without epsilon (NoEpsilonNormClip).
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Clipping;

/// <summary>Keras's clipnorm: each gradient tensor clipped to L2 norm at most clipnorm on its own.</summary>
public static class PerTensorNormClip
{
    /// <summary>Clips each tensor of grads in place; clipNorm must be > 0 (Keras ignores clipnorm &lt;= 0).</summary>
    public static NormClipInfo Clip(NamedTensors grads, double clipNorm, bool errorIfNonfinite = false)
    {
        ClipChecks.Grads(grads);
        ClipChecks.Threshold(clipNorm, "clipnorm");
        if (clipNorm == 0)
            throw new ArgumentException("clipnorm must be > 0 for per-tensor clipping (Keras ignores 0) but is 0", "clipnorm");

        var tensorNorms = new double[grads.Count];
        double totalNorm = GradNorm.FlatL2(grads, tensorNorms); // for information: Keras returns no norm
        ClipChecks.FiniteIfAsked(totalNorm, errorIfNonfinite, "the L2 norm");

        var scales = new double[grads.Count];
        int k = 0;
        foreach (var (_, tensor) in grads)
        {
            Span<double> g = tensor.Data; // g[N]
            // slide (MATH80629): Gradient clipping: Scale gradient if its norm is too big   (here each tensor's own norm)
            // Keras: values * clipnorm / maximum(l2norm, clipnorm)
            double denominator = Math.Max(tensorNorms[k], clipNorm);
            for (int i = 0; i < g.Length; i++) g[i] = g[i] * clipNorm / denominator;
            scales[k] = clipNorm / denominator;
            k++;
        }
        return new NormClipInfo(totalNorm, tensorNorms, scales);
    }
}
