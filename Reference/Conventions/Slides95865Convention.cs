// The 95-865 slides' own names for the vanilla ReLU RNN (Spec/relu-rnn-slide.md):
//
//   slide: linear = np.dot(input, W.T) + b + np.dot(current_state, U.T)
//          output = np.maximum(0, linear) # ReLU
//
// which is PyTorch's nn.RNN(nonlinearity="relu") with one bias (Spec/conventions.md):
//
//   W [H, I] = weight_ih     U [H, H] = weight_hh     b [H] = bias_ih + bias_hh
//
// (The slide's own op, relu_rnn_slide, returns the same outputs under the same names; this
// convention runs the rnn op, so h0, lengths, batches, several layers and tanh are available too.)
// The slides name no LSTM or GRU weights.
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using static Rnn.Reference.Conventions.GateBlocks;

namespace Rnn.Reference.Conventions;

/// <summary>The 95-865 slides' ReLU RNN names: W [H, I], U [H, H], one bias b [H].</summary>
public sealed class Slides95865Convention : Convention
{
    /// <inheritdoc/>
    public override string Name => "95-865";

    /// <inheritdoc/>
    public override string Title => "95-865 slides (vanilla ReLU RNN in NumPy: W, U, b)";

    /// <inheritdoc/>
    public override string? Unsupported(CellShape cell)
    {
        if (!cell.IsRnn) return "the 95-865 slides name weights only for the vanilla RNN (W, U, b); give an LSTM or GRU in PyTorch's layout or another convention";
        if (!cell.Bias) return "the 95-865 RNN has a bias b (linear = np.dot(input, W.T) + b + np.dot(current_state, U.T)); bias must be true";
        return null;
    }

    /// <inheritdoc/>
    public override string CellTitle(CellShape cell) => "95-865 RNN";

    /// <inheritdoc/>
    public override IReadOnlyList<ConventionTensor> CellLayout(CellShape cell)
    {
        int I = cell.InputSize, H = cell.HiddenSize;
        return
        [
            new("W", [H, I], "weight_ih: [H, I]"),
            new("U", [H, H], "weight_hh: [H, H]"),
            new("b", [H], "bias_ih + bias_hh: [H]", IsBias: true),
        ];
    }

    /// <inheritdoc/>
    public override bool MergesBiases(CellShape cell) => true;

    /// <inheritdoc/>
    protected override NamedTensors CellFromPyTorch(CellShape cell, PyTorchCell p)
    {
        int I = cell.InputSize, H = cell.HiddenSize;
        var t = new NamedTensors();
        t.Add("W", new Tensor([H, I], (double[])p.Wih.Clone()));   // W = weight_ih
        t.Add("U", new Tensor([H, H], (double[])p.Whh.Clone()));   // U = weight_hh
        t.Add("b", new Tensor([H], MergedBias(p.Bih, p.Bhh)));     // b = bias_ih + bias_hh
        return t;
    }

    // weight_ih = W, weight_hh = U, bias_ih = b, bias_hh = 0
    /// <inheritdoc/>
    protected override PyTorchCell CellToPyTorch(CellShape cell, NamedTensors t) =>
        new((double[])t["W"].Data.Clone(), (double[])t["U"].Data.Clone(), (double[])t["b"].Data.Clone(), new double[cell.HiddenSize]);
}
