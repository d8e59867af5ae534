// .npz archives: round trips (stored and deflated, keys with '/'), and every kind of bad
// archive the reader must reject with NpyFormatException naming the archive and the entry.
using System.Buffers.Binary;
using System.IO.Compression;
using NUnit.Framework;
using Rnn.Grading.NumPy;
using Rnn.Reference.Tensors;
using static Rnn.Grading.Tests.NumPy.NpyTestFiles;

namespace Rnn.Grading.Tests.NumPy;

public sealed class NpzTests
{
    private const string Source = "case.npz";

    private static (string, Tensor)[] SampleArrays() =>
    [
        ("lstm/0/params/weight_ih_l0", new Tensor([8, 3], NpyWriteTests.SpecialValues(24))),
        ("lstm/0/params/bias_ih_l0", new Tensor([8], Enumerable.Range(0, 8).Select(i => i / 7.0).ToArray())),
        ("loss", Tensor.Scalar(0.6931471805599453)),
        ("empty", Tensor.Zeros(0, 3)),
    ];

    private static byte[] WriteNpz(IEnumerable<(string, Tensor)> arrays, bool compress = false)
    {
        var ms = new MemoryStream();
        Npz.Write(ms, arrays, compress);
        return ms.ToArray();
    }

    [TestCase(false, TestName = "stored entries (np.savez)")]
    [TestCase(true, TestName = "deflated entries (np.savez_compressed)")]
    public void ArraysRoundTripInOrderUnderTheirKeys(bool compress)
    {
        var arrays = SampleArrays();
        var back = Npz.Read(new MemoryStream(WriteNpz(arrays, compress)), Source);

        Assert.That(back.Select(p => p.Key), Is.EqualTo(arrays.Select(p => p.Item1)));
        for (int i = 0; i < arrays.Length; i++)
        {
            Assert.That(back[i].Array.Shape, Is.EqualTo(arrays[i].Item2.Shape));
            Assert.That(back[i].Array.DType, Is.SameAs(NpyDType.Float64));
            NpyWriteTests.AssertSameBits(back[i].Array.Data, arrays[i].Item2.Data);
        }
    }

    [TestCase(false, ZipMethodStored)]
    [TestCase(true, ZipMethodDeflate)]
    public void EntriesAreNamedKeyDotNpyAndHoldTheNpyFile(bool compress, int method)
    {
        var arrays = SampleArrays();
        byte[] archive = WriteNpz(arrays, compress);
        Assert.That(CentralDirectoryMethods(archive), Is.EqualTo(Enumerable.Repeat(method, arrays.Length)));
        using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        Assert.That(zip.Entries.Select(e => e.FullName), Is.EqualTo(arrays.Select(p => p.Item1 + ".npy")));
        foreach (var (entry, (_, tensor)) in zip.Entries.Zip(arrays))
        {
            using var s = entry.Open();
            var content = new MemoryStream();
            s.CopyTo(content);
            Assert.That(content.ToArray(), Is.EqualTo(Npy.ToBytes(tensor)), entry.FullName);
        }
    }

    [Test]
    public void WritingIsDeterministic()
    {
        Assert.That(WriteNpz(SampleArrays()), Is.EqualTo(WriteNpz(SampleArrays())));
        Assert.That(WriteNpz(SampleArrays(), compress: true), Is.EqualTo(WriteNpz(SampleArrays(), compress: true)));
    }

    [Test]
    public void EmptyArchiveHoldsNoArrays() =>
        Assert.That(Npz.Read(new MemoryStream(WriteNpz([])), Source), Is.Empty);

    [Test]
    public void ArchiveWrittenToAPipeReadsBack()
    {
        // A stream that cannot seek makes the zip writer use data descriptors after each entry.
        var pipe = new WriteOnlyPipe();
        Npz.Write(pipe, SampleArrays(), compress: true);
        var back = Npz.Read(new NonSeekableStream(pipe.Written.ToArray()), Source);
        Assert.That(back.Select(p => p.Key), Is.EqualTo(SampleArrays().Select(p => p.Item1)));
        NpyWriteTests.AssertSameBits(back[0].Array.Data, SampleArrays()[0].Item2.Data);
    }

    [Test]
    public void EntriesOfOtherDTypesAreRead()
    {
        byte[] i4 = File(3, Dict(">i4", true, [2, 2]), Encode(">i4", [1, 3, 2, 4]));   // [[1, 2], [3, 4]] in Fortran order
        var back = Npz.Read(new MemoryStream(Zip(("counts.npy", i4))), Source);
        Assert.That(back.Single().Key, Is.EqualTo("counts"));
        Assert.That(back.Single().Array.Data, Is.EqualTo(new double[] { 1, 2, 3, 4 }));
    }

    // ----- rejected archives --------------------------------------------------------------------

