// A convention is another framework's (or course's) way of naming and laying out the parameters
// of the same recurrent cell: Keras's kernel [I, 4H], CS231n's Wx [D, 4H] with gates i, f, o, g,
// d2l's one matrix per gate, Ng's gates on the concatenation [a_prev, x]. Each convention is a
// lossless mapping to PyTorch's layout (the project's canonical one, Spec/conventions.md):
//
//   ToPyTorch            the convention's tensors -> weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ...
//   FromPyTorch          the inverse, for parameter values
//   GradientsFromPyTorch PyTorch's gradients -> the gradients of the convention's tensors
//
// Why gradients need their own mapping. Every mapping of a weight only moves, transposes or
// negates elements (a signed permutation P), and then the gradient moves the same way
// (dL/dθ_conv = Pᵀ dL/dθ_torch = P⁻¹ dL/dθ_torch). A merged bias is different: the convention's
// one b becomes bias_ih = b, bias_hh = 0, so dL/db = dL/dbias_ih, not dL/dbias_ih + dL/dbias_hh
// (adding them would double it). Because only b_ih + b_hh enters the cell, dL/dbias_ih equals
// dL/dbias_hh, so either one is the gradient of b. GradientsFromPyTorch therefore applies the
// value mapping with bias_hh's gradient replaced by zero where the convention merges the biases
// (and unchanged where it keeps both, as Keras's reset-after GRU does).
//
// A convention describes one cell: one layer in one direction. A stack with more layers or
// both directions gives each layer and direction's tensors under the convention's names with
// PyTorch's suffix (kernel_l0, kernel_l0_reverse, kernel_l1, ...); one layer in one direction
// uses the bare names (kernel).
//
// I = input size of the layer, H = hidden size, G = gate blocks (RNN 1, LSTM 4, GRU 3).
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Conventions;

/// <summary>One layer and direction of a stack, as a convention sees it.</summary>
public readonly record struct CellShape(CellKind Kind, int InputSize, int HiddenSize, bool Bias)
{
    /// <summary>G, the gate blocks stacked in a weight: 4 (LSTM), 3 (GRU), 1 (RNN).</summary>
    public int Gates => Kind switch { CellKind.Lstm => 4, CellKind.Gru or CellKind.GruResetBefore => 3, _ => 1 };

    /// <summary>True for the plain tanh or ReLU RNN cell.</summary>
    public bool IsRnn => Kind is CellKind.RnnTanh or CellKind.RnnRelu;

    /// <summary>The sizes and bias flag, as messages quote them.</summary>
    public override string ToString() => $"input_size {InputSize}, hidden_size {HiddenSize}, bias {(Bias ? "true" : "false")}";
}

/// <summary>
/// PyTorch's tensors of one layer and direction: Wih = weight_ih [G*H, I], Whh = weight_hh [G*H, H],
/// Bih = bias_ih and Bhh = bias_hh [G*H] (both empty without bias). Row-major.
/// </summary>
public sealed record PyTorchCell(double[] Wih, double[] Whh, double[] Bih, double[] Bhh);

/// <summary>
/// A convention's dense layer y = x Wᵀ + b (PyTorch's nn.Linear: weight [Out, In], bias [Out]): what
/// the convention calls the layer, the weight's name and whether it is stored transposed ([In, Out], for x · W), the bias's name (null
/// when the convention's layer has none) and whether it is a column [Out, 1].
/// </summary>
public sealed record LinearNames(string Layer, string Weight, bool Transposed, string? Bias, bool BiasColumn);

/// <summary>One parameter of a convention: its name, its shape, what it holds in PyTorch's terms, and whether it is a bias.</summary>
public sealed record ConventionTensor(string Name, int[] Shape, string Holds, bool IsBias = false);

/// <summary>Another framework's or course's names and layouts for one recurrent cell, as a lossless mapping to and from PyTorch's (Spec/conventions.md).</summary>
public abstract class Convention
{
    /// <summary>The name a case file uses, e.g. "keras".</summary>
    public abstract string Name { get; }

    /// <summary>Who uses it, for messages and the Spec, e.g. "Keras (keras.layers, tf.keras)".</summary>
    public abstract string Title { get; }

    /// <summary>Why the convention has no such cell (e.g. CS231n has no GRU), or null when it has.</summary>
    public abstract string? Unsupported(CellShape cell);

    /// <summary>The cell's name in the convention, e.g. "Keras LSTM".</summary>
    public abstract string CellTitle(CellShape cell);

    /// <summary>The cell's tensors (bare names), in the convention's order.</summary>
    public abstract IReadOnlyList<ConventionTensor> CellLayout(CellShape cell);

