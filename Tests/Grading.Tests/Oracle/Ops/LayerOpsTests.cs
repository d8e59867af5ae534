// The oracle ops for the layers: argument names, config checks and errors, through Evaluator
// (the path `rnn-grading eval` takes). PyTorch parity of their numbers is LayerParityTests.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Oracle.Ops;

public sealed class LayerOpsTests
{
    internal static Case MakeCase(string op, string config, (string, Tensor)[] inputs, (string, Tensor)[]? parameters = null,
        (string, Tensor)[]? gradOutputs = null)
    {
        static NamedTensors Set((string, Tensor)[]? items)
        {
            var s = new NamedTensors();
            foreach (var (n, t) in items ?? []) s.Add(n, t);
            return s;
        }
        return new Case("c", op, (JsonObject)JsonNode.Parse(config)!, Set(inputs), Set(parameters), Set(gradOutputs));
    }

    internal static string Error(Case c)
    {
        var r = Evaluator.Evaluate(c);
        Assert.That(r.Error, Is.Not.Null, "the case should have been rejected");
        return r.Error!;
    }

    [Test]
    public void EveryLayerOpIsRegistered()
    {
        foreach (var name in new[] { "linear", "embedding", "conv1d", "max_pool1d", "avg_pool1d", "relu", "tanh", "sigmoid", "softmax" })
            Assert.That(OpRegistry.TryGet(name, out _), name);
    }

