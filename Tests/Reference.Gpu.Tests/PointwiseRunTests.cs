// The pointwise kernels' call-free activations and their runs of hidden units (Kernels/portable.h,
// recurrent_*.c; Spec/gpu.md, "Pointwise kernels on a CPU device"):
//   - sigmoid_r and tanh_r against Activations.Sigmoid and Math.Tanh over their whole range (from
//     -800 to 800: past where e^x underflows or overflows, through x = 0 and tiny |x|, and densely
//     over -30 .. 30, where they are neither 0 nor 1), within a few units of the precision's roundoff;
//   - every fused pointwise kernel, forward and backward, gives the same bits whatever the run of
//     neighbouring hidden units a work-item takes (1, as on a GPU; 5; 16, PoCL's; 64, the whole row),
//     at H = 37, where a run of 16 has a full vector part and a remainder;
//   - a profiled device reports the kernels it ran, by name, and an ordinary one refuses to.
using NUnit.Framework;
using Rnn.Reference.Gpu.Tests.Support;
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;
using static Rnn.Reference.Gpu.Kernels.GpuKernels;

namespace Rnn.Reference.Gpu.Tests;

public sealed class PointwiseRunTests
{
    private static double[] Arguments()
    {
        var xs = new List<double> { 0 };
        foreach (double m in new[] { 1e-30, 1e-8, 1e-4, 0.01, 0.1, 0.34657, 0.5, 1, 2, 5, 10, 20, 40, 80, 87, 88, 100, 700, 708, 709, 800 })
        {
            xs.Add(m);
            xs.Add(-m);
        }
        for (double x = -30; x <= 30; x += 0.0137) xs.Add(x);
        return xs.ToArray();
    }

    /// <summary>The argument as the kernel sees it: rounded to float in float32.</summary>
    private static double AsDevice(double x, GpuPrecision precision) => precision == GpuPrecision.Float32 ? (float)x : x;

    private static double Roundoff(GpuPrecision precision) => precision == GpuPrecision.Float32 ? Math.Pow(2, -24) : Math.Pow(2, -53);

    /// <summary>tanh of each x on the device: rnn_step_forward with hh = 0 and no bias gives h = tanh(xProj).</summary>
    private static double[] DeviceTanh(double[] xs, GpuPrecision precision)
    {
        int H = xs.Length;
        var dev = Pocl.Device(precision);
        using var s = new BufferScope(dev);
        var hs = s.Zeros(2 * H);
        RnnStepForward(dev, new StepArgs(1, H, 0, 0, H, 0), relu: false, hasBias: false, s.Upload(xs), s.Zeros(H), s.Zeros(H), s.Zeros(H),
            s.UploadInts([1]), hs, s.Zeros(H));
        return dev.Download(hs, H, H);
    }

    /// <summary>sigmoid of each x on the device: lstm_step_forward with hh = 0 and no bias keeps the input gate i = sigma(xProj[.., 0 .. H-1]) in gates.</summary>
    private static double[] DeviceSigmoid(double[] xs, GpuPrecision precision)
    {
        int H = xs.Length, G = 4 * H;
        var xProj = new double[G];
        xs.CopyTo(xProj, 0);
        var dev = Pocl.Device(precision);
        using var s = new BufferScope(dev);
        var gates = s.Zeros(G);
        LstmStepForward(dev, new StepArgs(1, H, 0, 0, H, 0), hasBias: false, s.Upload(xProj), s.Zeros(G), s.Zeros(G), s.Zeros(G),
            s.UploadInts([1]), s.Zeros(2 * H), s.Zeros(2 * H), gates, s.Zeros(H));
        return dev.Download(gates, 0, H);
    }

    [Test]
    public void TanhIsWithinAFewRoundoffsOfMathTanhEverywhere([Values] GpuPrecision precision)
    {
        var xs = Arguments();
        int H = xs.Length;
        var h = DeviceTanh(xs, precision);
        double bound = 8 * Roundoff(precision);   // absolute: (1 - e) / (1 + e) loses relative accuracy near 0, as the fast path's tanh
        for (int q = 0; q < H; q++)
        {
            double expected = Math.Tanh(AsDevice(xs[q], precision));
            Assert.That(Math.Abs(h[q] - expected), Is.LessThanOrEqualTo(bound), $"tanh({xs[q]:R}) is {h[q]:R}, Math.Tanh gives {expected:R}");
            Assert.That(Math.Abs(h[q]), Is.LessThanOrEqualTo(1.0), $"tanh({xs[q]:R}) = {h[q]:R} is outside [-1, 1]");
        }
    }

