// Adam and AdamW: hand-derived values (arithmetic in the comments) for PyTorch's form, AMSGrad,
// Keras's epsilon-hat form and AdamW's decoupled decay; properties; bad input.
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Rnn.Reference.Optimizers;
using static Rnn.Reference.Tests.Optimizers.OptimizerTestSupport;
using static Rnn.Reference.Tests.Optimizers.SgdTests;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Rnn.Reference.Tests.Optimizers;

public sealed class AdamTests
{
    private const double Tol = 1e-15;

    [Test]
    public void DefaultsArePyTorchs()
    {
        var o = new AdamOptions();
        Assert.That((o.Lr, o.Betas, o.Eps, o.WeightDecay, o.Amsgrad, o.Form),
            Is.EqualTo((1e-3, (0.9, 0.999), 1e-8, 0.0, false, AdamForm.PyTorch)));
        var w = new AdamWOptions();
        Assert.That((w.Lr, w.Betas, w.Eps, w.WeightDecay), Is.EqualTo((1e-3, (0.9, 0.999), 1e-8, 0.01)));
        var k = AdamOptions.Keras;
        Assert.That((k.Lr, k.Betas, k.Eps, k.Form), Is.EqualTo((1e-3, (0.9, 0.999), 1e-7, AdamForm.Keras)));
    }

    [Test]
    public void TwoStepsWithDefaultBetas()
    {
        // lr 0.1, betas (0.9, 0.999), eps 1e-8, theta0 1, g = 2 then -1
        // step 1: m = 0.1 * 2 = 0.2; v = 0.001 * 4 = 0.004; m_hat = 0.2 / 0.1 = 2; v_hat = 0.004 / 0.001 = 4
        //         theta = 1 - 0.1 * 2 / (2 + 1e-8) = 0.9000000005 (to 1e-16)
        // step 2: m = 0.9 * 0.2 - 0.1 = 0.08; v = 0.999 * 0.004 + 0.001 = 0.004996
        //         m_hat = 0.08 / (1 - 0.81) = 0.421052631578947; v_hat = 0.004996 / (1 - 0.998001) = 2.49924962481241
        //         theta = 0.9000000005 - 0.1 * 0.421052631578947 / (1.58090152280667 + 1e-8) = 0.873366296702432
        var thetas = RunScalar(new Adam(new AdamOptions { Lr = 0.1 }), 1.0, 2, -1);
        Assert.That(thetas[0], Is.EqualTo(0.9000000005).Within(1e-15));
        Assert.That(thetas[1], Is.EqualTo(0.873366296702432).Within(1e-14));
    }

    [Test]
    public void ThreeStepsWithRoundBetas()
    {
        // lr 0.1, betas (0.5, 0.75), eps 0, theta0 1, g = 2, 1, -1
        // step 1: m = 0.5 * 2 = 1; v = 0.25 * 4 = 1; m_hat = 1 / 0.5 = 2; v_hat = 1 / 0.25 = 4
        //         theta = 1 - 0.1 * 2 / 2 = 0.9
        // step 2: m = 0.5 + 0.5 = 1; v = 0.75 + 0.25 = 1; m_hat = 1 / 0.75 = 4/3; v_hat = 1 / 0.4375 = 16/7
        //         theta = 0.9 - 0.1 * (4/3) / (4 / sqrt 7) = 0.9 - 0.1 * sqrt(7) / 3 = 0.9 - 0.0881917103688197 = 0.81180828963118
        // step 3: m = 0.5 * 1 + 0.5 * (-1) = 0, so theta does not move
        var thetas = RunScalar(new Adam(new AdamOptions { Lr = 0.1, Betas = (0.5, 0.75), Eps = 0 }), 1.0, 2, 1, -1);
        Assert.That(thetas, Is.EqualTo(new[] { 0.9, 0.9 - 0.1 * Math.Sqrt(7) / 3, 0.9 - 0.1 * Math.Sqrt(7) / 3 }).Within(Tol));
        Assert.That(thetas[1], Is.EqualTo(0.81180828963118).Within(1e-14));
    }

