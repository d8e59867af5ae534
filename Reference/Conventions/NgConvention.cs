// Andrew Ng's layout (deeplearning.ai Sequence Models, "Building your Recurrent Neural Network -
// Step by Step", and the lecture's GRU): column vectors, so a weight is [out, in] as PyTorch's,
// biases are columns [n_a, 1], and every gate of the LSTM and GRU reads the concatenation
// [a_prev; x_t] ("concat[: n_a, :] = a_prev; concat[n_a :, :] = xt"): its matrix is PyTorch's
// two gate blocks side by side, the state's first (Spec/conventions.md).
//
//   RNN   Wax [H, I] = weight_ih       Waa [H, H] = weight_hh       ba [H, 1] = bias_ih + bias_hh
//         a_next = tanh(Wax xt + Waa a_prev + ba)
//   LSTM  for each gate • of f, i, c, o (Ng's Γ_f, Γ_u = "update" = i, c̃ = g, Γ_o):
//         W• [H, H+I] = [W_h• | W_i•]   b• [H, 1] = b_i• + b_h•
//   GRU   Wr [H, H+I] = [W_hr | W_ir]   br = b_ir + b_hr                      Γ_r = r
//         Wc [H, H+I] = [W_hn | W_in]   bc = b_in + b_hn                      c̃ = n (reset before the product)
//         Wu [H, H+I] = -[W_hz | W_iz]  bu = -(b_iz + b_hz)                   Γ_u = 1 - z
//   output layer Wy [n_y, n_a] = weight, by [n_y, 1] = bias (the RNN notebook's Wya is the same)
//
// The GRU's update gate is the point to get right. Ng writes c<t> = Γ_u ⋆ c̃<t> + (1 - Γ_u) ⋆ c<t-1>:
// Γ_u weights the new candidate, PyTorch's z the old state (h = (1 - z) ⊙ n + z ⊙ h_prev), so
// Γ_u = 1 - z = 1 - σ(a_z) = σ(-a_z): Ng's Wu, bu are PyTorch's z rows negated. Ng's candidate
// c̃ = tanh(Wc[Γ_r ⋆ c<t-1>, x<t>] + bc) applies Γ_r before the product: it maps to the
// reset-before cell (reset_after false), never to PyTorch's reset-after GRU.
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using static Rnn.Reference.Conventions.GateBlocks;

namespace Rnn.Reference.Conventions;

/// <summary>Andrew Ng's layout: column vectors, each gate's matrix over the concatenation [a_prev; x], one bias column per gate, Γ_u = 1 - z.</summary>
public sealed class NgConvention : Convention
{
    /// <inheritdoc/>
    public override string Name => "ng";

    /// <inheritdoc/>
    public override string Title => "Andrew Ng (deeplearning.ai Sequence Models)";

    /// <inheritdoc/>
    public override string? Unsupported(CellShape cell) =>
        cell.Kind == CellKind.Gru
            ? "Ng's GRU applies the relevance gate before the product (c̃ = tanh(Wc[Γr * c_prev, x] + bc)); " +
              "give \"reset_after\": false for it (PyTorch's reset-after GRU has no Ng form: give it in PyTorch's layout or as keras)"
            : null;

    /// <inheritdoc/>
    public override string CellTitle(CellShape cell) => cell.Kind switch
    {
        CellKind.Lstm => "Ng LSTM",
        CellKind.GruResetBefore => "Ng GRU",
        _ => "Ng RNN",
    };

    /// <summary>Ng's gates in his order: the letter, PyTorch's block, and whether the block is negated (Γ_u = 1 - z).</summary>
    private static (char Gate, int Block, bool Negated)[] Gates(CellShape cell) => cell.Kind switch
    {
        CellKind.Lstm => [('f', 1, false), ('i', 0, false), ('c', 2, false), ('o', 3, false)],   // PyTorch i, f, g, o
        _ => [('u', 1, true), ('r', 0, false), ('c', 2, false)],                                // PyTorch r, z, n
    };

    /// <inheritdoc/>
    public override IReadOnlyList<ConventionTensor> CellLayout(CellShape cell)
    {
        int I = cell.InputSize, H = cell.HiddenSize;
        var layout = new List<ConventionTensor>();
        if (cell.IsRnn)
        {
            layout.Add(new("Wax", [H, I], "weight_ih: [n_a, n_x]"));
            layout.Add(new("Waa", [H, H], "weight_hh: [n_a, n_a]"));
            if (cell.Bias) layout.Add(new("ba", [H, 1], "bias_ih + bias_hh as a column [n_a, 1]", IsBias: true));
            return layout;
        }
        foreach (var (g, block, negated) in Gates(cell))
        {
            string torch = (cell.Kind == CellKind.Lstm ? "ifgo" : "rzn")[block].ToString();
            string sign = negated ? "-" : "";
            layout.Add(new($"W{g}", [H, H + I], $"{sign}[W_h{torch} | W_i{torch}]: [n_a, n_a + n_x], the state's columns first"));
            if (cell.Bias)
                layout.Add(new($"b{g}", [H, 1], $"{sign}(b_i{torch} + b_h{torch}) as a column [n_a, 1]", IsBias: true));
        }
        return layout;
    }