    [Test]
    public void NaNStaysNaNAndInfinitiesGiveTheLimits([Values] GpuPrecision precision)
    {
        // as the reference (Math.Tanh, Activations.Sigmoid) and the CPU fast path: a NaN reaching a gate is not turned into a number
        double[] xs = [double.NaN, double.PositiveInfinity, double.NegativeInfinity];
        var tanh = DeviceTanh(xs, precision);
        var sigmoid = DeviceSigmoid(xs, precision);
        double tiny = precision == GpuPrecision.Float32 ? 2e-38 : 4e-308;
        Assert.Multiple(() =>
        {
            Assert.That(tanh[0], Is.NaN, "tanh(NaN)");
            Assert.That(sigmoid[0], Is.NaN, "sigmoid(NaN)");
            Assert.That(tanh[1], Is.EqualTo(1.0), "tanh(+inf)");
            Assert.That(tanh[2], Is.EqualTo(-1.0), "tanh(-inf)");
            Assert.That(sigmoid[1], Is.EqualTo(1.0), "sigmoid(+inf)");
            Assert.That(sigmoid[2], Is.InRange(0.0, tiny), "sigmoid(-inf)");
        });
    }

    [Test]
    public void SigmoidIsWithinAFewRoundoffsOfTheReferenceEverywhere([Values] GpuPrecision precision)
    {
        var xs = Arguments();
        int H = xs.Length;
        var i = DeviceSigmoid(xs, precision);
        // relative to the value, plus the smallest normal number (below it the kernel's e^-|x| stops at e^EXP_MIN)
        double relative = 8 * Roundoff(precision), tiny = precision == GpuPrecision.Float32 ? 2e-38 : 4e-308;
        for (int q = 0; q < H; q++)
        {
            double expected = Activations.Sigmoid(AsDevice(xs[q], precision));
            Assert.That(Math.Abs(i[q] - expected), Is.LessThanOrEqualTo(relative * expected + tiny),
                $"sigmoid({xs[q]:R}) is {i[q]:R}, the reference gives {expected:R}");
        }
    }

    private const int B = 3, H = 37, T = 4, t = 2, step = 1, DH = 2 * H, col0 = H;
    private static readonly int[] Lengths = [4, 2, 3];   // element 1 is past its length at t = 2
    private static readonly int[] Runs = [1, 5, 16, 64];

    public enum Kernel { RnnTanhForward, RnnReluForward, LstmForward, GruForward, RnnBackward, LstmBackward, GruBackward }

    private static double[] Random(int n, ulong seed) => new SeededRandom(seed).UniformTensor(-1, 1, n).Data;

