// How close the GPU path must be to the CPU reference (Spec/gpu.md, "Tolerances"), in one place for
// the tests, `rnn-grading gpu-check` and `eval --device`:
//   float64: |gpu - ref| <= 1e-10 * max|ref| over the tensor (relative to its largest magnitude)
//   float32: |gpu - ref| <= atol + rtol * |ref| at every element, with atol = rtol = the bound below
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Gpu.Checking;

/// <summary>The worst element of one tensor against the reference: its index, the two values, and the fraction of the tolerance used (&lt;= 1 passes).</summary>
public readonly record struct TensorDifference(int Index, double Actual, double Expected, double Difference, double OfTolerance)
{
    public bool Passes => OfTolerance <= 1;
}

public static class GpuTolerance
{
    public const double Float64Relative = 1e-10;

    /// <summary>
    /// float32: with u = 2^-24 (float's unit roundoff), a K-term dot product is off by at most K u times
    /// the sum of its terms' magnitudes, and a fused pointwise kernel adds at most 16 u (its own roundings
    /// and a few ulp of exp / tanh). A stack of L layers over T steps chains L * T such stages, once
    /// forward and once backward, so
    ///   eps = 2 * L * T * (K + 16) * u,   K = max(I, D*H, G*H) the longest dot product,
    /// and atol = rtol = eps (for values and weights of order 1, as the fixtures' and workloads').
    /// </summary>
    public static (double Atol, double Rtol) Float32Bound(RecurrentConfig config, int T)
    {
        ArgumentNullException.ThrowIfNull(config);
        double u = Math.Pow(2, -24);
        int K = Math.Max(Math.Max(config.InputSize, config.Directions * config.HiddenSize), config.Gates * config.HiddenSize);
        double eps = 2.0 * config.NumLayers * Math.Max(T, 1) * (K + 16) * u;
        return (eps, eps);
    }

    /// <summary>The tolerance in words, as gpu-check prints it.</summary>
    public static string Describe(GpuPrecision precision, RecurrentConfig config, int T)
    {
        if (precision == GpuPrecision.Float64) return $"{Float64Relative:E0} * max|ref|";
        var (atol, rtol) = Float32Bound(config, T);
        return $"{atol:E2} + {rtol:E2} * |ref|";
    }

    /// <summary>The worst element of `actual` against `expected` under the precision's tolerance (same shapes required).</summary>
    public static TensorDifference Worst(GpuPrecision precision, RecurrentConfig config, int T, Tensor expected, Tensor actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (!actual.HasShape(expected.Shape))
            throw new ArgumentException($"the GPU tensor is {actual.ShapeText()} but the reference's is {expected.ShapeText()}", nameof(actual));
        var (atol, rtol) = Float32Bound(config, T);
        double scale = Math.Max(MaxAbs(expected.Data), double.Epsilon);
        var worst = new TensorDifference(-1, 0, 0, 0, 0);
        for (int k = 0; k < expected.Length; k++)
        {
            double e = expected.Data[k], a = actual.Data[k], diff = Math.Abs(a - e);
            double of = precision == GpuPrecision.Float64
                ? diff / scale / Float64Relative
                : diff / (atol + rtol * Math.Abs(e));
            // NaN differences compare false and so are always taken as the worst
            if (!(of <= worst.OfTolerance) || worst.Index < 0) worst = new TensorDifference(k, a, e, diff, double.IsNaN(of) ? double.PositiveInfinity : of);
        }
        return worst;
    }

    private static double MaxAbs(double[] values)
    {
        double m = 0;
        foreach (var v in values) m = Math.Max(m, Math.Abs(v));
        return m;
    }
}
