// Keras's layout (keras.layers SimpleRNN, LSTM, GRU; Keras 3 and tf.keras): a layer computes
// x · kernel + h · recurrent_kernel + bias on row vectors, so its matrices are PyTorch's
// transposed, with the gate blocks side by side along the columns (Spec/conventions.md).
//
//   SimpleRNN  kernel [I, H]            = weight_ihᵀ
//              recurrent_kernel [H, H]  = weight_hhᵀ
//              bias [H]                 = bias_ih + bias_hh
//   LSTM       kernel [I, 4H]           = weight_ihᵀ   gates i, f, c, o = PyTorch's i, f, g, o (same order)
//              recurrent_kernel [H, 4H] = weight_hhᵀ
//              bias [4H]                = bias_ih + bias_hh
//   GRU        kernel [I, 3H]           = [W_iz; W_ir; W_in]ᵀ   gates z, r, h (PyTorch: r, z, n)
//   reset_after=True (the default)
//              recurrent_kernel [H, 3H] = [W_hz; W_hr; W_hn]ᵀ
//              bias [2, 3H]             row 0 = [b_iz, b_ir, b_in] (input), row 1 = [b_hz, b_hr, b_hn] (recurrent)
//   GRU        kernel, recurrent_kernel as above; the reset-before cell (GruResetBeforeCell)
//   reset_after=False
//              bias [3H]                = [b_iz + b_hz, b_ir + b_hr, b_in + b_hn]
//   Dense      kernel [in, out]         = weightᵀ      bias [out] = bias
//
// Keras's GRU update h = z ⊙ h_prev + (1 - z) ⊙ hh is PyTorch's: z is the same gate in both.
// Source: keras/src/layers/rnn/simple_rnn.py, lstm.py, gru.py (build() for the shapes, call()
// for the gate order), checked against a NumPy transcription in Tests/Fixtures/gen_conventions.py.
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using static Rnn.Reference.Conventions.GateBlocks;

namespace Rnn.Reference.Conventions;

/// <summary>Keras's layout: kernel [I, G*H], recurrent_kernel [H, G*H] (PyTorch's transposed), LSTM gates i, f, c, o, GRU z, r, h.</summary>
public sealed class KerasConvention : Convention
{
    /// <inheritdoc/>
    public override string Name => "keras";

    /// <inheritdoc/>
    public override string Title => "Keras (keras.layers.SimpleRNN, LSTM, GRU)";

    /// <inheritdoc/>
    public override string? Unsupported(CellShape cell) => null;

    /// <inheritdoc/>
    public override string CellTitle(CellShape cell) => cell.Kind switch
    {
        CellKind.Lstm => "Keras LSTM",
        CellKind.Gru => "Keras GRU (reset_after=True)",
        CellKind.GruResetBefore => "Keras GRU (reset_after=False)",
        _ => "Keras SimpleRNN",
    };

    /// <summary>Keras's gate order in PyTorch's letters (LSTM i, f, c, o; GRU z, r, h).</summary>
    private static string KerasOrder(CellShape cell) => cell.Kind switch { CellKind.Lstm => "ifgo", CellKind.Gru or CellKind.GruResetBefore => "zrn", _ => "h" };

    /// <summary>PyTorch's gate order (LSTM i, f, g, o; GRU r, z, n).</summary>
    private static string PyTorchOrder(CellShape cell) => cell.Kind switch { CellKind.Lstm => "ifgo", CellKind.Gru or CellKind.GruResetBefore => "rzn", _ => "h" };

    /// <inheritdoc/>
    public override IReadOnlyList<ConventionTensor> CellLayout(CellShape cell)
    {
        int I = cell.InputSize, H = cell.HiddenSize, GH = cell.Gates * H;
        string gates = cell.Kind switch
        {
            CellKind.Lstm => ", gates i, f, c, o side by side",
            CellKind.Gru or CellKind.GruResetBefore => ", gates z, r, h side by side (PyTorch's z, r, n)",
            _ => "",
        };
        var layout = new List<ConventionTensor>
        {
            new("kernel", [I, GH], $"weight_ihᵀ: [I, {G(cell)}H]{gates}"),
            new("recurrent_kernel", [H, GH], $"weight_hhᵀ: [H, {G(cell)}H]{gates}"),
        };
        if (cell.Bias)
            layout.Add(cell.Kind == CellKind.Gru
                ? new("bias", [2, GH], "row 0 bias_ih, row 1 bias_hh, each with gates z, r, h", IsBias: true)
                : new("bias", [GH], $"bias_ih + bias_hh: [{G(cell)}H]{gates}", IsBias: true));
        return layout;
    }

    /// <inheritdoc/>
    public override bool MergesBiases(CellShape cell) => cell.Kind != CellKind.Gru;

    /// <summary>keras.layers.Dense: kernel [in, out] (x · kernel + bias), bias [out].</summary>
    public override LinearNames Linear => new("Keras Dense", "kernel", Transposed: true, "bias", BiasColumn: false);

    /// <inheritdoc/>
    protected override NamedTensors CellFromPyTorch(CellShape cell, PyTorchCell p)
    {
        int I = cell.InputSize, H = cell.HiddenSize, GH = cell.Gates * H;
        string from = PyTorchOrder(cell), to = KerasOrder(cell);
        var t = new NamedTensors();
        // kernel = weight_ihᵀ, gate blocks in Keras's order
        t.Add("kernel", new Tensor([I, GH], Transpose(Reorder(p.Wih, H, I, from, to), GH, I)));
        // recurrent_kernel = weight_hhᵀ, likewise
        t.Add("recurrent_kernel", new Tensor([H, GH], Transpose(Reorder(p.Whh, H, H, from, to), GH, H)));
        if (!cell.Bias) return t;
        if (cell.Kind == CellKind.Gru)
            // bias[0] = bias_ih, bias[1] = bias_hh (reset after the product: b_hn stays inside r ⊙ (...))
            t.Add("bias", new Tensor([2, GH], Stack(Reorder(p.Bih, H, 1, from, to), Reorder(p.Bhh, H, 1, from, to))));
        else
            // bias = bias_ih + bias_hh
            t.Add("bias", new Tensor([GH], Reorder(MergedBias(p.Bih, p.Bhh), H, 1, from, to)));
        return t;
    }

    /// <inheritdoc/>
    protected override PyTorchCell CellToPyTorch(CellShape cell, NamedTensors t)
    {
        int I = cell.InputSize, H = cell.HiddenSize, GH = cell.Gates * H;
        string from = KerasOrder(cell), to = PyTorchOrder(cell);
        // weight_ih = kernelᵀ, gate blocks in PyTorch's order
        var Wih = Reorder(Transpose(t["kernel"].Data, I, GH), H, I, from, to);
        // weight_hh = recurrent_kernelᵀ
        var Whh = Reorder(Transpose(t["recurrent_kernel"].Data, H, GH), H, H, from, to);
        if (!cell.Bias) return new PyTorchCell(Wih, Whh, [], []);
        var bias = t["bias"].Data;
        if (cell.Kind == CellKind.Gru)
            // bias_ih = bias[0], bias_hh = bias[1]
            return new PyTorchCell(Wih, Whh,
                Reorder(bias.AsSpan(0, GH), H, 1, from, to), Reorder(bias.AsSpan(GH, GH), H, 1, from, to));
        // bias_ih = bias, bias_hh = 0: only the sum enters the cell
        return new PyTorchCell(Wih, Whh, Reorder(bias, H, 1, from, to), new double[GH]);
    }

    private static string G(CellShape cell) => cell.Gates == 1 ? "" : cell.Gates.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
