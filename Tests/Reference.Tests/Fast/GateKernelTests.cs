// The fast path's vector sigmoid and tanh against the scalar Activations (their meaning), on a
// grid through 0, the saturated ranges and the overflow points of e^x, and the non-finite
// inputs; and the gate kernels' length checks. The kernels' results inside whole stacks are
// checked against the cells' loops in FastRecurrentTests.
using System.Runtime.Intrinsics;
using NUnit.Framework;
using Rnn.Reference.Fast;
using Rnn.Reference.Numerics;

namespace Rnn.Reference.Tests.Fast;

public sealed class GateKernelTests
{
    private static IEnumerable<double> Inputs()
    {
        for (int k = -4000; k <= 4000; k++) yield return k / 100.0;      // -40 .. 40 in steps of 0.01
        foreach (double x in new[] { 1e-300, -1e-300, 1e-12, -1e-12, 354.0, 355.0, 709.0, 710.0, -709.0, -710.0, 1e308, -1e308 })
            yield return x;
    }

    private static double[] Apply(Func<Vector256<double>, Vector256<double>> f, double[] x)
    {
        var y = new double[x.Length];
        for (int k = 0; k < x.Length; k += 4)
        {
            var lanes = new double[4];
            for (int j = 0; j < 4 && k + j < x.Length; j++) lanes[j] = x[k + j];
            var r = f(Vector256.Create(lanes));
            for (int j = 0; j < 4 && k + j < x.Length; j++) y[k + j] = r[j];
        }
        return y;
    }

    [Test]
    public void VectorSigmoidAndTanhAgreeWithTheScalarFormsToRounding()
    {
        var x = Inputs().ToArray();
        var sigmoid = Apply(GateKernels.Sigmoid, x);
        var tanh = Apply(GateKernels.Tanh, x);
        double worstSigmoid = 0, worstTanh = 0;
        for (int k = 0; k < x.Length; k++)
        {
            worstSigmoid = Math.Max(worstSigmoid, Math.Abs(sigmoid[k] - Activations.Sigmoid(x[k])));
            worstTanh = Math.Max(worstTanh, Math.Abs(tanh[k] - Activations.Tanh(x[k])));
            Assert.That(sigmoid[k], Is.InRange(0.0, 1.0), $"sigmoid({x[k]:R})");
            Assert.That(tanh[k], Is.InRange(-1.0, 1.0), $"tanh({x[k]:R})");
        }
        TestContext.Out.WriteLine($"largest |vector - scalar|: sigmoid {worstSigmoid:E2}, tanh {worstTanh:E2}");
        Assert.That(worstSigmoid, Is.LessThanOrEqualTo(4.5e-16), "sigmoid: a few units of rounding of values <= 1");
        Assert.That(worstTanh, Is.LessThanOrEqualTo(4.5e-16), "tanh: a few units of rounding of values <= 1");
    }

    [Test]
    public void SaturationAndNonFiniteInputsGiveWhatTheScalarFormsGive()
    {
        double[] x = [double.PositiveInfinity, double.NegativeInfinity, double.NaN, 0.0];
        var sigmoid = Apply(GateKernels.Sigmoid, x);
        var tanh = Apply(GateKernels.Tanh, x);
        Assert.That(sigmoid[0], Is.EqualTo(1.0));
        Assert.That(sigmoid[1], Is.EqualTo(0.0));
        Assert.That(double.IsNaN(sigmoid[2]));
        Assert.That(sigmoid[3], Is.EqualTo(0.5));
        Assert.That(tanh[0], Is.EqualTo(1.0));
        Assert.That(tanh[1], Is.EqualTo(-1.0));
        Assert.That(double.IsNaN(tanh[2]));
        Assert.That(tanh[3], Is.EqualTo(0.0));
    }

    [Test]
    public void TheKernelsRejectWrongLengthsByName()
    {
        const int B = 2, H = 3;
        var e = Assert.Throws<ArgumentException>(() => GateKernels.LstmForward(new double[B * 4 * H], new double[B * H], B, H,
            new double[B * 4 * H - 1], new double[B * H], new double[B * H]))!;
        Assert.That(e.ParamName, Is.EqualTo("gates"));
        Assert.That(e.Message, Does.StartWith("gates has 23 elements but B*4H = 2*12 = 24 were expected"));
        e = Assert.Throws<ArgumentException>(() => GateKernels.GruBackward(new double[B * H], new double[B * 3 * H], new double[B * H],
            new double[B * H], B, H, new double[B * 3 * H], new double[B * 3 * H], new double[B * H + 1]))!;
        Assert.That(e.Message, Does.StartWith("dhPrev has 7 elements but B*H = 2*3 = 6 were expected"));
        e = Assert.Throws<ArgumentException>(() => GateKernels.RnnForward(new double[5], false, new double[6]))!;
        Assert.That(e.Message, Does.StartWith("xProj has 5 elements but len(h) = 6 were expected"));
    }
}
