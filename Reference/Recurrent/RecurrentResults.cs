// What a recurrent stack's forward and backward passes return, and what backward needs.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Recurrent;

/// <summary>
/// Outputs shaped as PyTorch's: Output [T, B, D*H] ([B, T, D*H] when batch_first, [T, D*H] unbatched);
/// HN and CN [L*D, B, H] ([L*D, H] unbatched); CN is null except for an LSTM.
/// </summary>
public sealed record RecurrentOutput(Tensor Output, Tensor HN, Tensor? CN, RecurrentCache Cache);

/// <summary>Gradients of the loss with respect to every input of the forward pass, shaped as those inputs.</summary>
public sealed record RecurrentGradients(Tensor dInput, Tensor dH0, Tensor? dC0, NamedTensors dParameters);

/// <summary>One layer and direction's activations, by processing step s (time t = s forward, T-1-s reverse).</summary>
public sealed record DirectionCache(
    double[] H,       // [T+1, B, H]  H[s] = state before step s; H[0] = h0, H[T] = h_n
    double[] C,       // [T+1, B, H]  LSTM carry state, same indexing (empty for RNN / GRU)
    double[] Gates,   // [T, B, G*H]  activated gates at step s (RNN: empty, the state is its own activation)
    double[] HhN);    // [T, B, H]    reset-after GRU only: h W_hnᵀ + b_hn at step s (empty otherwise)

/// <summary>Everything the backward pass needs, fixed at the forward call.</summary>
public sealed record RecurrentCache(
    RecurrentConfig Config,
    NamedTensors Parameters,
    int T, int B,
    bool Unbatched,
    int[] Lengths,                 // [B] valid steps per batch element (T for all when none were given)
    double[][] LayerInputs,        // [L][T, B, I_l] time-major input of each layer
    DirectionCache[] Directions);  // [L*D] index l*D + d
