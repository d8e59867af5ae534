// The forward's cache kept on the device for the backward (GpuRecurrentLayer, Spec/gpu.md "The cache
// on the device"): Backward given the cache the latest Forward returned reads hs, cs, gates, hhN and
// the layer inputs from the device, and gives the same bits as Backward from the cache's arrays
// uploaded again (a copy of the record, which the layer does not hold), and both equal the CPU
// reference; an older cache, a released one and the CPU's cache are uploaded and still right.
// With CacheDownload.WhenRead the cache's arrays are the same bits, read when first used; a forward and
// its backward on the device then download none of them; read after the device copy is freed, they
// (and a backward from them) refuse, saying why.
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

    [Test]
    public void WithCacheDownloadWhenReadTheCacheAndTheGradientsAreTheSameBits(
        [ValueSource(typeof(GpuRecurrentLayer), nameof(GpuRecurrentLayer.Kinds))] CellKind kind, [Values] GpuPrecision precision)
    {
        var c = Case(kind);
        var d = c.Draw();
        using var always = new GpuRecurrentLayer(Pocl.Device(precision));
        using var whenRead = new GpuRecurrentLayer(Pocl.Device(precision), CacheDownload.WhenRead);
        var expected = always.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0, c.Lengths);
        var forward = whenRead.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0, c.Lengths);
        BitIdentity.Same("output", expected.Output, forward.Output, "downloaded at once", "read when used");
        BitIdentity.Same("h_n", expected.HN, forward.HN, "downloaded at once", "read when used");
        if (expected.CN is not null) BitIdentity.Same("c_n", expected.CN, forward.CN!, "downloaded at once", "read when used");

        var fromDevice = whenRead.Backward(forward.Cache, d.dOutput, d.dHN, d.dCN);
        BitIdentity.Same(always.Backward(expected.Cache, d.dOutput, d.dHN, d.dCN), fromDevice, "downloaded at once", "read when used");
        for (int ld = 0; ld < expected.Cache.Directions.Length; ld++)
        {
            var (e, r) = (expected.Cache.Directions[ld], forward.Cache.Directions[ld]);
            foreach (var (name, a, b) in new[] { ("hs", e.H, r.H), ("cs", e.C, r.C), ("gates", e.Gates, r.Gates), ("hhN", e.HhN, r.HhN) })
                BitIdentity.Same($"{kind} direction {ld} {name}", new Tensor([a.Length], a), new Tensor([b.Length], b), "downloaded at once", "read when used");
            Assert.That(r.H, Is.SameAs(r.H), "read once: the same array at every use");
        }
        // the arrays read, the CPU reference's backward takes the cache as it takes its own
        var (_, cpu) = LayerCaseRuns.Cpu(c, d);
        Closeness.Stack(kind + " read when used", precision, c.Config, c.T, expected, cpu, forward, RecurrentLayer.Backward(forward.Cache, d.dOutput, d.dHN, d.dCN));
    }

    [Test]
    public void ACacheReadWhenUsedRefusesOnceItsDeviceCopyIsFreed()
    {
        var c = Case(CellKind.Lstm);
        var d = c.Draw();
        using var gpu = new GpuRecurrentLayer(Pocl.Device(GpuPrecision.Float64), CacheDownload.WhenRead);
        var first = gpu.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0, c.Lengths);
        var hsRead = first.Cache.Directions[0].H;                                           // read while the copy is held
        gpu.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0, c.Lengths);                // frees the first forward's copy
        Assert.That(first.Cache.Directions[0].H, Is.SameAs(hsRead), "an array read before stays");

        var e = Assert.Throws<InvalidOperationException>(() => _ = first.Cache.Directions[0].Gates)!;
        Assert.That(e.Message, Does.Contain("gates").And.Contain("CacheDownload.WhenRead").And.Contain("freed by a later Forward"));
        Assert.That(Assert.Throws<InvalidOperationException>(() => gpu.Backward(first.Cache, d.dOutput, d.dHN, d.dCN))!.Message,
            Does.Contain("CacheDownload.Always"));
        Assert.That(Assert.Throws<InvalidOperationException>(() => RecurrentLayer.Backward(first.Cache, d.dOutput, d.dHN, d.dCN))!.Message,
            Does.Contain("freed by a later Forward"));

        var last = gpu.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0, c.Lengths);
        gpu.ReleaseDeviceCache();
        Assert.Throws<InvalidOperationException>(() => _ = last.Cache.Directions[1].C);
    }

    [Test]
    public void AForwardAndItsBackwardOnTheDeviceDownloadNoneOfTheCacheWhenReadWhenUsed(
        [ValueSource(typeof(GpuRecurrentLayer), nameof(GpuRecurrentLayer.Kinds))] CellKind kind)
    {
        var c = new LayerCase(kind, T: 5, B: 3, I: 4, H: 7, Layers: 1, Bidirectional: false, Seed: 33);
        var d = c.Draw();
        Pocl.Device(GpuPrecision.Float32);   // skips (or fails in CI) without an OpenCL device
        using var dev = GpuDevice.Open("opencl:0", GpuPrecision.Float32, profile: true);
        int Downloads(CacheDownload mode)
        {
            using var gpu = new GpuRecurrentLayer(dev, mode);
            dev.ReadProfile(reset: true);
            gpu.Backward(gpu.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0).Cache, d.dOutput, d.dHN, d.dCN);
            return dev.ReadProfile(reset: true).Single(k => k.Name == "(download)").Launches;
        }
        // the cache's arrays: hs, and cs (LSTM), gates (LSTM, GRU), hhN (GRU)
        int arrays = kind switch { CellKind.Lstm => 3, CellKind.Gru => 3, _ => 1 };
        Assert.That(Downloads(CacheDownload.Always) - Downloads(CacheDownload.WhenRead), Is.EqualTo(arrays));
    }
}