    /// <summary>Runs one kernel with a run length on fixed inputs; every buffer it writes, one after the other.</summary>
    private static double[] Outputs(GpuDevice dev, Kernel kernel, int run)
    {
        using var s = new BufferScope(dev);
        var at = new StepArgs(B, H, t, step, DH, col0);
        var lens = s.UploadInts(Lengths);
        int G = kernel switch { Kernel.LstmForward or Kernel.LstmBackward => 4, Kernel.GruForward or Kernel.GruBackward => 3, _ => 1 } * H;
        GpuBuffer Rand(int n, ulong seed) => s.Upload(Random(n, seed));
        GpuBuffer Gates(ulong seed) => s.Upload(Random(T * B * G, seed).Select(v => 0.5 + 0.4 * v).ToArray());   // activated gates in (0, 1)
        GpuBuffer[] written;
        switch (kernel)
        {
            case Kernel.RnnTanhForward:
            case Kernel.RnnReluForward:
                written = [Rand((T + 1) * B * H, 1), Rand(T * B * DH, 2)];
                RnnStepForward(dev, at, kernel == Kernel.RnnReluForward, hasBias: true, Rand(T * B * G, 3), Rand(B * G, 4), Rand(G, 5), Rand(G, 6),
                    lens, written[0], written[1], run);
                break;
            case Kernel.LstmForward:
                written = [Rand((T + 1) * B * H, 1), Rand((T + 1) * B * H, 2), Rand(T * B * G, 3), Rand(T * B * DH, 4)];
                LstmStepForward(dev, at, hasBias: true, Rand(T * B * G, 5), Rand(B * G, 6), Rand(G, 7), Rand(G, 8),
                    lens, written[0], written[1], written[2], written[3], run);
                break;
            case Kernel.GruForward:
                written = [Rand((T + 1) * B * H, 1), Rand(T * B * G, 2), Rand(T * B * H, 3), Rand(T * B * DH, 4)];
                GruStepForward(dev, at, hasBias: true, Rand(T * B * G, 5), Rand(B * G, 6), Rand(G, 7), Rand(G, 8),
                    lens, written[0], written[1], written[2], written[3], run);
                break;
            case Kernel.RnnBackward:
                written = [Rand(T * B * G, 1), Rand(T * B * G, 2), Rand(B * H, 3)];
                RnnStepBackward(dev, at, relu: false, Rand(T * B * DH, 4), Rand(B * H, 5), Rand((T + 1) * B * H, 6), lens,
                    written[0], written[1], written[2], run);
                break;
            case Kernel.LstmBackward:
                written = [Rand(T * B * G, 1), Rand(T * B * G, 2), Rand(B * H, 3), Rand(B * H, 4)];
                LstmStepBackward(dev, at, Rand(T * B * DH, 5), Rand(B * H, 6), Rand(B * H, 7), Rand((T + 1) * B * H, 8), Rand((T + 1) * B * H, 9),
                    Gates(10), lens, written[0], written[1], written[2], written[3], run);
                break;
            default:
                written = [Rand(T * B * G, 1), Rand(T * B * G, 2), Rand(B * H, 3)];
                GruStepBackward(dev, at, Rand(T * B * DH, 4), Rand(B * H, 5), Rand((T + 1) * B * H, 6), Gates(7), Rand(T * B * H, 8), lens,
                    written[0], written[1], written[2], run);
                break;
        }
        return written.SelectMany(w => dev.Download(w, 0, w.Length)).ToArray();
    }

    [Test]
    public void EveryRunLengthGivesTheSameBits([Values] Kernel kernel, [Values] GpuPrecision precision)
    {
        var dev = Pocl.Device(precision);
        var one = Outputs(dev, kernel, run: 1);
        foreach (int run in Runs.Skip(1))
        {
            var other = Outputs(dev, kernel, run);
            for (int q = 0; q < one.Length; q++)
                if (BitConverter.DoubleToInt64Bits(one[q]) != BitConverter.DoubleToInt64Bits(other[q]))
                    Assert.Fail($"{kernel}: element {q} is {other[q]:R} with runs of {run}, {one[q]:R} with runs of 1");
        }
    }

    [Test]
    public void ARunMustBePositive()
    {
        var dev = Pocl.Device(GpuPrecision.Float64);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Outputs(dev, Kernel.RnnTanhForward, run: 0))!;
        Assert.That(e.ParamName, Is.EqualTo("run"));
    }

    [Test]
    public void AProfiledDeviceReportsEachKernelItRanByName()
    {
        Pocl.Device(GpuPrecision.Float32);   // skips (or fails in CI) without an OpenCL device
        using var dev = GpuDevice.Open("opencl:0", GpuPrecision.Float32, profile: true);
        using (var s = new BufferScope(dev))
        {
            var g = s.Upload(Random(40 * 20, 1));
            var o = s.Zeros(20);
            ColumnSum(dev, 40, 20, g, 0, 20, o, 0, accumulate: false);
            ColumnSum(dev, 40, 20, g, 0, 20, o, 0, accumulate: true);
            dev.Download(o, 0, 20);
        }
        var totals = dev.ReadProfile(reset: true).ToDictionary(k => k.Name);
        Assert.That(totals.Keys, Is.EquivalentTo(new[] { "column_sum", "(upload)", "(download)", "(fill)" }));
        Assert.That(totals["column_sum"].Launches, Is.EqualTo(2));
        Assert.That(totals["(upload)"].Launches, Is.EqualTo(1));
        Assert.That(totals.Values.All(k => k.Seconds >= 0), "device times are END - START, never negative");
        Assert.That(dev.ReadProfile(), Is.Empty, "reset: true starts the totals again");

        var plain = Pocl.Device(GpuPrecision.Float32);
        var e = Assert.Throws<InvalidOperationException>(() => plain.ReadProfile())!;
        Assert.That(e.Message, Does.Contain("was not opened with profiling"));
    }
}
