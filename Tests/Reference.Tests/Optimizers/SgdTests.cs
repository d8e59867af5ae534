// SGD and plain gradient descent: hand-derived values (arithmetic in the comments), the
// first-step momentum rule, Nesterov, weight decay, maximize; properties; bad input.
using FsCheck;
using FsCheck.Fluent;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using NUnit.Framework;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;
using static Rnn.Reference.Tests.Optimizers.OptimizerTestSupport;

namespace Rnn.Reference.Tests.Optimizers;

public sealed class SgdTests
{
    private const double Tol = 1e-15;

    [Test]
    public void GradientDescentIsTheSlideRule()
    {
        // new weight = weight - learning rate * gradient, lr 0.1:
        //   1.0 - 0.1 * 0.5    = 0.95
        //  -2.0 - 0.1 * (-1.0) = -1.9
        var w = new[] { 1.0, -2.0 };
        GradientDescent.Step(w, [0.5, -1.0], 0.1);
        Assert.That(w[0], Is.EqualTo(0.95).Within(Tol));
        Assert.That(w[1], Is.EqualTo(-1.9).Within(Tol));
    }

    [Test]
    public void PlainSgdTwoSteps()
    {
        // lr 0.1, g = 0.5 twice: 1 - 0.05 = 0.95, 0.95 - 0.05 = 0.9
        var thetas = RunScalar(new Sgd(new SgdOptions(0.1)), 1.0, 0.5, 0.5);
        Assert.That(thetas, Is.EqualTo(new[] { 0.95, 0.9 }).Within(Tol));
    }

    [Test]
    public void MomentumFirstStepSetsTheBufferToTheGradient()
    {
        // momentum 0.9, dampening 0.5, lr 0.1, theta0 1, g = 1, 1, 1
        // step 1: b = g = 1 (PyTorch's first step: no dampening)   theta = 1 - 0.1 * 1       = 0.9
        // step 2: b = 0.9 * 1 + (1 - 0.5) * 1 = 1.4                theta = 0.9 - 0.1 * 1.4   = 0.76
        // step 3: b = 0.9 * 1.4 + 0.5 * 1 = 1.76                   theta = 0.76 - 0.1 * 1.76 = 0.584
        var sgd = new Sgd(new SgdOptions(0.1) { Momentum = 0.9, Dampening = 0.5 });
        var thetas = RunScalar(sgd, 1.0, 1, 1, 1);
        Assert.That(thetas, Is.EqualTo(new[] { 0.9, 0.76, 0.584 }).Within(Tol));
        Assert.That(sgd.State["w"].MomentumBuffer!.Data[0], Is.EqualTo(1.76).Within(Tol));
    }

    [Test]
    public void MomentumBufferIsNullBeforeTheFirstStep()
    {
        var sgd = new Sgd(new SgdOptions(0.1) { Momentum = 0.9 });
        Assert.That(sgd.State, Is.Empty);
        RunScalar(sgd, 1.0, 2.0);
        // b = g = 2 after the first step
        Assert.That(sgd.State["w"].MomentumBuffer!.Data[0], Is.EqualTo(2.0));
    }

    [Test]
    public void Nesterov()
    {
        // momentum 0.9, lr 0.1, theta0 1, g = 1 then 2
        // step 1: b = 1;               d = g + 0.9 * b = 1 + 0.9   = 1.9;  theta = 1 - 0.19     = 0.81
        // step 2: b = 0.9 * 1 + 2 = 2.9; d = 2 + 0.9 * 2.9 = 4.61;         theta = 0.81 - 0.461 = 0.349
        var thetas = RunScalar(new Sgd(new SgdOptions(0.1) { Momentum = 0.9, Nesterov = true }), 1.0, 1, 2);
        Assert.That(thetas, Is.EqualTo(new[] { 0.81, 0.349 }).Within(Tol));
    }

    [Test]
    public void WeightDecayIsAddedToTheGradient()
    {
        // weight_decay 0.1, lr 0.1, theta0 2, g = 0.5 twice
        // step 1: d = 0.5 + 0.1 * 2 = 0.7;      theta = 2 - 0.07       = 1.93
        // step 2: d = 0.5 + 0.1 * 1.93 = 0.693; theta = 1.93 - 0.0693  = 1.8607
        var thetas = RunScalar(new Sgd(new SgdOptions(0.1) { WeightDecay = 0.1 }), 2.0, 0.5, 0.5);
        Assert.That(thetas, Is.EqualTo(new[] { 1.93, 1.8607 }).Within(Tol));
    }

    [Test]
    public void MaximizeClimbs()
    {
        // maximize: d = -g; theta = 1 - 0.1 * (-0.5) = 1.05
        var thetas = RunScalar(new Sgd(new SgdOptions(0.1) { Maximize = true }), 1.0, 0.5);
        Assert.That(thetas[0], Is.EqualTo(1.05).Within(Tol));
    }

    [Test]
    public void EveryParameterKeepsItsOwnBuffer()
    {
        // two parameters, momentum 0.5, lr 1: "a" sees g = 1, 1; "b" sees g = 2, 0
        // a: b = 1 -> theta = -1;  b = 0.5 + 1 = 1.5 -> theta = -2.5
        // b: b = 2 -> theta = -2;  b = 1 + 0   = 1   -> theta = -3
        var sgd = new Sgd(new SgdOptions(1.0) { Momentum = 0.5 });
        var p = new NamedTensors { { "a", Tensor.Scalar(0) }, { "b", Tensor.Scalar(0) } };
        sgd.Step(p, new NamedTensors { { "a", Tensor.Scalar(1) }, { "b", Tensor.Scalar(2) } });
        sgd.Step(p, new NamedTensors { { "a", Tensor.Scalar(1) }, { "b", Tensor.Scalar(0) } });
        Assert.That(p["a"].Data[0], Is.EqualTo(-2.5));
        Assert.That(p["b"].Data[0], Is.EqualTo(-3.0));
    }

