// The public gradient checker: its measures on functions whose gradients are known exactly,
// that it notices a wrong gradient, its seeded subset sampling above MaxElementsPerTensor,
// that it restores the variables, and that it rejects mismatched arguments with clear messages.
using NUnit.Framework;
using Rnn.Reference.Checking;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Checking;

public sealed class GradientCheckTests
{
    private static Tensor Vec(params double[] v) => new([v.Length], v);

    private static NamedTensors Set(string name, Tensor t) => new() { { name, t } };

    /// <summary>L = sum_k c_k w_k^3, dL/dw_k = 3 c_k w_k^2.</summary>
    private static (Func<double> Loss, Tensor Gradient) Cubic(Tensor w, Tensor c)
    {
        double Loss()
        {
            double s = 0;
            for (int k = 0; k < w.Length; k++) s += c.Data[k] * w.Data[k] * w.Data[k] * w.Data[k];
            return s;
        }
        var g = Tensor.Zeros(w.Shape);
        for (int k = 0; k < w.Length; k++) g.Data[k] = 3 * c.Data[k] * w.Data[k] * w.Data[k];
        return (Loss, g);
    }

    [Test]
    public void ACorrectGradientPasses()
    {
        var w = new Tensor([2, 3], [0.5, -1.0, 2.0, 0.25, -0.75, 1.5]);
        var (loss, g) = Cubic(w, new Tensor([2, 3], [1.0, 2.0, -1.0, 0.5, 3.0, -2.0]));
        var report = GradientCheck.Check(loss, Set("w", w), Set("w", g));
        TestContext.Out.WriteLine(report);
        var t = report.Tensors.Single();
        Assert.Multiple(() =>
        {
            Assert.That(t.Name, Is.EqualTo("w"));
            Assert.That(t.Checked, Is.EqualTo(6));
            Assert.That(t.Total, Is.EqualTo(6));
            Assert.That(t.RelativeError, Is.LessThan(1e-9));
            Assert.That(t.WithinGradcheckTolerance, Is.True);
            Assert.That(report.WorstRelativeError, Is.EqualTo(t.RelativeError));
            Assert.That(report.AllWithinGradcheckTolerance, Is.True);
        });
    }

    [Test]
    public void OneWrongEntryIsFoundAndNamed()
    {
        var w = Vec(0.5, -1.0, 2.0, 0.25);
        var (loss, g) = Cubic(w, Vec(1.0, 1.0, 1.0, 1.0));
        g.Data[2] += 1e-3;   // 3 * 2^2 = 12 becomes 12.001
        var t = GradientCheck.Check(loss, Set("w", w), Set("w", g)).Tensors.Single();
        Assert.Multiple(() =>
        {
            Assert.That(t.WorstIndex, Is.EqualTo(2));
            Assert.That(t.WorstAnalytic, Is.EqualTo(12.001));
            Assert.That(t.WorstNumeric, Is.EqualTo(12.0).Within(1e-7));
            Assert.That(t.MaxAbsDifference, Is.EqualTo(1e-3).Within(1e-7));
            // CS231n: max |a - n| / max (|a| + |n|) = 1e-3 / 24.001
            Assert.That(t.RelativeError, Is.EqualTo(1e-3 / 24.001).Within(1e-8));
            // PyTorch gradcheck's test scales with |n|: 1e-3 <= 1e-5 + 1e-3 * 12 passes it. The tests of this
            // project therefore assert the relative error (4.2e-5 here, far above their 1e-7).
            Assert.That(t.WithinGradcheckTolerance, Is.True);
        });
    }

