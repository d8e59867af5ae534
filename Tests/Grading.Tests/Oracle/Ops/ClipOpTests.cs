// The oracle ops "clip_grad_norm" and "clip_grad_value": outputs, modes, config errors.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Oracle.Ops;

public sealed class ClipOpTests
{
    private static Case MakeCase(string op, string config, NamedTensors inputs) =>
        new("c", op, JsonNode.Parse(config)!.AsObject(), inputs, new NamedTensors(), new NamedTensors());

    private static NamedTensors ThreeFour() => new() { { "a", new Tensor([1], [3]) }, { "b", new Tensor([1], [4]) } };

    [Test]
    public void ClipGradNormOutputsClippedTensorsAndTheNormBefore()
    {
        // total 5, max_norm 1: a = 3 / 5.000001, b = 4 / 5.000001; total_norm 5 (shape [])
        var r = Evaluator.Evaluate(MakeCase("clip_grad_norm", """{"max_norm": 1.0}""", ThreeFour()));
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Outputs.Names, Is.EqualTo(new[] { "a", "b", "total_norm" }));
        Assert.That(r.Outputs["a"].Data[0], Is.EqualTo(0.599999880000024).Within(1e-15));
        Assert.That(r.Outputs["total_norm"].Shape, Is.Empty);
        Assert.That(r.Outputs["total_norm"].Data[0], Is.EqualTo(5.0));
    }

    [Test]
    public void ModesAndNormTypes()
    {
        // inf norm written "inf": total = 4; slide: total_norm is the sum of squares 25
        var inf = Evaluator.Evaluate(MakeCase("clip_grad_norm", """{"max_norm": 10, "norm_type": "inf"}""", ThreeFour()));
        Assert.That(inf.Outputs["total_norm"].Data[0], Is.EqualTo(4.0));
        var slide = Evaluator.Evaluate(MakeCase("clip_grad_norm", """{"max_norm": 1, "mode": "slide_squared"}""", ThreeFour()));
        Assert.That(slide.Outputs["total_norm"].Data[0], Is.EqualTo(25.0));
        Assert.That(slide.Outputs["a"].Data[0], Is.EqualTo(0.12).Within(1e-15));
        var keras = Evaluator.Evaluate(MakeCase("clip_grad_norm", """{"max_norm": 3.5, "mode": "per_tensor"}""", ThreeFour()));
        // a (norm 3) stays (3 * 3.5 / 3.5); b (norm 4) becomes 4 * 3.5 / 4 = 3.5
        Assert.That(keras.Outputs["a"].Data[0], Is.EqualTo(3.0).Within(1e-15));
        Assert.That(keras.Outputs["b"].Data[0], Is.EqualTo(3.5).Within(1e-15));
        var d2l = Evaluator.Evaluate(MakeCase("clip_grad_norm", """{"max_norm": 1, "mode": "no_epsilon"}""", ThreeFour()));
        Assert.That(d2l.Outputs["a"].Data[0], Is.EqualTo(0.6).Within(1e-15));
    }

    [Test]
    public void ClipGradValueClamps()
    {
        var r = Evaluator.Evaluate(MakeCase("clip_grad_value", """{"clip_value": 3.5}""", ThreeFour()));
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Outputs["a"].Data[0], Is.EqualTo(3.0));
        Assert.That(r.Outputs["b"].Data[0], Is.EqualTo(3.5));
        Assert.That(r.Outputs.Names, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void RejectsBadCases()
    {
        string Error(string op, string config, NamedTensors? inputs = null)
        {
            var r = Evaluator.Evaluate(MakeCase(op, config, inputs ?? ThreeFour()));
            Assert.That(r.Error, Is.Not.Null);
            return r.Error!;
        }
        Assert.That(Error("clip_grad_norm", """{"max_norm": 1, "clip_value": 2}"""), Does.Contain("config.clip_value is not an option of op 'clip_grad_norm'"));
        Assert.That(Error("clip_grad_norm", """{}"""), Does.Contain("config.max_norm is required"));
        Assert.That(Error("clip_grad_norm", """{"max_norm": 1, "mode": "keras"}"""), Does.Contain("config.mode must be"));
        Assert.That(Error("clip_grad_norm", """{"max_norm": 1, "mode": "slide_squared", "norm_type": 1}"""), Does.Contain("norm_type must be 2 for mode SlideSquaredNorm"));
        Assert.That(Error("clip_grad_norm", """{"max_norm": -1}"""), Does.Contain("max_norm must be a finite number >= 0 but is -1"));
        Assert.That(Error("clip_grad_norm", """{"max_norm": 1, "error_if_nonfinite": true}""",
            new NamedTensors { { "a", new Tensor([1], [double.NaN]) } }), Does.Contain("non-finite"));
        Assert.That(Error("clip_grad_norm", """{"max_norm": 1}""", new NamedTensors { { "total_norm", Tensor.Zeros(1) } }),
            Does.Contain("inputs.total_norm clashes with the output"));
        Assert.That(Error("clip_grad_norm", """{"max_norm": 1}""", new NamedTensors()), Does.Contain("needs the gradient tensors as inputs"));
        Assert.That(Error("clip_grad_value", """{"clip_value": 1, "max_norm": 1}"""), Does.Contain("config.max_norm is not an option of op 'clip_grad_value'"));
        Assert.That(Error("clip_grad_value", """{"clip_value": -1}"""), Does.Contain("clip_value must be a finite number >= 0 but is -1"));
    }
}