    /// <inheritdoc/>
    public override bool MergesBiases(CellShape cell) => true;

    /// <summary>Its only GRU applies the reset gate before the product.</summary>
    public override bool GruResetAfterByDefault => false;

    /// <summary>The LSTM notebook's output layer: yt = softmax(Wy a_next + by), Wy [n_y, n_a], by [n_y, 1] (the RNN notebook calls Wy Wya).</summary>
    public override LinearNames Linear => new("Ng output layer", "Wy", Transposed: false, "by", BiasColumn: true);

    /// <inheritdoc/>
    public override string? BiasNote(CellShape cell)
    {
        string? merged = base.BiasNote(cell);
        if (cell.Kind != CellKind.GruResetBefore) return merged;
        const string update = "Ng's update gate is Γ_u = 1 - z (his c = Γ_u ⋆ c̃ + (1 - Γ_u) ⋆ c_prev weights the new candidate, " +
                              "PyTorch's z the old state): Wu and bu are PyTorch's z rows negated, and so are their gradients";
        return merged is null ? update : merged + ". " + update;
    }

    /// <inheritdoc/>
    protected override NamedTensors CellFromPyTorch(CellShape cell, PyTorchCell p)
    {
        int I = cell.InputSize, H = cell.HiddenSize;
        var b = cell.Bias ? MergedBias(p.Bih, p.Bhh) : [];
        var t = new NamedTensors();
        if (cell.IsRnn)
        {
            // Wax = weight_ih, Waa = weight_hh, ba = bias_ih + bias_hh (a column)
            t.Add("Wax", new Tensor([H, I], (double[])p.Wih.Clone()));
            t.Add("Waa", new Tensor([H, H], (double[])p.Whh.Clone()));
            if (cell.Bias) t.Add("ba", new Tensor([H, 1], b));
            return t;
        }
        foreach (var (g, block, negated) in Gates(cell))
        {
            // W• = [W_h• | W_i•]: the gate's rows of weight_hh, then of weight_ih, side by side (concat = [a_prev; x_t])
            var W = SideBySide(Rows(p.Whh, block * H, H, H), Rows(p.Wih, block * H, H, I), H, H, I);
            var bg = cell.Bias ? Rows(b, block * H, H, 1) : [];
            // Γ_u = 1 - z = σ(-a_z): Wu = -[W_hz | W_iz], bu = -(b_iz + b_hz)
            t.Add($"W{g}", new Tensor([H, H + I], negated ? Negated(W) : W));
            if (cell.Bias) t.Add($"b{g}", new Tensor([H, 1], negated ? Negated(bg) : bg));
        }
        return t;
    }

    /// <inheritdoc/>
    protected override PyTorchCell CellToPyTorch(CellShape cell, NamedTensors t)
    {
        int I = cell.InputSize, H = cell.HiddenSize, G = cell.Gates;
        if (cell.IsRnn)
            // weight_ih = Wax, weight_hh = Waa, bias_ih = ba, bias_hh = 0
            return new PyTorchCell((double[])t["Wax"].Data.Clone(), (double[])t["Waa"].Data.Clone(),
                cell.Bias ? (double[])t["ba"].Data.Clone() : [], cell.Bias ? new double[H] : []);
        var Wih = new double[G * H * I];
        var Whh = new double[G * H * H];
        var bih = cell.Bias ? new double[G * H] : [];
        foreach (var (g, block, negated) in Gates(cell))
        {
            var W = t[$"W{g}"].Data;                                   // [H, H + I]
            if (negated) W = Negated(W);                               // z rows = -Wu
            // W_h• = the first n_a columns of W•, W_i• = the last n_x
            Columns(W, H, H + I, 0, H).CopyTo(Whh, block * H * H);
            Columns(W, H, H + I, H, I).CopyTo(Wih, block * H * I);
            // bias_ih = b• (negated for u), bias_hh = 0
            if (cell.Bias)
            {
                var bg = t[$"b{g}"].Data;
                (negated ? Negated(bg) : bg).CopyTo(bih, block * H);
            }
        }
        return new PyTorchCell(Wih, Whh, bih, cell.Bias ? new double[G * H] : []);
    }
}
