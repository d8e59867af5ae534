// What the .npy reader accepts, and that it returns exactly the stored values in C order:
// hand-written files with the bytes spelled out, every dtype x version x memory order built
// by NpyTestFiles, the header spellings NumPy and other writers use, and exact widening.
using NUnit.Framework;
using Rnn.Grading.NumPy;
using static Rnn.Grading.Tests.NumPy.NpyTestFiles;

namespace Rnn.Grading.Tests.NumPy;

public sealed class NpyReadTests
{
    [Test]
    public void HandWrittenBigEndianInt32FortranFileReadsInCOrder()
    {
        // The matrix [[1, 2, 3], [4, 5, 6]] stored column by column (Fortran order):
        // 1, 4, 2, 5, 3, 6, each as a big-endian int32 (most significant byte first).
        byte[] data =
        [
            0, 0, 0, 1,  0, 0, 0, 4,
            0, 0, 0, 2,  0, 0, 0, 5,
            0, 0, 0, 3,  0, 0, 0, 6,
        ];
        byte[] file = WithHeader("{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3), }\n", data);

        var a = Npy.Read(file, "m.npy");

        Assert.That(a.Shape, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(a.DType, Is.SameAs(NpyDType.Int32BigEndian));
        Assert.That(a.Data, Is.EqualTo(new double[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void HandWrittenNumPyFloat64FileReads()
    {
        // What np.save(f, np.array([1.0, -2.0])) writes (NumPy 1.24):
        // magic, version 1.0, header length 118 = 0x76 (little-endian 76 00), then the dict
        // (57 characters), 20 spaces of room for the first axis to grow (21 - len("2")),
        // 40 spaces of padding (10 + 57 + 20 + 40 + 1 = 128 = 2 * 64) and '\n';
        // then 1.0 = 0x3FF0000000000000 and -2.0 = 0xC000000000000000, little-endian.
        var file = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 0x76, 0x00 };
        file.AddRange(System.Text.Encoding.ASCII.GetBytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }" + new string(' ', 60) + "\n"));
        file.AddRange(new byte[] { 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0 });
        Assert.That(file, Has.Count.EqualTo(144));

        var a = Npy.Read(file.ToArray(), "v.npy");

        Assert.That(a.Shape, Is.EqualTo(new[] { 2 }));
        Assert.That(a.DType, Is.SameAs(NpyDType.Float64));
        Assert.That(a.Data, Is.EqualTo(new[] { 1.0, -2.0 }));
    }

    private static readonly int[][] Shapes = [[2, 3, 4], [4, 3], [5], [], [0, 3], [3, 0, 2], [1, 1], [2, 1, 3]];

    private static IEnumerable<TestCaseData> EveryForm()
    {
        foreach (string descr in Descrs)
            foreach (int major in new[] { 1, 2, 3 })
                foreach (bool fortran in new[] { false, true })
                    yield return new TestCaseData(descr, major, fortran).SetArgDisplayNames(descr, $"v{major}.0", fortran ? "F" : "C");
    }

    [TestCaseSource(nameof(EveryForm))]
    public void EveryDTypeVersionAndOrderReadsBackTheStoredValues(string descr, int major, bool fortran)
    {
        foreach (int[] shape in Shapes)
        {
            double[] c = SmallIntegers(Count(shape));                 // the array in C order
            double[] stored = fortran ? ToFortran(c, shape) : c;       // as the file lays it out
            byte[] file = File(major, Dict(descr, fortran, shape), Encode(descr, stored));

            var a = Npy.Read(file, "f.npy");

            Assert.That(a.Shape, Is.EqualTo(shape), $"shape {Tuple(shape)}");
            Assert.That(a.DType.Descr, Is.EqualTo(descr));
            Assert.That(a.Data, Is.EqualTo(c), $"values of {Tuple(shape)}");
        }
    }

    [Test]
    public void FortranOrderIsUndoneForThreeAxes()
    {
        // shape (2, 3, 4): C index of [i, j, k] is 12i + 4j + k; Fortran offset is i + 2j + 6k.
        // So the Fortran file's element at offset 1 is [1, 0, 0] = C index 12, at offset 2
        // is [0, 1, 0] = C index 4, at offset 6 is [0, 0, 1] = C index 1.
        int[] shape = [2, 3, 4];
        var fortranData = new double[24];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    fortranData[i + 2 * j + 6 * k] = 12 * i + 4 * j + k;   // each element holds its C index
        var a = Npy.Read(File(1, Dict("<f8", true, shape), Encode("<f8", fortranData)), "f.npy");
        Assert.That(a.Data, Is.EqualTo(Enumerable.Range(0, 24).Select(i => (double)i)));
    }

    [Test]
    public void ZeroDimensionalArrayHasOneElement()
    {
        var a = Npy.Read(File(1, Dict("<f8", false, []), Encode("<f8", [2.5])), "s.npy");
        Assert.That(a.Shape, Is.Empty);
        Assert.That(a.Data, Is.EqualTo(new[] { 2.5 }));
        var t = a.ToTensor();
        Assert.That(t.Rank, Is.EqualTo(0));
        Assert.That(t.Data, Is.EqualTo(new[] { 2.5 }));
    }

    [Test]
    public void EmptyArrayWithHugeOtherAxisHasNoData()
    {
        // (0, 2147483647) has 0 * 2147483647 = 0 elements, so no data bytes follow.
        var a = Npy.Read(File(1, Dict("<f4", false, [0, int.MaxValue]), []), "e.npy");
        Assert.That(a.Shape, Is.EqualTo(new[] { 0, int.MaxValue }));
        Assert.That(a.Data, Is.Empty);
    }

    // Spellings of the same header that NumPy (old and new) or other writers produce, or that
    // Python reads as the same dict.
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", TestName = "NumPy's own form")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}", TestName = "no trailing comma")]
    [TestCase("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2, 3)}", TestName = "double quotes")]
    [TestCase("{'descr': \"<f8\", \"fortran_order\": False, 'shape': (2, 3), }", TestName = "mixed quotes")]
    [TestCase("{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}", TestName = "keys in another order")]
    [TestCase("{'descr':'<f8','fortran_order':False,'shape':(2,3),}", TestName = "no spaces")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (2,3)}", TestName = "tuple without spaces")]
    [TestCase("{ 'descr' : '<f8' , 'fortran_order' : False , 'shape' : ( 2 , 3 , ) , }", TestName = "spaces everywhere and a trailing comma in the tuple")]
    public void HeaderSpellingsAreAccepted(string dict)
    {
        var a = Npy.Read(Float64Of2x3With(dict), "h.npy");
        Assert.That(a.Shape, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(a.Data, Is.EqualTo(new double[] { 0, 1, 2, 3, 4, 5 }));
    }

    [TestCase(64, TestName = "NumPy 1.14+ alignment (64)")]
    [TestCase(16, TestName = "older NumPy alignment (16)")]
    [TestCase(1, TestName = "no padding, only the final newline")]
    public void AnyPaddingBeforeTheFinalNewlineIsAccepted(int align)
    {
        var a = Npy.Read(File(1, Dict("<f8", false, [2, 3]), Encode("<f8", [0, 1, 2, 3, 4, 5]), align), "p.npy");
        Assert.That(a.Data, Is.EqualTo(new double[] { 0, 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void Float32IsWidenedExactly()
    {
        // Each float32 converts to exactly one double; the reader must not round through decimal.
        //  0.1f is 13421773 * 2^-27 = 0.100000001490116119384765625 (not 0.1);
        //  float.Epsilon is 2^-149 (the smallest subnormal), float.MaxValue is (2 - 2^-23) * 2^127.
        float[] f = [0.1f, float.Epsilon, float.MaxValue, -0.0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        foreach (string descr in new[] { "<f4", ">f4" })
        {
            var a = Npy.Read(File(1, Dict(descr, false, [7]), Encode(descr, f.Select(x => (double)x).ToArray())), "f4.npy");
            Assert.That(a.Data[0], Is.EqualTo(13421773 * Math.Pow(2, -27)));
            Assert.That(a.Data[0], Is.EqualTo(0.100000001490116119384765625));
            Assert.That(a.Data[1], Is.EqualTo(Math.Pow(2, -149)));
            Assert.That(a.Data[2], Is.EqualTo((2 - Math.Pow(2, -23)) * Math.Pow(2, 127)));
            Assert.That(BitConverter.DoubleToInt64Bits(a.Data[3]), Is.EqualTo(long.MinValue), "-0.0 keeps its sign bit");
            Assert.That(a.Data[4], Is.EqualTo(double.PositiveInfinity));
            Assert.That(a.Data[5], Is.EqualTo(double.NegativeInfinity));
            Assert.That(double.IsNaN(a.Data[6]));
        }
    }

    [Test]
    public void Int64ValuesThatADoubleHoldsExactlyAreAccepted()
    {
        // 2^53 = 9007199254740992 (every integer up to here is a double), 2^62, and
        // -2^63 = long.MinValue, which is a power of two and so a double exactly.
        long[] v = [1L << 53, -(1L << 53), 1L << 62, long.MinValue, 0, -1];
        foreach (string descr in new[] { "<i8", ">i8" })
        {
            var bytes = new byte[8 * v.Length];
            for (int i = 0; i < v.Length; i++)
                if (descr[0] == '<') System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), v[i]);
                else System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(8 * i), v[i]);
            var a = Npy.Read(File(1, Dict(descr, false, [v.Length]), bytes), "i8.npy");
            Assert.That(a.Data, Is.EqualTo(new[] { 9007199254740992.0, -9007199254740992.0, 4611686018427387904.0, -9223372036854775808.0, 0, -1 }));
        }
    }

    [Test]
    public void Int32ExtremesAreExact()
    {
        var a = Npy.Read(File(1, Dict("<i4", false, [2]), Encode("<i4", [int.MinValue, int.MaxValue])), "i4.npy");
        Assert.That(a.Data, Is.EqualTo(new[] { -2147483648.0, 2147483647.0 }));
    }

    [Test]
    public void StreamReadGivesTheSameAsSpanRead()
    {
        byte[] file = File(2, Dict(">f8", true, [3, 2]), Encode(">f8", ToFortran([1.5, -2, 3, 4e-300, 5, 6], [3, 2])));
        var fromSpan = Npy.Read(file, "s.npy");
        var fromStream = Npy.Read(new MemoryStream(file), "s.npy");
        var fromPipe = Npy.Read(new NonSeekableStream(file), "s.npy");
        foreach (var a in new[] { fromSpan, fromStream, fromPipe })
        {
            Assert.That(a.Shape, Is.EqualTo(new[] { 3, 2 }));
            Assert.That(a.Data, Is.EqualTo(new[] { 1.5, -2, 3, 4e-300, 5, 6 }));
        }
    }

    [Test]
    public void StreamOfExactlyMaxBytesIsRead()
    {
        byte[] file = Float64Of2x3();
        var a = Npy.Read(new MemoryStream(file), "s.npy", maxBytes: file.Length);
        Assert.That(a.Data, Has.Length.EqualTo(6));
    }

    // Any dtype, version, order and shape (rank 0..4, axes 0..4) built by NpyTestFiles reads back exactly.
    [FsCheck.NUnit.Property(MaxTest = 300)]
    public void RandomFormsReadBack(byte descrPick, byte versionPick, bool fortran, byte[] dimPicks)
    {
        string descr = Descrs[descrPick % Descrs.Length];
        int major = 1 + versionPick % 3;
        int[] shape = (dimPicks ?? []).Take(4).Select(b => b % 5).ToArray();
        double[] c = SmallIntegers(Count(shape));
        byte[] file = File(major, Dict(descr, fortran, shape), Encode(descr, fortran ? ToFortran(c, shape) : c));

        var a = Npy.Read(file, "r.npy");

        Assert.That(a.Shape, Is.EqualTo(shape));
        Assert.That(a.Data, Is.EqualTo(c));
    }
}

/// <summary>A read-only stream that cannot seek or tell its length, like a pipe.</summary>
internal sealed class NonSeekableStream(byte[] bytes) : Stream
{
    private readonly MemoryStream _inner = new(bytes, writable: false);
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7)); // short reads on purpose
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
