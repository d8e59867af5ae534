// copy-of: Reference/Optimizers/AdamUpdate.cs sha256:7d518e83f36e0610092eb7acb860f7ed4f1c734a28975ebb1497ac3efdba57b9
// A deliberate copy of the PyTorch-form Adam update (AdamUpdate.Step) with the bias-correction
// slips written in, for the cases it applies to (no amsgrad, no maximize, so those lines are
// left out). It differs from AdamUpdate.cs in the step:
//   theta[i] -= lr * mUsed / (Math.Sqrt(vUsed) + eps)   AdamUpdate: stepSize * m[i] / (Math.Sqrt(vUsed) / biasCorrection2Sqrt + eps)
//   with mUsed, vUsed the raw moments (NoBiasCorrection) or the corrected ones stored back into m, v (CorrectedMomentsStored)
// When AdamUpdate.cs changes, carry the change over and record its new hash (DeliberateCopyTests).
//
// Adam as implementations with a known mistake step it, for op "optimizer" cases asking for
// torch.optim.Adam (config name "adam", PyTorch form, no amsgrad, maximize or lookahead).
// The right step (Reference/Optimizers/Adam.cs, Spec/optimizers.md), for t = 1, 2, ...:
//   g = g + weight_decay * theta                       (L2, when weight_decay != 0)
//   m = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g²
//   m_hat = m / (1 - beta1^t);     v_hat = v / (1 - beta2^t)
//   theta = theta - lr m_hat / (sqrt(v_hat) + eps)
// Outputs are named as the op names them: each parameter after every step, [steps, ...shape].
// (Decoupled weight decay, the third Adam mistake, is the oracle's own "adamw".)
using Rnn.Grading.Oracle;
using Rnn.Grading.Oracle.Ops;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Diagnosis;

public enum AdamSlip
{
    /// <summary>No bias correction: theta -= lr m / (sqrt(v) + eps).</summary>
    NoBiasCorrection,

    /// <summary>
    /// The corrected moments are kept as the running moments: m = m / (1 - beta1^t) and
    /// v = v / (1 - beta2^t) overwrite m and v, so the next step starts from corrected values.
    /// </summary>
    CorrectedMomentsStored,
}

public static class AdamUnderMistake
{
    /// <summary>True when the case asks for torch.optim.Adam and the oracle accepts it.</summary>
    public static bool AsksAdam(Case c) =>
        c.Op == "optimizer"
        && Evaluator.Evaluate(c).Error is null
        && ConfigReader.String(c.Config, "name") == "adam"
        && ConfigReader.String(c.Config, "form", "pytorch") == "pytorch"
        && !ConfigReader.Bool(c.Config, "amsgrad", false)
        && !ConfigReader.Bool(c.Config, "maximize", false)
        && c.Config["lookahead"] is null;

    public static CaseResult? Run(Case c, AdamSlip slip)
    {
        if (!AsksAdam(c)) return null;
        double lr = ConfigReader.Double(c.Config, "lr", 1e-3);
        var betas = ConfigReader.Doubles(c.Config, "betas", [0.9, 0.999]);
        double beta1 = betas[0], beta2 = betas[1];
        double eps = ConfigReader.Double(c.Config, "eps", 1e-8);
        double wd = ConfigReader.Double(c.Config, "weight_decay", 0.0);

        var outputs = new NamedTensors();
        foreach (var (name, initial) in c.Inputs)
        {
            if (name.EndsWith(OptimizerOp.GradSuffix, StringComparison.Ordinal)) continue;
            var gradSteps = c.Inputs[name + OptimizerOp.GradSuffix];        // [steps, ...shape]
            int steps = gradSteps.Shape[0], N = initial.Length;
            var theta = (double[])initial.Data.Clone();                     // theta[N]
            var m = new double[N];
            var v = new double[N];
            var after = Tensor.Zeros([steps, .. initial.Shape]);
            for (int s = 0; s < steps; s++)
            {
                int t = s + 1;
                var g = gradSteps.Data.AsSpan(s * N, N);                    // grad[s]
                for (int i = 0; i < N; i++)
                {
                    double gi = wd != 0 ? g[i] + wd * theta[i] : g[i];
                    m[i] = beta1 * m[i] + (1 - beta1) * gi;
                    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
                    double mUsed = m[i], vUsed = v[i];
                    if (slip == AdamSlip.CorrectedMomentsStored)
                    {
                        // m = m / (1 - beta1^t); v = v / (1 - beta2^t): the corrected values replace the moments
                        m[i] /= 1 - Math.Pow(beta1, t);
                        v[i] /= 1 - Math.Pow(beta2, t);
                        mUsed = m[i]; vUsed = v[i];
                    }
                    // NoBiasCorrection uses m and v as they are
                    theta[i] -= lr * mUsed / (Math.Sqrt(vUsed) + eps);
                }
                theta.CopyTo(after.Data, s * N);                            // out[s] = theta after step s
            }
            outputs.Add(name, after);
        }
        return new CaseResult(c.Id, outputs, new NamedTensors());
    }
}