    [Test]
    public void AmsgradKeepsTheLargestSecondMoment()
    {
        // lr 0.1, betas (0.5, 0.75), eps 0, theta0 1, g = 2 then 0
        // step 1 as above: m = 1, v = 1, v_max = 1, theta = 0.9
        // step 2: m = 0.5; v = 0.75; v_max = max(1, 0.75) = 1; m_hat = 0.5 / 0.75 = 2/3; bias correction 2 = 0.4375
        //   amsgrad: theta = 0.9 - 0.1 * (2/3) / (sqrt(1) / sqrt(0.4375))    = 0.9 - 0.0440958551844098 = 0.85590414481559
        //   plain:   theta = 0.9 - 0.1 * (2/3) / (sqrt(0.75) / sqrt(0.4375)) = 0.9 - 0.0509175077217315 = 0.849082492278269
        var ams = new Adam(new AdamOptions { Lr = 0.1, Betas = (0.5, 0.75), Eps = 0, Amsgrad = true });
        Assert.That(RunScalar(ams, 1.0, 2, 0)[1], Is.EqualTo(0.85590414481559).Within(1e-14));
        Assert.That(ams.State["w"].MaxExpAvgSq!.Data[0], Is.EqualTo(1.0));
        Assert.That(ams.State["w"].ExpAvgSq.Data[0], Is.EqualTo(0.75));
        var plain = new Adam(new AdamOptions { Lr = 0.1, Betas = (0.5, 0.75), Eps = 0 });
        Assert.That(RunScalar(plain, 1.0, 2, 0)[1], Is.EqualTo(0.849082492278269).Within(1e-14));
        Assert.That(plain.State["w"].MaxExpAvgSq, Is.Null);
    }

    [Test]
    public void WeightDecayIsL2InAdam()
    {
        // lr 0.1, betas (0.5, 0.75), eps 0, weight_decay 0.5, theta0 1, g = 2
        // g = 2 + 0.5 * 1 = 2.5; m_hat = 2.5, v_hat = 6.25: theta = 1 - 0.1 * 2.5 / 2.5 = 0.9
        // (the L2 term is normalized away on the first step)
        var thetas = RunScalar(new Adam(new AdamOptions { Lr = 0.1, Betas = (0.5, 0.75), Eps = 0, WeightDecay = 0.5 }), 1.0, 2);
        Assert.That(thetas[0], Is.EqualTo(0.9).Within(Tol));
    }

    [Test]
    public void AdamWDecaysTheWeightOutsideTheGradient()
    {
        // lr 0.1, betas (0.5, 0.75), eps 0, weight_decay 0.5, theta0 1, g = 2 then 1
        // step 1: theta = 1 * (1 - 0.1 * 0.5) = 0.95, then Adam's step 0.1 (as above): 0.85
        // step 2: theta = 0.85 * 0.95 = 0.8075, then Adam's step 0.1 * sqrt(7) / 3 = 0.0881917103688197: 0.71930828963118
        var thetas = RunScalar(new AdamW(new AdamWOptions { Lr = 0.1, Betas = (0.5, 0.75), Eps = 0, WeightDecay = 0.5 }), 1.0, 2, 1);
        Assert.That(thetas[0], Is.EqualTo(0.85).Within(Tol));
        Assert.That(thetas[1], Is.EqualTo(0.71930828963118).Within(1e-14));
    }

    [Test]
    public void AdamWWithAZeroGradientOnlyDecays()
    {
        // defaults: lr 1e-3, weight_decay 0.01. g = 0: m = v = 0 and the Adam step is 0 / (0 + 1e-8) = 0
        // theta = 1 * (1 - 1e-3 * 0.01) = 0.99999
        var thetas = RunScalar(new AdamW(new AdamWOptions()), 1.0, 0);
        Assert.That(thetas[0], Is.EqualTo(0.99999).Within(Tol));
    }

    [Test]
    public void KerasFormPutsEpsilonHatOutsideTheBiasCorrection()
    {
        // lr 0.1, betas (0.5, 0.75), epsilon 0.1 (large, to show where it sits), theta0 1, g = 2 then 1
        // Keras step 1: alpha = 0.1 * sqrt(1 - 0.75) / (1 - 0.5) = 0.1; m = (2 - 0) * 0.5 = 1; v = (4 - 0) * 0.25 = 1
        //               theta = 1 - 1 * 0.1 / (sqrt(1) + 0.1) = 1 - 0.1 / 1.1 = 0.909090909090909
        // PyTorch step 1 with the same numbers: theta = 1 - 0.1 * 2 / (sqrt(4) + 0.1) = 1 - 0.2 / 2.1 = 0.904761904761905
        // Keras step 2: alpha = 0.1 * sqrt(1 - 0.5625) / (1 - 0.25) = 0.0881917103688197; m = 1 + (1 - 1) * 0.5 = 1; v = 1
        //               theta = 0.909090909090909 - 0.0881917103688197 / 1.1 = 0.828916626937437
        var keras = new Adam(new AdamOptions { Lr = 0.1, Betas = (0.5, 0.75), Eps = 0.1, Form = AdamForm.Keras });
        var thetas = RunScalar(keras, 1.0, 2, 1);
        Assert.That(thetas[0], Is.EqualTo(0.909090909090909).Within(1e-14));
        Assert.That(thetas[1], Is.EqualTo(0.828916626937437).Within(1e-14));
        var pytorch = new Adam(new AdamOptions { Lr = 0.1, Betas = (0.5, 0.75), Eps = 0.1 });
        Assert.That(RunScalar(pytorch, 1.0, 2)[0], Is.EqualTo(0.904761904761905).Within(1e-14));
    }

