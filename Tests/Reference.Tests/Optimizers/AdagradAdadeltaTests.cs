// Adagrad and Adadelta: hand-derived values (arithmetic in the comments) and bad input.
using NUnit.Framework;
using Rnn.Reference.Optimizers;
using static Rnn.Reference.Tests.Optimizers.OptimizerTestSupport;
using static Rnn.Reference.Tests.Optimizers.SgdTests;

namespace Rnn.Reference.Tests.Optimizers;

public sealed class AdagradAdadeltaTests
{
    private const double Tol = 1e-15;

    [Test]
    public void Defaults()
    {
        var a = new AdagradOptions();
        Assert.That((a.Lr, a.LrDecay, a.WeightDecay, a.InitialAccumulatorValue, a.Eps), Is.EqualTo((1e-2, 0.0, 0.0, 0.0, 1e-10)));
        var d = new AdadeltaOptions();
        Assert.That((d.Lr, d.Rho, d.Eps, d.WeightDecay), Is.EqualTo((1.0, 0.9, 1e-6, 0.0)));
    }

    [Test]
    public void AdagradSumsSquaredGradients()
    {
        // lr 0.1, eps 0, theta0 1, g = 3, 4, 0
        // step 1: s = 9;           theta = 1 - 0.1 * 3 / sqrt(9)    = 0.9
        // step 2: s = 9 + 16 = 25; theta = 0.9 - 0.1 * 4 / sqrt(25) = 0.82
        // step 3: g = 0: s stays 25, theta stays 0.82
        var adagrad = new Adagrad(new AdagradOptions { Lr = 0.1, Eps = 0 });
        Assert.That(RunScalar(adagrad, 1.0, 3, 4, 0), Is.EqualTo(new[] { 0.9, 0.82, 0.82 }).Within(Tol));
        Assert.That(adagrad.State["w"].Sum.Data[0], Is.EqualTo(25.0));
        Assert.That(adagrad.State["w"].Step, Is.EqualTo(3));
    }

    [Test]
    public void AdagradLearningRateDecay()
    {
        // lr 0.1, lr_decay 0.5, eps 0, theta0 1, g = 3 then 4
        // step 1: lr_1 = 0.1 / (1 + 0 * 0.5) = 0.1;     theta = 1 - 0.1 * 3 / 3 = 0.9
        // step 2: lr_2 = 0.1 / (1 + 1 * 0.5) = 0.0666…; theta = 0.9 - 0.0666… * 4 / 5 = 0.846666666666667
        var thetas = RunScalar(new Adagrad(new AdagradOptions { Lr = 0.1, LrDecay = 0.5, Eps = 0 }), 1.0, 3, 4);
        Assert.That(thetas[1], Is.EqualTo(0.846666666666667).Within(1e-14));
    }

    [Test]
    public void AdagradInitialAccumulatorAndEpsilonOutsideTheRoot()
    {
        // initial_accumulator_value 16, lr 0.1, eps 0: s = 16 + 9 = 25; theta = 1 - 0.1 * 3 / 5 = 0.94
        Assert.That(RunScalar(new Adagrad(new AdagradOptions { Lr = 0.1, Eps = 0, InitialAccumulatorValue = 16 }), 1.0, 3)[0],
            Is.EqualTo(0.94).Within(Tol));
        // eps 1 outside the root: theta = 1 - 0.1 * 3 / (3 + 1) = 0.925 (inside it would be 1 - 0.3 / sqrt(10))
        Assert.That(RunScalar(new Adagrad(new AdagradOptions { Lr = 0.1, Eps = 1 }), 1.0, 3)[0], Is.EqualTo(0.925).Within(Tol));
    }

    [Test]
    public void AdadeltaTwoSteps()
    {
        // lr 1, rho 0.5, eps 1 (large, for round numbers), theta0 1, g = 1 then 1
        // step 1: v = 0.5 * 1 = 0.5; delta = sqrt(0 + 1) / sqrt(0.5 + 1) * 1 = 0.816496580927726
        //         u = 0.5 * 0.816496580927726^2 = 0.333333333333333; theta = 1 - 0.816496580927726 = 0.183503419072274
        // step 2: v = 0.25 + 0.5 = 0.75; delta = sqrt(1.333333333333333) / sqrt(1.75) = 0.87287156094397
        //         u = 0.5 * 0.333333333333333 + 0.5 * 0.761904761904762 = 0.547619047619048
        //         theta = 0.183503419072274 - 0.87287156094397 = -0.689368141871696
        var adadelta = new Adadelta(new AdadeltaOptions { Lr = 1, Rho = 0.5, Eps = 1 });
        var thetas = RunScalar(adadelta, 1.0, 1, 1);
        Assert.That(thetas[0], Is.EqualTo(0.183503419072274).Within(1e-14));
        Assert.That(thetas[1], Is.EqualTo(-0.689368141871696).Within(1e-14));
        Assert.That(adadelta.State["w"].AccDelta.Data[0], Is.EqualTo(0.547619047619048).Within(1e-14));
        Assert.That(adadelta.State["w"].SquareAvg.Data[0], Is.EqualTo(0.75).Within(Tol));
    }

    [Test]
    public void AdadeltaLrScalesTheStep()
    {
        // lr 0.5 with the numbers above: theta = 1 - 0.5 * 0.816496580927726 = 0.591751709536137
        var thetas = RunScalar(new Adadelta(new AdadeltaOptions { Lr = 0.5, Rho = 0.5, Eps = 1 }), 1.0, 1);
        Assert.That(thetas[0], Is.EqualTo(0.591751709536137).Within(1e-14));
    }

    [Test]
    public void RejectsBadHyperparameters()
    {
        AssertRejects(() => new Adagrad(new AdagradOptions { Lr = -1 }), "lr", "-1");
        AssertRejects(() => new Adagrad(new AdagradOptions { LrDecay = -0.1 }), "lr_decay", "-0.1");
        AssertRejects(() => new Adagrad(new AdagradOptions { InitialAccumulatorValue = -1 }), "initial_accumulator_value", "-1");
        AssertRejects(() => new Adagrad(new AdagradOptions { Eps = double.NaN }), "eps", "NaN");
        AssertRejects(() => new Adagrad(new AdagradOptions { WeightDecay = -1 }), "weight_decay", "-1");
        AssertRejects(() => new Adadelta(new AdadeltaOptions { Rho = 1.1 }), "rho", "[0, 1] but is 1.1");
        AssertRejects(() => new Adadelta(new AdadeltaOptions { Eps = -1e-6 }), "eps", "-1E-06");
        AssertRejects(() => new Adadelta(new AdadeltaOptions { Lr = double.NegativeInfinity }), "lr", "-Infinity");
    }
}
