// RMSprop: hand-derived values (arithmetic in the comments) for PyTorch's form (plain,
// centered, momentum, where eps sits) and Keras's form (eps inside the root, Keras's own
// documented example), and bad input.
using NUnit.Framework;
using Rnn.Reference.Optimizers;
using static Rnn.Reference.Tests.Optimizers.OptimizerTestSupport;
using static Rnn.Reference.Tests.Optimizers.SgdTests;

namespace Rnn.Reference.Tests.Optimizers;

public sealed class RmsPropTests
{
    private const double Tol = 1e-15;

    [Test]
    public void DefaultsArePyTorchsAndKerasPresetIsKerass()
    {
        var o = new RmsPropOptions();
        Assert.That((o.Lr, o.Alpha, o.Eps, o.WeightDecay, o.Momentum, o.Centered, o.Form),
            Is.EqualTo((1e-2, 0.99, 1e-8, 0.0, 0.0, false, RmsPropForm.PyTorch)));
        var k = RmsPropOptions.Keras;
        Assert.That((k.Lr, k.Alpha, k.Eps, k.Form), Is.EqualTo((1e-3, 0.9, 1e-7, RmsPropForm.Keras)));
    }

    [Test]
    public void TwoPlainSteps()
    {
        // lr 0.1, alpha 0.5, eps 0, theta0 1, g = 2 then 1
        // step 1: v = 0.5 * 4 = 2;         theta = 1 - 0.1 * 2 / sqrt(2)            = 0.858578643762691
        // step 2: v = 0.5 * 2 + 0.5 * 1 = 1.5; theta = 0.858578643762691 - 0.1 / sqrt(1.5) = 0.776928985669918
        var thetas = RunScalar(new RmsProp(new RmsPropOptions { Lr = 0.1, Alpha = 0.5, Eps = 0 }), 1.0, 2, 1);
        Assert.That(thetas[0], Is.EqualTo(0.858578643762691).Within(1e-14));
        Assert.That(thetas[1], Is.EqualTo(0.776928985669918).Within(1e-14));
    }

    [Test]
    public void CenteredSubtractsTheSquaredMeanGradient()
    {
        // lr 0.1, alpha 0.5, eps 0, centered, theta0 1, g = 2 then 1
        // step 1: v = 2; g_avg = 0.5 * 2 = 1;   avg = sqrt(2 - 1) = 1;        theta = 1 - 0.1 * 2 / 1 = 0.8
        // step 2: v = 1.5; g_avg = 0.5 + 0.5 = 1; avg = sqrt(1.5 - 1) = 0.70710678; theta = 0.8 - 0.1 / 0.70710678 = 0.658578643762691
        var rms = new RmsProp(new RmsPropOptions { Lr = 0.1, Alpha = 0.5, Eps = 0, Centered = true });
        var thetas = RunScalar(rms, 1.0, 2, 1);
        Assert.That(thetas[0], Is.EqualTo(0.8).Within(Tol));
        Assert.That(thetas[1], Is.EqualTo(0.658578643762691).Within(1e-14));
        Assert.That(rms.State["w"].GradAvg!.Data[0], Is.EqualTo(1.0));
    }

    [Test]
    public void MomentumBufferHoldsNormalizedGradients()
    {
        // lr 0.1, alpha 0.5, eps 0, momentum 0.9, theta0 1, g = 2 then 1
        // step 1: v = 2; b = 0 * 0.9 + 2 / sqrt(2) = 1.4142135623731;           theta = 1 - 0.1 * 1.41421356 = 0.858578643762691
        // step 2: v = 1.5; b = 0.9 * 1.4142135623731 + 1 / sqrt(1.5) = 2.08928878706351; theta = 0.858578643762691 - 0.208928878706351 = 0.649649765056339
        var rms = new RmsProp(new RmsPropOptions { Lr = 0.1, Alpha = 0.5, Eps = 0, Momentum = 0.9 });
        var thetas = RunScalar(rms, 1.0, 2, 1);
        Assert.That(thetas[1], Is.EqualTo(0.649649765056339).Within(1e-14));
        Assert.That(rms.State["w"].MomentumBuffer!.Data[0], Is.EqualTo(2.08928878706351).Within(1e-14));
    }

