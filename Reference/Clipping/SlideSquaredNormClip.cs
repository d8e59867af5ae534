// Gradient clipping exactly as the MATH80629 slide writes it ("Gradient clipping: Scale
// gradient if its norm is too big"):
//   grad_norm = np.sum(grad * grad)
//   if grad_norm > threshold:
//       grad *= (threshold / grad_norm)
// grad_norm here is the SQUARED L2 norm (there is no square root), so this is not the usual
// rule: a gradient of norm 2 with threshold 3 is scaled by 3/4 (2^2 = 4 > 3) where the true
// norm rule does nothing, and a clipped gradient ends with norm threshold / norm, not threshold.
// Kept as a named, slide-faithful mode; Spec/clipping.md works the differences out with numbers.
// The slide's `grad` is the whole gradient: here all tensors of the set together, as one vector.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Clipping;

/// <summary>The MATH80629 slide's clipping, which compares the squared norm with the threshold.</summary>
public static class SlideSquaredNormClip
{
    /// <summary>The slide's rule over all tensors together. TotalNorm in the result is grad_norm, the sum of squares.</summary>
    public static NormClipInfo Clip(NamedTensors grads, double threshold, bool errorIfNonfinite = false)
    {
        ClipChecks.Grads(grads);
        ClipChecks.Threshold(threshold, "threshold");

        // slide: grad_norm = np.sum(grad * grad)
        var tensorSums = new double[grads.Count];
        double gradNorm = 0;
        int k = 0;
        foreach (var (_, g) in grads)
        {
            tensorSums[k] = GradNorm.SumOfSquares(g.Data);
            gradNorm += tensorSums[k++];
        }
        ClipChecks.FiniteIfAsked(gradNorm, errorIfNonfinite, "the sum of squares grad_norm");

        // slide: if grad_norm > threshold: grad *= (threshold / grad_norm)
        double scale = gradNorm > threshold ? threshold / gradNorm : 1.0;
        return new NormClipInfo(gradNorm, tensorSums, Rescale.All(grads, scale));
    }
}
