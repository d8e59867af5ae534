// `eval` with config.convention (Spec/conventions.md): params under the framework's names and
// shapes, gradients back under the same names and shapes, merged biases stated in the result.
// Expected values come from outside the oracle: Tests/Fixtures/conventions/conventions.json
// (gen_conventions.py: each framework's own equations in NumPy, gradients by central
// differences of that forward), and a dense layer worked out by hand below.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Commands;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Oracle;

public sealed class ConventionEvalTests
{
    private static JsonArray Examples()
    {
        string path = Path.Combine(RepoPaths.Root, "Tests", "Fixtures", "conventions", "conventions.json");
        return (JsonArray)JsonNode.Parse(File.ReadAllText(path))!["examples"]!;
    }

    /// <summary>The fixture's example as an oracle case under its convention.</summary>
    private static Case ToCase(JsonObject e)
    {
        string cell = (string)e["cell"]!;
        string op = cell switch { "lstm" => "lstm", "gru" or "gru_reset_before" => "gru", _ => "rnn" };
        var config = new JsonObject
        {
            ["convention"] = (string)e["convention"]!,
            ["input_size"] = (int)e["input_size"]!,
            ["hidden_size"] = (int)e["hidden_size"]!,
            ["bias"] = (bool)e["bias"]!,
        };
        if (op == "rnn") config["nonlinearity"] = cell == "rnn_relu" ? "relu" : "tanh";
        // Keras says reset_after=False; d2l's and Ng's GRUs are reset-before by default
        if (cell == "gru_reset_before" && (string)e["convention"]! == "keras") config["reset_after"] = false;
        var inputs = new NamedTensors { { "input", Read(e["input"]) } };
        if (e["h0"] is not null) inputs.Add("h0", Read(e["h0"]));
        if (e["c0"] is not null) inputs.Add("c0", Read(e["c0"]));
        return new Case((string)e["name"]!, op, config, inputs, Set(e["params"]), Set(e["grad_outputs"]));
    }

    private static Tensor Read(JsonNode? node) => JsonArrays.Read(node, "fixture");

    private static NamedTensors Set(JsonNode? node)
    {
        var set = new NamedTensors();
        foreach (var (name, value) in (JsonObject)node!) set.Add(name, Read(value));
        return set;
    }

    public static IEnumerable<string> ExampleNames() => Examples().Select(e => (string)e!["name"]!);

    [TestCaseSource(nameof(ExampleNames))]
    public void EvalUnderTheConventionAgreesWithTheFrameworksOwnEquations(string name)
    {
        var e = (JsonObject)Examples().First(x => (string)x!["name"]! == name)!;
        var result = Evaluator.Evaluate(ToCase(e));
        Assert.That(result.Error, Is.Null);
        var expected = Set(e["expected"]);
        var grads = Set(e["grads"]);
        Assert.That(result.Outputs.Names, Is.EquivalentTo(expected.Names));
        // the gradients come back under the convention's names, with its shapes
        Assert.That(result.Grads.Names, Is.EquivalentTo(grads.Names));
        foreach (var (n, t) in expected) Close(result.Outputs[n], t, 1e-12, $"{name} output {n}");
        // central differences of the framework's forward (step 1e-6): agreement to about 1e-9
        foreach (var (n, t) in grads) Close(result.Grads[n], t, 1e-8, $"{name} grad {n}");
    }

    [TestCaseSource(nameof(ExampleNames))]
    public void AMergedBiasIsStatedInTheResultAndOnlyThen(string name)
    {
        var e = (JsonObject)Examples().First(x => (string)x!["name"]! == name)!;
        var result = Evaluator.Evaluate(ToCase(e));
        bool merges = (bool)e["bias"]! && (string)e["cell"]! != "gru";   // Keras's reset-after GRU keeps both (bias [2, 3H])
        if (!merges)
        {
            Assert.That(result.Notes, Is.Null.Or.Empty);
            return;
        }
        Assert.That(result.Notes, Has.Count.EqualTo(1));
        Assert.That(result.Notes![0], Does.Contain("bias_ih = the convention's bias and bias_hh = 0"));
        Assert.That(result.Notes![0], Does.Contain("dL/dbias_ih"));
    }

    [Test]
    public void TheNotesTravelThroughJsonAndNpzResults()
    {
        var e = (JsonObject)Examples().First(x => (string)x!["name"]! == "keras/lstm")!;
        var result = Evaluator.Evaluate(ToCase(e));
        foreach (var format in new[] { FileFormat.Json, FileFormat.Npz })
        {
            var stream = new MemoryStream();
            FileFormats.WriteResults(stream, [result], format);
            stream.Position = 0;
            var back = format == FileFormat.Json ? CaseFile.ReadResults(stream, "r.json") : NpzCaseFile.ReadResults(stream, "r.npz");
            Assert.That(back[0].Notes, Is.EqualTo(result.Notes), format.ToString());
            Assert.That(back[0].Grads["kernel"].Data, Is.EqualTo(result.Grads["kernel"].Data), format.ToString());
        }
    }

    [Test]
    public void AWrongShapeUnderAConventionNamesTheConventionTheTensorAndBothShapes()
    {
        var e = (JsonObject)Examples().First(x => (string)x!["name"]! == "keras/lstm")!;
        var c = ToCase(e);
        var kernel = c.Params["kernel"];                              // [3, 8]
        var p = new NamedTensors
        {
            { "kernel", new Tensor([kernel.Shape[1], kernel.Shape[0]], kernel.Data) },
            { "recurrent_kernel", c.Params["recurrent_kernel"] }, { "bias", c.Params["bias"] },
        };
        var result = Evaluator.Evaluate(c with { Params = p });
        Assert.That(result.Error, Does.Contain("convention \"keras\": params['kernel'] is [8, 3] but a Keras LSTM"));
        Assert.That(result.Error, Does.Contain("takes [3, 8]"));
        Assert.That(result.Error, Does.Contain("transpose"));
    }

