// Lookahead: hand-derived values (arithmetic in the comments) with SGD inside, keeping and
// resetting the inner state; alpha = 1 is the inner optimizer; bad input.
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Rnn.Reference.Optimizers;
using static Rnn.Reference.Tests.Optimizers.OptimizerTestSupport;
using static Rnn.Reference.Tests.Optimizers.SgdTests;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Rnn.Reference.Tests.Optimizers;

public sealed class LookaheadTests
{
    private const double Tol = 1e-15;

    [Test]
    public void KStepsForwardOneStepBack()
    {
        // inner SGD lr 0.1, k 2, alpha 0.5, theta0 = phi0 = 1, g = 1 every step
        // step 1: theta = 0.9
        // step 2: theta = 0.8; pull back: phi = 1 + 0.5 * (0.8 - 1) = 0.9; theta = 0.9
        // step 3: theta = 0.8
        // step 4: theta = 0.7; pull back: phi = 0.9 + 0.5 * (0.7 - 0.9) = 0.8; theta = 0.8
        var la = new Lookahead(new Sgd(new SgdOptions(0.1)), new LookaheadOptions { K = 2, Alpha = 0.5 });
        Assert.That(RunScalar(la, 1.0, 1, 1, 1, 1), Is.EqualTo(new[] { 0.9, 0.9, 0.8, 0.8 }).Within(Tol));
        Assert.That(la.State["w"].SlowWeights.Data[0], Is.EqualTo(0.8).Within(Tol));
        Assert.That(la.StepsSincePullBack, Is.EqualTo(0));
    }

    [Test]
    public void InnerStateIsKeptAcrossThePullBack()
    {
        // inner SGD lr 0.1, momentum 0.9; k 2, alpha 0.5; theta0 1; g = 1 every step
        // step 1: b = 1;                theta = 0.9
        // step 2: b = 1.9;              theta = 0.71;   phi = 1 + 0.5 * (0.71 - 1) = 0.855; theta = 0.855
        // step 3: b = 0.9 * 1.9 + 1 = 2.71;  theta = 0.855 - 0.271 = 0.584
        // step 4: b = 0.9 * 2.71 + 1 = 3.439; theta = 0.584 - 0.3439 = 0.2401
        //         phi = 0.855 + 0.5 * (0.2401 - 0.855) = 0.54755; theta = 0.54755
        var la = new Lookahead(new Sgd(new SgdOptions(0.1) { Momentum = 0.9 }), new LookaheadOptions { K = 2, Alpha = 0.5 });
        Assert.That(RunScalar(la, 1.0, 1, 1, 1, 1), Is.EqualTo(new[] { 0.9, 0.855, 0.584, 0.54755 }).Within(1e-15));
    }

    [Test]
    public void ResetClearsTheInnerStateAtEachPullBack()
    {
        // as above, but the momentum buffer starts afresh after step 2:
        // step 3: b = 1 (first-step rule again); theta = 0.855 - 0.1 = 0.755
        // step 4: b = 1.9;  theta = 0.755 - 0.19 = 0.565;  phi = 0.855 + 0.5 * (0.565 - 0.855) = 0.71; theta = 0.71
        var la = new Lookahead(new Sgd(new SgdOptions(0.1) { Momentum = 0.9 }),
            new LookaheadOptions { K = 2, Alpha = 0.5, InnerState = LookaheadInnerState.Reset });
        Assert.That(RunScalar(la, 1.0, 1, 1, 1, 1), Is.EqualTo(new[] { 0.9, 0.855, 0.755, 0.71 }).Within(1e-15));
    }

    [Test]
    public void Defaults()
    {
        var o = new LookaheadOptions();
        Assert.That((o.K, o.Alpha, o.InnerState), Is.EqualTo((5, 0.8, LookaheadInnerState.Keep)));
    }

    [Property(MaxTest = 50)]
    public Property AlphaOneIsTheInnerOptimizer() =>
        // phi + 1 * (theta - phi) is theta up to one rounding of the subtraction
        Prop.ForAll(Problems(7), problem =>
        {
            var (p0, grads) = problem;
            var alone = p0.Clone();
            var wrapped = p0.Clone();
            var inner = new Adam(new AdamOptions { Lr = 0.05 });
            var la = new Lookahead(new Adam(new AdamOptions { Lr = 0.05 }), new LookaheadOptions { K = 3, Alpha = 1 });
            foreach (var g in grads)
            {
                inner.Step(alone, g);
                la.Step(wrapped, g);
            }
            return MaxRelDiff(wrapped, alone) < 1e-14;
        });

    [Test]
    public void RejectsBadOptions()
    {
        var sgd = new Sgd(new SgdOptions(0.1));
        AssertRejects(() => new Lookahead(sgd, new LookaheadOptions { K = 0 }), "k", "but is 0");
        AssertRejects(() => new Lookahead(sgd, new LookaheadOptions { Alpha = 1.5 }), "alpha", "[0, 1] but is 1.5");
        AssertRejects(() => new Lookahead(sgd, new LookaheadOptions { Alpha = double.NaN }), "alpha", "NaN");
        var la = new Lookahead(sgd, new LookaheadOptions());
        var e = Assert.Throws<ArgumentException>(() => new Lookahead(la, new LookaheadOptions()))!;
        Assert.That(e.Message, Does.Contain("inner is itself a Lookahead"));
    }
}
