// The GPU path on a CUDA device (driver API + NVRTC). This machine has no NVIDIA driver, so these
// report skipped with the reason (in CI too: no CI machine has a GPU); on a machine with one they
// run the same checks as the OpenCL tests: the fixture matrix in float64 and float32 and a rerun.
using NUnit.Framework;
using Rnn.Reference.Gpu.Recurrent;
using Rnn.Reference.Gpu.Tests.Support;

namespace Rnn.Reference.Gpu.Tests.Cuda;

public sealed class CudaRuntimeTests
{
    private static readonly Dictionary<GpuPrecision, Lazy<(GpuDevice? Device, string? Problem)>> Devices = new()
    {
        [GpuPrecision.Float64] = new(() => TryOpen(GpuPrecision.Float64)),
        [GpuPrecision.Float32] = new(() => TryOpen(GpuPrecision.Float32)),
    };

    private static (GpuDevice?, string?) TryOpen(GpuPrecision precision)
    {
        try { return (GpuDevice.Open("cuda:0", precision), null); }
        catch (GpuUnavailableException e) { return (null, e.Message); }
    }

    private static GpuRecurrentLayer Layer(GpuPrecision precision)
    {
        var (device, problem) = Devices[precision].Value;
        if (device is null) Assert.Ignore($"CUDA runtime test skipped: {problem}");
        return new GpuRecurrentLayer(device!);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        foreach (var lazy in Devices.Values)
            if (lazy.IsValueCreated) lazy.Value.Device?.Dispose();
    }

    [Test]
    public void FixtureMatrixMatchesTheCpuReference([Values] GpuPrecision precision)
    {
        var gpu = Layer(precision);
        foreach (var c in RecurrentFixture.Cases)
        {
            var (expected, expectedGrads) = c.RunCpu();
            var (actual, actualGrads) = c.RunGpu(gpu);
            Closeness.Stack("cuda " + c.Id, precision, c.Config, c.T, expected, expectedGrads, actual, actualGrads);
        }
    }

    [Test]
    public void TwoRunsAreBitIdentical([Values] GpuPrecision precision)
    {
        var gpu = Layer(precision);
        var c = RecurrentFixture.Cases.First(x => x.Config.NumLayers == 2 && x.Config.Bidirectional && x.Lengths is not null);
        var (o1, g1) = c.RunGpu(gpu);
        var (o2, g2) = c.RunGpu(gpu);
        Assert.That(o2.Output.Data, Is.EqualTo(o1.Output.Data));
        Assert.That(g2.dInput.Data, Is.EqualTo(g1.dInput.Data));
        foreach (var (name, t) in g1.dParameters) Assert.That(g2.dParameters[name].Data, Is.EqualTo(t.Data), name);
    }
}
