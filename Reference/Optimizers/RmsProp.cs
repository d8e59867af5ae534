// RMSprop (Hinton's lecture 6e) with PyTorch's semantics (torch.optim.RMSprop, torch 1.13,
// _single_tensor_rmsprop): a running average of g^2 divides the step; eps is added OUTSIDE the
// square root; optional centering (subtract the squared running mean of g) and momentum.
// RmsPropForm.Keras is keras.optimizers.RMSprop: eps INSIDE the root, lr inside the momentum
// buffer, and Keras's defaults (lr 0.001, rho 0.9, epsilon 1e-7). Spec/optimizers.md.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Optimizers;

/// <summary>Where eps sits in RMSprop's update, and where lr enters the momentum buffer.</summary>
public enum RmsPropForm
{
    /// <summary>PyTorch: theta -= lr * g / (sqrt(v) + eps); with momentum b = momentum * b + g / (sqrt(v) + eps), theta -= lr * b.</summary>
    PyTorch,

    /// <summary>Keras: theta -= lr * g / sqrt(v + eps); with momentum b = momentum * b + lr * g / sqrt(v + eps), theta -= b.</summary>
    Keras,
}

/// <summary>torch.optim.RMSprop's hyperparameters and defaults. Alpha is PyTorch's name for Keras's rho.</summary>
public sealed record RmsPropOptions
{
    /// <summary>lr: the learning rate.</summary>
    public double Lr { get; init; } = 1e-2;
    /// <summary>alpha (Keras's rho): decay of the running average of g^2.</summary>
    public double Alpha { get; init; } = 0.99;
    /// <summary>eps: added to the denominator for numerical stability.</summary>
    public double Eps { get; init; } = 1e-8;
    /// <summary>L2 penalty: weight_decay * theta is added to the gradient.</summary>
    public double WeightDecay { get; init; } = 0;
    /// <summary>momentum: 0 for none.</summary>
    public double Momentum { get; init; } = 0;
    /// <summary>centered: divide by the estimated variance, v minus the squared running mean of g.</summary>
    public bool Centered { get; init; } = false;
    /// <summary>maximize: ascend instead of descend (the gradient's sign is flipped first).</summary>
    public bool Maximize { get; init; } = false;
    /// <summary>PyTorch's form (default) or Keras's.</summary>
    public RmsPropForm Form { get; init; } = RmsPropForm.PyTorch;

    /// <summary>keras.optimizers.RMSprop's defaults and update: learning_rate 0.001, rho 0.9, epsilon 1e-7 inside the root.</summary>
    public static RmsPropOptions Keras => new() { Lr = 1e-3, Alpha = 0.9, Eps = 1e-7, Form = RmsPropForm.Keras };
}

/// <summary>RMSprop's state for one parameter: PyTorch's state["square_avg"], ["grad_avg"], ["momentum_buffer"].</summary>
public sealed class RmsPropState(int[] shape, bool centered, bool momentum)
{
    /// <summary>The parameter's shape.</summary>
    public int[] Shape { get; } = shape;

    /// <summary>v: running average of g^2.</summary>
    public Tensor SquareAvg { get; } = Tensor.Zeros(shape);

    /// <summary>Running average of g (only when centered).</summary>
    public Tensor? GradAvg { get; } = centered ? Tensor.Zeros(shape) : null;

    /// <summary>Momentum buffer, starting at zero (only when momentum > 0). In the Keras form it holds lr-scaled steps.</summary>
    public Tensor? MomentumBuffer { get; } = momentum ? Tensor.Zeros(shape) : null;
}

/// <summary>RMSprop (torch.optim.RMSprop; or keras.optimizers.RMSprop's form) (Spec/optimizers.md).</summary>
public sealed class RmsProp : IOptimizer
{
    private readonly Dictionary<string, RmsPropState> _state = new(StringComparer.Ordinal);

    /// <summary>The hyperparameters.</summary>
    public RmsPropOptions Options { get; }

    /// <summary>Per-parameter state, by parameter name.</summary>
    public IReadOnlyDictionary<string, RmsPropState> State => _state;

    /// <summary>Checks the hyperparameters (ArgumentException naming the one out of range).</summary>
    public RmsProp(RmsPropOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Hyperparameter.AtLeastZero(options.Lr, "lr");
        // PyTorch checks only alpha >= 0; above 1 the "average" gives g^2 a negative weight, so it is refused here.
        Hyperparameter.InClosedUnit(options.Alpha, "alpha");
        Hyperparameter.AtLeastZero(options.Eps, "eps");
        Hyperparameter.AtLeastZero(options.WeightDecay, "weight_decay");
        Hyperparameter.AtLeastZero(options.Momentum, "momentum");
        Options = options;
    }

