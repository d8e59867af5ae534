// Stochastic gradient descent with PyTorch's momentum, dampening, Nesterov and weight decay
// (torch.optim.SGD, torch 1.13, _single_tensor_sgd). With the defaults it is the slide's
// "new weight = weight - learning rate * gradient". Equations in Spec/optimizers.md.
//
// PyTorch's momentum differs from Sutskever et al.: the buffer holds gradients, not steps
// (b = momentum * b + (1 - dampening) * g; theta -= lr * b), and the FIRST step sets b = g
// outright, so dampening does not shrink the first step.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Optimizers;

/// <summary>torch.optim.SGD's hyperparameters. lr has no default, as in PyTorch.</summary>
public sealed record SgdOptions(double Lr)
{
    /// <summary>momentum: 0 for plain gradient descent.</summary>
    public double Momentum { get; init; } = 0;
    /// <summary>dampening: b = momentum * b + (1 - dampening) * g after the first step.</summary>
    public double Dampening { get; init; } = 0;
    /// <summary>L2 penalty: weight_decay * theta is added to the gradient.</summary>
    public double WeightDecay { get; init; } = 0;
    /// <summary>nesterov: step with g + momentum * b instead of b.</summary>
    public bool Nesterov { get; init; } = false;
    /// <summary>Ascend instead of descend (the gradient's sign is flipped first).</summary>
    public bool Maximize { get; init; } = false;
}

/// <summary>SGD's state for one parameter: PyTorch's state["momentum_buffer"].</summary>
public sealed class SgdState(int[] shape)
{
    /// <summary>The parameter's shape.</summary>
    public int[] Shape { get; } = shape;

    /// <summary>null until the parameter's first step with momentum (PyTorch's "buf is None").</summary>
    public Tensor? MomentumBuffer { get; internal set; }
}

/// <summary>SGD (torch.optim.SGD) with momentum, dampening, Nesterov and L2 weight decay (Spec/optimizers.md).</summary>
public sealed class Sgd : IOptimizer
{
    private readonly Dictionary<string, SgdState> _state = new(StringComparer.Ordinal);

    /// <summary>The hyperparameters.</summary>
    public SgdOptions Options { get; }

    /// <summary>Per-parameter state, by parameter name.</summary>
    public IReadOnlyDictionary<string, SgdState> State => _state;

    /// <summary>Checks the hyperparameters (ArgumentException naming the one out of range).</summary>
    public Sgd(SgdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Hyperparameter.AtLeastZero(options.Lr, "lr");
        Hyperparameter.AtLeastZero(options.Momentum, "momentum");
        Hyperparameter.Finite(options.Dampening, "dampening");
        Hyperparameter.AtLeastZero(options.WeightDecay, "weight_decay");
        if (options.Nesterov && (options.Momentum <= 0 || options.Dampening != 0))
            throw new ArgumentException(
                $"nesterov requires momentum > 0 and dampening 0 but momentum is {Hyperparameter.Text(options.Momentum)} " +
                $"and dampening is {Hyperparameter.Text(options.Dampening)}", "nesterov");
        Options = options;
    }

    /// <inheritdoc/>
    public void Step(NamedTensors parameters, NamedTensors grads)
    {
        StepArguments.Check(parameters, grads);
        double lr = Options.Lr, mu = Options.Momentum, tau = Options.Dampening, wd = Options.WeightDecay;
        foreach (var (name, param) in parameters)
        {
            var state = StepArguments.StateFor(_state, name, param, shape => new SgdState(shape), s => s.Shape);
            Span<double> theta = param.Data;              // theta[N]: the parameter, flat
            ReadOnlySpan<double> g = grads[name].Data;    // g[N]: its gradient
            bool first = state.MomentumBuffer is null;
            if (mu != 0 && first) state.MomentumBuffer = Tensor.Zeros(state.Shape);
            Span<double> b = mu != 0 ? state.MomentumBuffer!.Data : default; // b[N]: momentum buffer
            for (int i = 0; i < theta.Length; i++)
            {
                double d = Options.Maximize ? -g[i] : g[i];
                // g = g + weight_decay * theta   (only when weight_decay != 0, as PyTorch)
                if (wd != 0) d += wd * theta[i];
                if (mu != 0)
                {
                    // no slide shows momentum (95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked)
                    // first step: b = g;  later: b = momentum * b + (1 - dampening) * g
                    b[i] = first ? d : b[i] * mu + (1 - tau) * d;
                    // nesterov: g = g + momentum * b;  otherwise: g = b
                    d = Options.Nesterov ? d + mu * b[i] : b[i];
                }
                // slide: new weight = weight - learning rate * gradient
                theta[i] = theta[i] - lr * d;
            }
        }
    }

    /// <inheritdoc/>
    public void ResetState() => _state.Clear();
}
