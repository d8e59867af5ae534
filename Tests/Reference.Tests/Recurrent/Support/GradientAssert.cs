// Runs the public gradient checker on one case, prints every tensor's comparison, and asserts
// that every tensor was checked in full with a relative error of at most 1e-7 (CS231n's
// measure, which the checker reports; CS231n expects about 1e-8 or less in double).
// It also asserts which tensors have an identically zero analytic gradient (normally none):
// a zero gradient compared with a zero numeric gradient passes any check, so a case where a
// gradient vanishes must say so explicitly instead of passing without measuring anything.
using NUnit.Framework;
using Rnn.Reference.Checking;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Recurrent.Support;

public static class GradientAssert
{
    public const double Tolerance = 1e-7;

    /// <summary>Worst relative error seen so far per construct, for the summary a fixture prints at its end.</summary>
    public sealed class Tally
    {
        private readonly SortedDictionary<string, double> _worst = new(StringComparer.Ordinal);

        public void Record(string construct, double relativeError)
        {
            lock (_worst)
                _worst[construct] = Math.Max(_worst.GetValueOrDefault(construct), relativeError);
        }

        public void Print()
        {
            lock (_worst)
            {
                if (_worst.Count == 0) return;
                foreach (var (construct, worst) in _worst)
                    TestContext.Progress.WriteLine($"gradient check {construct}: worst relative error {worst:E2}");
                TestContext.Progress.WriteLine($"gradient check overall: worst relative error {_worst.Values.Max():E2} (tolerance {Tolerance:E0})");
            }
        }
    }

    /// <summary>The names whose analytic gradient is exactly zero in every entry.</summary>
    public static IReadOnlyList<string> ZeroGradients(NamedTensors analytic) => SmallGradients(analytic, 0.0);

    /// <summary>
    /// The names whose analytic gradient has no entry larger than <paramref name="atMost"/> in magnitude.
    /// Used to pick ReLU cases: the central difference carries rounding noise of about
    /// 1e-16 * |L| / step = 1e-10 * |L| in every entry, so a tensor whose whole gradient is far below
    /// 1 (a ReLU chain that has almost died out) would measure that noise rather than the backward pass.
    /// </summary>
    public static IReadOnlyList<string> SmallGradients(NamedTensors analytic, double atMost)
    {
        var small = new List<string>();
        foreach (var (name, t) in analytic)
            if (Array.TrueForAll(t.Data, v => Math.Abs(v) <= atMost)) small.Add(name);
        return small;
    }

    public static GradientCheckReport CheckAll(
        Tally tally, string construct, Func<double> loss, NamedTensors variables, NamedTensors analytic,
        params string[] expectedZero)
    {
        var report = GradientCheck.Check(loss, variables, analytic);
        foreach (var t in report.Tensors) TestContext.Out.WriteLine("  " + t);
        TestContext.Out.WriteLine($"{construct}: worst relative error {report.WorstRelativeError:E2} over {report.Tensors.Count} tensors");
        tally.Record(construct, report.WorstRelativeError);

        Assert.Multiple(() =>
        {
            Assert.That(report.Tensors.Select(t => t.Name), Is.EqualTo(variables.Names), "every variable is reported, in order");
            foreach (var t in report.Tensors)
            {
                Assert.That(t.Checked, Is.EqualTo(t.Total), $"{t.Name}: every element is checked");
                Assert.That(t.RelativeError, Is.LessThanOrEqualTo(Tolerance), t.ToString());
            }
            Assert.That(ZeroGradients(analytic), Is.EquivalentTo(expectedZero),
                "tensors whose analytic gradient is identically zero");
        });
        return report;
    }
}