    [Test]
    public void KerasAndPyTorchFormsAgreeWithoutEpsilon()
    {
        // with eps 0 both forms are lr * m_hat / sqrt(v_hat); they differ only in rounding
        var a = new Adam(new AdamOptions { Lr = 0.01, Eps = 0 });
        var b = new Adam(new AdamOptions { Lr = 0.01, Eps = 0, Form = AdamForm.Keras });
        double[] gs = [0.3, -1.2, 0.7, 2.5, -0.1];
        Assert.That(RunScalar(a, 0.5, gs), Is.EqualTo(RunScalar(b, 0.5, gs)).Within(1e-15));
    }

    [Property(MaxTest = 100)]
    public Property FirstStepMovesEachCoordinateByLrTimesSignOfG() =>
        // t = 1: m_hat = g, v_hat = g^2, so the step is lr * g / (|g| + eps) = lr * sign(g) * (1 - eps / (|g| + eps))
        Prop.ForAll(Problems(1), problem =>
        {
            var (p0, grads) = problem;
            const double lr = 0.01, eps = 1e-12;
            var p = p0.Clone();
            new Adam(new AdamOptions { Lr = lr, Eps = eps }).Step(p, grads[0]);
            double[] before = p0.ToFlat(), after = p.ToFlat(), g = grads[0].ToFlat();
            for (int i = 0; i < g.Length; i++)
            {
                double moved = before[i] - after[i];
                double expected = g[i] == 0 ? 0 : lr * Math.Sign(g[i]);
                // |g| >= 3e-4 on the generator's grid, so eps / |g| <= 4e-9; plus rounding of theta (|theta| <= 2)
                if (Math.Abs(moved - expected) > lr * 4e-9 + 1e-15) return false;
            }
            return true;
        });

    [Property(MaxTest = 50)]
    public Property AdamIsInvariantToScalingTheGradientWhenEpsIsZero() =>
        // m scales by c, sqrt(v) by c: the step lr * m_hat / sqrt(v_hat) does not change
        Prop.ForAll(Problems(3), problem =>
        {
            var (p0, grads) = problem;
            var a = p0.Clone();
            var b = p0.Clone();
            var adamA = new Adam(new AdamOptions { Lr = 0.01, Eps = 0 });
            var adamB = new Adam(new AdamOptions { Lr = 0.01, Eps = 0 });
            foreach (var g in grads)
            {
                var nonZero = WithoutZeros(g);
                var scaled = nonZero.Clone();
                foreach (var (_, t) in scaled) for (int i = 0; i < t.Length; i++) t.Data[i] *= 1000;
                adamA.Step(a, nonZero);
                adamB.Step(b, scaled);
            }
            return MaxRelDiff(a, b) < 1e-13;
        });

    private static Rnn.Reference.Tensors.NamedTensors WithoutZeros(Rnn.Reference.Tensors.NamedTensors g)
    {
        // 0 / 0 is NaN in both runs; the property is about non-zero gradients (replace 0 by a small value)
        var c = g.Clone();
        foreach (var (_, t) in c) for (int i = 0; i < t.Length; i++) if (t.Data[i] == 0) t.Data[i] = 0.5;
        return c;
    }

    [Test]
    public void RejectsBadHyperparameters()
    {
        AssertRejects(() => new Adam(new AdamOptions { Lr = -1e-3 }), "lr", "-0.001");
        AssertRejects(() => new Adam(new AdamOptions { Lr = double.NaN }), "lr", "NaN");
        AssertRejects(() => new Adam(new AdamOptions { Betas = (1.0, 0.999) }), "betas[0]", "[0, 1) but is 1");
        AssertRejects(() => new Adam(new AdamOptions { Betas = (0.9, -0.1) }), "betas[1]", "but is -0.1");
        AssertRejects(() => new Adam(new AdamOptions { Betas = (0.9, double.NaN) }), "betas[1]", "NaN");
        AssertRejects(() => new Adam(new AdamOptions { Eps = -1e-8 }), "eps", "-1E-08");
        AssertRejects(() => new Adam(new AdamOptions { WeightDecay = -0.1 }), "weight_decay", "-0.1");
        AssertRejects(() => new AdamW(new AdamWOptions { Betas = (0.9, 1.5) }), "betas[1]", "1.5");
        AssertRejects(() => new AdamW(new AdamWOptions { WeightDecay = double.PositiveInfinity }), "weight_decay", "Infinity");
    }
}
