// d2l's layout (Dive into Deep Learning, the "from scratch" RNN, LSTM and GRU): one matrix per gate,
// applied as X @ W_x• + H @ W_h• + b_• on row vectors, so each is a gate block of PyTorch's
// weight transposed (Spec/conventions.md):
//
//   RNN   W_xh [I, H] = weight_ihᵀ   W_hh [H, H] = weight_hhᵀ   b_h [H] = bias_ih + bias_hh
//   LSTM  for each gate • of i, f, o, c (d2l's c is PyTorch's g):
//         W_x• [I, H] = W_i•ᵀ        W_h• [H, H] = W_h•ᵀ        b_• [H] = b_i• + b_h•
//   GRU   for each gate • of z, r, h (d2l's h is PyTorch's n):
//         W_x• [I, H] = W_i•ᵀ        W_h• [H, H] = W_h•ᵀ        b_• [H] = b_i• + b_h•
//   output layer W_hq [H, Q] = weightᵀ   b_q [Q] = bias   (Y = H @ W_hq + b_q)
//
// d2l's GRU is the reset-before form, H̃ = tanh(X W_xh + (R ⊙ H) W_hh + b_h), with
// H = Z ⊙ H + (1 - Z) ⊙ H̃ (z as PyTorch's): it maps to the reset-before cell (reset_after false),
// never to PyTorch's reset-after GRU, whose b_hn sits inside r ⊙ (...) and has no d2l form.
// Source: d2l-en chapter_recurrent-neural-networks/rnn-scratch.md, chapter_recurrent-modern/lstm.md
// and gru.md (get_params / get_lstm_params and the cell functions).
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using static Rnn.Reference.Conventions.GateBlocks;

namespace Rnn.Reference.Conventions;

/// <summary>d2l's layout: one matrix per gate (W_x• [I, H], W_h• [H, H]) and one bias per gate; its GRU resets before the product.</summary>
public sealed class D2lConvention : Convention
{
    /// <inheritdoc/>
    public override string Name => "d2l";

    /// <inheritdoc/>
    public override string Title => "d2l (Dive into Deep Learning, from scratch)";

    /// <inheritdoc/>
    public override string? Unsupported(CellShape cell) =>
        cell.Kind == CellKind.Gru
            ? "d2l's GRU applies the reset gate before the product (H_tilda = tanh(X @ W_xh + (R * H) @ W_hh + b_h)); " +
              "give \"reset_after\": false for it (PyTorch's reset-after GRU has no d2l form: give it in PyTorch's layout or as keras)"
            : null;

    /// <inheritdoc/>
    public override string CellTitle(CellShape cell) => cell.Kind switch
    {
        CellKind.Lstm => "d2l LSTM",
        CellKind.GruResetBefore => "d2l GRU",
        _ => "d2l RNN",
    };

    /// <summary>d2l's gates in its order, each with the index of PyTorch's block it is.</summary>
    private static (char Gate, int Block)[] Gates(CellShape cell) => cell.Kind switch
    {
        CellKind.Lstm => [('i', 0), ('f', 1), ('o', 3), ('c', 2)],      // PyTorch i, f, g, o
        CellKind.GruResetBefore => [('z', 1), ('r', 0), ('h', 2)],      // PyTorch r, z, n
        _ => [('h', 0)],
    };

    /// <inheritdoc/>
    public override IReadOnlyList<ConventionTensor> CellLayout(CellShape cell)
    {
        int I = cell.InputSize, H = cell.HiddenSize;
        var layout = new List<ConventionTensor>();
        foreach (var (g, block) in Gates(cell))
        {
            string torch = PyTorchGate(cell, block);
            layout.Add(new($"W_x{g}", [I, H], cell.IsRnn ? "weight_ihᵀ" : $"W_i{torch}ᵀ (rows {block}H..{block + 1}H-1 of weight_ih, transposed)"));
            layout.Add(new($"W_h{g}", [H, H], cell.IsRnn ? "weight_hhᵀ" : $"W_h{torch}ᵀ (rows {block}H..{block + 1}H-1 of weight_hh, transposed)"));
            if (cell.Bias)
                layout.Add(new($"b_{g}", [H], cell.IsRnn ? "bias_ih + bias_hh" : $"b_i{torch} + b_h{torch}", IsBias: true));
        }
        return layout;
    }

    /// <inheritdoc/>
    public override bool MergesBiases(CellShape cell) => true;

    /// <summary>Its only GRU applies the reset gate before the product.</summary>
    public override bool GruResetAfterByDefault => false;

    /// <summary>The output layer of d2l's RNNs: Y = H @ W_hq + b_q, W_hq [H, Q], b_q [Q].</summary>
    public override LinearNames Linear => new("d2l output layer", "W_hq", Transposed: true, "b_q", BiasColumn: false);

    /// <inheritdoc/>
    protected override NamedTensors CellFromPyTorch(CellShape cell, PyTorchCell p)
    {
        int I = cell.InputSize, H = cell.HiddenSize;
        var b = cell.Bias ? MergedBias(p.Bih, p.Bhh) : [];
        var t = new NamedTensors();
        foreach (var (g, block) in Gates(cell))
        {
            // W_x• = W_i•ᵀ: the gate's rows of weight_ih [H, I], transposed to [I, H]
            t.Add($"W_x{g}", new Tensor([I, H], Transpose(Rows(p.Wih, block * H, H, I), H, I)));
            // W_h• = W_h•ᵀ
            t.Add($"W_h{g}", new Tensor([H, H], Transpose(Rows(p.Whh, block * H, H, H), H, H)));
            // b_• = b_i• + b_h•
            if (cell.Bias) t.Add($"b_{g}", new Tensor([H], Rows(b, block * H, H, 1)));
        }
        return t;
    }

    /// <inheritdoc/>
    protected override PyTorchCell CellToPyTorch(CellShape cell, NamedTensors t)
    {
        int I = cell.InputSize, H = cell.HiddenSize, G = cell.Gates;
        var Wih = new double[G * H * I];
        var Whh = new double[G * H * H];
        var bih = cell.Bias ? new double[G * H] : [];
        foreach (var (g, block) in Gates(cell))
        {
            // rows of the gate in weight_ih = W_x•ᵀ, in weight_hh = W_h•ᵀ
            Transpose(t[$"W_x{g}"].Data, I, H).CopyTo(Wih, block * H * I);
            Transpose(t[$"W_h{g}"].Data, H, H).CopyTo(Whh, block * H * H);
            // bias_ih = b_•, bias_hh = 0: only the sum enters the cell
            if (cell.Bias) t[$"b_{g}"].Data.CopyTo(bih, block * H);
        }
        return new PyTorchCell(Wih, Whh, bih, cell.Bias ? new double[G * H] : []);
    }

    private static string PyTorchGate(CellShape cell, int block) => cell.Kind switch
    {
        CellKind.Lstm => "ifgo"[block].ToString(),
        _ => "rzn"[block].ToString(),
    };
}
