// What the models share for their parameter sets:
//   - PyTorch's default initialisations (same distributions, not the same values: the draws
//     come from the project's SeededRandom, in named_parameters() order);
//   - the check that a parameter set has exactly a model's names and shapes;
//   - a view of one sub-module's parameters under the names that layer's code expects
//     ("lstm.weight_ih_l0" -> "weight_ih_l0"), sharing the tensors, so an optimizer's
//     in-place update is seen by both.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Models;

/// <summary>What the models share for their parameters: PyTorch's default initialisations, the layout check, sub-module views.</summary>
public static class ModelParameters
{
    /// <summary>nn.Embedding's default: every weight from N(0, 1).</summary>
    public static Tensor Normal(SeededRandom rng, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Length; i++) t.Data[i] = rng.NextGaussian();
        return t;
    }

    /// <summary>
    /// nn.Linear's and nn.Conv1d's default for weight and bias: uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)),
    /// fanIn = in_features (Linear) or in_channels * kernel_size (Conv1d). PyTorch writes it as
    /// kaiming_uniform_(a = sqrt(5)) for the weight, which is this bound.
    /// </summary>
    public static Tensor FanInUniform(SeededRandom rng, int fanIn, params int[] shape)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        return rng.UniformTensor(-bound, bound, shape);
    }

    /// <summary>
    /// nn.RNN's / nn.LSTM's / nn.GRU's default: every parameter, biases included, from
    /// uniform(-1/sqrt(H), 1/sqrt(H)), added under prefix + "." + PyTorch's name, in PyTorch's order.
    /// </summary>
    public static void AddRecurrent(NamedTensors target, SeededRandom rng, string prefix, Recurrent.RecurrentConfig config)
    {
        double k = 1.0 / Math.Sqrt(config.HiddenSize);
        foreach (var (name, shape) in RecurrentLayout(prefix, config))
            target.Add(name, rng.UniformTensor(-k, k, shape));
    }

    /// <summary>A recurrent sub-module's parameter names (prefix + "." + PyTorch's name) and shapes, in order.</summary>
    public static IEnumerable<(string Name, int[] Shape)> RecurrentLayout(string prefix, Recurrent.RecurrentConfig config) =>
        Recurrent.RecurrentParameters.Layout(config).Select(p => (prefix + "." + p.Name, p.Shape));

    /// <summary>Throws unless parameters holds exactly the layout's names, each with its shape.</summary>
    public static void Validate(NamedTensors parameters, IReadOnlyList<(string Name, int[] Shape)> layout, string modelName,
        string argumentName = "parameters")
    {
        ArgumentNullException.ThrowIfNull(parameters, argumentName);
        string expected = string.Join(", ", layout.Select(p => p.Name));
        foreach (var (name, shape) in layout)
        {
            if (!parameters.TryGet(name, out var t))
                throw new ArgumentException($"{argumentName} has no '{name}' but this {modelName} expects {expected}", argumentName);
            if (!t.HasShape(shape))
                throw new ArgumentException($"{argumentName}['{name}'] is {t.ShapeText()} but {Tensor.ShapeText(shape)} was expected for this {modelName}", argumentName);
        }
        foreach (var name in parameters.Names)
            if (!layout.Any(p => p.Name == name))
                throw new ArgumentException($"{argumentName} has an unexpected '{name}'; this {modelName} expects {expected}", argumentName);
    }

    /// <summary>The tensors named prefix + "." + X, under the names X, in order; the tensors are shared, not copied.</summary>
    public static NamedTensors SubModule(NamedTensors parameters, string prefix)
    {
        var view = new NamedTensors();
        foreach (var (name, tensor) in parameters)
            if (name.StartsWith(prefix + ".", StringComparison.Ordinal))
                view.Add(name[(prefix.Length + 1)..], tensor);
        return view;
    }

    /// <summary>Adds every tensor of a sub-module's set to target under prefix + "." + its name (shared, not copied).</summary>
    public static void AddSubModule(NamedTensors target, string prefix, NamedTensors subModule)
    {
        foreach (var (name, tensor) in subModule) target.Add(prefix + "." + name, tensor);
    }
}
