// The configuration of a PyTorch-compatible recurrent layer stack (nn.RNN, nn.LSTM, nn.GRU).
namespace Rnn.Reference.Recurrent;

/// <summary>
/// Which cell a stack runs. RnnTanh and RnnRelu are nn.RNN with nonlinearity "tanh" / "relu"; Gru is
/// nn.GRU (the reset gate after the product). GruResetBefore is the GRU with the reset gate before the
/// product (Keras reset_after=False, d2l, Cho v3, Ng): PyTorch has no module for it; it takes nn.GRU's
/// parameters (GruResetBeforeCell, Spec/gru.md).
/// </summary>
public enum CellKind
{
    /// <summary>nn.RNN with nonlinearity "tanh".</summary>
    RnnTanh,

    /// <summary>nn.RNN with nonlinearity "relu".</summary>
    RnnRelu,

    /// <summary>nn.LSTM: gates i, f, g, o and the carry state c.</summary>
    Lstm,

    /// <summary>nn.GRU: gates r, z, n, the reset gate after the product.</summary>
    Gru,

    /// <summary>The GRU with the reset gate before the product, on nn.GRU's parameters (GruResetBeforeCell).</summary>
    GruResetBefore,
}

/// <param name="Kind">the cell</param>
/// <param name="InputSize">I, features of the input at each step</param>
/// <param name="HiddenSize">H, features of the state</param>
/// <param name="NumLayers">L, stacked layers; layer l+1 reads layer l's output sequence</param>
/// <param name="Bidirectional">D = 2 when true: every layer also runs from the last step back to the first</param>
/// <param name="BatchFirst">input and output are [B, T, *] instead of [T, B, *] (h0, h_n, c0, c_n are not affected)</param>
/// <param name="Bias">false: no bias_ih / bias_hh parameters</param>
public sealed record RecurrentConfig(
    CellKind Kind,
    int InputSize,
    int HiddenSize,
    int NumLayers = 1,
    bool Bidirectional = false,
    bool BatchFirst = false,
    bool Bias = true)
{
    /// <summary>D: 2 for a bidirectional stack, else 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>How many H-sized blocks the weight rows hold: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n).</summary>
    public int Gates => Kind switch { CellKind.Lstm => 4, CellKind.Gru or CellKind.GruResetBefore => 3, _ => 1 };

    /// <summary>Either GRU form (reset after or before the product).</summary>
    public bool IsGru => Kind is CellKind.Gru or CellKind.GruResetBefore;

    /// <summary>Only the LSTM has a carry (cell) state c.</summary>
    public bool HasCellState => Kind == CellKind.Lstm;

    /// <summary>Input features of layer l: I for the first layer, D * H above it.</summary>
    public int LayerInputSize(int layer) => layer == 0 ? InputSize : Directions * HiddenSize;

    /// <summary>PyTorch's name suffix: "_l0", "_l1_reverse", ...</summary>
    public static string Suffix(int layer, int direction) => $"_l{layer}" + (direction == 1 ? "_reverse" : "");

    /// <summary>The op name the oracle uses for this cell kind's PyTorch module.</summary>
    public string ModuleName => Kind switch { CellKind.Lstm => "LSTM", CellKind.Gru or CellKind.GruResetBefore => "GRU", _ => "RNN" };

    /// <summary>Throws ArgumentException naming the size that is below 1 or the cell kind that is not defined.</summary>
    public void Validate()
    {
        if (InputSize <= 0) throw new ArgumentException($"input_size must be at least 1 but is {InputSize}", nameof(InputSize));
        if (HiddenSize <= 0) throw new ArgumentException($"hidden_size must be at least 1 but is {HiddenSize}", nameof(HiddenSize));
        if (NumLayers <= 0) throw new ArgumentException($"num_layers must be at least 1 but is {NumLayers}", nameof(NumLayers));
        if (!Enum.IsDefined(Kind)) throw new ArgumentException($"cell kind {(int)Kind} is not one of {string.Join(", ", Enum.GetNames<CellKind>())}", nameof(Kind));
    }
}
