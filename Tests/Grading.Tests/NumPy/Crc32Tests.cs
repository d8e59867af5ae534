// The .npz reader's CRC-32 (NumPy/Crc32.cs, eight bytes at a time) against outside truth: the
// standard check value of "123456789", and the CRC-32 that System.IO.Compression's own zip writer
// stores for the same bytes, over every length 0-80 (each count of trailing bytes after the
// eight-byte steps) and a few longer ones, at several offsets into a buffer.
using System.IO.Compression;
using System.Text;
using NUnit.Framework;
using Rnn.Grading.NumPy;

namespace Rnn.Grading.Tests.NumPy;

public sealed class Crc32Tests
{
    /// <summary>The CRC-32 a zip archive written by System.IO.Compression records for data.</summary>
    private static uint ZipsCrc(ReadOnlySpan<byte> data)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry("x", CompressionLevel.NoCompression).Open();
            s.Write(data);
        }
        ms.Position = 0;
        using var read = new ZipArchive(ms, ZipArchiveMode.Read);
        return read.GetEntry("x")!.Crc32;
    }

    [Test]
    public void TheCheckValueOf123456789()
    {
        Assert.That(Crc32.Of(Encoding.ASCII.GetBytes("123456789")), Is.EqualTo(0xCBF43926u));
        Assert.That(Crc32.Of([]), Is.EqualTo(0u));
    }

    [Test]
    public void EveryLengthAndOffsetGivesTheCrcZipWrites()
    {
        var rng = new Random(17);
        var buffer = new byte[70_000];
        rng.NextBytes(buffer);
        int[] lengths = [.. Enumerable.Range(0, 81), 255, 256, 257, 4096, 65_537, 69_990];
        foreach (int offset in new[] { 0, 1, 3, 7 })
            foreach (int length in lengths)
            {
                var data = buffer.AsSpan(offset, length);
                Assert.That(Crc32.Of(data), Is.EqualTo(ZipsCrc(data)), $"{length} bytes at offset {offset}");
            }
    }
}
