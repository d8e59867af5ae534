// AdamW (Loshchilov & Hutter 2019) with PyTorch's semantics (torch.optim.AdamW, torch 1.13,
// _single_tensor_adamw): Adam whose weight decay is decoupled from the gradient. Each step
// first shrinks the parameter, theta = theta * (1 - lr * weight_decay), then takes Adam's step
// with the raw gradient. Default weight_decay is 0.01 (Adam's is 0). Spec/optimizers.md.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Optimizers;

/// <summary>torch.optim.AdamW's hyperparameters and defaults.</summary>
public sealed record AdamWOptions
{
    /// <summary>lr: the learning rate.</summary>
    public double Lr { get; init; } = 1e-3;
    /// <summary>betas: decay rates of the moment averages m and v.</summary>
    public (double Beta1, double Beta2) Betas { get; init; } = (0.9, 0.999);
    /// <summary>eps: added to the denominator for numerical stability.</summary>
    public double Eps { get; init; } = 1e-8;
    /// <summary>Decoupled decay: theta *= 1 - lr * weight_decay before the Adam step.</summary>
    public double WeightDecay { get; init; } = 1e-2;
    /// <summary>amsgrad: divide by the running maximum of v instead of v.</summary>
    public bool Amsgrad { get; init; } = false;
    /// <summary>maximize: ascend instead of descend (the gradient's sign is flipped first).</summary>
    public bool Maximize { get; init; } = false;
}

/// <summary>AdamW (torch.optim.AdamW): Adam with decoupled weight decay (Spec/optimizers.md).</summary>
public sealed class AdamW : IOptimizer
{
    private readonly Dictionary<string, AdamState> _state = new(StringComparer.Ordinal);

    /// <summary>The hyperparameters.</summary>
    public AdamWOptions Options { get; }

    /// <summary>Per-parameter state, by parameter name.</summary>
    public IReadOnlyDictionary<string, AdamState> State => _state;

    /// <summary>Checks the hyperparameters (ArgumentException naming the one out of range).</summary>
    public AdamW(AdamWOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AdamChecks.Common(options.Lr, options.Betas, options.Eps, options.WeightDecay);
        Options = options;
    }

    /// <inheritdoc/>
    public void Step(NamedTensors parameters, NamedTensors grads)
    {
        StepArguments.Check(parameters, grads);
        double decay = 1 - Options.Lr * Options.WeightDecay;
        foreach (var (name, param) in parameters)
        {
            var state = StepArguments.StateFor(_state, name, param,
                shape => new AdamState(shape, Options.Amsgrad), s => s.Shape);
            state.Step += 1;
            Span<double> theta = param.Data;                                      // theta[N]
            // no slide shows weight decay (95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked)
            // decoupled weight decay: theta = theta * (1 - lr * weight_decay)   (the gradient is untouched)
            for (int i = 0; i < theta.Length; i++) theta[i] = theta[i] * decay;
            // then Adam's step with the raw gradient: no L2 term
            AdamUpdate.Step(theta, grads[name].Data, state, Options.Lr, Options.Betas, Options.Eps,
                l2WeightDecay: 0, Options.Amsgrad, Options.Maximize);
        }
    }

    /// <inheritdoc/>
    public void ResetState() => _state.Clear();
}
