// The device's pool of disposed buffers' memory (Reference.Gpu/BufferPool.cs): a disposed buffer's
// memory is kept and the next buffer of the same size is that memory (it still holds the old values,
// which no fresh allocation would), a second Dispose gives nothing back twice, other sizes are not
// served from it, and memory beyond the pool's 1 GiB goes back to the driver.
using NUnit.Framework;
using Rnn.Reference.Gpu.Tests.Support;

namespace Rnn.Reference.Gpu.Tests;

public sealed class BufferPoolTests
{
    [Test]
    public void ADisposedBuffersMemoryServesTheNextBufferOfItsSize()
    {
        var dev = Pocl.Device(GpuPrecision.Float64);
        const int length = 12_345;                                   // a size no other test allocates
        long before = dev.PooledBytes;
        var values = Enumerable.Range(0, length).Select(i => 0.5 + i).ToArray();
        var first = dev.Upload(values);
        first.Dispose();
        Assert.That(dev.PooledBytes - before, Is.EqualTo(length * 8L), "kept for reuse");
        first.Dispose();
        Assert.That(dev.PooledBytes - before, Is.EqualTo(length * 8L), "a second Dispose gives nothing back");

        using (var otherSize = dev.Allocate(length + 1))
            Assert.That(dev.PooledBytes - before, Is.EqualTo(length * 8L), "another size is not served from it");
        using var again = dev.Allocate(length);
        Assert.That(dev.PooledBytes - before, Is.EqualTo((length + 1L) * 8), "taken back; the other size's memory is kept now");
        Assert.That(dev.Download(again, 0, length), Is.EqualTo(values), "the same memory: it holds what the first buffer held");
    }

    [Test]
    public void MemoryBeyondThePoolsCapacityGoesBackToTheDriver()
    {
        Pocl.Device(GpuPrecision.Float32);   // skips (or fails in CI) without an OpenCL device
        using var dev = GpuDevice.Open("opencl:0", GpuPrecision.Float32);
        int length = (int)(GpuDevice.PoolCapacityBytes / 4 * 3 / 5);   // 0.6 GiB of floats, never touched
        var a = dev.Allocate(length);
        var b = dev.Allocate(length);
        a.Dispose();
        b.Dispose();
        Assert.That(dev.PooledBytes, Is.EqualTo(length * 4L), "the second would take the pool past 1 GiB: freed");
    }
}