    [Test]
    public void RelativeErrorAndGradcheckToleranceByHand()
    {
        // L = w0 + w1 + w2 (every numeric derivative is 1 up to rounding); analytic [1, 1.5, 1]
        var w = Vec(1.0, 2.0, 3.0);
        double Loss() => w.Data[0] + w.Data[1] + w.Data[2];
        var t = GradientCheck.Check(Loss, Set("w", w), Set("w", Vec(1.0, 1.5, 1.0))).Tensors.Single();
        Assert.Multiple(() =>
        {
            Assert.That(t.WorstIndex, Is.EqualTo(1));
            Assert.That(t.MaxAbsDifference, Is.EqualTo(0.5).Within(1e-9));
            Assert.That(t.RelativeError, Is.EqualTo(0.5 / 2.5).Within(1e-9));       // 0.5 / (1.5 + 1)
            Assert.That(t.WithinGradcheckTolerance, Is.False);                       // 0.5 > 1e-5 + 1e-3 * 1
        });

        // PyTorch gradcheck's test |a - n| <= atol + rtol |n|: 5e-4 off a derivative of 1 passes it
        // (5e-4 <= 1e-5 + 1e-3), 2e-3 off does not
        var near = GradientCheck.Check(Loss, Set("w", w), Set("w", Vec(1.0005, 1.0, 1.0))).Tensors.Single();
        var far = GradientCheck.Check(Loss, Set("w", w), Set("w", Vec(1.002, 1.0, 1.0))).Tensors.Single();
        Assert.That(near.WithinGradcheckTolerance, Is.True);
        Assert.That(far.WithinGradcheckTolerance, Is.False);
    }

