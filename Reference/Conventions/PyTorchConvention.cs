// PyTorch's own layout, the project's canonical one (Spec/recurrent-stack.md), as a convention:
// the identity mapping. Names always carry the layer suffix (weight_ih_l0), as named_parameters() gives them.
//
//   weight_ih_l{k}  [G*H, I]   gate blocks stacked: LSTM i, f, g, o; GRU r, z, n
//   weight_hh_l{k}  [G*H, H]
//   bias_ih_l{k}    [G*H]
//   bias_hh_l{k}    [G*H]
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Conventions;

/// <summary>PyTorch's own layout as a convention: the identity mapping, names with the layer suffix.</summary>
public sealed class PyTorchConvention : Convention
{
    /// <inheritdoc/>
    public override string Name => "pytorch";

    /// <inheritdoc/>
    public override string Title => "PyTorch (nn.RNN, nn.LSTM, nn.GRU)";

    /// <inheritdoc/>
    public override string? Unsupported(CellShape cell) => null;

    /// <inheritdoc/>
    public override string CellTitle(CellShape cell) => cell.Kind switch
    {
        CellKind.Lstm => "PyTorch LSTM",
        CellKind.Gru => "PyTorch GRU",
        CellKind.GruResetBefore => "GRU with the reset gate before the product, in PyTorch's layout",
        _ => "PyTorch RNN",
    };

    /// <inheritdoc/>
    public override IReadOnlyList<ConventionTensor> CellLayout(CellShape cell)
    {
        int I = cell.InputSize, H = cell.HiddenSize, GH = cell.Gates * H;
        string blocks = cell.Kind switch { CellKind.Lstm => " (gates i, f, g, o)", CellKind.Gru or CellKind.GruResetBefore => " (gates r, z, n)", _ => "" };
        var layout = new List<ConventionTensor>
        {
            new("weight_ih", [GH, I], $"weight_ih [G*H, I]{blocks}"),
            new("weight_hh", [GH, H], $"weight_hh [G*H, H]{blocks}"),
        };
        if (cell.Bias)
        {
            layout.Add(new("bias_ih", [GH], "bias_ih [G*H]", IsBias: true));
            layout.Add(new("bias_hh", [GH], "bias_hh [G*H]", IsBias: true));
        }
        return layout;
    }

    /// <inheritdoc/>
    public override bool MergesBiases(CellShape cell) => false;

    /// <summary>nn.Linear: weight [out, in], bias [out].</summary>
    public override LinearNames Linear => new("PyTorch Linear", "weight", Transposed: false, "bias", BiasColumn: false);

    /// <inheritdoc/>
    protected override string StackName(string name, RecurrentConfig config, int layer, int direction) =>
        name + RecurrentConfig.Suffix(layer, direction);

    /// <inheritdoc/>
    protected override PyTorchCell CellToPyTorch(CellShape cell, NamedTensors t) =>
        new(Copy(t["weight_ih"]), Copy(t["weight_hh"]),
            cell.Bias ? Copy(t["bias_ih"]) : [], cell.Bias ? Copy(t["bias_hh"]) : []);

    /// <inheritdoc/>
    protected override NamedTensors CellFromPyTorch(CellShape cell, PyTorchCell p)
    {
        int I = cell.InputSize, H = cell.HiddenSize, GH = cell.Gates * H;
        var t = new NamedTensors();
        t.Add("weight_ih", new Tensor([GH, I], (double[])p.Wih.Clone()));
        t.Add("weight_hh", new Tensor([GH, H], (double[])p.Whh.Clone()));
        if (cell.Bias)
        {
            t.Add("bias_ih", new Tensor([GH], (double[])p.Bih.Clone()));
            t.Add("bias_hh", new Tensor([GH], (double[])p.Bhh.Clone()));
        }
        return t;
    }

    private static double[] Copy(Tensor t) => (double[])t.Data.Clone();
}
