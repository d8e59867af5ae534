// The GPU path (OpenCL on PoCL) against the CPU reference over the whole PyTorch recurrent fixture
// matrix: every output and every gradient, float64 within 1e-10 of each tensor's largest magnitude,
// float32 within the bound of Spec/gpu.md. The CPU reference is itself checked against PyTorch on
// the same cases (Tests/Grading.Tests/Parity/RecurrentParityTests.cs).
using NUnit.Framework;
using Rnn.Reference.Gpu.Tests.Support;

namespace Rnn.Reference.Gpu.Tests;

public sealed class FixtureParityTests
{
    [TestCaseSource(typeof(RecurrentFixture), nameof(RecurrentFixture.Ids))]
    public void Float64MatchesTheCpuReference(string id) => Check(id, GpuPrecision.Float64);

    [TestCaseSource(typeof(RecurrentFixture), nameof(RecurrentFixture.Ids))]
    public void Float32IsWithinTheStatedBound(string id) => Check(id, GpuPrecision.Float32);

    private static void Check(string id, GpuPrecision precision)
    {
        var c = RecurrentFixture.Get(id);
        var gpu = Pocl.Layer(precision);
        var (expected, expectedGrads) = c.RunCpu();
        var (actual, actualGrads) = c.RunGpu(gpu);
        Closeness.Stack(id, precision, c.Config, c.T, expected, expectedGrads, actual, actualGrads);
    }

    [Test]
    public void TheMatrixCoversEveryCellAndFlag()
    {
        var cases = RecurrentFixture.Cases;
        Assert.That(cases, Has.Count.EqualTo(84));
        Assert.That(cases.Select(c => c.Config.Kind).Distinct().Count(), Is.EqualTo(4));
        Assert.That(cases.Any(c => c.Config.NumLayers == 2 && c.Config.Bidirectional && c.Lengths is not null));
        Assert.That(cases.Any(c => !c.Config.Bias) && cases.Any(c => c.Input.Rank == 2) && cases.Any(c => c.H0 is null));
        Assert.That(cases.Any(c => c.Config.BatchFirst));
    }
}