    /// <inheritdoc/>
    public void Step(NamedTensors parameters, NamedTensors grads)
    {
        StepArguments.Check(parameters, grads);
        foreach (var (name, param) in parameters)
        {
            var state = StepArguments.StateFor(_state, name, param,
                shape => new RmsPropState(shape, Options.Centered, Options.Momentum > 0), s => s.Shape);
            if (Options.Form == RmsPropForm.PyTorch)
                StepPyTorch(param.Data, grads[name].Data, state);
            else
                StepKeras(param.Data, grads[name].Data, state);
        }
    }

    private void StepPyTorch(Span<double> theta, ReadOnlySpan<double> g, RmsPropState state)
    {
        double lr = Options.Lr, alpha = Options.Alpha, eps = Options.Eps, wd = Options.WeightDecay, mu = Options.Momentum;
        Span<double> v = state.SquareAvg.Data;                                  // v[N]
        Span<double> gAvg = Options.Centered ? state.GradAvg!.Data : default;   // gAvg[N]
        Span<double> b = mu > 0 ? state.MomentumBuffer!.Data : default;         // b[N]
        // no slide shows this update (95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked); the slides name it:
        //   "Popular optimizers (e.g., RMSprop, ADAM, AdaGrad, AdaDelta) are variants of gradient descent" (95-865 lecture)
        for (int i = 0; i < theta.Length; i++)
        {
            double gi = Options.Maximize ? -g[i] : g[i];
            if (wd != 0) gi += wd * theta[i];
            // v = alpha * v + (1 - alpha) * g^2
            v[i] = v[i] * alpha + (1 - alpha) * gi * gi;
            double avg;
            if (Options.Centered)
            {
                // centered: gAvg = alpha * gAvg + (1 - alpha) * g;  avg = sqrt(v - gAvg^2)
                gAvg[i] = gAvg[i] * alpha + (1 - alpha) * gi;
                avg = Math.Sqrt(v[i] - gAvg[i] * gAvg[i]);
            }
            else
                avg = Math.Sqrt(v[i]);
            // eps is added outside the root
            avg += eps;
            if (mu > 0)
            {
                // b = momentum * b + g / avg;  theta = theta - lr * b
                b[i] = b[i] * mu + gi / avg;
                theta[i] = theta[i] - lr * b[i];
            }
            else
                // theta = theta - lr * g / (sqrt(v) + eps)
                theta[i] = theta[i] - lr * gi / avg;
        }
    }

    private void StepKeras(Span<double> theta, ReadOnlySpan<double> g, RmsPropState state)
    {
        double lr = Options.Lr, rho = Options.Alpha, eps = Options.Eps, wd = Options.WeightDecay, mu = Options.Momentum;
        Span<double> v = state.SquareAvg.Data;
        Span<double> gAvg = Options.Centered ? state.GradAvg!.Data : default;
        Span<double> b = mu > 0 ? state.MomentumBuffer!.Data : default;
        // no slide shows this update either (see StepPyTorch)
        for (int i = 0; i < theta.Length; i++)
        {
            double gi = Options.Maximize ? -g[i] : g[i];
            if (wd != 0) gi += wd * theta[i];
            // Keras: velocity = rho * velocity + (1 - rho) * square(gradient)
            v[i] = rho * v[i] + (1 - rho) * (gi * gi);
            double denominator;
            if (Options.Centered)
            {
                // Keras: average_grad = rho * average_grad + (1 - rho) * gradient; denominator = velocity - average_grad^2 + epsilon
                gAvg[i] = rho * gAvg[i] + (1 - rho) * gi;
                denominator = v[i] - gAvg[i] * gAvg[i] + eps;
            }
            else
                denominator = v[i] + eps;
            // Keras: increment = lr * gradient / sqrt(denominator)   (eps inside the root)
            double increment = lr * gi / Math.Sqrt(denominator);
            if (mu > 0)
            {
                // Keras: momentum = momentum_factor * momentum + increment; variable -= momentum
                b[i] = mu * b[i] + increment;
                theta[i] = theta[i] - b[i];
            }
            else
                theta[i] = theta[i] - increment;
        }
    }

    /// <inheritdoc/>
    public void ResetState() => _state.Clear();
}
