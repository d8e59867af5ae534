// What the tests of the catalog's GRU cells (GruResetBeforeCellTests, GruBiasOutsideResetCellTests)
// share: drawn data, flat tensors by name, a dot product for the loss L = Σ h ⊙ dh, and the
// assertion on a central-difference gradient check.
using NUnit.Framework;
using Rnn.Reference.Checking;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Diagnosis;

internal static class GruCellChecks
{
    public const double GradTolerance = 1e-7;

    public static double[] Random(SeededRandom rng, int n, double scale = 1.0) => rng.UniformTensor(-scale, scale, n).Data;

    public static NamedTensors Set(params (string Name, double[] Data)[] items)
    {
        var set = new NamedTensors();
        foreach (var (name, data) in items) set.Add(name, new Tensor([data.Length], data));
        return set;
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Fails unless every tensor's relative error is within the tolerance and some gradient is nonzero.</summary>
    public static double AssertGradients(string label, GradientCheckReport report, NamedTensors analytic)
    {
        TestContext.Out.WriteLine($"gradcheck {label}: worst relative error {report.WorstRelativeError:E2}\n{report}");
        Assert.That(analytic.ToFlat().Any(v => v != 0), $"{label}: every analytic gradient is zero, the check proves nothing");
        Assert.That(report.WorstRelativeError, Is.LessThanOrEqualTo(GradTolerance), report.ToString());
        return report.WorstRelativeError;
    }
}
