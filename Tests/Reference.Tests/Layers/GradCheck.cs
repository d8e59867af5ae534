// Gradient checks for the layer and loss tests, through the library's public checker
// (Rnn.Reference.Checking.GradientCheck): the scalar checked is f = sum(output * dOutput) for
// a fixed random dOutput, so the analytic gradient is the vector-Jacobian product the
// backward pass returns. The error is the checker's relative error over the tensor,
//   max_i |analytic_i - numeric_i| / max(1e-8, max_i (|analytic_i| + |numeric_i|)).
// Every check prints "gradcheck LABEL: ERROR" to the test output.
using NUnit.Framework;
using Rnn.Reference.Checking;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Layers;

public static class GradCheck
{
    /// <summary>Central-difference step: truncation error ~ h^2 = 1e-10, rounding ~ 1e-16 / h = 1e-11.</summary>
    public const double Step = 1e-5;

    /// <summary>Largest error accepted; well above the ~1e-10 a correct gradient shows.</summary>
    public const double Tolerance = 1e-7;

    /// <summary>
    /// Compares the analytic gradient of f with respect to x with central differences (every
    /// element); fails above the tolerance, and fails if the gradient is identically zero (a
    /// check that could not fail). f reads x, which is perturbed in place and restored. Returns the error.
    /// </summary>
    public static double Check(string label, Func<double> f, double[] x, ReadOnlySpan<double> analytic, double tolerance = Tolerance)
    {
        var variables = new NamedTensors();
        variables.Add(label, new Tensor([x.Length], x));
        var gradients = new NamedTensors();
        gradients.Add(label, new Tensor([x.Length], analytic.ToArray()));
        var report = GradientCheck.Check(f, variables, gradients,
            new GradientCheckOptions(Step: Step, MaxElementsPerTensor: int.MaxValue));
        double err = report.WorstRelativeError;
        TestContext.Out.WriteLine($"gradcheck {label}: {err:E2}");
        double largest = 0;
        foreach (double a in analytic) largest = Math.Max(largest, Math.Abs(a));
        Assert.That(largest, Is.GreaterThan(0), $"{label}: the analytic gradient is all zeros, so the check proves nothing");
        Assert.That(err, Is.LessThanOrEqualTo(tolerance), $"{label}: analytic and numeric gradients differ by {err:E2}\n{report}");
        return err;
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        Assert.That(a.Length, Is.EqualTo(b.Length));
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>n values uniform in [-scale, scale) from a seeded generator.</summary>
    public static double[] Random(Random rng, int n, double scale = 1.0)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (2 * rng.NextDouble() - 1) * scale;
        return v;
    }

    public static Rnn.Reference.Tensors.Tensor RandomTensor(Random rng, int[] shape, double scale = 1.0) =>
        new(shape, Random(rng, checked((int)Rnn.Reference.Tensors.Tensor.ElementCount(shape)), scale));
}
