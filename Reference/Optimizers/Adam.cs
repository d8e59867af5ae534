// Adam (Kingma & Ba 2014) with PyTorch's semantics (torch.optim.Adam, torch 1.13,
// _single_tensor_adam): weight_decay is an L2 penalty added to the gradient (for decoupled
// decay see AdamW), amsgrad keeps the running maximum of v. A second form, AdamForm.Keras,
// is keras.optimizers.Adam's "epsilon hat" update. Equations side by side in Spec/optimizers.md.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Optimizers;

/// <summary>Where epsilon sits in the update.</summary>
public enum AdamForm
{
    /// <summary>PyTorch: theta -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).</summary>
    PyTorch,

    /// <summary>Keras "epsilon hat": lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); theta -= lr_t * m / (sqrt(v) + eps).</summary>
    Keras,
}

/// <summary>torch.optim.Adam's hyperparameters and defaults.</summary>
public sealed record AdamOptions
{
    /// <summary>lr: the learning rate.</summary>
    public double Lr { get; init; } = 1e-3;
    /// <summary>betas: decay rates of the moment averages m and v.</summary>
    public (double Beta1, double Beta2) Betas { get; init; } = (0.9, 0.999);
    /// <summary>eps: added to the denominator for numerical stability.</summary>
    public double Eps { get; init; } = 1e-8;
    /// <summary>L2 penalty: weight_decay * theta is added to the gradient before the moments.</summary>
    public double WeightDecay { get; init; } = 0;
    /// <summary>amsgrad: divide by the running maximum of v instead of v.</summary>
    public bool Amsgrad { get; init; } = false;
    /// <summary>maximize: ascend instead of descend (the gradient's sign is flipped first).</summary>
    public bool Maximize { get; init; } = false;
    /// <summary>Where eps sits: PyTorch's form (default) or Keras's epsilon hat.</summary>
    public AdamForm Form { get; init; } = AdamForm.PyTorch;

    /// <summary>keras.optimizers.Adam's defaults and update: lr 0.001, betas (0.9, 0.999), epsilon 1e-7, epsilon hat.</summary>
    public static AdamOptions Keras => new() { Eps = 1e-7, Form = AdamForm.Keras };
}

/// <summary>Adam's state for one parameter: PyTorch's state["step"], ["exp_avg"], ["exp_avg_sq"], ["max_exp_avg_sq"].</summary>
public sealed class AdamState(int[] shape, bool amsgrad)
{
    /// <summary>The parameter's shape.</summary>
    public int[] Shape { get; } = shape;

    /// <summary>How many steps this parameter has taken (t of the bias corrections).</summary>
    public int Step { get; internal set; }

    /// <summary>m: running average of the gradient.</summary>
    public Tensor ExpAvg { get; } = Tensor.Zeros(shape);

    /// <summary>v: running average of the squared gradient.</summary>
    public Tensor ExpAvgSq { get; } = Tensor.Zeros(shape);

    /// <summary>AMSGrad's running maximum of v (null without amsgrad).</summary>
    public Tensor? MaxExpAvgSq { get; } = amsgrad ? Tensor.Zeros(shape) : null;
}

/// <summary>Adam (torch.optim.Adam, L2 weight decay; or Keras's epsilon-hat form) (Spec/optimizers.md).</summary>
public sealed class Adam : IOptimizer
{
    private readonly Dictionary<string, AdamState> _state = new(StringComparer.Ordinal);

    /// <summary>The hyperparameters.</summary>
    public AdamOptions Options { get; }

    /// <summary>Per-parameter state, by parameter name.</summary>
    public IReadOnlyDictionary<string, AdamState> State => _state;

    /// <summary>Checks the hyperparameters (ArgumentException naming the one out of range).</summary>
    public Adam(AdamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AdamChecks.Common(options.Lr, options.Betas, options.Eps, options.WeightDecay);
        Options = options;
    }

    /// <inheritdoc/>
    public void Step(NamedTensors parameters, NamedTensors grads)
    {
        StepArguments.Check(parameters, grads);
        foreach (var (name, param) in parameters)
        {
            var state = StepArguments.StateFor(_state, name, param,
                shape => new AdamState(shape, Options.Amsgrad), s => s.Shape);
            state.Step += 1;
            if (Options.Form == AdamForm.PyTorch)
                // weight_decay is L2: AdamUpdate adds weight_decay * theta to the gradient
                AdamUpdate.Step(param.Data, grads[name].Data, state, Options.Lr, Options.Betas, Options.Eps,
                    l2WeightDecay: Options.WeightDecay, Options.Amsgrad, Options.Maximize);
            else
                StepKeras(param.Data, grads[name].Data, state);
        }
    }

    private void StepKeras(Span<double> theta, ReadOnlySpan<double> g, AdamState state)
    {
        var (beta1, beta2) = Options.Betas;
        double lr = Options.Lr, eps = Options.Eps, wd = Options.WeightDecay;
        int t = state.Step;
        Span<double> m = state.ExpAvg.Data;
        Span<double> v = state.ExpAvgSq.Data;
        Span<double> vHat = Options.Amsgrad ? state.MaxExpAvgSq!.Data : default;
        // Keras: alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)   (the bias corrections move into the rate)
        double alpha = lr * Math.Sqrt(1 - Math.Pow(beta2, t)) / (1 - Math.Pow(beta1, t));
        // no slide shows this update either (see AdamUpdate)
        for (int i = 0; i < theta.Length; i++)
        {
            double gi = Options.Maximize ? -g[i] : g[i];
            if (wd != 0) gi += wd * theta[i];
            // Keras: m += (g - m) * (1 - beta_1);  v += (g^2 - v) * (1 - beta_2)
            m[i] = m[i] + (gi - m[i]) * (1 - beta1);
            v[i] = v[i] + (gi * gi - v[i]) * (1 - beta2);
            double vUsed = v[i];
            if (Options.Amsgrad)
            {
                vHat[i] = Math.Max(vHat[i], v[i]);
                vUsed = vHat[i];
            }
            // Keras: variable -= (m * alpha) / (sqrt(v) + epsilon)   (epsilon "hat": not bias-corrected)
            theta[i] = theta[i] - m[i] * alpha / (Math.Sqrt(vUsed) + eps);
        }
    }

    /// <inheritdoc/>
    public void ResetState() => _state.Clear();
}

/// <summary>Hyperparameter checks Adam and AdamW share (torch.optim's own ranges).</summary>
internal static class AdamChecks
{
    public static void Common(double lr, (double Beta1, double Beta2) betas, double eps, double weightDecay)
    {
        Hyperparameter.AtLeastZero(lr, "lr");
        Hyperparameter.InHalfOpenUnit(betas.Beta1, "betas[0]");
        Hyperparameter.InHalfOpenUnit(betas.Beta2, "betas[1]");
        Hyperparameter.AtLeastZero(eps, "eps");
        Hyperparameter.AtLeastZero(weightDecay, "weight_decay");
    }
}
