using NUnit.Framework;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;
using static Rnn.Grading.Tests.Oracle.Ops.LayerOpsTests;

namespace Rnn.Grading.Tests.Oracle.Ops;

public sealed class LossOpsTests
{
    [Test]
    public void EveryLossOpIsRegistered()
    {
        foreach (var name in new[] { "cross_entropy", "binary_cross_entropy_with_logits", "mse_loss" })
            Assert.That(OpRegistry.TryGet(name, out _), name);
    }

    [Test]
    public void CrossEntropyGivesAScalarLossAndOnlyTheInputGradient()
    {
        // logits [0, ln 2, ln 5], target 2: loss ln 1.6; gradient [1/8, 2/8, -3/8] (CrossEntropyTests)
        var c = MakeCase("cross_entropy", """{"reduction": "mean"}""",
            [("input", new Tensor([1, 3], [0, Math.Log(2), Math.Log(5)])), ("target", new Tensor([1], [2]))],
            gradOutputs: [("output", Tensor.Scalar(1))]);
        var r = Evaluator.Evaluate(c);
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Outputs["output"].Shape, Is.Empty);
        Assert.That(r.Outputs["output"].Data[0], Is.EqualTo(Math.Log(1.6)).Within(1e-15));
        Assert.That(r.Grads.Names, Is.EqualTo(new[] { "input" }));
        Assert.That(r.Grads["input"].Data, Is.EqualTo(new[] { 0.125, 0.25, -0.375 }).Within(1e-15));
    }

    [Test]
    public void SquaredErrorAndBinaryLossesGiveInputAndTargetGradients()
    {
        var x = new Tensor([3], [1, 2, 3]);
        var y = new Tensor([3], [1, 0, 5]);
        var r = Evaluator.Evaluate(MakeCase("mse_loss", """{"reduction": "sum"}""", [("input", x), ("target", y)],
            gradOutputs: [("output", Tensor.Scalar(1))]));
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Outputs["output"].Data[0], Is.EqualTo(8.0));
        Assert.That(r.Grads.Names, Is.EqualTo(new[] { "input", "target" }));
        var b = Evaluator.Evaluate(MakeCase("binary_cross_entropy_with_logits", "{}",
            [("input", x), ("target", new Tensor([3], [0, 1, 0.5])), ("pos_weight", new Tensor([3], [1, 2, 3]))]));
        Assert.That(b.Error, Is.Null);
        Assert.That(b.Grads.Names, Is.EqualTo(new[] { "input", "target" }), "weights are constants, as in PyTorch");
    }

    [Test]
    public void RejectsBadCases()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.That(Error(MakeCase("cross_entropy", "{}", [("input", x), ("target", Tensor.Zeros(2, 3))])),
            Does.Contain("class-probability targets are not supported"));
        Assert.That(Error(MakeCase("cross_entropy", "{}", [("input", x), ("target", Tensor.Zeros(3))])),
            Does.Contain("inputs.target is [3]").And.Contain("[2]"));
        Assert.That(Error(MakeCase("cross_entropy", "{}", [("input", x), ("target", new Tensor([2], [0, 0.5]))])),
            Does.Contain("whole numbers"));
        Assert.That(Error(MakeCase("cross_entropy", """{"label_smoothing": 0.1}""", [("input", x), ("target", Tensor.Zeros(2))])),
            Does.Contain("config.label_smoothing is not an option"));
        Assert.That(Error(MakeCase("cross_entropy", """{"reduction": "avg"}""", [("input", x), ("target", Tensor.Zeros(2))])),
            Does.Contain("reduction is \"avg\""));
        Assert.That(Error(MakeCase("mse_loss", "{}", [("input", x)])), Does.Contain("inputs.target is required"));
        Assert.That(Error(MakeCase("mse_loss", "{}", [("input", x), ("target", x)], gradOutputs: [("output", x)])),
            Does.Contain("grad_outputs.output is [2, 3] but output output is []"));
    }
}
