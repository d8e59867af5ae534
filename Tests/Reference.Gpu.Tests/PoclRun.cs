// Once per test run: at the end, the worst GPU-vs-CPU differences seen, and the devices freed.
// (A SetUpFixture covers its namespace and those below it: this one every GPU test.)
using NUnit.Framework;
using Rnn.Reference.Gpu.Tests.Support;

namespace Rnn.Reference.Gpu.Tests;

[SetUpFixture]
public sealed class PoclRun
{
    [OneTimeTearDown]
    public void TearDown()
    {
        // also kept beside the test assembly, since dotnet test does not show one-time output
        string summary =
            $"GPU vs CPU reference, worst seen: float64 {Closeness.WorstFloat64:E2} of max|ref| (bound {Closeness.Float64Relative:E0}); " +
            $"float32 |diff| {Closeness.WorstFloat32:E2}, {Closeness.WorstFloat32OfBound:P1} of its bound";
        TestContext.Progress.WriteLine(summary);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "gpu-worst-differences.txt"), summary + "\n");
        Pocl.DisposeAll();
    }
}
