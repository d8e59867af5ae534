// Gradient clipping by norm, in place. The default is PyTorch's
// torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type=2, error_if_nonfinite=False)
// (torch 1.13, torch/nn/utils/clip_grad.py):
//   total_norm = || (||g_0||_p, ||g_1||_p, ...) ||_p          (p = norm_type; inf: max |g|)
//   clip_coef  = max_norm / (total_norm + 1e-6)
//   g          = g * min(clip_coef, 1)   for every gradient   (1.13 always multiplies, by 1 when not clipping)
//   returns total_norm, measured BEFORE clipping
// The other rules (Keras per-tensor, the slide's squared norm, d2l's no-epsilon norm) are in
// their own files; Clip dispatches on the mode. Spec/clipping.md shows where they differ.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Clipping;

/// <summary>Gradient clipping by norm, in place: PyTorch's clip_grad_norm_ and the other rules of NormClipMode (Spec/clipping.md).</summary>
public static class ClipGradNorm
{
    /// <summary>PyTorch's epsilon in clip_coef = max_norm / (total_norm + 1e-6).</summary>
    public const double Epsilon = 1e-6;

    /// <summary>
    /// Clips grads in place by the chosen rule and reports what it measured and did.
    /// maxNorm is PyTorch's max_norm (Keras's clipnorm, the slide's threshold, d2l's theta);
    /// normType p > 0 or +inf applies to the PyTorch rule only, the others are L2 (pass 2).
    /// errorIfNonfinite: throw (and leave grads untouched) when the measured total is NaN or infinite.
    /// </summary>
    public static NormClipInfo Clip(NamedTensors grads, double maxNorm, double normType = 2.0,
        NormClipMode mode = NormClipMode.PyTorch, bool errorIfNonfinite = false)
    {
        if (mode != NormClipMode.PyTorch && normType != 2)
            throw new ArgumentException(
                $"norm_type must be 2 for mode {mode} (that rule uses the L2 norm) but is {normType}", nameof(normType));
        return mode switch
        {
            NormClipMode.PyTorch => ClipPyTorch(grads, maxNorm, normType, errorIfNonfinite),
            NormClipMode.PerTensor => PerTensorNormClip.Clip(grads, maxNorm, errorIfNonfinite),
            NormClipMode.SlideSquaredNorm => SlideSquaredNormClip.Clip(grads, maxNorm, errorIfNonfinite),
            NormClipMode.NoEpsilon => NoEpsilonNormClip.Clip(grads, maxNorm, errorIfNonfinite),
            _ => throw new ArgumentException($"mode {mode} is not a NormClipMode", nameof(mode)),
        };
    }

    /// <summary>torch.nn.utils.clip_grad_norm_, exactly: returns the total norm before clipping.</summary>
    public static NormClipInfo ClipPyTorch(NamedTensors grads, double maxNorm, double normType = 2.0,
        bool errorIfNonfinite = false)
    {
        ClipChecks.Grads(grads);
        ClipChecks.Threshold(maxNorm, "max_norm");
        if (!(normType > 0))
            throw new ArgumentException($"norm_type must be a number > 0 or infinity but is {normType}", nameof(normType));

        // total_norm = norm of the per-tensor norms
        var tensorNorms = new double[grads.Count];
        double totalNorm = GradNorm.Total(grads, normType, tensorNorms);
        ClipChecks.FiniteIfAsked(totalNorm, errorIfNonfinite, $"the total norm of order {normType}");

        // slide (MATH80629): Gradient clipping: Scale gradient if its norm is too big
        // slide (STATS 507): Gradient clipping to scale big gradients   (the slides' one formula is SlideSquaredNormClip's)
        // clip_coef = max_norm / (total_norm + 1e-6); clip_coef_clamped = clamp(clip_coef, max=1.0)
        double clipCoef = maxNorm / (totalNorm + Epsilon);
        double scale = Math.Min(clipCoef, 1.0); // a NaN total gives a NaN scale, as torch.clamp does
        // g = g * clip_coef_clamped   for every gradient
        return new NormClipInfo(totalNorm, tensorNorms, Rescale.All(grads, scale));
    }
}
