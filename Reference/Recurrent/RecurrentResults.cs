// What a recurrent stack's forward and backward passes return, and what backward needs.
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Recurrent;

/// <summary>
/// Outputs shaped as PyTorch's: Output [T, B, D*H] ([B, T, D*H] when batch_first, [T, D*H] unbatched);
/// HN and CN [L*D, B, H] ([L*D, H] unbatched); CN is null except for an LSTM.
/// </summary>
public sealed record RecurrentOutput(Tensor Output, Tensor HN, Tensor? CN, RecurrentCache Cache);

/// <summary>Gradients of the loss with respect to every input of the forward pass, shaped as those inputs.</summary>
public sealed record RecurrentGradients(Tensor dInput, Tensor dH0, Tensor? dC0, NamedTensors dParameters)
{
    /// <summary>What each step of the reversed loop saw, per layer and direction (index l*D + d); null unless recorded.</summary>
    public IReadOnlyList<RecurrentStepGradients>? Steps { get; init; }
}

/// <summary>
/// One layer and direction's backward pass, step by step, indexed by time t (like the output):
///   dH[t]  = ∂L/∂h_t, everything reaching h_t: the output's gradient at t plus dhNext from step t+1
///            (and ∂L/∂h_n at the last step); zero at a step past an element's length;
///   dC[t]  = ∂L/∂c_t through the carry alone (dcNext from step t+1, ∂L/∂c_n at the last step),
///            before the path through h_t = o ⊙ tanh(c_t) is added (LSTM; empty otherwise);
///   dGates[t] = the gradient of step t's pre-activations, G blocks in PyTorch's gate order
///            (LSTM a_i a_f a_g a_o, GRU a_r a_z a_n, RNN a): also each step's share of db_ih;
///   dWhhSoFar[k], dbhhSoFar[k] = dW_hh and db_hh after k + 1 steps of the reversed loop
///            (k = 0: after time T-1 for the forward direction, after time 0 for the reverse one).
/// B = batch, H = hidden size, G = gate blocks. Spec/bptt.md, "Step by step".
/// </summary>
public sealed record RecurrentStepGradients(
    int Layer, int Direction, int T, int B, int H, int G,
    double[] dH,           // [T, B, H]
    double[] dC,           // [T, B, H] (LSTM) or empty
    double[] dGates,       // [T, B, G*H]
    double[] dWhhSoFar,    // [T, G*H, H]  by backward step k
    double[] dbhhSoFar)    // [T, G*H]     by backward step k (empty without bias)
{
    internal static RecurrentStepGradients Empty(RecurrentConfig config, int layer, int direction, int T, int B)
    {
        int H = config.HiddenSize, G = config.Gates;
        return new RecurrentStepGradients(layer, direction, T, B, H, G,
            new double[T * B * H],
            config.HasCellState ? new double[T * B * H] : [],
            new double[T * B * G * H],
            new double[T * G * H * H],
            config.Bias ? new double[T * G * H] : []);
    }
}

/// <summary>
/// One layer and direction's activations, by processing step s (time t = s forward, T-1-s reverse):
///   H     [T+1, B, H]  H[s] = state before step s; H[0] = h0, H[T] = h_n
///   C     [T+1, B, H]  LSTM carry state, same indexing (empty for RNN / GRU)
///   Gates [T, B, G*H]  activated gates at step s (RNN: empty, the state is its own activation)
///   HhN   [T, B, H]    reset-after GRU only: h W_hnᵀ + b_hn at step s (empty otherwise)
/// The arrays are given (the CPU stack), or read once, when first used, from where they are held
/// (ReadOnFirstUse: a GPU device's memory, Reference.Gpu). Either way each property always returns
/// the same array.
/// </summary>
public sealed class DirectionCache
{
    private readonly Lazy<double[]> _h, _c, _gates, _hhN;

    /// <summary>A cache of the given arrays (shapes as above; empty where the cell has none).</summary>
    public DirectionCache(double[] H, double[] C, double[] Gates, double[] HhN)
        : this(Given(H, nameof(H)), Given(C, nameof(C)), Given(Gates, nameof(Gates)), Given(HhN, nameof(HhN)))
    {
    }

    private DirectionCache(Lazy<double[]> h, Lazy<double[]> c, Lazy<double[]> gates, Lazy<double[]> hhN)
    {
        _h = h;
        _c = c;
        _gates = gates;
        _hhN = hhN;
    }

    /// <summary>A cache whose arrays are each read by its function the first time the property is used (once, even from several threads); a function that throws throws again at every later use.</summary>
    public static DirectionCache ReadOnFirstUse(Func<double[]> H, Func<double[]> C, Func<double[]> Gates, Func<double[]> HhN) =>
        new(new Lazy<double[]>(H), new Lazy<double[]>(C), new Lazy<double[]>(Gates), new Lazy<double[]>(HhN));

    /// <summary>[T+1, B, H] the state before each step; H[T] = h_n.</summary>
    public double[] H => _h.Value;

    /// <summary>[T+1, B, H] the LSTM carry state before each step, or empty.</summary>
    public double[] C => _c.Value;

    /// <summary>[T, B, G*H] the activated gates of each step, or empty (RNN).</summary>
    public double[] Gates => _gates.Value;

    /// <summary>[T, B, H] the reset-after GRU's h W_hnᵀ + b_hn of each step, or empty.</summary>
    public double[] HhN => _hhN.Value;

    private static Lazy<double[]> Given(double[] array, string name)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        return new Lazy<double[]>(() => array);
    }
}

/// <summary>Everything the backward pass needs, fixed at the forward call.</summary>
public sealed record RecurrentCache(
    RecurrentConfig Config,
    NamedTensors Parameters,
    int T, int B,
    bool Unbatched,
    int[] Lengths,                 // [B] valid steps per batch element (T for all when none were given)
    double[][] LayerInputs,        // [L][T, B, I_l] time-major input of each layer
    DirectionCache[] Directions)   // [L*D] index l*D + d
{
    /// <summary>How the forward pass was computed (Compute.Plain or Compute.Fast); Backward computes the same way.</summary>
    public Compute Compute { get; init; } = Compute.Plain;
}
