// Small tensor helpers for the recurrent tests: seeded random tensors, the dot product the
// gradient-check losses are built from, and closeness checks that throw (so they work both
// inside NUnit tests and inside FsCheck properties, where a thrown exception is a failure
// that FsCheck reports together with its replay seed).
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Recurrent.Support;

public static class TestTensors
{
    /// <summary>A tensor of the given shape filled uniformly from [-scale, scale).</summary>
    public static Tensor Random(SeededRandom rng, double scale, params int[] shape) => rng.UniformTensor(-scale, scale, shape);

    public static Tensor FromValues(int[] shape, params double[] values) => new(shape, values);

    /// <summary>The same data under another shape of the same size.</summary>
    public static Tensor Reshaped(this Tensor t, params int[] shape) => new(shape, t.Data);

    /// <summary>sum_k a[k] * b[k] over two tensors of the same shape.</summary>
    public static double Dot(Tensor a, Tensor b)
    {
        if (!a.HasShape(b.Shape))
            throw new InvalidOperationException($"Dot of {a.ShapeText()} and {b.ShapeText()}");
        double sum = 0;
        for (int k = 0; k < a.Length; k++) sum += a.Data[k] * b.Data[k];
        return sum;
    }

    public static double MaxAbs(ReadOnlySpan<double> values)
    {
        double m = 0;
        foreach (double v in values) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>a * x + b * y, elementwise.</summary>
    public static Tensor Combine(double a, Tensor x, double b, Tensor y)
    {
        var r = Tensor.Zeros(x.Shape);
        for (int k = 0; k < r.Length; k++) r.Data[k] = a * x.Data[k] + b * y.Data[k];
        return r;
    }

    /// <summary>
    /// Throws unless every |actual[k] - expected[k]| &lt;= tolerance * max(1, max_k |expected[k]|),
    /// naming the worst entry. Shapes must agree.
    /// </summary>
    public static void RequireClose(Tensor actual, Tensor expected, double tolerance, string what)
    {
        if (!actual.HasShape(expected.Shape))
            throw new CloseCheckException($"{what}: shape {actual.ShapeText()} but expected {expected.ShapeText()}");
        RequireClose(actual.Data, expected.Data, tolerance, what);
    }

    public static void RequireClose(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double tolerance, string what)
    {
        if (actual.Length != expected.Length)
            throw new CloseCheckException($"{what}: {actual.Length} values but expected {expected.Length}");
        double scale = Math.Max(1.0, MaxAbs(expected));
        int worst = -1;
        double worstDiff = 0;
        for (int k = 0; k < actual.Length; k++)
        {
            double diff = Math.Abs(actual[k] - expected[k]);
            if (double.IsNaN(diff)) diff = double.PositiveInfinity;
            if (diff > worstDiff) { worstDiff = diff; worst = k; }
        }
        if (worstDiff > tolerance * scale)
            throw new CloseCheckException(
                $"{what}: differs by {worstDiff:E3} (allowed {tolerance * scale:E1}) at flat index {worst}: " +
                $"got {actual[worst]:R}, expected {expected[worst]:R}");
    }

    /// <summary>Throws unless every value is exactly 0.</summary>
    public static void RequireZero(ReadOnlySpan<double> values, string what)
    {
        for (int k = 0; k < values.Length; k++)
            if (values[k] != 0.0)
                throw new CloseCheckException($"{what}: expected 0 but flat index {k} is {values[k]:R}");
    }
}

/// <summary>A failed closeness check (thrown so that FsCheck reports it with its replay seed).</summary>
public sealed class CloseCheckException(string message) : Exception(message);
