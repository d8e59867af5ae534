// Oracle ops for the feed-forward layers (Spec/dense.md, embedding.md, conv1d.md, pooling.md,
// activations.md). Names, tensor names and config keys are PyTorch's functional ones:
//   linear      inputs input;            params weight, bias     config bias, in_features, out_features,
//                                                                       convention (the params under a convention's
//                                                                       dense-layer names, Spec/conventions.md)
//   embedding   inputs input (indices);  params weight           config num_embeddings, embedding_dim, padding_idx
//   conv1d      inputs input;            params weight, bias     config in_channels, out_channels, kernel_size,
//                                                                       stride, padding, dilation, bias, groups, padding_mode
//   max_pool1d  inputs input             config kernel_size, stride, padding, dilation, ceil_mode, return_indices
//   avg_pool1d  inputs input             config kernel_size, stride, padding, ceil_mode, count_include_pad
//   relu, tanh, sigmoid  inputs input;   softmax  inputs input, config dim
// Every op outputs "output" (max_pool1d also "indices" when return_indices) and the gradient of
// every float input and param given grad_outputs.output (omitted: zeros). Indices get no gradient.
using System.Text.Json.Nodes;
using Rnn.Reference.Layers;
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Oracle.Ops;

public sealed class LinearOp : IOp
{
    public string Name => "linear";

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c) => Evaluate(c, Compute.Plain);

    /// <summary>
    /// Under a convention: its weight and bias (Keras's kernel [in, out], CS231n's w, Ng's by [out, 1], ...)
    /// are read as PyTorch's weight [out, in] and bias [out], and their gradients go back the same way.
    /// </summary>
    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c, Compute compute)
    {
        var convention = ConventionOption.Read(c.Config);
        if (convention is null) return EvaluatePyTorch(c, compute);
        ConfigReader.OnlyKeys(c.Config, Name, "bias", "in_features", "out_features", ConventionOption.Key);
        var (In, Out) = convention.LinearSizes(c.Params);
        bool bias = ConfigReader.Bool(c.Config, "bias", true);
        var pytorch = convention.LinearToPyTorch(In, Out, bias, c.Params);
        var config = (JsonObject)c.Config.DeepClone();
        config.Remove(ConventionOption.Key);
        var (outputs, grads) = EvaluatePyTorch(c with { Config = config, Params = pytorch }, compute);
        var dPyTorch = CaseTensors.Set(("weight", grads["weight"]), ("bias", bias ? grads["bias"] : null));
        var result = CaseTensors.Set(("input", grads["input"]));
        foreach (var (name, g) in convention.LinearFromPyTorch(In, Out, bias, dPyTorch)) result.Add(name, g);
        return (outputs, result);
    }

    private (NamedTensors Outputs, NamedTensors Grads) EvaluatePyTorch(Case c, Compute compute)
    {
        ConfigReader.OnlyKeys(c.Config, Name, "bias", "in_features", "out_features", ConventionOption.Key);
        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, "input");
        CaseTensors.OnlyNames(c.Params, "params", Name, "weight", "bias");
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, "output");
        var input = CaseTensors.Required(c.Inputs, "inputs", "input", Name);
        var weight = CaseTensors.Required(c.Params, "params", "weight", Name);
        var bias = CaseTensors.BiasAsConfigured(c);
        if (weight.Rank == 2)
        {
            int? inF = CaseTensors.OptionalInt(c.Config, "in_features"), outF = CaseTensors.OptionalInt(c.Config, "out_features");
            if (inF is int i && i != weight.Shape[1]) throw new ArgumentException($"params.weight is {weight.ShapeText()} but config.in_features is {i}");
            if (outF is int o && o != weight.Shape[0]) throw new ArgumentException($"params.weight is {weight.ShapeText()} but config.out_features is {o}");
        }

        var (output, cache) = Dense.Forward(input, weight, bias, compute);
        var grads = Dense.Backward(CaseTensors.Upstream(c, "output", output.Shape), cache);
        return (CaseTensors.Set(("output", output)),
            CaseTensors.Set(("input", grads.dInput), ("weight", grads.dWeight), ("bias", grads.dBias)));
    }
}

