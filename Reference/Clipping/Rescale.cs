// The last line of every global-norm rule (PyTorch's clip_grad_norm_, d2l's no-epsilon rule,
// the MATH80629 slide's squared norm): every gradient tensor multiplied, in place, by the one
// factor the rule chose:
//   g = g * scale   for every gradient
// A factor of 1 leaves every value exactly as it was (x * 1 = x in IEEE 754, NaN stays NaN),
// so a rule that does not clip needs no special case. Keras's per-tensor rule has a factor per
// tensor and its own order of operations (PerTensorNormClip).
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Clipping;

internal static class Rescale
{
    /// <summary>g = g * scale for every tensor of grads; returns the factor each tensor was multiplied by (NormClipInfo.Scales).</summary>
    public static double[] All(NamedTensors grads, double scale)
    {
        var scales = new double[grads.Count];
        int k = 0;
        foreach (var (_, tensor) in grads)
        {
            Span<double> g = tensor.Data; // g[N]
            for (int i = 0; i < g.Length; i++) g[i] *= scale;
            scales[k++] = scale;
        }
        return scales;
    }
}