    /// <summary>True when the convention keeps one bias where PyTorch keeps bias_ih and bias_hh.</summary>
    public abstract bool MergesBiases(CellShape cell);

    /// <summary>The convention's tensors of one cell (bare names, shapes checked) as PyTorch's.</summary>
    protected abstract PyTorchCell CellToPyTorch(CellShape cell, NamedTensors tensors);

    /// <summary>PyTorch's tensors of one cell as the convention's (bare names, CellLayout's order).</summary>
    protected abstract NamedTensors CellFromPyTorch(CellShape cell, PyTorchCell pytorch);

    /// <summary>
    /// What the result says about the biases when the convention merges them: how the merged
    /// bias was split and why its gradient is bias_ih's. Null when nothing is merged.
    /// </summary>
    public virtual string? BiasNote(CellShape cell)
    {
        if (!cell.Bias || !MergesBiases(cell)) return null;
        var biases = string.Join(", ", CellLayout(cell).Where(t => t.IsBias).Select(t => t.Name));
        return $"{CellTitle(cell)} has one bias per gate ({biases}) where PyTorch has bias_ih and bias_hh; only their sum " +
               "enters the cell, so the oracle ran PyTorch's cell with bias_ih = the convention's bias and bias_hh = 0, and " +
               "the gradient returned for each bias is dL/dbias_ih (which equals dL/dbias_hh; their sum would count it twice)";
    }

    /// <summary>
    /// The GRU a "gru" case means under the convention when it does not say (Keras's reset_after):
    /// true for PyTorch's reset-after cell (PyTorch's and Keras's default), false where the
    /// convention's only GRU applies the reset gate before the product (d2l, Ng).
    /// </summary>
    public virtual bool GruResetAfterByDefault => true;

    /// <summary>The convention's names for a dense layer (the output layer of its RNN), or null when it names none.</summary>
    public virtual LinearNames? Linear => null;

    // ---- the stack: every layer and direction --------------------------------------------------

    /// <summary>Every tensor the convention gives for the stack, in PyTorch's layer and direction order.</summary>
    public IReadOnlyList<ConventionTensor> Layout(RecurrentConfig config)
    {
        var layout = new List<ConventionTensor>();
        foreach (var (cell, l, d) in Cells(config))
            foreach (var t in CellLayout(cell))
                layout.Add(t with { Name = StackName(t.Name, config, l, d) });
        return layout;
    }

    /// <summary>The convention's parameters as PyTorch's (RecurrentParameters.Layout's names and order).</summary>
    public NamedTensors ToPyTorch(RecurrentConfig config, NamedTensors parameters)
    {
        Validate(config, parameters);
        var result = new NamedTensors();
        foreach (var (cell, l, d) in Cells(config))
        {
            var mine = new NamedTensors();
            foreach (var t in CellLayout(cell))
                mine.Add(t.Name, parameters[StackName(t.Name, config, l, d)]);
            var p = CellToPyTorch(cell, mine);
            AddPyTorchCell(result, config, cell, l, d, p);
        }
        return result;
    }

    /// <summary>PyTorch's parameters as the convention's (Layout's names and order).</summary>
    public NamedTensors FromPyTorch(RecurrentConfig config, NamedTensors parameters)
    {
        RecurrentParameters.Validate(config, parameters);
        return FromPyTorchCells(config, parameters, zeroRecurrentBias: false);
    }

    /// <summary>
    /// PyTorch's gradients (named as RecurrentParameters.Layout) as the gradients of the
    /// convention's tensors: the value mapping, with dL/dbias_hh replaced by zero where the
    /// convention merges the biases (see the top of this file).
    /// </summary>
    public NamedTensors GradientsFromPyTorch(RecurrentConfig config, NamedTensors gradients)
    {
        RecurrentParameters.Validate(config, gradients, nameof(gradients));
        return FromPyTorchCells(config, gradients, zeroRecurrentBias: true);
    }

    /// <summary>
    /// Checks the set holds exactly the convention's names with its shapes. The ArgumentException's
    /// message names the convention, the tensor and both shapes; it carries no parameter name, so the
    /// message reads the same wherever it is shown (the oracle puts it in the case's error).
    /// </summary>
    public void Validate(RecurrentConfig config, NamedTensors parameters, string argumentName = "params")
    {
        ArgumentNullException.ThrowIfNull(parameters, argumentName);
        ValidateAgainst(Layout(config), parameters, $"{CellTitle(FirstCell(config))} with {Describe(config)}", argumentName);
    }

