// Lookahead (Zhang, Lucas, Hinton & Ba 2019, arXiv 1907.08610, Algorithm 1): "k steps
// forward, 1 step back". It wraps any inner optimizer (the fast weights theta) and keeps slow
// weights phi, starting at the parameters' values before the first step. After every k inner
// steps:  phi = phi + alpha * (theta - phi);  theta = phi.
// The inner optimizer's state is kept across that pull-back by default (as the paper and the
// authors' code do); LookaheadInnerState.Reset clears it after every pull-back instead.
// PyTorch has no Lookahead; the parity fixture wraps torch.optim optimizers in a plain
// transcription of Algorithm 1. Spec/optimizers.md.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Optimizers;

/// <summary>What happens to the inner optimizer's state when the fast weights are pulled back.</summary>
public enum LookaheadInnerState
{
    /// <summary>Keep moments, buffers and step counts (the paper's algorithm).</summary>
    Keep,

    /// <summary>Clear them (IOptimizer.ResetState): after each pull-back the inner optimizer starts afresh.</summary>
    Reset,
}

/// <summary>Lookahead's hyperparameters. Defaults are the authors' PyTorch code's (k 5, alpha 0.8); TensorFlow Addons uses 6 and 0.5.</summary>
public sealed record LookaheadOptions
{
    /// <summary>Inner (fast) steps between two pull-backs.</summary>
    public int K { get; init; } = 5;

    /// <summary>Slow step size: how far phi moves toward theta at a pull-back. 1 makes Lookahead its inner optimizer.</summary>
    public double Alpha { get; init; } = 0.8;

    /// <summary>Whether the inner optimizer's state is kept or cleared at each pull-back.</summary>
    public LookaheadInnerState InnerState { get; init; } = LookaheadInnerState.Keep;
}

/// <summary>Lookahead's state for one parameter: the slow weights phi.</summary>
public sealed class LookaheadState(Tensor slowWeights)
{
    /// <summary>The parameter's shape.</summary>
    public int[] Shape => SlowWeights.Shape;

    /// <summary>phi: the parameter's value at the last pull-back (at first, its value before the first step).</summary>
    public Tensor SlowWeights { get; } = slowWeights;
}

/// <summary>Lookahead (Zhang et al. 2019): k inner steps forward, then the slow weights move alpha of the way and the fast weights are pulled back (Spec/optimizers.md).</summary>
public sealed class Lookahead : IOptimizer
{
    private readonly Dictionary<string, LookaheadState> _state = new(StringComparer.Ordinal);

    /// <summary>The inner (fast) optimizer.</summary>
    public IOptimizer Inner { get; }

    /// <summary>The hyperparameters.</summary>
    public LookaheadOptions Options { get; }

    /// <summary>Per-parameter state, by parameter name.</summary>
    public IReadOnlyDictionary<string, LookaheadState> State => _state;

    /// <summary>Inner steps taken since the last pull-back (0 .. k-1).</summary>
    public int StepsSincePullBack { get; private set; }

    /// <summary>Wraps inner (not itself a Lookahead); checks k >= 1 and alpha in [0, 1].</summary>
    public Lookahead(IOptimizer inner, LookaheadOptions options)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        if (inner is Lookahead)
            throw new ArgumentException("inner is itself a Lookahead; wrap the optimizer it wraps instead", nameof(inner));
        Hyperparameter.AtLeastOne(options.K, "k");
        Hyperparameter.InClosedUnit(options.Alpha, "alpha");
        Inner = inner;
        Options = options;
    }

    /// <inheritdoc/>
    public void Step(NamedTensors parameters, NamedTensors grads)
    {
        StepArguments.Check(parameters, grads);
        // phi_0 = theta_0: the slow weights start where the parameters are before any step
        foreach (var (name, param) in parameters)
            StepArguments.StateFor(_state, name, param, _ => new LookaheadState(param.Clone()), s => s.Shape);

        // fast weights: theta = one step of the inner optimizer
        Inner.Step(parameters, grads);
        StepsSincePullBack += 1;
        if (StepsSincePullBack < Options.K) return;

        // no slide shows this update (95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked); the 95-865 recitation names it:
        //   "Popular optimizers (e.g., Adam, RMSProp, Lookahead) are variants of gradient descent"
        // every k steps: phi = phi + alpha * (theta - phi); theta = phi
        double alpha = Options.Alpha;
        foreach (var (name, param) in parameters)
        {
            Span<double> theta = param.Data;                         // theta[N]: fast weights
            Span<double> phi = _state[name].SlowWeights.Data;        // phi[N]: slow weights
            for (int i = 0; i < theta.Length; i++)
            {
                phi[i] = phi[i] + alpha * (theta[i] - phi[i]);
                theta[i] = phi[i];
            }
        }
        StepsSincePullBack = 0;
        if (Options.InnerState == LookaheadInnerState.Reset) Inner.ResetState();
    }

    /// <summary>Forgets the slow weights and the step count, and resets the inner optimizer.</summary>
    public void ResetState()
    {
        _state.Clear();
        StepsSincePullBack = 0;
        Inner.ResetState();
    }
}
