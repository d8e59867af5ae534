// Whole-model gradient checks through the library's public checker
// (Rnn.Reference.Checking.GradientCheck): the scalar checked is the training loss itself
// (cross-entropy or MSE of the model's output), so the analytic gradient is everything the
// model's hand-written backward returns, every parameter tensor, every element. The error per
// tensor is the checker's relative error
//   max_i |analytic_i - numeric_i| / max(1e-8, max_i (|analytic_i| + |numeric_i|)).
// Every check prints "gradcheck LABEL NAME: ERROR" to the test output.
using NUnit.Framework;
using Rnn.Reference.Checking;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Models;

public static class ModelGradCheck
{
    /// <summary>Central-difference step (as the layer checks): truncation ~ h^2 = 1e-10, rounding ~ 1e-16 / h.</summary>
    public const double Step = 1e-5;

    /// <summary>Largest relative error accepted per tensor.</summary>
    public const double Tolerance = 1e-7;

    /// <summary>
    /// Checks every tensor of variables against analytic; fails above the tolerance or on an
    /// all-zero gradient, except for the tensors named in exactlyZero, whose gradient must be
    /// exactly zero (a structural zero the test states). Returns the worst error.
    /// </summary>
    public static double Check(string label, Func<double> loss, NamedTensors variables, NamedTensors analytic, params string[] exactlyZero)
    {
        var report = GradientCheck.Check(loss, variables, analytic,
            new GradientCheckOptions(Step: Step, MaxElementsPerTensor: int.MaxValue));
        foreach (var t in report.Tensors)
        {
            TestContext.Out.WriteLine($"gradcheck {label} {t.Name}: {t.RelativeError:E2}");
            double largest = analytic[t.Name].Data.Max(Math.Abs);
            if (exactlyZero.Contains(t.Name))
                Assert.That(largest, Is.EqualTo(0.0), $"{label} {t.Name}: the gradient should be exactly zero");
            else
                Assert.That(largest, Is.GreaterThan(0), $"{label} {t.Name}: the analytic gradient is all zeros, so the check proves nothing");
            Assert.That(t.Checked, Is.EqualTo(t.Total), $"{label} {t.Name}: every element must be checked");
        }
        Assert.That(report.WorstRelativeError, Is.LessThanOrEqualTo(Tolerance), $"{label}:\n{report}");
        TestContext.Out.WriteLine($"gradcheck {label} worst: {report.WorstRelativeError:E2}");
        return report.WorstRelativeError;
    }

    /// <summary>A uniform tensor in [-scale, scale) from a seeded generator.</summary>
    public static Tensor Uniform(SeededRandom rng, double scale, params int[] shape) => rng.UniformTensor(-scale, scale, shape);
}