    [Test]
    public void ResetStateRestartsTheFirstStepRule()
    {
        // momentum 0.9, dampening 0.5, lr 0.1: after a reset the buffer is g again (not 0.9 * b + 0.5 * g)
        var sgd = new Sgd(new SgdOptions(0.1) { Momentum = 0.9, Dampening = 0.5 });
        var p = Set(0.0);
        sgd.Step(p, Set(1.0));
        sgd.ResetState();
        sgd.Step(p, Set(1.0));
        // theta = 0 - 0.1 * 1 - 0.1 * 1 = -0.2
        Assert.That(p["w"].Data[0], Is.EqualTo(-0.2).Within(Tol));
    }

    [Property(MaxTest = 100)]
    public Property DefaultSgdIsGradientDescentBitForBit() =>
        Prop.ForAll(Problems(3), problem =>
        {
            var (p0, grads) = problem;
            var viaSgd = p0.Clone();
            var viaGd = p0.Clone();
            var sgd = new Sgd(new SgdOptions(0.05));
            foreach (var g in grads)
            {
                sgd.Step(viaSgd, g);
                GradientDescent.Step(viaGd, g, 0.05);
            }
            return viaSgd.ToFlat().SequenceEqual(viaGd.ToFlat());
        });

    [Property(MaxTest = 100)]
    public Property LearningRateZeroChangesNothing() =>
        Prop.ForAll(Problems(4), problem =>
        {
            var (p0, grads) = problem;
            var p = p0.Clone();
            var sgd = new Sgd(new SgdOptions(0) { Momentum = 0.9, WeightDecay = 0.1, Nesterov = true });
            foreach (var g in grads) sgd.Step(p, g);
            return p.ToFlat().SequenceEqual(p0.ToFlat());
        });

    [Test]
    public void RejectsBadHyperparameters()
    {
        AssertRejects(() => new Sgd(new SgdOptions(-0.1)), "lr", "-0.1");
        AssertRejects(() => new Sgd(new SgdOptions(double.NaN)), "lr", "NaN");
        AssertRejects(() => new Sgd(new SgdOptions(double.PositiveInfinity)), "lr", "Infinity");
        AssertRejects(() => new Sgd(new SgdOptions(0.1) { Momentum = -0.5 }), "momentum", "-0.5");
        AssertRejects(() => new Sgd(new SgdOptions(0.1) { WeightDecay = -1 }), "weight_decay", "-1");
        AssertRejects(() => new Sgd(new SgdOptions(0.1) { Dampening = double.NaN }), "dampening", "NaN");
        AssertRejects(() => new Sgd(new SgdOptions(0.1) { Nesterov = true }), "nesterov", "momentum is 0");
        AssertRejects(() => new Sgd(new SgdOptions(0.1) { Nesterov = true, Momentum = 0.9, Dampening = 0.1 }), "nesterov", "dampening is 0.1");
        AssertRejects(() => GradientDescent.Step(new double[1], new double[1], -1), "lr", "-1");
    }

    [Test]
    public void RejectsGradientsThatDoNotMatchTheParameters()
    {
        var sgd = new Sgd(new SgdOptions(0.1));
        var p = new NamedTensors { { "weight", Tensor.Zeros(2, 3) }, { "bias", Tensor.Zeros(2) } };
        var missing = new NamedTensors { { "weight", Tensor.Zeros(2, 3) } };
        var e = Assert.Throws<ArgumentException>(() => sgd.Step(p, missing))!;
        Assert.That(e.Message, Does.Contain("grads has no tensor named 'bias'"));

        var wrongShape = new NamedTensors { { "weight", Tensor.Zeros(3, 2) }, { "bias", Tensor.Zeros(2) } };
        e = Assert.Throws<ArgumentException>(() => sgd.Step(p, wrongShape))!;
        Assert.That(e.Message, Does.Contain("grads.weight is [3, 2] but the parameter weight is [2, 3]"));

        var extra = new NamedTensors { { "weight", Tensor.Zeros(2, 3) }, { "bias", Tensor.Zeros(2) }, { "other", Tensor.Zeros(1) } };
        e = Assert.Throws<ArgumentException>(() => sgd.Step(p, extra))!;
        Assert.That(e.Message, Does.Contain("grads has a tensor named 'other' but parameters has none"));

        e = Assert.Throws<ArgumentException>(() => GradientDescent.Step(new double[2], new double[3], 0.1))!;
        Assert.That(e.Message, Does.Contain("gradient has 3 elements but weight has 2"));
    }

    [Test]
    public void RejectsAParameterWhoseShapeChanged()
    {
        var sgd = new Sgd(new SgdOptions(0.1) { Momentum = 0.9 });
        sgd.Step(Set(1, 2), Set(1, 2));
        var e = Assert.Throws<ArgumentException>(() => sgd.Step(Set(1, 2, 3), Set(1, 2, 3)))!;
        Assert.That(e.Message, Does.Contain("parameters.w is [3] but the optimizer's state for it was built for [2]"));
    }

    internal static void AssertRejects(TestDelegate build, string hyperparameter, string shows)
    {
        var e = Assert.Throws<ArgumentException>(build)!;
        Assert.That(e.Message, Does.StartWith(hyperparameter), "the message names the hyperparameter first");
        Assert.That(e.Message, Does.Contain(shows));
    }
}