    private static NpyFormatException AssertRejected(byte[] archive, long maxBytes, params string[] fragments)
    {
        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(new MemoryStream(archive), Source, maxBytes));
        Assert.That(e!.Message, Does.StartWith(Source));
        foreach (string f in fragments) Assert.That(e.Message, Does.Contain(f));
        TestContext.Out.WriteLine(e.Message);
        return e;
    }

    private static NpyFormatException AssertRejected(byte[] archive, params string[] fragments) =>
        AssertRejected(archive, Npy.DefaultMaxBytes, fragments);

    [TestCase("../evil.npy", "'..' segment")]
    [TestCase("a/../../evil.npy", "'..' segment")]
    [TestCase("a/./b.npy", "'.' segment")]
    [TestCase("/etc/evil.npy", "absolute path")]
    [TestCase("\\evil.npy", "backslash")]
    [TestCase("a\\b.npy", "backslash")]
    [TestCase("C:/evil.npy", "drive letter")]
    [TestCase("c:evil.npy", "drive letter")]
    [TestCase("a//b.npy", "empty segment")]
    [TestCase("a/.npy", "empty segment")]
    [TestCase(".npy", "key (the name without .npy) is empty")]
    [TestCase("a.txt", "does not end in .npy")]
    [TestCase("a.NPY", "does not end in .npy")]
    [TestCase("dir/", "does not end in .npy")]
    [TestCase("a\u0001b.npy", "control character \\x01")]
    public void UnsafeOrForeignEntryName(string name, string problem)
    {
        byte[] archive = Zip(("ok.npy", Float64Of2x3()), (name, Float64Of2x3()));
        AssertRejected(archive, $"{Source}, entry '", problem);
    }

    [Test]
    public void RepeatedKey()
    {
        byte[] archive = Zip(("w/x.npy", Float64Of2x3()), ("w/x.npy", Float64Of2x3()));
        AssertRejected(archive, "entry 'w/x.npy'", "the key 'w/x' appears twice");
    }

    [Test]
    public void MalformedNpyInsideIsReportedWithTheEntryName()
    {
        byte[] bad = Float64Of2x3()[..^8];
        var e = AssertRejected(Zip(("ok.npy", Float64Of2x3()), ("lstm/1/grads/bias_hh_l1_reverse_of_the_second_layer.npy", bad)), "needs 48 bytes of data", "has 40");
        Assert.That(e.Message, Does.StartWith($"{Source}, entry 'lstm/1/grads/bias_hh_l1_reverse_of_the_second_layer.npy': "), "long names are shown in full");
    }

    [Test]
    public void NotAZipFile() => AssertRejected(Float64Of2x3(), "not a readable zip archive");

    [Test]
    public void EmptyFile() => AssertRejected([], "not a readable zip archive");

    [Test]
    public void TruncatedArchive()
    {
        byte[] archive = WriteNpz(SampleArrays());
        AssertRejected(archive[..(archive.Length / 2)], "not a readable zip archive");
    }

    [Test]
    public void EntryLargerThanTheLimit()
    {
        // 262144 zeros: 128 + 8 * 262144 = 2097280 bytes unpacked, a few KiB deflated.
        byte[] archive = WriteNpz([("zeros", Tensor.Zeros(262144))], compress: true);
        Assert.That(archive.Length, Is.LessThan(20000));
        AssertRejected(archive, 1 << 20, "entry 'zeros.npy'", "zip header says 2097280 bytes unpacked", "more than the 1048576 left of the 1048576-byte limit");
    }

    [Test]
    public void EntriesTogetherLargerThanTheLimit()
    {
        // two entries of 128 + 8 * 1000 = 8128 bytes each; a limit of 10000 leaves 1872 for the second
        byte[] archive = WriteNpz([("a", Tensor.Zeros(1000)), ("b", Tensor.Zeros(1000))]);
        Assert.That(Npz.Read(new MemoryStream(archive), Source, maxBytes: 16256), Has.Count.EqualTo(2));
        AssertRejected(archive, 16255, "entry 'b.npy'", "8128 bytes unpacked, more than the 8127 left of the 16255-byte limit");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void EntryWhoseHeaderUnderstatesItsSize(bool compress)
    {
        // A zip bomb's trick: the header claims 200 bytes, the data holds 2097280. The reader
        // must not be misled into accepting the entry (the CRC-32 over what it read cannot match).
        byte[] archive = WriteNpz([("zeros", Tensor.Zeros(262144))], compress);
        SetUncompressedSize(archive, 200);
        AssertRejected(archive, 1 << 20, Source);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void EntryWhoseHeaderOverstatesItsSize(bool compress)
    {
        byte[] archive = WriteNpz([("x", Tensor.Zeros(10))], compress);
        SetUncompressedSize(archive, 100000);
        AssertRejected(archive, Source);
    }

    [Test]
    public void CorruptStoredData()
    {
        // Change one data byte of a stored entry: the zip structure is intact, the CRC-32 is not.
        byte[] archive = WriteNpz([("x", new Tensor([4], [1, 2, 3, 4]))]);
        int dataAt = IndexOf(archive, Npy.ToBytes(new Tensor([4], [1, 2, 3, 4])));
        Assert.That(dataAt, Is.GreaterThan(0));
        archive[dataAt + 128 + 7] ^= 0x40;   // the sign bit of the first double: 1.0 becomes -1.0
        var e = AssertRejected(archive, Source);
        Assert.That(e.Message, Does.Contain("CRC").IgnoreCase.Or.Contain("corrupt").IgnoreCase);
    }

    [Test]
    public void CorruptDeflateData()
    {
        // The first byte of a deflate stream starts its first block: bits 1-2 are the block
        // type, and 0xFF makes it 3, which deflate reserves. The local header is 30 bytes plus
        // the name (length at offset 26) and the extra field (length at offset 28).
        byte[] archive = WriteNpz([("x", Tensor.Zeros(1000))], compress: true);
        int dataAt = 30 + BinaryPrimitives.ReadUInt16LittleEndian(archive.AsSpan(26)) + BinaryPrimitives.ReadUInt16LittleEndian(archive.AsSpan(28));
        archive[dataAt] = 0xFF;
        AssertRejected(archive, $"{Source}, entry 'x.npy': cannot be unpacked: ");
    }

    [Test]
    public void PipeLongerThanTheLimit()
    {
        byte[] archive = WriteNpz(SampleArrays());
        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(new NonSeekableStream(archive), Source, maxBytes: archive.Length - 1));
        Assert.That(e!.Message, Is.EqualTo($"{Source}: holds more than {archive.Length - 1} bytes, the most this reader accepts"));
    }

    // ----- the writer's argument checks -----------------------------------------------------------

    [TestCase("../x", "'..' segment")]
    [TestCase("/x", "absolute path")]
    [TestCase("a\\b", "backslash")]
    [TestCase("D:x", "drive letter")]
    [TestCase("", "empty")]
    [TestCase("a//b", "empty segment")]
    [TestCase("a/", "empty segment")]
    [TestCase("a\nb", "control character")]
    public void WriterRejectsUnsafeKeys(string key, string problem)
    {
        var ms = new MemoryStream();
        var e = Assert.Throws<ArgumentException>(() => Npz.Write(ms, [("ok", Tensor.Scalar(1)), (key, Tensor.Scalar(2))]));
        Assert.That(e!.Message, Does.Contain("arrays[1] key").And.Contain(problem));
        Assert.That(ms.Length, Is.EqualTo(0), "nothing is written");
    }

    [Test]
    public void WriterRejectsARepeatedKey()
    {
        var e = Assert.Throws<ArgumentException>(() => Npz.Write(new MemoryStream(), [("a/b", Tensor.Scalar(1)), ("a/b", Tensor.Scalar(2))]));
        Assert.That(e!.Message, Does.Contain("arrays[1] repeats the key 'a/b'"));
    }

    [Test]
    public void WriterRejectsNullsAndTooManyAxes()
    {
        Assert.Throws<ArgumentNullException>(() => Npz.Write(new MemoryStream(), [("a", null!)]));
        Assert.Throws<ArgumentNullException>(() => Npz.Write(new MemoryStream(), [(null!, Tensor.Scalar(1))]));
        var e = Assert.Throws<ArgumentException>(() => Npz.Write(new MemoryStream(), [("deep", Tensor.Zeros(Enumerable.Repeat(1, 33).ToArray()))]));
        Assert.That(e!.Message, Does.Contain("arrays[0] ('deep')").And.Contain("33 axes"));
    }

    // ----- making and inspecting archives -------------------------------------------------------------

    private const int ZipMethodStored = 0;
    private const int ZipMethodDeflate = 8;

    /// <summary>An archive with the given entry names and contents, in order (names are not checked).</summary>
    internal static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                s.Write(content);
            }
        return ms.ToArray();
    }

    /// <summary>
    /// The compression method of every entry, in central directory order. The end record
    /// (signature 50 4B 05 06, at the end when there is no comment) gives the entry count
    /// (offset 10) and the directory's start (offset 16); each directory record holds the
    /// method at offset 10 and is 46 bytes plus its name, extra and comment lengths
    /// (offsets 28, 30, 32).
    /// </summary>
    private static List<int> CentralDirectoryMethods(byte[] zip)
    {
        int end = zip.Length - 22;
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end)), Is.EqualTo(0x06054B50u), "end of central directory record");
        int count = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(end + 10));
        int at = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        var methods = new List<int>();
        for (int i = 0; i < count; i++)
        {
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at)), Is.EqualTo(0x02014B50u), "central directory record");
            methods.Add(BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 10)));
            at += 46 + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 28))
                     + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 30))
                     + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 32));
        }
        return methods;
    }

    /// <summary>Sets the uncompressed size in every local header (offset 22) and central header (offset 24).</summary>
    internal static void SetUncompressedSize(byte[] zip, uint size)
    {
        for (int i = 0; i + 4 <= zip.Length; i++)
        {
            if (zip[i] != 0x50 || zip[i + 1] != 0x4B) continue;
            if (zip[i + 2] == 3 && zip[i + 3] == 4) BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 22), size);
            if (zip[i + 2] == 1 && zip[i + 3] == 2) BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), size);
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}

/// <summary>A write-only stream that cannot seek, like stdout.</summary>
internal sealed class WriteOnlyPipe : Stream
{
    public MemoryStream Written { get; } = new();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