public sealed class EmbeddingOp : IOp
{
    public string Name => "embedding";

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c)
    {
        ConfigReader.OnlyKeys(c.Config, Name, "num_embeddings", "embedding_dim", "padding_idx");
        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, "input");
        CaseTensors.OnlyNames(c.Params, "params", Name, "weight");
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, "output");
        var input = CaseTensors.Required(c.Inputs, "inputs", "input", Name);
        var weight = CaseTensors.Required(c.Params, "params", "weight", Name);
        int? V = CaseTensors.OptionalInt(c.Config, "num_embeddings"), D = CaseTensors.OptionalInt(c.Config, "embedding_dim");
        if ((V is int v && (weight.Rank != 2 || weight.Shape[0] != v)) || (D is int d && (weight.Rank != 2 || weight.Shape[1] != d)))
            throw new ArgumentException(
                $"params.weight is {weight.ShapeText()} but config gives num_embeddings {V?.ToString() ?? "-"}, embedding_dim {D?.ToString() ?? "-"}");
        int[] indices = CaseTensors.Integers(input, "inputs.input");

        var (output, cache) = Embedding.Forward(indices, input.Shape, weight, CaseTensors.OptionalInt(c.Config, "padding_idx"));
        var dWeight = Embedding.Backward(CaseTensors.Upstream(c, "output", output.Shape), cache);
        return (CaseTensors.Set(("output", output)), CaseTensors.Set(("weight", dWeight)));
    }
}

public sealed class Conv1dOp : IOp
{
    public string Name => "conv1d";

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c) => Evaluate(c, Compute.Plain);

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c, Compute compute)
    {
        ConfigReader.OnlyKeys(c.Config, Name, "in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
            "bias", "groups", "padding_mode");
        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, "input");
        CaseTensors.OnlyNames(c.Params, "params", Name, "weight", "bias");
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, "output");
        var input = CaseTensors.Required(c.Inputs, "inputs", "input", Name);
        var weight = CaseTensors.Required(c.Params, "params", "weight", Name);
        var bias = CaseTensors.BiasAsConfigured(c);
        string paddingMode = ConfigReader.String(c.Config, "padding_mode", "zeros");
        if (paddingMode != "zeros")
            throw new ArgumentException($"config.padding_mode is \"{paddingMode}\" but only \"zeros\" is implemented");
        int groups = ConfigReader.Int(c.Config, "groups", 1);
        if (weight.Rank == 3)
        {
            CheckSize(c.Config, "out_channels", weight.Shape[0], weight);
            CheckSize(c.Config, "kernel_size", weight.Shape[2], weight);
            CheckSize(c.Config, "in_channels", weight.Shape[1] * groups, weight);
        }

        // PyTorch also takes an unbatched input [Cin, L]: run it as a batch of one.
        bool unbatched = input.Rank == 2;
        var batched = unbatched ? new Tensor([1, .. input.Shape], input.Data) : input;
        var (output, cache) = Conv1d.Forward(batched, weight, bias,
            ConfigReader.Int(c.Config, "stride", 1), ConfigReader.Int(c.Config, "padding", 0),
            ConfigReader.Int(c.Config, "dilation", 1), groups, compute);
        if (unbatched) output = new Tensor(output.Shape[1..], output.Data);
        var dOutput = CaseTensors.Upstream(c, "output", output.Shape);
        var grads = Conv1d.Backward(unbatched ? new Tensor([1, .. dOutput.Shape], dOutput.Data) : dOutput, cache);
        var dInput = unbatched ? new Tensor(input.Shape, grads.dInput.Data) : grads.dInput;
        return (CaseTensors.Set(("output", output)),
            CaseTensors.Set(("input", dInput), ("weight", grads.dWeight), ("bias", grads.dBias)));
    }

    private static void CheckSize(JsonObject config, string key, int actual, Tensor weight)
    {
        if (CaseTensors.OptionalInt(config, key) is int v && v != actual)
            throw new ArgumentException($"params.weight is {weight.ShapeText()} but config.{key} is {v}");
    }
}

