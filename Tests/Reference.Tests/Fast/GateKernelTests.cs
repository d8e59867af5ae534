// The fast path's vector sigmoid and tanh against the scalar Activations (their meaning), on a
// grid through 0, the saturated ranges and the overflow points of e^x, and the non-finite
// inputs; that the kernels' Vector512 and Vector256 loops give the same bits; and the gate
// kernels' length checks. The kernels' results inside whole stacks are
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

    /// <summary>Each block of H values of v rotated by 8: v[block + j] moves to v[block + (j + 8) % H].</summary>
    private static double[] Rotate(double[] v, int H)
    {
        var r = new double[v.Length];
        for (int at = 0; at < v.Length; at += H)
            for (int j = 0; j < H; j++) r[at + (j + 8) % H] = v[at + j];
        return r;
    }

    private static double[] Uniform(Random rng, int n, double scale) => [.. Enumerable.Range(0, n).Select(_ => scale * (rng.NextDouble() * 2 - 1))];

    /// <summary>
    /// With H = 12, columns 0-7 of each gate block go through the kernels' Vector512 loop and 8-11
    /// through the Vector256 loop; rotating every block by 8 swaps which width computes an element.
    /// The kernels must give every element the same bits either way.
    /// </summary>
    [Test]
    public void TheVector512AndVector256LoopsGiveTheSameBits()
    {
        if (!Vector512.IsHardwareAccelerated) Assert.Ignore("this CPU does not run Vector512 natively: the kernels use only the Vector256 loop");
        const int B = 3, H = 12;
        var rng = new Random(11);
        var xp4 = Uniform(rng, B * 4 * H, 3); var hh4 = Uniform(rng, B * 4 * H, 3); var cPrev = Uniform(rng, B * H, 2);
        var xp3 = Uniform(rng, B * 3 * H, 3); var hh3 = Uniform(rng, B * 3 * H, 3); var hPrev = Uniform(rng, B * H, 1);
        var dh = Uniform(rng, B * H, 1); var dc = Uniform(rng, B * H, 1); var c = Uniform(rng, B * H, 2);
        var gates4 = Uniform(rng, B * 4 * H, 1).Select(v => 0.5 + 0.5 * v).ToArray();

        (double[], double[], double[]) Lstm(double[] xp, double[] hh, double[] cp)
        {
            var gates = (double[])hh.Clone(); var cNew = new double[B * H]; var h = new double[B * H];
            GateKernels.LstmForward(xp, cp, B, H, gates, cNew, h);
            return (gates, cNew, h);
        }
        (double[], double[], double[]) LstmFromPreactivations(double[] a, double[] cp)
        {
            var gates = (double[])a.Clone(); var cNew = new double[B * H]; var h = new double[B * H];
            GateKernels.LstmForward(cp, B, H, gates, cNew, h);
            return (gates, cNew, h);
        }
        (double[], double[]) LstmBack(double[] dhv, double[] dcv, double[] g, double[] cv, double[] cp)
        {
            var da = new double[B * 4 * H]; var dcp = new double[B * H];
            GateKernels.LstmBackward(dhv, dcv, g, cv, cp, B, H, da, dcp);
            return (da, dcp);
        }
        (double[], double[], double[]) Gru(double[] xp, double[] hh, double[] hp)
        {
            var gates = new double[B * 3 * H]; var hhN = new double[B * H]; var h = new double[B * H];
            GateKernels.GruForward(xp, hh, hp, B, H, gates, hhN, h);
            return (gates, hhN, h);
        }
        double[] Rnn(double[] xp, double[] hh)
        {
            var h = (double[])hh.Clone();
            GateKernels.RnnForward(xp, relu: false, h);
            return h;
        }

        void Same(double[] straight, double[] rotated, string what)
        {
            var expected = Rotate(straight, H);
            for (int k = 0; k < expected.Length; k++)
                Assert.That(BitConverter.DoubleToInt64Bits(rotated[k]), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected[k])), $"{what}[{k}]");
        }

        var (g1, c1, h1) = Lstm(xp4, hh4, cPrev);
        var (g2, c2, h2) = Lstm(Rotate(xp4, H), Rotate(hh4, H), Rotate(cPrev, H));
        Same(g1, g2, "LstmForward gates"); Same(c1, c2, "LstmForward c"); Same(h1, h2, "LstmForward h");
        var (p1, pc1, ph1) = LstmFromPreactivations(hh4, cPrev);
        var (p2, pc2, ph2) = LstmFromPreactivations(Rotate(hh4, H), Rotate(cPrev, H));
        Same(p1, p2, "LstmForward (pre-activations) gates"); Same(pc1, pc2, "LstmForward (pre-activations) c"); Same(ph1, ph2, "LstmForward (pre-activations) h");
        var (da1, dcp1) = LstmBack(dh, dc, gates4, c, cPrev);
        var (da2, dcp2) = LstmBack(Rotate(dh, H), Rotate(dc, H), Rotate(gates4, H), Rotate(c, H), Rotate(cPrev, H));
        Same(da1, da2, "LstmBackward dxProj"); Same(dcp1, dcp2, "LstmBackward dcPrev");
        var (r1, n1, gh1) = Gru(xp3, hh3, hPrev);
        var (r2, n2, gh2) = Gru(Rotate(xp3, H), Rotate(hh3, H), Rotate(hPrev, H));
        Same(r1, r2, "GruForward gates"); Same(n1, n2, "GruForward hhN"); Same(gh1, gh2, "GruForward h");
        Same(Rnn(hPrev, c), Rnn(Rotate(hPrev, H), Rotate(c, H)), "RnnForward h");
    }

    [Test]
    public void TheKernelsRejectWrongLengthsByName()
    {
        const int B = 2, H = 3;
        var e = Assert.Throws<ArgumentException>(() => GateKernels.LstmForward(new double[B * 4 * H], new double[B * H], B, H,
            new double[B * 4 * H - 1], new double[B * H], new double[B * H]))!;
        Assert.That(e.ParamName, Is.EqualTo("gates"));
        Assert.That(e.Message, Does.StartWith("gates has 23 elements but B*4H = 2*12 = 24 were expected"));
        e = Assert.Throws<ArgumentException>(() => GateKernels.LstmForward(new double[B * H], B, H,
            new double[B * 4 * H], new double[B * H - 1], new double[B * H]))!;
        Assert.That(e.ParamName, Is.EqualTo("c"));
        Assert.That(e.Message, Does.StartWith("c has 5 elements but B*H = 2*3 = 6 were expected"));
        e = Assert.Throws<ArgumentException>(() => GateKernels.GruBackward(new double[B * H], new double[B * 3 * H], new double[B * H],
            new double[B * H], B, H, new double[B * 3 * H], new double[B * 3 * H], new double[B * H + 1]))!;
        Assert.That(e.Message, Does.StartWith("dhPrev has 7 elements but B*H = 2*3 = 6 were expected"));
        e = Assert.Throws<ArgumentException>(() => GateKernels.RnnForward(new double[5], false, new double[6]))!;
        Assert.That(e.Message, Does.StartWith("xProj has 5 elements but len(h) = 6 were expected"));
    }
}
