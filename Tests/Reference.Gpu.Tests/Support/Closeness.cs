// How close the GPU's tensors are to the CPU reference's.
//   float64: |gpu - ref| <= 1e-10 * max|ref| over the tensor (relative to its largest magnitude)
//   float32: |gpu - ref| <= atol + rtol * |ref| elementwise, with the bound of Spec/gpu.md
// Each check throws with the tensor's name, the worst element and the bound, so it works inside
// NUnit tests and FsCheck properties alike; the worst differences seen are kept for the summary.
using NUnit.Framework;
using Rnn.Reference.Gpu.Checking;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Gpu.Tests.Support;

public static class Closeness
{
    public const double Float64Relative = GpuTolerance.Float64Relative;

    /// <summary>float32: the bound of Spec/gpu.md, derived in GpuTolerance.Float32Bound.</summary>
    public static (double Atol, double Rtol) Float32Bound(RecurrentConfig config, int T) => GpuTolerance.Float32Bound(config, T);

    private static readonly object Gate = new();
    public static double WorstFloat64 { get; private set; }
    public static double WorstFloat32 { get; private set; }
    public static double WorstFloat32OfBound { get; private set; }

    /// <summary>Throws unless every element is within 1e-10 of the tensor's largest magnitude.</summary>
    public static void Float64(string what, Tensor expected, Tensor actual)
    {
        RequireShape(what, expected, actual);
        double scale = Math.Max(MaxAbs(expected.Data), double.Epsilon);
        double worst = 0;
        int at = -1;
        for (int k = 0; k < expected.Length; k++)
        {
            double e = Math.Abs(actual.Data[k] - expected.Data[k]) / scale;
            if (!(e <= worst)) { worst = e; at = k; }
        }
        lock (Gate) WorstFloat64 = Math.Max(WorstFloat64, worst);
        if (!(worst <= Float64Relative))
            throw new AssertionException(
                $"{what}: element {at} is {actual.Data[at]:R} but the CPU reference has {expected.Data[at]:R}: " +
                $"difference {worst:E2} of max|ref| {scale:E3}, more than {Float64Relative:E0}");
    }

    /// <summary>Throws unless |actual - expected| &lt;= atol + rtol * |expected| at every element.</summary>
    public static void Float32(string what, Tensor expected, Tensor actual, (double Atol, double Rtol) bound)
    {
        RequireShape(what, expected, actual);
        double worstDiff = 0, worstRatio = 0;
        int at = -1;
        for (int k = 0; k < expected.Length; k++)
        {
            double diff = Math.Abs(actual.Data[k] - expected.Data[k]);
            double ratio = diff / (bound.Atol + bound.Rtol * Math.Abs(expected.Data[k]));
            worstDiff = Math.Max(worstDiff, diff);
            if (!(ratio <= worstRatio)) { worstRatio = ratio; at = k; }
        }
        lock (Gate)
        {
            WorstFloat32 = Math.Max(WorstFloat32, worstDiff);
            WorstFloat32OfBound = Math.Max(WorstFloat32OfBound, worstRatio);
        }
        if (!(worstRatio <= 1))
            throw new AssertionException(
                $"{what}: element {at} is {actual.Data[at]:R} but the CPU reference has {expected.Data[at]:R}: " +
                $"|difference| {Math.Abs(actual.Data[at] - expected.Data[at]):E2} > atol {bound.Atol:E2} + rtol {bound.Rtol:E2} * |ref|");
    }

    /// <summary>Every output and gradient of a forward + backward pair, against the reference's.</summary>
    public static void Stack(string what, GpuPrecision precision, RecurrentConfig config, int T,
        RecurrentOutput expected, RecurrentGradients expectedGrads, RecurrentOutput actual, RecurrentGradients actualGrads)
    {
        var bound = Float32Bound(config, T);
        void Check(string name, Tensor e, Tensor a)
        {
            if (precision == GpuPrecision.Float64) Float64($"{what} {name}", e, a);
            else Float32($"{what} {name}", e, a, bound);
        }
        Check("output", expected.Output, actual.Output);
        Check("h_n", expected.HN, actual.HN);
        if (expected.CN is not null) Check("c_n", expected.CN, actual.CN ?? throw new AssertionException($"{what}: no c_n"));
        Check("grad input", expectedGrads.dInput, actualGrads.dInput);
        Check("grad h0", expectedGrads.dH0, actualGrads.dH0);
        if (expectedGrads.dC0 is not null) Check("grad c0", expectedGrads.dC0, actualGrads.dC0 ?? throw new AssertionException($"{what}: no dc0"));
        if (!expectedGrads.dParameters.Names.SequenceEqual(actualGrads.dParameters.Names))
            throw new AssertionException($"{what}: gradient names {string.Join(", ", actualGrads.dParameters.Names)} " +
                $"but the reference has {string.Join(", ", expectedGrads.dParameters.Names)}");
        foreach (var (name, e) in expectedGrads.dParameters) Check("grad " + name, e, actualGrads.dParameters[name]);
    }

    private static void RequireShape(string what, Tensor expected, Tensor actual)
    {
        if (!actual.HasShape(expected.Shape))
            throw new AssertionException($"{what}: shape {actual.ShapeText()} but the reference has {expected.ShapeText()}");
    }

    private static double MaxAbs(double[] values)
    {
        double m = 0;
        foreach (var v in values) m = Math.Max(m, Math.Abs(v));
        return m;
    }
}
