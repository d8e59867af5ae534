// The forward's cache kept on the device for the backward (GpuRecurrentLayer, Spec/gpu.md "The cache
// on the device"): Backward given the cache the latest Forward returned reads hs, cs, gates, hhN and
// the layer inputs from the device, and gives the same bits as Backward from the cache's arrays
// uploaded again (a copy of the record, which the layer does not hold), and both equal the CPU
// reference; an older cache, a released one and the CPU's cache are uploaded and still right.
using NUnit.Framework;
using Rnn.Reference.Gpu.Recurrent;
using Rnn.Reference.Gpu.Tests.Support;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Recurrent.Support;

namespace Rnn.Reference.Gpu.Tests;

public sealed class DeviceCacheTests
{
    private const string FromDevice = "from the device copy", Uploaded = "from the uploaded arrays";

    private static LayerCase Case(CellKind kind) =>
        new(kind, T: 6, B: 4, I: 5, H: 19, Layers: 2, Bidirectional: true, Lengths: [6, 2, 5, 1], Seed: 31);

    [Test]
    public void BackwardFromTheDeviceCopyEqualsBackwardFromTheUploadedArrays(
        [ValueSource(typeof(GpuRecurrentLayer), nameof(GpuRecurrentLayer.Kinds))] CellKind kind, [Values] GpuPrecision precision)
    {
        var c = Case(kind);
        var d = c.Draw();
        using var gpu = new GpuRecurrentLayer(Pocl.Device(precision));
        var forward = gpu.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0, c.Lengths);
        var copy = forward.Cache with { };   // the same arrays in another record: not the one the layer holds
        Assert.That(gpu.HoldsOnDevice(forward.Cache), Is.True);
        Assert.That(gpu.HoldsOnDevice(copy), Is.False);

        var fromDevice = gpu.Backward(forward.Cache, d.dOutput, d.dHN, d.dCN);
        var uploaded = gpu.Backward(copy, d.dOutput, d.dHN, d.dCN);
        BitIdentity.Same(fromDevice, uploaded, FromDevice, Uploaded);
        var (cpuForward, cpu) = LayerCaseRuns.Cpu(c, d);
        Closeness.Stack(kind + " from the device copy", precision, c.Config, c.T, cpuForward, cpu, forward, fromDevice);
    }

    [Test]
    public void AnOlderOrReleasedCacheIsUploadedAndStillRight([Values] GpuPrecision precision)
    {
        var c = Case(CellKind.Lstm);
        var d = c.Draw();
        using var gpu = new GpuRecurrentLayer(Pocl.Device(precision));
        var first = gpu.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0, c.Lengths);
        var expected = gpu.Backward(first.Cache, d.dOutput, d.dHN, d.dCN);
        var (cpuForward, cpuGrads) = LayerCaseRuns.Cpu(c, d);
        Closeness.Stack("from the device copy", precision, c.Config, c.T, cpuForward, cpuGrads, first, expected);

        // another forward (other inputs) replaces the device copy: the first cache is uploaded
        var other = new LayerCase(CellKind.Lstm, T: 6, B: 4, I: 5, H: 19, Layers: 2, Bidirectional: true, Seed: 32).Draw();
        gpu.Forward(c.Config, other.Parameters, other.Input, other.H0, other.C0);
        Assert.That(gpu.HoldsOnDevice(first.Cache), Is.False);
        BitIdentity.Same(expected, gpu.Backward(first.Cache, d.dOutput, d.dHN, d.dCN), FromDevice, Uploaded);

        var again = gpu.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0, c.Lengths);
        gpu.ReleaseDeviceCache();
        Assert.That(gpu.HoldsOnDevice(again.Cache), Is.False);
        BitIdentity.Same(expected, gpu.Backward(again.Cache, d.dOutput, d.dHN, d.dCN), FromDevice, Uploaded);

        // the CPU reference's cache goes to the GPU backward as before
        Closeness.Stack("the CPU's cache on the GPU", precision, c.Config, c.T, cpuForward, cpuGrads, first,
            gpu.Backward(cpuForward.Cache, d.dOutput, d.dHN, d.dCN));
    }
}
