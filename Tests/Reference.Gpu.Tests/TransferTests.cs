// Uploads and downloads of a float32 device: the values come back as the casts give them,
// (double)(float)v, at every offset and length, short ones and ones long enough to be widened on all
// cores (FloatConversion.AllCoresMinimum); on PoCL's CPU device a download maps the buffer and reads
// it where it is (OpenClDevice.ReadWidened), so these also check that the map waits for the commands
// queued before it (a fill) and that the buffer is usable again after it.
using NUnit.Framework;
using Rnn.Reference.Gpu.Tests.Support;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Gpu.Tests;

public sealed class TransferTests
{
    private static void AreTheCasts(double[] uploaded, int from, double[] downloaded, string what)
    {
        for (int i = 0; i < downloaded.Length; i++)
        {
            double expected = (float)uploaded[from + i];
            if (BitConverter.DoubleToInt64Bits(downloaded[i]) != BitConverter.DoubleToInt64Bits(expected))
                Assert.Fail($"{what}: element {from + i} came back as {downloaded[i]:R}, (double)(float) of {uploaded[from + i]:R} is {expected:R}");
        }
    }

    [Test]
    public void AFloat32DownloadGivesTheUploadedValuesAsFloats(
        [Values(1, 7, FloatConversion.AllCoresMinimum + 3)] int length, [Values(0, 5)] int offset)
    {
        var dev = Pocl.Device(GpuPrecision.Float32);
        var values = new SeededRandom((ulong)length + 7).UniformTensor(-3, 3, offset + length + 4).Data;
        using var buffer = dev.Upload(values);
        AreTheCasts(values, 0, dev.Download(buffer, 0, values.Length), "the whole buffer");
        AreTheCasts(values, offset, dev.Download(buffer, offset, length), $"elements {offset} .. {offset + length - 1}");
        var into = new double[length + 2];
        dev.Download(buffer, offset, into.AsSpan(1, length));
        Assert.That(into[0], Is.EqualTo(0.0), "nothing is written before the span");
        Assert.That(into[^1], Is.EqualTo(0.0), "nothing is written after the span");
        AreTheCasts(values, offset, into[1..^1], "into a span of a larger array");
    }

    [Test]
    public void ADownloadWaitsForTheQueuedCommandsAndLeavesTheBufferUsable()
    {
        var dev = Pocl.Device(GpuPrecision.Float32);
        int length = FloatConversion.AllCoresMinimum + 11;
        var values = new SeededRandom(3).UniformTensor(-1, 1, length).Data;
        using var buffer = dev.Upload(values);
        dev.Zero(buffer);                                             // queued, not waited for
        Assert.That(dev.Download(buffer, 0, length).All(v => v == 0.0), "the download sees the fill queued before it");
        dev.Upload(buffer, 2, values.AsSpan(0, length - 2));          // the buffer written again after the download
        var after = dev.Download(buffer, 0, length);
        Assert.That(after[0] == 0.0 && after[1] == 0.0, "elements before the upload's offset keep the fill's zeros");
        AreTheCasts(values, 0, after[2..], "written after a download");
    }
}
