// The STATS 507 slides' own names for the tanh RNN cell (Spec/tanh-rnn-slide.md):
//
//   slide: self.h = torch.tanh(x @ self.Wxh.t() + self.h @ self.Whh.t())
//          output = F.linear(self.h, self.Why)
//
// The recurrence is PyTorch's nn.RNN(nonlinearity="tanh", bias=False) (Spec/conventions.md):
//
//   Wxh [H, I] = weight_ih     Whh [H, H] = weight_hh     (no biases)
//
// The slide's output layer Why [O, H] is nn.Linear(H, O, bias=False)'s weight: the linear op
// with params Why (the slide's own op tanh_rnn_slide runs both together). The slides name no
// LSTM or GRU weights.
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Conventions;

/// <summary>The STATS 507 slides' tanh cell names: Wxh [H, I], Whh [H, H], no biases (Why is the output layer).</summary>
public sealed class Stats507Convention : Convention
{
    /// <inheritdoc/>
    public override string Name => "stats507";

    /// <inheritdoc/>
    public override string Title => "STATS 507 slides (SimpleRNNCell from scratch: Wxh, Whh, Why)";

    /// <inheritdoc/>
    public override string? Unsupported(CellShape cell)
    {
        if (!cell.IsRnn) return "the STATS 507 slides name weights only for the tanh RNN cell (Wxh, Whh, Why); give an LSTM or GRU in PyTorch's layout or another convention";
        if (cell.Bias) return "the STATS 507 cell has no biases (h = tanh(x @ Wxh.t() + h @ Whh.t())); bias must be false";
        return null;
    }

    /// <inheritdoc/>
    public override string CellTitle(CellShape cell) => "STATS 507 RNN cell";

    /// <inheritdoc/>
    public override IReadOnlyList<ConventionTensor> CellLayout(CellShape cell) =>
    [
        new("Wxh", [cell.HiddenSize, cell.InputSize], "weight_ih: [H, I]"),
        new("Whh", [cell.HiddenSize, cell.HiddenSize], "weight_hh: [H, H]"),
    ];

    /// <inheritdoc/>
    public override bool MergesBiases(CellShape cell) => false;

    /// <summary>The slide's output = F.linear(self.h, self.Why): Why [O, H] is nn.Linear(H, O, bias=False)'s weight.</summary>
    public override LinearNames Linear => new("STATS 507 output layer", "Why", Transposed: false, null, BiasColumn: false);

    /// <inheritdoc/>
    protected override NamedTensors CellFromPyTorch(CellShape cell, PyTorchCell p)
    {
        var t = new NamedTensors();
        t.Add("Wxh", new Tensor([cell.HiddenSize, cell.InputSize], (double[])p.Wih.Clone()));   // Wxh = weight_ih
        t.Add("Whh", new Tensor([cell.HiddenSize, cell.HiddenSize], (double[])p.Whh.Clone()));  // Whh = weight_hh
        return t;
    }

    // weight_ih = Wxh, weight_hh = Whh
    /// <inheritdoc/>
    protected override PyTorchCell CellToPyTorch(CellShape cell, NamedTensors t) =>
        new((double[])t["Wxh"].Data.Clone(), (double[])t["Whh"].Data.Clone(), [], []);
}
