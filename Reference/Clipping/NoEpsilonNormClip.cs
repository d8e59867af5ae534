// Global-norm clipping without PyTorch's epsilon, as d2l's grad_clipping writes it:
//   norm = sqrt(sum over all gradients of g^2)
//   if norm > theta: g *= theta / norm
// A clipped gradient ends with norm theta exactly (up to rounding), where PyTorch's ends at
// max_norm * total / (total + 1e-6). Keras's global_clipnorm is this rule too.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Clipping;

public static class NoEpsilonNormClip
{
    public static NormClipInfo Clip(NamedTensors grads, double theta, bool errorIfNonfinite = false)
    {
        ClipChecks.Grads(grads);
        ClipChecks.Threshold(theta, "theta");

        // norm = sqrt(sum_k sum_i g_k[i]^2)   (one flat sum, as d2l)
        var tensorNorms = new double[grads.Count];
        double sumOfSquares = 0;
        int k = 0;
        foreach (var (_, g) in grads)
        {
            double s = GradNorm.SumOfSquares(g.Data);
            tensorNorms[k++] = Math.Sqrt(s);
            sumOfSquares += s;
        }
        double norm = Math.Sqrt(sumOfSquares);
        ClipChecks.FiniteIfAsked(norm, errorIfNonfinite, "the L2 norm");

        // if norm > theta: g *= theta / norm
        double scale = norm > theta ? theta / norm : 1.0;
        var scales = new double[grads.Count];
        k = 0;
        foreach (var (_, tensor) in grads)
        {
            Span<double> g = tensor.Data; // g[N]
            if (scale != 1.0)
                for (int i = 0; i < g.Length; i++) g[i] *= scale;
            scales[k++] = scale;
        }
        return new NormClipInfo(norm, tensorNorms, scales);
    }
}
