// Adagrad (Duchi et al. 2011) with PyTorch's semantics (torch.optim.Adagrad, torch 1.13,
// _single_tensor_adagrad, dense gradients): every squared gradient is summed for good, the
// step divides by the root of that sum, eps OUTSIDE the root, and the rate decays as
// lr / (1 + (t - 1) * lr_decay). min-char-rnn's Adagrad puts 1e-8 inside the root instead
// (see Spec/optimizers.md).
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Optimizers;

/// <summary>torch.optim.Adagrad's hyperparameters and defaults.</summary>
public sealed record AdagradOptions
{
    /// <summary>lr: the learning rate.</summary>
    public double Lr { get; init; } = 1e-2;
    /// <summary>lr_decay: lr_t = lr / (1 + (t - 1) * lr_decay).</summary>
    public double LrDecay { get; init; } = 0;
    /// <summary>weight_decay: L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; init; } = 0;
    /// <summary>Starting value of every element of the sum of squares.</summary>
    public double InitialAccumulatorValue { get; init; } = 0;
    /// <summary>eps: added to the denominator for numerical stability.</summary>
    public double Eps { get; init; } = 1e-10;
    /// <summary>maximize: ascend instead of descend (the gradient's sign is flipped first).</summary>
    public bool Maximize { get; init; } = false;
}

/// <summary>Adagrad's state for one parameter: PyTorch's state["step"] and state["sum"].</summary>
public sealed class AdagradState(int[] shape, double initialAccumulatorValue)
{
    /// <summary>The parameter's shape.</summary>
    public int[] Shape { get; } = shape;

    /// <summary>How many steps this parameter has taken (t of lr_decay).</summary>
    public int Step { get; internal set; }

    /// <summary>s: the sum of squared gradients so far (plus the initial value).</summary>
    public Tensor Sum { get; } = Filled(shape, initialAccumulatorValue);

    private static Tensor Filled(int[] shape, double value)
    {
        var t = Tensor.Zeros(shape);
        t.Data.AsSpan().Fill(value);
        return t;
    }
}

/// <summary>Adagrad (torch.optim.Adagrad): steps divided by the root of the sum of squared gradients (Spec/optimizers.md).</summary>
public sealed class Adagrad : IOptimizer
{
    private readonly Dictionary<string, AdagradState> _state = new(StringComparer.Ordinal);

    /// <summary>The hyperparameters.</summary>
    public AdagradOptions Options { get; }

    /// <summary>Per-parameter state, by parameter name.</summary>
    public IReadOnlyDictionary<string, AdagradState> State => _state;

    /// <summary>Checks the hyperparameters (ArgumentException naming the one out of range).</summary>
    public Adagrad(AdagradOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Hyperparameter.AtLeastZero(options.Lr, "lr");
        Hyperparameter.AtLeastZero(options.LrDecay, "lr_decay");
        Hyperparameter.AtLeastZero(options.WeightDecay, "weight_decay");
        Hyperparameter.AtLeastZero(options.InitialAccumulatorValue, "initial_accumulator_value");
        Hyperparameter.AtLeastZero(options.Eps, "eps");
        Options = options;
    }

    /// <inheritdoc/>
    public void Step(NamedTensors parameters, NamedTensors grads)
    {
        StepArguments.Check(parameters, grads);
        double lr = Options.Lr, eps = Options.Eps, wd = Options.WeightDecay;
        foreach (var (name, param) in parameters)
        {
            var state = StepArguments.StateFor(_state, name, param,
                shape => new AdagradState(shape, Options.InitialAccumulatorValue), s => s.Shape);
            state.Step += 1;
            int t = state.Step;
            Span<double> theta = param.Data;              // theta[N]
            ReadOnlySpan<double> g = grads[name].Data;    // g[N]
            Span<double> s = state.Sum.Data;              // s[N]
            // lr_t = lr / (1 + (t - 1) * lr_decay)
            double clr = lr / (1 + (t - 1) * Options.LrDecay);
            // no slide shows this update (95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked); the slides name it:
            //   "Popular optimizers (e.g., RMSprop, ADAM, AdaGrad, AdaDelta) are variants of gradient descent" (95-865 lecture)
            for (int i = 0; i < theta.Length; i++)
            {
                double gi = Options.Maximize ? -g[i] : g[i];
                if (wd != 0) gi += wd * theta[i];
                // s = s + g^2
                s[i] = s[i] + gi * gi;
                // theta = theta - lr_t * g / (sqrt(s) + eps)
                double std = Math.Sqrt(s[i]) + eps;
                theta[i] = theta[i] - clr * gi / std;
            }
        }
    }

    /// <inheritdoc/>
    public void ResetState() => _state.Clear();
}