    private void ValidateAgainst(IReadOnlyList<ConventionTensor> layout, NamedTensors parameters, string what, string argumentName = "params")
    {
        var expected = layout.Select(t => t.Name).ToArray();
        string takes = string.Join(", ", layout.Select(t => $"{t.Name} {Tensor.ShapeText(t.Shape)}"));
        foreach (var t in layout)
        {
            if (!parameters.TryGet(t.Name, out var given))
            {
                var unexpected = parameters.Names.Where(n => Array.IndexOf(expected, n) < 0).ToArray();
                string found = unexpected.Length == 0 ? "" : $"; it has {string.Join(", ", unexpected.Select(n => $"'{n}'"))} instead";
                throw new ArgumentException(
                    $"convention \"{Name}\": {argumentName} has no '{t.Name}' (a {what} takes {takes}){found}{PyTorchNamesHint(unexpected)}");
            }
            if (!given.HasShape(t.Shape))
            {
                string transposed = given.Rank == 2 && t.Shape.Length == 2 && given.Shape[0] == t.Shape[1] && given.Shape[1] == t.Shape[0]
                    ? " (it is the transpose of what is expected)" : "";
                throw new ArgumentException(
                    $"convention \"{Name}\": {argumentName}['{t.Name}'] is {given.ShapeText()} but a {what} takes {Tensor.ShapeText(t.Shape)}" +
                    $" ({t.Name} = {t.Holds}){transposed}");
            }
        }
        foreach (var name in parameters.Names)
            if (Array.IndexOf(expected, name) < 0)
                throw new ArgumentException(
                    $"convention \"{Name}\": {argumentName} has an unexpected '{name}' (a {what} takes {takes}){PyTorchNamesHint([name])}");
    }

    /// <summary>The merged-bias notes of the stack's cells (one per distinct note), for the result.</summary>
    public IReadOnlyList<string> BiasNotes(RecurrentConfig config)
    {
        var notes = new List<string>();
        foreach (var (cell, _, _) in Cells(config))
            if (BiasNote(cell) is { } note && !notes.Contains(note)) notes.Add(note);
        return notes;
    }

    // ---- a dense layer ------------------------------------------------------------------------
    // weight [Out, In] = W (or Wᵀ when the convention stores [In, Out]); bias [Out] = b (or b's one column).
    // Both mappings only move elements, so gradients map exactly as values do.

    /// <summary>The dense layer's tensors under the convention: In, Out from PyTorch's weight [Out, In].</summary>
    public IReadOnlyList<ConventionTensor> LinearLayout(int In, int Out, bool bias)
    {
        var names = Linear ?? throw new ArgumentException($"convention \"{Name}\": {Title} names no dense layer; give it in PyTorch's layout (weight, bias)");
        if (bias && names.Bias is null)
            throw new ArgumentException($"convention \"{Name}\": the {names.Layer} ({names.Weight}) has no bias; bias must be false");
        var layout = new List<ConventionTensor>
        {
            names.Transposed ? new(names.Weight, [In, Out], "weightᵀ: [in, out]") : new(names.Weight, [Out, In], "weight: [out, in]"),
        };
        if (bias)
            layout.Add(names.BiasColumn ? new(names.Bias!, [Out, 1], "bias as a column [out, 1]", IsBias: true) : new(names.Bias!, [Out], "bias: [out]", IsBias: true));
        return layout;
    }

    /// <summary>The dense layer's (In, Out) read from the convention's weight, which must be a matrix.</summary>
    public (int In, int Out) LinearSizes(NamedTensors parameters)
    {
        var names = Linear ?? throw new ArgumentException($"convention \"{Name}\": {Title} names no dense layer; give it in PyTorch's layout (weight, bias)");
        if (!parameters.TryGet(names.Weight, out var w))
            throw new ArgumentException($"convention \"{Name}\": params has no '{names.Weight}' (the dense layer's weight, {(names.Transposed ? "[in, out]" : "[out, in]")})");
        if (w.Rank != 2)
            throw new ArgumentException($"convention \"{Name}\": params['{names.Weight}'] is {w.ShapeText()} but a matrix {(names.Transposed ? "[in, out]" : "[out, in]")} was expected");
        return names.Transposed ? (w.Shape[0], w.Shape[1]) : (w.Shape[1], w.Shape[0]);
    }

