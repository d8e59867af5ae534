// The gradient-norm clipping rules the project implements, and what a clip reports.
// Rules and worked numbers in Spec/clipping.md.
namespace Rnn.Reference.Clipping;

/// <summary>The gradient-norm clipping rules ClipGradNorm.Clip can apply.</summary>
public enum NormClipMode
{
    /// <summary>
    /// torch.nn.utils.clip_grad_norm_ (torch 1.13): one p-norm over all gradients together;
    /// every gradient is multiplied by min(1, max_norm / (total_norm + 1e-6)).
    /// </summary>
    PyTorch,

    /// <summary>
    /// Keras's clipnorm: each gradient tensor on its own, L2 norm, no epsilon:
    /// g = g * clipnorm / max(norm(g), clipnorm).
    /// </summary>
    PerTensor,

    /// <summary>
    /// The MATH80629 slide, as written: grad_norm = np.sum(grad * grad) (the SQUARED norm);
    /// if grad_norm > threshold: grad *= threshold / grad_norm. No framework does this.
    /// </summary>
    SlideSquaredNorm,

    /// <summary>d2l's grad_clipping: global L2 norm, no epsilon: if norm > theta: g *= theta / norm.</summary>
    NoEpsilon,
}

/// <summary>
/// What a norm clip measured before clipping and what it did.
/// TotalNorm: the rule's measure over all gradients together, before clipping: the total
/// p-norm (PyTorch, what clip_grad_norm_ returns), the global L2 norm (NoEpsilon; PerTensor,
/// for information only), or the slide's grad_norm, i.e. the SUM OF SQUARES (SlideSquaredNorm).
/// TensorNorms[k]: the same measure for the k-th tensor alone (in the set's order).
/// Scales[k]: the factor the k-th tensor was multiplied by (1 when it was left alone).
/// </summary>
public sealed record NormClipInfo(double TotalNorm, double[] TensorNorms, double[] Scales);