    [Test]
    public void PyTorchsNamesUnderAnotherConventionAreNamedAsSuch()
    {
        var c = new Case("x", "lstm", new JsonObject { ["convention"] = "cs231n", ["input_size"] = 1, ["hidden_size"] = 1 },
            new NamedTensors { { "input", Tensor.Zeros(1, 1, 1) } },
            new NamedTensors
            {
                { "weight_ih_l0", Tensor.Zeros(4, 1) }, { "weight_hh_l0", Tensor.Zeros(4, 1) },
                { "bias_ih_l0", Tensor.Zeros(4) }, { "bias_hh_l0", Tensor.Zeros(4) },
            }, new NamedTensors());
        var error = Evaluator.Evaluate(c).Error;
        Assert.That(error, Does.StartWith("convention \"cs231n\": params has no 'Wx'"));
        Assert.That(error, Does.Contain("PyTorch's name"));
    }

    [Test]
    public void AnUnknownConventionListsTheKnownOnes()
    {
        var c = new Case("x", "rnn", new JsonObject { ["convention"] = "tensorflow", ["input_size"] = 1, ["hidden_size"] = 1 },
            new NamedTensors { { "input", Tensor.Zeros(1, 1, 1) } }, new NamedTensors(), new NamedTensors());
        Assert.That(Evaluator.Evaluate(c).Error,
            Is.EqualTo("config.convention is \"tensorflow\" but the conventions are pytorch, keras, cs231n, d2l, ng, 95-865, stats507"));
    }

    [Test]
    public void D2lRefusesTheResetAfterGruItHasNoFormFor()
    {
        var c = new Case("x", "gru", new JsonObject { ["convention"] = "d2l", ["input_size"] = 1, ["hidden_size"] = 1, ["reset_after"] = true },
            new NamedTensors { { "input", Tensor.Zeros(1, 1, 1) } }, new NamedTensors(), new NamedTensors());
        Assert.That(Evaluator.Evaluate(c).Error, Does.StartWith("convention \"d2l\": d2l's GRU applies the reset gate before the product"));
    }

    [Test]
    public void KerasDenseWorkedByHand()
    {
        // x = [1, 2]; kernel [in 2, out 3] = [[1, 0, -1], [2, 1, 0]]; bias = [0.5, 0, -0.5]
        // y = x · kernel + bias = [1 + 4 + 0.5, 0 + 2 + 0, -1 + 0 - 0.5] = [5.5, 2, -1.5]
        // dy = [1, -1, 2]: dkernel = xᵀ dy = [[1, -1, 2], [2, -2, 4]]; dbias = dy; dx = dy · kernelᵀ = [1 + 0 - 2, 2 - 1 + 0] = [-1, 1]
        var c = new Case("dense", "linear", new JsonObject { ["convention"] = "keras" },
            new NamedTensors { { "input", new Tensor([1, 2], [1, 2]) } },
            new NamedTensors { { "kernel", new Tensor([2, 3], [1, 0, -1, 2, 1, 0]) }, { "bias", new Tensor([3], [0.5, 0, -0.5]) } },
            new NamedTensors { { "output", new Tensor([1, 3], [1, -1, 2]) } });
        var r = Evaluator.Evaluate(c);
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Outputs["output"].Data, Is.EqualTo(new[] { 5.5, 2, -1.5 }));
        Assert.That(r.Grads.Names, Is.EqualTo(new[] { "input", "kernel", "bias" }));
        Assert.That(r.Grads["kernel"].Shape, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(r.Grads["kernel"].Data, Is.EqualTo(new double[] { 1, -1, 2, 2, -2, 4 }));
        Assert.That(r.Grads["bias"].Data, Is.EqualTo(new double[] { 1, -1, 2 }));
        Assert.That(r.Grads["input"].Data, Is.EqualTo(new double[] { -1, 1 }));
    }

    [Test]
    public void NgsOutputLayerTakesAColumnBias()
    {
        // Ng: Wy [n_y 1, n_a 2] = [[2, -1]], by [1, 1] = [[0.25]]; x = [3, 1]: y = 6 - 1 + 0.25 = 5.25; dy = 2: dWy = [[6, 2]], dby = [[2]]
        var c = new Case("ng", "linear", new JsonObject { ["convention"] = "ng" },
            new NamedTensors { { "input", new Tensor([1, 2], [3, 1]) } },
            new NamedTensors { { "Wy", new Tensor([1, 2], [2, -1]) }, { "by", new Tensor([1, 1], [0.25]) } },
            new NamedTensors { { "output", new Tensor([1, 1], [2]) } });
        var r = Evaluator.Evaluate(c);
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Outputs["output"].Data, Is.EqualTo(new[] { 5.25 }));
        Assert.That(r.Grads["Wy"].Data, Is.EqualTo(new double[] { 6, 2 }));
        Assert.That(r.Grads["by"].Shape, Is.EqualTo(new[] { 1, 1 }));
        Assert.That(r.Grads["by"].Data, Is.EqualTo(new double[] { 2 }));
    }

    private static void Close(Tensor got, Tensor expected, double tol, string what)
    {
        Assert.That(got.Shape, Is.EqualTo(expected.Shape), what);
        for (int i = 0; i < expected.Length; i++)
            Assert.That(got.Data[i], Is.EqualTo(expected.Data[i]).Within(tol + tol * Math.Abs(expected.Data[i])), $"{what}[{i}]");
    }
}
