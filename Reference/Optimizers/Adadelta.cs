// Adadelta (Zeiler 2012) with PyTorch's semantics (torch.optim.Adadelta, torch 1.13,
// _single_tensor_adadelta): the step is g scaled by the ratio of two running RMS values, the
// past steps' and the gradients', both with eps INSIDE the root; lr (default 1.0) scales the
// result. Spec/optimizers.md.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Optimizers;

/// <summary>torch.optim.Adadelta's hyperparameters and defaults.</summary>
public sealed record AdadeltaOptions
{
    /// <summary>lr: the learning rate.</summary>
    public double Lr { get; init; } = 1.0;
    /// <summary>rho: decay of the running averages of g^2 and of the squared steps.</summary>
    public double Rho { get; init; } = 0.9;
    /// <summary>eps: added to the denominator for numerical stability.</summary>
    public double Eps { get; init; } = 1e-6;
    /// <summary>weight_decay: L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; init; } = 0;
    /// <summary>maximize: ascend instead of descend (the gradient's sign is flipped first).</summary>
    public bool Maximize { get; init; } = false;
}

/// <summary>Adadelta's state for one parameter: PyTorch's state["square_avg"] and state["acc_delta"].</summary>
public sealed class AdadeltaState(int[] shape)
{
    /// <summary>The parameter's shape.</summary>
    public int[] Shape { get; } = shape;

    /// <summary>v: running average of g^2.</summary>
    public Tensor SquareAvg { get; } = Tensor.Zeros(shape);

    /// <summary>u: running average of the squared steps delta^2.</summary>
    public Tensor AccDelta { get; } = Tensor.Zeros(shape);
}

/// <summary>Adadelta (torch.optim.Adadelta): steps scaled by the ratio of running RMS of past steps and of gradients (Spec/optimizers.md).</summary>
public sealed class Adadelta : IOptimizer
{
    private readonly Dictionary<string, AdadeltaState> _state = new(StringComparer.Ordinal);

    /// <summary>The hyperparameters.</summary>
    public AdadeltaOptions Options { get; }

    /// <summary>Per-parameter state, by parameter name.</summary>
    public IReadOnlyDictionary<string, AdadeltaState> State => _state;

    /// <summary>Checks the hyperparameters (ArgumentException naming the one out of range).</summary>
    public Adadelta(AdadeltaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Hyperparameter.AtLeastZero(options.Lr, "lr");
        Hyperparameter.InClosedUnit(options.Rho, "rho");
        Hyperparameter.AtLeastZero(options.Eps, "eps");
        Hyperparameter.AtLeastZero(options.WeightDecay, "weight_decay");
        Options = options;
    }

    /// <inheritdoc/>
    public void Step(NamedTensors parameters, NamedTensors grads)
    {
        StepArguments.Check(parameters, grads);
        double lr = Options.Lr, rho = Options.Rho, eps = Options.Eps, wd = Options.WeightDecay;
        foreach (var (name, param) in parameters)
        {
            var state = StepArguments.StateFor(_state, name, param, shape => new AdadeltaState(shape), s => s.Shape);
            Span<double> theta = param.Data;              // theta[N]
            ReadOnlySpan<double> g = grads[name].Data;    // g[N]
            Span<double> v = state.SquareAvg.Data;        // v[N]
            Span<double> u = state.AccDelta.Data;         // u[N]
            // no slide shows this update (95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked); the slides name it:
            //   "Popular optimizers (e.g., RMSprop, ADAM, AdaGrad, AdaDelta) are variants of gradient descent" (95-865 lecture)
            for (int i = 0; i < theta.Length; i++)
            {
                double gi = Options.Maximize ? -g[i] : g[i];
                if (wd != 0) gi += wd * theta[i];
                // v = rho * v + (1 - rho) * g^2
                v[i] = v[i] * rho + (1 - rho) * gi * gi;
                // delta = sqrt(u + eps) / sqrt(v + eps) * g
                double std = Math.Sqrt(v[i] + eps);
                double delta = Math.Sqrt(u[i] + eps) / std * gi;
                // u = rho * u + (1 - rho) * delta^2
                u[i] = u[i] * rho + (1 - rho) * delta * delta;
                // theta = theta - lr * delta
                theta[i] = theta[i] - lr * delta;
            }
        }
    }

    /// <inheritdoc/>
    public void ResetState() => _state.Clear();
}