    [Test]
    public void TheRelativeErrorFloorIs1e8()
    {
        // L does not depend on w at all; an analytic gradient of 1e-9 is off by 1e-9 and is measured
        // against max(1e-8, 1e-9 + 0): relative error 0.1
        var w = Vec(1.0);
        var t = GradientCheck.Check(() => 0.0, Set("w", w), Set("w", Vec(1e-9))).Tensors.Single();
        Assert.That(t.RelativeError, Is.EqualTo(0.1).Within(1e-12));

        // both exactly zero: relative error 0
        var zero = GradientCheck.Check(() => 0.0, Set("w", w), Set("w", Vec(0.0))).Tensors.Single();
        Assert.That(zero.RelativeError, Is.EqualTo(0.0));
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void ANonFiniteGradientIsAFailureNotAPass(double bad)
    {
        // L = u0 + w0 w1: u is checked first and is right, w has a non-finite entry
        var u = Vec(1.0);
        var w = Vec(1.0, 2.0);
        double Loss() => u.Data[0] + w.Data[0] * w.Data[1];
        var report = GradientCheck.Check(Loss, new NamedTensors { { "u", u }, { "w", w } },
            new NamedTensors { { "u", Vec(1.0) }, { "w", Vec(2.0, bad) } });
        TestContext.Out.WriteLine(report);
        var t = report.Tensors[1];
        Assert.Multiple(() =>
        {
            Assert.That(t.RelativeError, Is.EqualTo(double.PositiveInfinity));
            Assert.That(t.WorstIndex, Is.EqualTo(1));
            Assert.That(t.WithinGradcheckTolerance, Is.False);
            // the report's worst must not let the good tensor hide the bad one
            Assert.That(report.WorstRelativeError, Is.EqualTo(double.PositiveInfinity));
            Assert.That(report.AllWithinGradcheckTolerance, Is.False);
        });
    }

    [Test]
    public void ANonFiniteLossIsAFailureNotAPass()
    {
        var w = Vec(1.0);
        var t = GradientCheck.Check(() => w.Data[0] > 1.0 ? double.NaN : w.Data[0], Set("w", w), Set("w", Vec(1.0))).Tensors.Single();
        Assert.That(t.RelativeError, Is.EqualTo(double.PositiveInfinity));
    }

    [Test]
    public void VariablesAreRestoredBitForBit()
    {
        var w = new Tensor([2, 2], [0.1, -0.2, 0.3, 1e-300]);
        var before = (double[])w.Data.Clone();
        var (loss, g) = Cubic(w, new Tensor([2, 2], [1.0, 1.0, 1.0, 1.0]));
        GradientCheck.Check(loss, Set("w", w), Set("w", g));
        Assert.That(w.Data, Is.EqualTo(before));
    }

    [Test]
    public void EveryVariableIsReportedInOrder()
    {
        var a = Vec(1.0, 2.0);
        var b = new Tensor([2, 2], [0.5, 1.0, -1.0, 2.0]);
        double Loss() => a.Data[0] * b.Data[0] + a.Data[1] * b.Data[3] + b.Data[1] * b.Data[2];
        var analytic = new NamedTensors
        {
            { "b", new Tensor([2, 2], [a.Data[0], b.Data[2], b.Data[1], a.Data[1]]) },   // order differs from variables
            { "a", Vec(b.Data[0], b.Data[3]) },
        };
        var report = GradientCheck.Check(Loss, new NamedTensors { { "a", a }, { "b", b } }, analytic);
        Assert.That(report.Tensors.Select(t => t.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(report.WorstRelativeError, Is.LessThan(1e-9));
    }

    // ---- subset sampling ------------------------------------------------------------------------

    /// <summary>A loss that records which element of w each call sees perturbed.</summary>
    private sealed class Recorder(Tensor w)
    {
        private readonly double[] _original = (double[])w.Data.Clone();
        public List<int> Perturbed { get; } = [];

        public double Loss()
        {
            double s = 0;
            for (int k = 0; k < w.Length; k++)
            {
                if (w.Data[k] != _original[k]) Perturbed.Add(k);
                s += (k + 1) * w.Data[k];
            }
            return s;
        }
    }

    private static (TensorGradientCheck Result, int[] Indices) SampleRun(int n, int max, ulong seed)
    {
        var w = Tensor.Zeros(n);
        for (int k = 0; k < n; k++) w.Data[k] = 0.01 * k;
        var analytic = Tensor.Zeros(n);
        for (int k = 0; k < n; k++) analytic.Data[k] = k + 1;                  // dL/dw_k = k + 1
        var recorder = new Recorder(w);
        var report = GradientCheck.Check(recorder.Loss, Set("w", w), Set("w", analytic),
            new GradientCheckOptions(MaxElementsPerTensor: max, Seed: seed));
        // each checked element is evaluated twice (w + h, w - h), one after the other
        Assert.That(recorder.Perturbed, Has.Count.EqualTo(2 * report.Tensors.Single().Checked));
        var indices = recorder.Perturbed.Where((_, i) => i % 2 == 0).ToArray();
        Assert.That(recorder.Perturbed.Where((_, i) => i % 2 == 1), Is.EqualTo(indices));
        return (report.Tensors.Single(), indices);
    }

    [Test]
    public void AboveTheLimitASeededSubsetIsChecked()
    {
        var (result, indices) = SampleRun(n: 50, max: 10, seed: 7);
        TestContext.Out.WriteLine("seed 7 checks " + string.Join(", ", indices));
        Assert.Multiple(() =>
        {
            Assert.That(result.Checked, Is.EqualTo(10));
            Assert.That(result.Total, Is.EqualTo(50));
            Assert.That(indices, Has.Length.EqualTo(10));
            Assert.That(indices, Is.Unique);
            Assert.That(indices, Is.Ordered.Ascending);
            Assert.That(indices, Is.All.InRange(0, 49));
            Assert.That(indices, Does.Contain(result.WorstIndex));
            Assert.That(result.RelativeError, Is.LessThan(1e-8));
        });
    }

    [Test]
    public void TheSubsetIsTheSameForTheSameSeedAndDiffersForAnother()
    {
        var (_, first) = SampleRun(n: 50, max: 10, seed: 7);
        var (_, again) = SampleRun(n: 50, max: 10, seed: 7);
        var (_, other) = SampleRun(n: 50, max: 10, seed: 8);
        Assert.That(again, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
    }

    [Test]
    public void AtOrBelowTheLimitEveryElementIsChecked()
    {
        var (atLimit, indices) = SampleRun(n: 10, max: 10, seed: 7);
        Assert.That(atLimit.Checked, Is.EqualTo(10));
        Assert.That(indices, Is.EqualTo(Enumerable.Range(0, 10).ToArray()));
    }

    [Test]
    public void TheSubsetStillCatchesAWrongTensor()
    {
        // every entry wrong by 1: whichever subset is drawn sees it
        var w = Tensor.Zeros(100);
        double Loss() { double s = 0; for (int k = 0; k < 100; k++) s += w.Data[k]; return s; }
        var wrong = Tensor.Zeros(100);
        for (int k = 0; k < 100; k++) wrong.Data[k] = 2.0;
        var t = GradientCheck.Check(Loss, Set("w", w), Set("w", wrong), new GradientCheckOptions(MaxElementsPerTensor: 5)).Tensors.Single();
        Assert.That(t.Checked, Is.EqualTo(5));
        Assert.That(t.RelativeError, Is.EqualTo(1.0 / 3.0).Within(1e-8));
    }

    // ---- bad arguments --------------------------------------------------------------------------

    [Test]
    public void AVariableWithoutAnAnalyticGradientIsAnError()
    {
        var e = Assert.Catch<ArgumentException>(() =>
            GradientCheck.Check(() => 0.0, new NamedTensors { { "w", Vec(1.0) }, { "v", Vec(2.0) } }, Set("w", Vec(0.0))))!;
        Assert.That(e.ParamName, Is.EqualTo("analytic"));
        Assert.That(e.Message, Does.Contain("analytic has no gradient named 'v'"));
    }

    [Test]
    public void AnAnalyticGradientOfAnotherShapeIsAnError()
    {
        var e = Assert.Catch<ArgumentException>(() =>
            GradientCheck.Check(() => 0.0, Set("w", Tensor.Zeros(3, 2)), Set("w", Tensor.Zeros(2, 3))))!;
        Assert.That(e.ParamName, Is.EqualTo("analytic"));
        Assert.That(e.Message, Does.Contain("analytic gradient 'w' is [2, 3] but the variable is [3, 2]"));
    }

    [TestCase(0.0, "options.Step must be > 0 but is 0")]
    [TestCase(-1e-6, "options.Step must be > 0 but is -1E-06")]
    [TestCase(double.NaN, "options.Step must be > 0 but is NaN")]
    public void ANonPositiveStepIsAnError(double step, string message)
    {
        var e = Assert.Catch<ArgumentException>(() =>
            GradientCheck.Check(() => 0.0, Set("w", Vec(1.0)), Set("w", Vec(0.0)), new GradientCheckOptions(Step: step)))!;
        Assert.That(e.Message, Does.Contain(message));
    }

    [Test]
    public void ANonPositiveElementLimitIsAnError()
    {
        var e = Assert.Catch<ArgumentException>(() =>
            GradientCheck.Check(() => 0.0, Set("w", Vec(1.0)), Set("w", Vec(0.0)), new GradientCheckOptions(MaxElementsPerTensor: 0)))!;
        Assert.That(e.Message, Does.Contain("options.MaxElementsPerTensor must be at least 1 but is 0"));
    }

    [Test]
    public void NullArgumentsAreErrors()
    {
        var v = Set("w", Vec(1.0));
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Catch<ArgumentNullException>(() => GradientCheck.Check(null!, v, v))!.ParamName, Is.EqualTo("loss"));
            Assert.That(Assert.Catch<ArgumentNullException>(() => GradientCheck.Check(() => 0.0, null!, v))!.ParamName, Is.EqualTo("variables"));
            Assert.That(Assert.Catch<ArgumentNullException>(() => GradientCheck.Check(() => 0.0, v, null!))!.ParamName, Is.EqualTo("analytic"));
        });
    }
}