public sealed class MaxPool1dOp : IOp
{
    public string Name => "max_pool1d";

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c)
    {
        ConfigReader.OnlyKeys(c.Config, Name, "kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices");
        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, "input");
        CaseTensors.OnlyNames(c.Params, "params", Name);
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, "output");
        var input = CaseTensors.Required(c.Inputs, "inputs", "input", Name);
        var (output, cache) = MaxPool1d.Forward(input,
            ConfigReader.Int(c.Config, "kernel_size"), CaseTensors.OptionalInt(c.Config, "stride"),
            ConfigReader.Int(c.Config, "padding", 0), ConfigReader.Int(c.Config, "dilation", 1),
            ConfigReader.Bool(c.Config, "ceil_mode", false));
        var dInput = MaxPool1d.Backward(CaseTensors.Upstream(c, "output", output.Shape), cache);
        var outputs = CaseTensors.Set(("output", output));
        if (ConfigReader.Bool(c.Config, "return_indices", false))
        {
            var indices = new double[cache.Argmax.Length];
            for (int k = 0; k < indices.Length; k++) indices[k] = cache.Argmax[k];
            outputs.Add("indices", new Tensor(output.Shape, indices));
        }
        return (outputs, CaseTensors.Set(("input", dInput)));
    }
}

public sealed class AvgPool1dOp : IOp
{
    public string Name => "avg_pool1d";

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c)
    {
        ConfigReader.OnlyKeys(c.Config, Name, "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad");
        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, "input");
        CaseTensors.OnlyNames(c.Params, "params", Name);
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, "output");
        var input = CaseTensors.Required(c.Inputs, "inputs", "input", Name);
        var (output, cache) = AvgPool1d.Forward(input,
            ConfigReader.Int(c.Config, "kernel_size"), CaseTensors.OptionalInt(c.Config, "stride"),
            ConfigReader.Int(c.Config, "padding", 0), ConfigReader.Bool(c.Config, "ceil_mode", false),
            ConfigReader.Bool(c.Config, "count_include_pad", true));
        var dInput = AvgPool1d.Backward(CaseTensors.Upstream(c, "output", output.Shape), cache);
        return (CaseTensors.Set(("output", output)), CaseTensors.Set(("input", dInput)));
    }
}

/// <summary>relu, tanh and sigmoid: one input of any shape, no config.</summary>
public sealed class ElementwiseActivationOp(string name, Func<Tensor, Tensor> forward, Func<Tensor, Tensor, Tensor, Tensor> backward) : IOp
{
    public static readonly ElementwiseActivationOp Relu =
        new("relu", Rnn.Reference.Layers.Relu.Forward, (dy, x, _) => Rnn.Reference.Layers.Relu.Backward(dy, x));
    public static readonly ElementwiseActivationOp Tanh =
        new("tanh", Rnn.Reference.Layers.Tanh.Forward, (dy, _, y) => Rnn.Reference.Layers.Tanh.Backward(dy, y));
    public static readonly ElementwiseActivationOp Sigmoid =
        new("sigmoid", Rnn.Reference.Layers.Sigmoid.Forward, (dy, _, y) => Rnn.Reference.Layers.Sigmoid.Backward(dy, y));

    public string Name => name;

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c)
    {
        ConfigReader.OnlyKeys(c.Config, Name);
        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, "input");
        CaseTensors.OnlyNames(c.Params, "params", Name);
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, "output");
        var input = CaseTensors.Required(c.Inputs, "inputs", "input", Name);
        var output = forward(input);
        var dInput = backward(CaseTensors.Upstream(c, "output", output.Shape), input, output);
        return (CaseTensors.Set(("output", output)), CaseTensors.Set(("input", dInput)));
    }
}

public sealed class SoftmaxOp : IOp
{
    public string Name => "softmax";

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c)
    {
        ConfigReader.OnlyKeys(c.Config, Name, "dim");
        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, "input");
        CaseTensors.OnlyNames(c.Params, "params", Name);
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, "output");
        var input = CaseTensors.Required(c.Inputs, "inputs", "input", Name);
        int dim = ConfigReader.Int(c.Config, "dim");
        var output = Softmax.Forward(input, dim);
        var dInput = Softmax.Backward(CaseTensors.Upstream(c, "output", output.Shape), output, dim);
        return (CaseTensors.Set(("output", output)), CaseTensors.Set(("input", dInput)));
    }
}