    /// <summary>The convention's dense layer as PyTorch's weight [Out, In] and bias [Out].</summary>
    public NamedTensors LinearToPyTorch(int In, int Out, bool bias, NamedTensors parameters)
    {
        ValidateAgainst(LinearLayout(In, Out, bias), parameters, $"{Linear!.Layer} with in_features {In}, out_features {Out}");
        var names = Linear!;
        var w = parameters[names.Weight].Data;
        var result = new NamedTensors();
        // weight = W, or (Wᵀ)ᵀ when stored [In, Out]
        result.Add("weight", new Tensor([Out, In], names.Transposed ? GateBlocks.Transpose(w, In, Out) : (double[])w.Clone()));
        // bias = b (a column's one column)
        if (bias) result.Add("bias", new Tensor([Out], (double[])parameters[names.Bias!].Data.Clone()));
        return result;
    }

    /// <summary>PyTorch's dense layer (weight [Out, In], bias [Out]) as the convention's; gradients map the same way.</summary>
    public NamedTensors LinearFromPyTorch(int In, int Out, bool bias, NamedTensors pytorch)
    {
        var layout = LinearLayout(In, Out, bias);
        var names = Linear!;
        var w = pytorch["weight"].Data;
        var result = new NamedTensors();
        result.Add(names.Weight, new Tensor(layout[0].Shape, names.Transposed ? GateBlocks.Transpose(w, Out, In) : (double[])w.Clone()));
        if (bias) result.Add(names.Bias!, new Tensor(layout[1].Shape, (double[])pytorch["bias"].Data.Clone()));
        return result;
    }

    /// <summary>The name of a cell's tensor in the stack: bare for one layer in one direction, else with PyTorch's suffix.</summary>
    protected virtual string StackName(string name, RecurrentConfig config, int layer, int direction) =>
        config.NumLayers == 1 && !config.Bidirectional ? name : name + RecurrentConfig.Suffix(layer, direction);

    /// <summary>Every layer and direction of the stack with its cell shape; throws when the convention has no such cell.</summary>
    protected IEnumerable<(CellShape Cell, int Layer, int Direction)> Cells(RecurrentConfig config)
    {
        config.Validate();
        for (int l = 0; l < config.NumLayers; l++)
            for (int d = 0; d < config.Directions; d++)
            {
                var cell = new CellShape(config.Kind, config.LayerInputSize(l), config.HiddenSize, config.Bias);
                if (Unsupported(cell) is { } why)
                    throw new ArgumentException($"convention \"{Name}\": {why}");
                yield return (cell, l, d);
            }
    }

    private CellShape FirstCell(RecurrentConfig config) => Cells(config).First().Cell;

    private NamedTensors FromPyTorchCells(RecurrentConfig config, NamedTensors pytorch, bool zeroRecurrentBias)
    {
        var result = new NamedTensors();
        foreach (var (cell, l, d) in Cells(config))
        {
            string s = RecurrentConfig.Suffix(l, d);
            double[] bhh = config.Bias ? pytorch["bias_hh" + s].Data : [];
            if (zeroRecurrentBias && MergesBiases(cell)) bhh = new double[bhh.Length];
            var p = new PyTorchCell(pytorch["weight_ih" + s].Data, pytorch["weight_hh" + s].Data,
                config.Bias ? pytorch["bias_ih" + s].Data : [], bhh);
            foreach (var (name, t) in CellFromPyTorch(cell, p))
                result.Add(StackName(name, config, l, d), t);
        }
        return result;
    }

    private static void AddPyTorchCell(NamedTensors result, RecurrentConfig config, CellShape cell, int l, int d, PyTorchCell p)
    {
        string s = RecurrentConfig.Suffix(l, d);
        int GH = cell.Gates * cell.HiddenSize;
        result.Add("weight_ih" + s, new Tensor([GH, cell.InputSize], p.Wih));
        result.Add("weight_hh" + s, new Tensor([GH, cell.HiddenSize], p.Whh));
        if (config.Bias)
        {
            result.Add("bias_ih" + s, new Tensor([GH], p.Bih));
            result.Add("bias_hh" + s, new Tensor([GH], p.Bhh));
        }
    }

    private string PyTorchNamesHint(IEnumerable<string> names) =>
        Name != "pytorch" && names.Any(n => n.StartsWith("weight_", StringComparison.Ordinal) || n.StartsWith("bias_", StringComparison.Ordinal))
            ? $"; '{names.First(n => n.StartsWith("weight_", StringComparison.Ordinal) || n.StartsWith("bias_", StringComparison.Ordinal))}' is PyTorch's name: give PyTorch's names without a convention"
            : "";

    private static string Describe(RecurrentConfig c) =>
        $"input_size {c.InputSize}, hidden_size {c.HiddenSize}" +
        (c.NumLayers > 1 ? $", num_layers {c.NumLayers}" : "") + (c.Bidirectional ? ", bidirectional" : "") +
        (c.Bias ? "" : ", bias false");

    /// <summary>The convention's name.</summary>
    public override string ToString() => Name;
}
