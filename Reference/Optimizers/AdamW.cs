// AdamW (Loshchilov & Hutter 2019) with PyTorch's semantics (torch.optim.AdamW, torch 1.13,
// _single_tensor_adamw): Adam whose weight decay is decoupled from the gradient. Each step
// first shrinks the parameter, theta = theta * (1 - lr * weight_decay), then takes Adam's step
// with the raw gradient. Default weight_decay is 0.01 (Adam's is 0). Spec/optimizers.md.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Optimizers;

/// <summary>torch.optim.AdamW's hyperparameters and defaults.</summary>
public sealed record AdamWOptions
{
    public double Lr { get; init; } = 1e-3;
    public (double Beta1, double Beta2) Betas { get; init; } = (0.9, 0.999);
    public double Eps { get; init; } = 1e-8;
    /// <summary>Decoupled decay: theta *= 1 - lr * weight_decay before the Adam step.</summary>
    public double WeightDecay { get; init; } = 1e-2;
    public bool Amsgrad { get; init; } = false;
    public bool Maximize { get; init; } = false;
}

public sealed class AdamW : IOptimizer
{
    private readonly Dictionary<string, AdamState> _state = new(StringComparer.Ordinal);

    public AdamWOptions Options { get; }

    public IReadOnlyDictionary<string, AdamState> State => _state;

    public AdamW(AdamWOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AdamChecks.Common(options.Lr, options.Betas, options.Eps, options.WeightDecay);
        Options = options;
    }

    public void Step(NamedTensors parameters, NamedTensors grads)
    {
        StepArguments.Check(parameters, grads);
        var (beta1, beta2) = Options.Betas;
        double lr = Options.Lr, eps = Options.Eps, wd = Options.WeightDecay;
        foreach (var (name, param) in parameters)
        {
            var state = StepArguments.StateFor(_state, name, param,
                shape => new AdamState(shape, Options.Amsgrad), s => s.Shape);
            state.Step += 1;
            int t = state.Step;
            Span<double> theta = param.Data;                                      // theta[N]
            ReadOnlySpan<double> g = grads[name].Data;                            // g[N]
            Span<double> m = state.ExpAvg.Data;                                   // m[N]
            Span<double> v = state.ExpAvgSq.Data;                                 // v[N]
            Span<double> vMax = Options.Amsgrad ? state.MaxExpAvgSq!.Data : default; // vMax[N]
            double decay = 1 - lr * wd;
            double biasCorrection1 = 1 - Math.Pow(beta1, t);
            double biasCorrection2 = 1 - Math.Pow(beta2, t);
            double stepSize = lr / biasCorrection1;
            double biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
            for (int i = 0; i < theta.Length; i++)
            {
                double gi = Options.Maximize ? -g[i] : g[i];
                // decoupled weight decay: theta = theta * (1 - lr * weight_decay)   (the gradient is untouched)
                theta[i] = theta[i] * decay;
                // m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2
                m[i] = m[i] * beta1 + (1 - beta1) * gi;
                v[i] = v[i] * beta2 + (1 - beta2) * gi * gi;
                double vUsed = v[i];
                if (Options.Amsgrad)
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

    public void ResetState() => _state.Clear();
}
