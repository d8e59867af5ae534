// Global-norm clipping without PyTorch's epsilon, as d2l's grad_clipping writes it:
//   norm = sqrt(sum over all gradients of g^2)
//   if norm > theta: g *= theta / norm
// A clipped gradient ends with norm theta exactly (up to rounding), where PyTorch's ends at
// max_norm * total / (total + 1e-6). Keras's global_clipnorm is this rule too.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Clipping;

/// <summary>Global L2-norm clipping without PyTorch's epsilon (d2l's grad_clipping, Keras's global_clipnorm).</summary>
public static class NoEpsilonNormClip
{
    /// <summary>If norm = sqrt(sum of g^2 over all tensors) exceeds theta, multiplies every gradient by theta / norm, in place.</summary>
    /// <param name="grads">the gradients, clipped in place</param>
    /// <param name="theta">the threshold, >= 0</param>
    /// <param name="errorIfNonfinite">throw (grads untouched) when the norm is NaN or infinite</param>
    /// <returns>the norm before clipping, each tensor's norm, and the factor each was multiplied by</returns>
    public static NormClipInfo Clip(NamedTensors grads, double theta, bool errorIfNonfinite = false)
    {
        ClipChecks.Grads(grads);
        ClipChecks.Threshold(theta, "theta");

        // norm = sqrt(sum_k sum_i g_k[i]^2)   (one flat sum, as d2l)
        var tensorNorms = new double[grads.Count];
        double norm = GradNorm.FlatL2(grads, tensorNorms);
        ClipChecks.FiniteIfAsked(norm, errorIfNonfinite, "the L2 norm");

        // slide (MATH80629): Gradient clipping: Scale gradient if its norm is too big
        // if norm > theta: g *= theta / norm
        double scale = norm > theta ? theta / norm : 1.0;
        return new NormClipInfo(norm, tensorNorms, Rescale.All(grads, scale));
    }
}
