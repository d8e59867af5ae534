// Reading a case's named tensors for an op: names checked (a misspelt tensor is an error, never
// silently ignored), required or optional, whole numbers (lengths, indices, labels) converted to
// int, omitted upstream gradients read as zeros; every error names the tensor.
using System.Text.Json.Nodes;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Oracle.Ops;

public static class CaseTensors
{
    /// <summary>Rejects names the op does not take: "inputs.hx is not taken by op 'rnn'; it takes h0, input, lengths".</summary>
    /// <param name="kind">which set of the case: inputs, params or grad_outputs</param>
    public static void OnlyNames(NamedTensors set, string kind, string op, params string[] known)
    {
        foreach (var name in set.Names)
            if (Array.IndexOf(known, name) < 0)
                throw new ArgumentException(
                    $"{kind}.{name} is not taken by op '{op}'; it takes {(known.Length == 0 ? "none" : string.Join(", ", known.Order(StringComparer.Ordinal)))}");
    }

    public static Tensor Required(NamedTensors set, string kind, string name, string op) =>
        set.TryGet(name, out var t) ? t : throw new ArgumentException($"{kind}.{name} is required by op '{op}' but missing");

    public static Tensor? Optional(NamedTensors set, string name) => set.TryGet(name, out var t) ? t : null;

    /// <summary>params.bias, which must be given exactly when config.bias (default true, as in PyTorch's layers) says so.</summary>
    public static Tensor? BiasAsConfigured(Case c)
    {
        bool hasBias = ConfigReader.Bool(c.Config, "bias", true);
        var bias = Optional(c.Params, "bias");
        if (hasBias && bias is null) throw new ArgumentException("params.bias is required because config.bias is true");
        if (!hasBias && bias is not null) throw new ArgumentException("params.bias is given but config.bias is false");
        return bias;
    }

    /// <summary>grad_outputs[name] checked against the output's shape, or zeros of that shape when omitted.</summary>
    public static Tensor Upstream(Case c, string name, int[] shape)
    {
        if (!c.GradOutputs.TryGet(name, out var g)) return Tensor.Zeros(shape);
        if (!g.HasShape(shape))
            throw new ArgumentException(
                $"grad_outputs.{name} is {g.ShapeText()} but output {name} is {Tensor.ShapeText(shape)}");
        return g;
    }

    /// <summary>A tensor of whole numbers (lengths, indices, class labels) as ints; the message names the first bad element.</summary>
    /// <param name="where">the tensor as the case names it, e.g. "inputs.lengths"</param>
    public static int[] Integers(Tensor t, string where)
    {
        var result = new int[t.Length];
        for (int k = 0; k < t.Length; k++)
        {
            double v = t.Data[k];
            if (!(v == Math.Floor(v)) || v < int.MinValue || v > int.MaxValue)
                throw new ArgumentException($"{where} holds {v} at flat position {k} but must hold whole numbers");
            result[k] = (int)v;
        }
        return result;
    }

    /// <summary>An int config value that may also be given as null (PyTorch's None), read as missing.</summary>
    public static int? OptionalInt(JsonObject config, string key) =>
        config[key] is null ? null : ConfigReader.Int(config, key);

    /// <summary>A set of the given tensors in this order; null ones (a gradient that does not exist) are left out.</summary>
    public static NamedTensors Set(params (string Name, Tensor? Tensor)[] items)
    {
        var set = new NamedTensors();
        foreach (var (name, t) in items)
            if (t is not null) set.Add(name, t);
        return set;
    }
}
