// The update Adam and AdamW share: torch.optim's _single_tensor_adam / _single_tensor_adamw
// (torch 1.13) once the weight decay is dealt with. For t = state.Step (1, 2, ...):
//   g     = -g when maximize;   g = g + weight_decay * theta   (Adam's L2 term; AdamW passes 0)
//   m     = beta1 * m + (1 - beta1) * g
//   v     = beta2 * v + (1 - beta2) * g^2
//   v     = max(v_max, v)   with amsgrad (PyTorch keeps the maximum of v itself and bias-corrects it afterwards)
//   m_hat = m / (1 - beta1^t),   v_hat = v / (1 - beta2^t)
//   theta = theta - lr * m_hat / (sqrt(v_hat) + eps)
// The bias corrections are folded into the step as PyTorch folds them:
//   step_size = lr / (1 - beta1^t),   denom = sqrt(v) / sqrt(1 - beta2^t) + eps.
// AdamW shrinks theta by (1 - lr * weight_decay) before calling this. Spec/optimizers.md.
namespace Rnn.Reference.Optimizers;

internal static class AdamUpdate
{
    /// <summary>One PyTorch-form Adam step of one parameter, in place; state.Step must already count this step.</summary>
    public static void Step(
        Span<double> theta,                 // theta[N]  (updated)
        ReadOnlySpan<double> g,             // g[N]
        AdamState state,                    // m, v (and v_max) [N], updated; t = state.Step
        double lr, (double Beta1, double Beta2) betas, double eps,
        double l2WeightDecay, bool amsgrad, bool maximize)
    {
        var (beta1, beta2) = betas;
        int t = state.Step;
        Span<double> m = state.ExpAvg.Data;                                   // m[N]
        Span<double> v = state.ExpAvgSq.Data;                                 // v[N]
        Span<double> vMax = amsgrad ? state.MaxExpAvgSq!.Data : default;      // vMax[N]
        double biasCorrection1 = 1 - Math.Pow(beta1, t);
        double biasCorrection2 = 1 - Math.Pow(beta2, t);
        double stepSize = lr / biasCorrection1;
        double biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
        // no slide shows this update (95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked); the slides name it:
        //   "Popular optimizers (e.g., RMSprop, ADAM, AdaGrad, AdaDelta) are variants of gradient descent" (95-865 lecture)
        for (int i = 0; i < theta.Length; i++)
        {
            double gi = maximize ? -g[i] : g[i];
            // g = g + weight_decay * theta   (L2; only when weight_decay != 0)
            if (l2WeightDecay != 0) gi += l2WeightDecay * theta[i];
            // m = beta1 * m + (1 - beta1) * g
            m[i] = m[i] * beta1 + (1 - beta1) * gi;
            // v = beta2 * v + (1 - beta2) * g^2
            v[i] = v[i] * beta2 + (1 - beta2) * gi * gi;
            double vUsed = v[i];
            if (amsgrad)
            {
                vMax[i] = Math.Max(vMax[i], v[i]);
                vUsed = vMax[i];
            }
            // theta = theta - lr * m_hat / (sqrt(v_hat) + eps)
            double denom = Math.Sqrt(vUsed) / biasCorrection2Sqrt + eps;
            theta[i] = theta[i] - stepSize * m[i] / denom;
        }
    }
}