    [Test]
    public void EpsilonOutsideTheRootInPyTorchInsideInKeras()
    {
        // lr 0.1, alpha (rho) 0.5, eps 1 (large, to show where it sits), theta0 1, g = 2: v = 2
        // PyTorch: theta = 1 - 0.1 * 2 / (sqrt(2) + 1) = 0.917157287525381
        // Keras:   theta = 1 - 0.1 * 2 / sqrt(2 + 1)   = 0.884529946162075
        var pytorch = new RmsProp(new RmsPropOptions { Lr = 0.1, Alpha = 0.5, Eps = 1 });
        var keras = new RmsProp(new RmsPropOptions { Lr = 0.1, Alpha = 0.5, Eps = 1, Form = RmsPropForm.Keras });
        Assert.That(RunScalar(pytorch, 1.0, 2)[0], Is.EqualTo(0.917157287525381).Within(1e-14));
        Assert.That(RunScalar(keras, 1.0, 2)[0], Is.EqualTo(0.884529946162075).Within(1e-14));
    }

    [Test]
    public void KerasDocumentedExample()
    {
        // keras.optimizers.RMSprop's docstring: opt = RMSprop(learning_rate=0.1); var1 = 10.0;
        // loss = var1 ** 2 / 2 (so g = var1 = 10); after one minimize step var1 is 9.683772 (float32).
        // Here: v = 0.1 * 100 = 10; var1 = 10 - 0.1 * 10 / sqrt(10 + 1e-7) = 9.6837722355643
        var keras = new RmsProp(RmsPropOptions.Keras with { Lr = 0.1 });
        double var1 = RunScalar(keras, 10.0, 10.0)[0];
        Assert.That(var1, Is.EqualTo(9.683772).Within(5e-7));
        Assert.That(var1, Is.EqualTo(9.6837722355643).Within(1e-12));
    }

    [Test]
    public void KerasMomentumKeepsLrInsideTheBuffer()
    {
        // Keras form, lr 0.1, rho 0.5, eps 0, momentum 0.9, theta0 1, g = 2 then 1
        // step 1: v = 2; increment = 0.1 * 2 / sqrt(2) = 0.14142135623731; b = 0.14142135623731; theta = 0.858578643762691
        // step 2: v = 1.5; increment = 0.1 / sqrt(1.5) = 0.0816496580927726
        //         b = 0.9 * 0.14142135623731 + 0.0816496580927726 = 0.208928878706351; theta = 0.649649765056339
        // With a constant lr the parameters equal PyTorch's (whose buffer is this one divided by lr).
        var keras = new RmsProp(new RmsPropOptions { Lr = 0.1, Alpha = 0.5, Eps = 0, Momentum = 0.9, Form = RmsPropForm.Keras });
        var thetas = RunScalar(keras, 1.0, 2, 1);
        Assert.That(thetas[1], Is.EqualTo(0.649649765056339).Within(1e-14));
        Assert.That(keras.State["w"].MomentumBuffer!.Data[0], Is.EqualTo(0.208928878706351).Within(1e-14));
    }

    [Test]
    public void RejectsBadHyperparameters()
    {
        AssertRejects(() => new RmsProp(new RmsPropOptions { Lr = -0.01 }), "lr", "-0.01");
        AssertRejects(() => new RmsProp(new RmsPropOptions { Alpha = 1.5 }), "alpha", "[0, 1] but is 1.5");
        AssertRejects(() => new RmsProp(new RmsPropOptions { Alpha = -0.1 }), "alpha", "-0.1");
        AssertRejects(() => new RmsProp(new RmsPropOptions { Eps = -1 }), "eps", "-1");
        AssertRejects(() => new RmsProp(new RmsPropOptions { Momentum = -0.9 }), "momentum", "-0.9");
        AssertRejects(() => new RmsProp(new RmsPropOptions { WeightDecay = double.NaN }), "weight_decay", "NaN");
    }
}
