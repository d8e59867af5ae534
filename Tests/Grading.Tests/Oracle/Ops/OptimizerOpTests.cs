// The oracle op "optimizer": its case layout (parameters and NAME.grad sequences in, the
// parameter after every step out), its config (PyTorch's names, form, lookahead) and the
// errors a malformed case gets through Evaluator.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Oracle.Ops;

public sealed class OptimizerOpTests
{
    private static Case MakeCase(string config, NamedTensors inputs, NamedTensors? parameters = null) =>
        new("c", "optimizer", JsonNode.Parse(config)!.AsObject(), inputs, parameters ?? new NamedTensors(), new NamedTensors());

    private static NamedTensors Inputs(double theta0, params double[] gs) => new()
    {
        { "w", new Tensor([1], [theta0]) },
        { "w.grad", new Tensor([gs.Length, 1], gs) },
    };

    private static string ErrorOf(Case c)
    {
        var r = Evaluator.Evaluate(c);
        Assert.That(r.Error, Is.Not.Null, "the case should be rejected");
        return r.Error!;
    }

    [Test]
    public void OutputsTheParameterAfterEveryStep()
    {
        // sgd, lr 0.1, momentum 0.9, dampening 0.5 (as SgdTests): theta = 0.9, 0.76, 0.584
        var r = Evaluator.Evaluate(MakeCase("""{"name": "sgd", "lr": 0.1, "momentum": 0.9, "dampening": 0.5}""", Inputs(1.0, 1, 1, 1)));
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Outputs["w"].Shape, Is.EqualTo(new[] { 3, 1 }));
        Assert.That(r.Outputs["w"].Data, Is.EqualTo(new[] { 0.9, 0.76, 0.584 }).Within(1e-15));
        Assert.That(r.Outputs.Names, Is.EqualTo(new[] { "w" }));
        Assert.That(r.Grads.Count, Is.EqualTo(0));
    }

    [Test]
    public void TwoParametersWithMatrixShapes()
    {
        // plain sgd lr 1: weight [1, 2] = [1, 2] with grads [[1, 1]], [[0.5, 0]]; bias [1] = [0] with grads [2], [2]
        var inputs = new NamedTensors
        {
            { "weight", new Tensor([1, 2], [1, 2]) },
            { "weight.grad", new Tensor([2, 1, 2], [1, 1, 0.5, 0]) },
            { "bias", new Tensor([1], [0]) },
            { "bias.grad", new Tensor([2, 1], [2, 2]) },
        };
        var r = Evaluator.Evaluate(MakeCase("""{"name": "sgd", "lr": 1}""", inputs));
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Outputs["weight"].Shape, Is.EqualTo(new[] { 2, 1, 2 }));
        Assert.That(r.Outputs["weight"].Data, Is.EqualTo(new[] { 0.0, 1.0, -0.5, 1.0 }));
        Assert.That(r.Outputs["bias"].Data, Is.EqualTo(new[] { -2.0, -4.0 }));
        Assert.That(inputs["weight"].Data, Is.EqualTo(new[] { 1.0, 2.0 }), "the case's inputs are not modified");
    }

    [Test]
    public void KerasFormTakesKerasDefaults()
    {
        // rmsprop form keras with only lr 0.1: rho 0.9, epsilon 1e-7 inside the root (Keras's docstring example, g = 10)
        var r = Evaluator.Evaluate(MakeCase("""{"name": "rmsprop", "form": "keras", "lr": 0.1}""", Inputs(10.0, 10)));
        Assert.That(r.Outputs["w"].Data[0], Is.EqualTo(9.6837722355643).Within(1e-12));
    }

    [Test]
    public void LookaheadWrapsTheNamedOptimizer()
    {
        // as LookaheadTests.ResetClearsTheInnerStateAtEachPullBack: 0.9, 0.855, 0.755, 0.71
        var r = Evaluator.Evaluate(MakeCase(
            """{"name": "sgd", "lr": 0.1, "momentum": 0.9, "lookahead": {"k": 2, "alpha": 0.5, "inner_state": "reset"}}""",
            Inputs(1.0, 1, 1, 1, 1)));
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Outputs["w"].Data, Is.EqualTo(new[] { 0.9, 0.855, 0.755, 0.71 }).Within(1e-15));
    }

    [Test]
    public void RejectsBadConfigs()
    {
        var inputs = Inputs(1.0, 1);
        Assert.That(ErrorOf(MakeCase("""{"name": "adam", "momentum": 0.9}""", inputs)),
            Does.Contain("config.momentum is not an option of op 'optimizer (adam)'"));
        Assert.That(ErrorOf(MakeCase("""{"name": "sgd"}""", inputs)), Does.Contain("config.lr is required"));
        Assert.That(ErrorOf(MakeCase("""{"name": "nadam"}""", inputs)), Does.Contain("config.name is \"nadam\""));
        Assert.That(ErrorOf(MakeCase("""{"name": "adam", "betas": [0.9]}""", inputs)), Does.Contain("config.betas must be a list of 2 numbers"));
        Assert.That(ErrorOf(MakeCase("""{"name": "adam", "betas": [0.9, 1.0]}""", inputs)), Does.Contain("betas[1] must be in [0, 1) but is 1"));
        Assert.That(ErrorOf(MakeCase("""{"name": "adam", "lr": "NaN"}""", inputs)), Does.Contain("lr must be a finite number >= 0 but is NaN"));
        Assert.That(ErrorOf(MakeCase("""{"name": "adam", "form": "tf"}""", inputs)), Does.Contain("config.form must be \"pytorch\" or \"keras\""));
        Assert.That(ErrorOf(MakeCase("""{"name": "adagrad", "form": "keras"}""", inputs)), Does.Contain("config.form is not an option"));
        Assert.That(ErrorOf(MakeCase("""{"name": "sgd", "lr": 0.1, "lookahead": {"k": 2, "steps": 3}}""", inputs)),
            Does.Contain("config.steps is not an option of op 'optimizer (config.lookahead)'"));
        Assert.That(ErrorOf(MakeCase("""{"name": "sgd", "lr": 0.1, "lookahead": {"inner_state": "pullback"}}""", inputs)),
            Does.Contain("inner_state must be \"keep\" or \"reset\""));
        Assert.That(ErrorOf(MakeCase("""{"name": "sgd", "lr": 0.1, "lookahead": 5}""", inputs)),
            Does.Contain("config.lookahead must be an object"));
    }

    [Test]
    public void RejectsMalformedInputs()
    {
        const string sgd = """{"name": "sgd", "lr": 0.1}""";
        Assert.That(ErrorOf(MakeCase(sgd, new NamedTensors { { "w", Tensor.Zeros(2) } })),
            Does.Contain("inputs.w is a parameter but there is no inputs.w.grad"));
        Assert.That(ErrorOf(MakeCase(sgd, new NamedTensors { { "w", Tensor.Zeros(2) }, { "w.grad", Tensor.Zeros(3, 3) } })),
            Does.Contain("inputs.w.grad is [3, 3] but parameter w is [2], so [steps, 2] was expected"));
        Assert.That(ErrorOf(MakeCase(sgd, new NamedTensors
            {
                { "a", Tensor.Zeros(1) }, { "a.grad", Tensor.Zeros(3, 1) }, { "b", Tensor.Zeros(1) }, { "b.grad", Tensor.Zeros(2, 1) },
            })),
            Does.Contain("inputs.b.grad has 2 steps but inputs.a.grad has 3"));
        Assert.That(ErrorOf(MakeCase(sgd, new NamedTensors { { "w", Tensor.Zeros(1) }, { "w.grad", Tensor.Zeros(0, 1) } })),
            Does.Contain("0 steps"));
        Assert.That(ErrorOf(MakeCase(sgd, new NamedTensors { { "w", Tensor.Zeros(1) }, { "w.grad", Tensor.Zeros(1, 1) }, { "v.grad", Tensor.Zeros(1, 1) } })),
            Does.Contain("inputs.v.grad is a gradient sequence but there is no parameter inputs.v"));
        Assert.That(ErrorOf(MakeCase(sgd, new NamedTensors { { "w.grad", Tensor.Zeros(1, 1) } })),
            Does.Contain("needs at least one parameter input"));
        Assert.That(ErrorOf(MakeCase(sgd, Inputs(1, 1), new NamedTensors { { "w", Tensor.Zeros(1) } })),
            Does.Contain("takes the parameters as inputs"));
    }
}