    [Test]
    public void LinearGivesOutputAndEveryGradient()
    {
        // x = [1, 2], W = [[1, 0], [2, -1], [0.5, 0.5]], b = [0.5, -1, 0]: y = [1.5, -1, 1.5] (DenseTests)
        var c = MakeCase("linear", """{"bias": true}""",
            [("input", new Tensor([1, 2], [1, 2]))],
            [("weight", new Tensor([3, 2], [1, 0, 2, -1, 0.5, 0.5])), ("bias", new Tensor([3], [0.5, -1, 0]))],
            [("output", new Tensor([1, 3], [1, 2, -1]))]);
        var r = Evaluator.Evaluate(c);
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Outputs["output"].Data, Is.EqualTo(new[] { 1.5, -1, 1.5 }));
        Assert.That(r.Grads.Names, Is.EqualTo(new[] { "input", "weight", "bias" }));
        Assert.That(r.Grads["input"].Data, Is.EqualTo(new[] { 4.5, -2.5 }));
    }

    [Test]
    public void OmittedUpstreamGradientMeansZeros()
    {
        var c = MakeCase("tanh", "{}", [("input", new Tensor([2], [0.3, -0.2]))]);
        var r = Evaluator.Evaluate(c);
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Grads["input"].Data, Is.EqualTo(new double[] { 0, 0 }));
    }

    [Test]
    public void EmbeddingTakesWholeNumberIndicesAndGivesOnlyTheWeightGradient()
    {
        var weight = new Tensor([3, 2], [0, 1, 2, 3, 4, 5]);
        var c = MakeCase("embedding", """{"num_embeddings": 3, "embedding_dim": 2, "padding_idx": -1}""",
            [("input", new Tensor([3], [2, 0, 2]))], [("weight", weight)],
            [("output", new Tensor([3, 2], [1, 2, 3, 4, 5, 6]))]);
        var r = Evaluator.Evaluate(c);
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Grads.Names, Is.EqualTo(new[] { "weight" }));
        Assert.That(r.Grads["weight"].Data, Is.EqualTo(new double[] { 3, 4, 0, 0, 0, 0 }));

        Assert.That(Error(MakeCase("embedding", "{}", [("input", new Tensor([2], [0, 1.5]))], [("weight", weight)])),
            Does.Contain("inputs.input holds 1.5 at flat position 1"));
        Assert.That(Error(MakeCase("embedding", "{}", [("input", new Tensor([2], [0, 3]))], [("weight", weight)])),
            Does.Contain("indices has 3 at position 1"));
        Assert.That(Error(MakeCase("embedding", """{"num_embeddings": 4}""", [("input", new Tensor([1], [0]))], [("weight", weight)])),
            Does.Contain("params.weight is [3, 2]").And.Contain("num_embeddings 4"));
    }

    [Test]
    public void Conv1dAcceptsAnUnbatchedInput()
    {
        // x [Cin 1, L 5] = [1, 2, 3, 4, 5], W = [2, 1], b = 0.5: out = [4.5, 7.5, 10.5, 13.5] (Conv1dTests)
        var c = MakeCase("conv1d", """{"in_channels": 1, "out_channels": 1, "kernel_size": 2}""",
            [("input", new Tensor([1, 5], [1, 2, 3, 4, 5]))],
            [("weight", new Tensor([1, 1, 2], [2, 1])), ("bias", new Tensor([1], [0.5]))],
            [("output", new Tensor([1, 4], [1, 1, 1, 1]))]);
        var r = Evaluator.Evaluate(c);
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Outputs["output"].Shape, Is.EqualTo(new[] { 1, 4 }));
        Assert.That(r.Outputs["output"].Data, Is.EqualTo(new[] { 4.5, 7.5, 10.5, 13.5 }));
        Assert.That(r.Grads["input"].Shape, Is.EqualTo(new[] { 1, 5 }));
    }

    [Test]
    public void MaxPoolReturnsIndicesWhenAsked()
    {
        var c = MakeCase("max_pool1d", """{"kernel_size": 3, "stride": 1, "return_indices": true}""",
            [("input", new Tensor([1, 6], [1, 3, 3, 2, 2, 0]))]);
        var r = Evaluator.Evaluate(c);
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Outputs["indices"].Data, Is.EqualTo(new double[] { 1, 1, 2, 3 }));
    }

    [Test]
    public void RejectsUnknownNamesAndUnsupportedOptions()
    {
        var x = new Tensor([1, 2, 5], new double[10]);
        var w = new Tensor([1, 2, 2], new double[4]);
        Assert.That(Error(MakeCase("linear", "{}", [("x", new Tensor([2], [1, 2]))], [("weight", Tensor.Zeros(1, 2))])),
            Does.Contain("inputs.x is not taken by op 'linear'; it takes input"));
        Assert.That(Error(MakeCase("linear", """{"bias": false}""", [("input", new Tensor([2], [1, 2]))],
            [("weight", Tensor.Zeros(1, 2)), ("bias", Tensor.Zeros(1))])), Does.Contain("config.bias is false"));
        Assert.That(Error(MakeCase("linear", "{}", [("input", new Tensor([2], [1, 2]))], [("weight", Tensor.Zeros(1, 2))])),
            Does.Contain("params.bias is required"));
        Assert.That(Error(MakeCase("conv1d", """{"bias": false, "groups": 2}""", [("input", x)], [("weight", w)])),
            Does.Contain("groups is 2"));
        Assert.That(Error(MakeCase("conv1d", """{"bias": false, "padding_mode": "reflect"}""", [("input", x)], [("weight", w)])),
            Does.Contain("padding_mode is \"reflect\""));
        Assert.That(Error(MakeCase("conv1d", """{"bias": false, "kernel_size": 3}""", [("input", x)], [("weight", w)])),
            Does.Contain("config.kernel_size is 3"));
        Assert.That(Error(MakeCase("max_pool1d", """{"kernel_size": 2, "dilatation": 2}""", [("input", x)])),
            Does.Contain("config.dilatation is not an option"));
        Assert.That(Error(MakeCase("avg_pool1d", """{"kernel_size": 2, "padding": 2}""", [("input", x)])),
            Does.Contain("padding is 2"));
        Assert.That(Error(MakeCase("softmax", "{}", [("input", x)])), Does.Contain("config.dim is required"));
        Assert.That(Error(MakeCase("relu", "{}", [("input", x)], gradOutputs: [("output", Tensor.Zeros(2))])),
            Does.Contain("grad_outputs.output is [2] but output output is [1, 2, 5]"));
    }
}
