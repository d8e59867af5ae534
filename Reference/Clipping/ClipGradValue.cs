// Per-element gradient clipping, in place: torch.nn.utils.clip_grad_value_(parameters, clip_value)
// (torch 1.13) clamps every element to [-clip_value, clip_value]. min-char-rnn does the same
// with 5 (np.clip(dparam, -5, 5, out=dparam)); Keras's clipvalue too. NaN stays NaN.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Clipping;

/// <summary>Per-element clipping, in place: PyTorch's clip_grad_value_ (Spec/clipping.md).</summary>
public static class ClipGradValue
{
    /// <summary>g = clamp(g, -clipValue, clipValue) for every element; returns how many elements changed.</summary>
    public static int Clip(NamedTensors grads, double clipValue)
    {
        ClipChecks.Grads(grads);
        ClipChecks.Threshold(clipValue, "clip_value");
        // no slide clips by value (95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked): the slides' clipping scales by the norm
        int changed = 0;
        foreach (var (_, tensor) in grads)
        {
            Span<double> g = tensor.Data; // g[N]
            for (int i = 0; i < g.Length; i++)
            {
                if (g[i] > clipValue) { g[i] = clipValue; changed++; }
                else if (g[i] < -clipValue) { g[i] = -clipValue; changed++; }
            }
        }
        return changed;
    }
}
