// The known values of Tests/Fixtures/conventions/conventions.json, written by
// Tests/Fixtures/gen_conventions.py from each framework's own equations in its own layout
// (a NumPy transcription of Keras's cells, CS231n's, d2l's and Ng's functions, the slides'
// loops; gradients by central differences of those). Read here with System.Text.Json so the
// library's tests need nothing of the program.
using System.Text.Json;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Conventions;

/// <summary>One example: a convention's parameters and the framework's outputs and gradients for them.</summary>
public sealed record FrameworkExample(
    string Name, string Convention, CellKind Kind, int InputSize, int HiddenSize, bool Bias,
    NamedTensors Params, Tensor Input, Tensor? H0, Tensor? C0,
    NamedTensors GradOutputs, NamedTensors Expected, NamedTensors Grads)
{
    public RecurrentConfig Config => new(Kind, InputSize, HiddenSize, Bias: Bias);

    public override string ToString() => Name;
}

public static class ConventionFixture
{
    public static string Path => System.IO.Path.Combine(RepoPaths.Root, "Tests", "Fixtures", "conventions", "conventions.json");

    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(Path)));

    public static IReadOnlyList<FrameworkExample> Examples() =>
        [.. Document.Value.RootElement.GetProperty("examples").EnumerateArray().Select(ReadExample)];

    /// <summary>One of the notebooks' own draws (Ng's seed-1 examples), by name: x, a0 and the params.</summary>
    public static (Tensor X, Tensor A0, NamedTensors Params) Notebook(string name)
    {
        foreach (var e in Document.Value.RootElement.GetProperty("notebooks").EnumerateArray())
            if (e.GetProperty("name").GetString() == name)
                return (Array(e.GetProperty("x")), Array(e.GetProperty("a0")), Set(e.GetProperty("params")));
        throw new InvalidOperationException($"{Path} has no notebook example \"{name}\"");
    }

    private static FrameworkExample ReadExample(JsonElement e)
    {
        var kind = e.GetProperty("cell").GetString() switch
        {
            "rnn_tanh" => CellKind.RnnTanh,
            "rnn_relu" => CellKind.RnnRelu,
            "lstm" => CellKind.Lstm,
            "gru" => CellKind.Gru,
            "gru_reset_before" => CellKind.GruResetBefore,
            var other => throw new InvalidOperationException($"{Path}: unknown cell \"{other}\""),
        };
        return new FrameworkExample(
            e.GetProperty("name").GetString()!, e.GetProperty("convention").GetString()!, kind,
            e.GetProperty("input_size").GetInt32(), e.GetProperty("hidden_size").GetInt32(), e.GetProperty("bias").GetBoolean(),
            Set(e.GetProperty("params")), Array(e.GetProperty("input")),
            e.TryGetProperty("h0", out var h0) ? Array(h0) : null,
            e.TryGetProperty("c0", out var c0) ? Array(c0) : null,
            Set(e.GetProperty("grad_outputs")), Set(e.GetProperty("expected")), Set(e.GetProperty("grads")));
    }

    private static NamedTensors Set(JsonElement obj)
    {
        var set = new NamedTensors();
        foreach (var p in obj.EnumerateObject()) set.Add(p.Name, Array(p.Value));
        return set;
    }

    private static Tensor Array(JsonElement a) =>
        new([.. a.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())],
            [.. a.GetProperty("data").EnumerateArray().Select(v => v.GetDouble())]);
}
