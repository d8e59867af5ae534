// The parameters of a recurrent stack, named and shaped exactly as PyTorch's named_parameters():
// for each layer l, for each direction (forward, then "_reverse"):
//   weight_ih_l{l}  [G*H, I_l]    input-to-hidden weights, gate blocks stacked (LSTM i,f,g,o; GRU r,z,n)
//   weight_hh_l{l}  [G*H, H]      hidden-to-hidden weights
//   bias_ih_l{l}    [G*H]         (when bias) input bias
//   bias_hh_l{l}    [G*H]         (when bias) hidden bias
// where G = 1 (RNN), 4 (LSTM), 3 (GRU) and I_l = I for l = 0, D*H above.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Recurrent;

/// <summary>A stack's parameters as PyTorch's named_parameters(): weight_ih_l{l} [G*H, I_l], weight_hh_l{l} [G*H, H], bias_ih_l{l}, bias_hh_l{l} [G*H], "_reverse" for the second direction.</summary>
public static class RecurrentParameters
{
    /// <summary>Every parameter's name and shape, in PyTorch's order.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Layout(RecurrentConfig config)
    {
        config.Validate();
        int H = config.HiddenSize, GH = config.Gates * H;
        var layout = new List<(string, int[])>();
        for (int l = 0; l < config.NumLayers; l++)
            for (int d = 0; d < config.Directions; d++)
            {
                string s = RecurrentConfig.Suffix(l, d);
                layout.Add(("weight_ih" + s, [GH, config.LayerInputSize(l)]));
                layout.Add(("weight_hh" + s, [GH, H]));
                if (config.Bias)
                {
                    layout.Add(("bias_ih" + s, [GH]));
                    layout.Add(("bias_hh" + s, [GH]));
                }
            }
        return layout;
    }

    /// <summary>
    /// PyTorch's default initialisation: every parameter, biases included, drawn from
    /// uniform(-1/sqrt(H), 1/sqrt(H)), here from the project's seeded generator.
    /// </summary>
    public static NamedTensors Initialize(RecurrentConfig config, ulong seed)
    {
        var rng = new SeededRandom(seed);
        double k = 1.0 / Math.Sqrt(config.HiddenSize);
        var p = new NamedTensors();
        foreach (var (name, shape) in Layout(config))
            p.Add(name, rng.UniformTensor(-k, k, shape));
        return p;
    }

    /// <summary>Checks the set holds exactly the expected names with the expected shapes.</summary>
    public static void Validate(RecurrentConfig config, NamedTensors parameters, string argumentName = "parameters")
    {
        ArgumentNullException.ThrowIfNull(parameters, argumentName);
        var layout = Layout(config);
        var expectedNames = layout.Select(p => p.Name).ToArray();
        foreach (var (name, shape) in layout)
        {
            if (!parameters.TryGet(name, out var t))
            {
                // a misspelt name shows up as one missing and one unexpected: name both
                var unexpected = parameters.Names.Where(n => Array.IndexOf(expectedNames, n) < 0).ToArray();
                string found = unexpected.Length == 0 ? "" : $"; it has unexpected {string.Join(", ", unexpected.Select(n => $"'{n}'"))}";
                throw new ArgumentException(
                    $"{argumentName} has no '{name}' (a {config.ModuleName} with {Describe(config)} expects {string.Join(", ", expectedNames)}){found}",
                    argumentName);
            }
            if (!t.HasShape(shape))
            {
                string hint = name.StartsWith("weight_ih", StringComparison.Ordinal) && t.Rank == 2 && t.Shape[0] == shape[0]
                    ? $" (input size {t.Shape[1]}, but layer expects {shape[1]})" : "";
                throw new ArgumentException(
                    $"{argumentName}['{name}'] is {t.ShapeText()} but {Tensor.ShapeText(shape)} was expected{hint}", argumentName);
            }
        }
        foreach (var name in parameters.Names)
            if (Array.IndexOf(expectedNames, name) < 0)
                throw new ArgumentException(
                    $"{argumentName} has an unexpected '{name}' (a {config.ModuleName} with {Describe(config)} expects {string.Join(", ", expectedNames)})",
                    argumentName);
    }

    private static string Describe(RecurrentConfig c) =>
        $"num_layers={c.NumLayers}, bidirectional={c.Bidirectional}, bias={c.Bias}";
}
