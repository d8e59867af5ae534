// CS231n's layout (assignment 3, cs231n/rnn_layers.py): next_h = tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
// on row vectors, and for the LSTM a = x.dot(Wx) + prev_h.dot(Wh) + b split into a_i, a_f, a_o, a_g
// ("a_i consists of the first H elements of a, a_f is the next H elements", i = σ(a_i), f = σ(a_f),
// o = σ(a_o), g = tanh(a_g)). So the matrices are PyTorch's transposed, and the LSTM's last two
// gate blocks are swapped (Spec/conventions.md):
//
//   RNN   Wx [D, H]  = weight_ihᵀ         Wh [H, H]  = weight_hhᵀ         b [H]  = bias_ih + bias_hh
//   LSTM  Wx [D, 4H] = [W_ii; W_if; W_io; W_ig]ᵀ   gates i, f, o, g (PyTorch: i, f, g, o)
//         Wh [H, 4H] = [W_hi; W_hf; W_ho; W_hg]ᵀ
//         b  [4H]    = bias_ih + bias_hh, blocks i, f, o, g
//   affine w [D, M]  = weightᵀ         b [M] = bias         (affine_forward: x.reshape(N, -1).dot(w) + b)
//
// The assignment has no GRU. Its sequences are batch-major (x [N, T, D]): give "batch_first": true
// for that layout of the input.
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using static Rnn.Reference.Conventions.GateBlocks;

namespace Rnn.Reference.Conventions;

/// <summary>CS231n's layout: Wx [I, G*H], Wh [H, G*H] (PyTorch's transposed), one bias, LSTM gates i, f, o, g.</summary>
public sealed class Cs231nConvention : Convention
{
    /// <inheritdoc/>
    public override string Name => "cs231n";

    /// <inheritdoc/>
    public override string Title => "CS231n (assignment 3, rnn_layers.py)";

    /// <inheritdoc/>
    public override string? Unsupported(CellShape cell) =>
        cell.Kind is CellKind.Gru or CellKind.GruResetBefore
            ? "CS231n's assignment has no GRU (it implements the vanilla RNN and the LSTM); give the GRU in PyTorch's layout or as keras, d2l or ng"
            : null;

    /// <inheritdoc/>
    public override string CellTitle(CellShape cell) => cell.Kind == CellKind.Lstm ? "CS231n LSTM" : "CS231n RNN";

    /// <summary>CS231n's LSTM gate order in PyTorch's letters.</summary>
    private const string Cs231nLstmOrder = "ifog";

    private const string PyTorchLstmOrder = "ifgo";

    /// <inheritdoc/>
    public override IReadOnlyList<ConventionTensor> CellLayout(CellShape cell)
    {
        int D = cell.InputSize, H = cell.HiddenSize, GH = cell.Gates * H;
        bool lstm = cell.Kind == CellKind.Lstm;
        var layout = new List<ConventionTensor>
        {
            new("Wx", [D, GH], lstm ? "weight_ihᵀ: [D, 4H], gates i, f, o, g side by side" : "weight_ihᵀ: [D, H]"),
            new("Wh", [H, GH], lstm ? "weight_hhᵀ: [H, 4H], gates i, f, o, g side by side" : "weight_hhᵀ: [H, H]"),
        };
        if (cell.Bias)
            layout.Add(new("b", [GH], lstm ? "bias_ih + bias_hh: [4H], gates i, f, o, g" : "bias_ih + bias_hh: [H]", IsBias: true));
        return layout;
    }

    /// <inheritdoc/>
    public override bool MergesBiases(CellShape cell) => true;

    /// <summary>affine_forward: out = x.reshape(N, -1).dot(w) + b, w [D, M], b [M].</summary>
    public override LinearNames Linear => new("CS231n affine layer", "w", Transposed: true, "b", BiasColumn: false);

    /// <inheritdoc/>
    protected override NamedTensors CellFromPyTorch(CellShape cell, PyTorchCell p)
    {
        int D = cell.InputSize, H = cell.HiddenSize, GH = cell.Gates * H;
        var t = new NamedTensors();
        // Wx = weight_ihᵀ (LSTM: blocks g and o swapped first)
        t.Add("Wx", new Tensor([D, GH], Transpose(ToCs231nOrder(cell, p.Wih, H, D), GH, D)));
        // Wh = weight_hhᵀ
        t.Add("Wh", new Tensor([H, GH], Transpose(ToCs231nOrder(cell, p.Whh, H, H), GH, H)));
        // b = bias_ih + bias_hh
        if (cell.Bias) t.Add("b", new Tensor([GH], ToCs231nOrder(cell, MergedBias(p.Bih, p.Bhh), H, 1)));
        return t;
    }

    /// <inheritdoc/>
    protected override PyTorchCell CellToPyTorch(CellShape cell, NamedTensors t)
    {
        int D = cell.InputSize, H = cell.HiddenSize, GH = cell.Gates * H;
        // weight_ih = Wxᵀ (LSTM: blocks o and g back to g, o)
        var Wih = ToPyTorchOrder(cell, Transpose(t["Wx"].Data, D, GH), H, D);
        // weight_hh = Whᵀ
        var Whh = ToPyTorchOrder(cell, Transpose(t["Wh"].Data, H, GH), H, H);
        if (!cell.Bias) return new PyTorchCell(Wih, Whh, [], []);
        // bias_ih = b, bias_hh = 0: only the sum enters the cell
        return new PyTorchCell(Wih, Whh, ToPyTorchOrder(cell, t["b"].Data, H, 1), new double[GH]);
    }

    private static double[] ToCs231nOrder(CellShape cell, double[] w, int H, int C) =>
        cell.Kind == CellKind.Lstm ? Reorder(w, H, C, PyTorchLstmOrder, Cs231nLstmOrder) : (double[])w.Clone();

    private static double[] ToPyTorchOrder(CellShape cell, double[] w, int H, int C) =>
        cell.Kind == CellKind.Lstm ? Reorder(w, H, C, Cs231nLstmOrder, PyTorchLstmOrder) : (double[])w.Clone();
}
