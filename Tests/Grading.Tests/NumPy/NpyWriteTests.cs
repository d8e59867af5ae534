// What the .npy writer produces: version 1.0, '<f8', C order, NumPy's header with its
// padding to 64 bytes, and data that reads back bit for bit.
using System.Buffers.Binary;
using System.Text;
using NUnit.Framework;
using Rnn.Grading.NumPy;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.NumPy;

public sealed class NpyWriteTests
{
    [Test]
    public void VectorIsWrittenAsNumPyWritesIt()
    {
        // np.save(f, np.array([1.0, -2.0])) in NumPy 1.24 (see NpyReadTests for the arithmetic):
        // 10-byte prefix, 118-byte header (57-char dict, 20 + 40 spaces, '\n'), 16 bytes of data.
        var expected = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 0x76, 0x00 };
        expected.AddRange(Encoding.ASCII.GetBytes(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }" + new string(' ', 60) + "\n"));
        expected.AddRange(new byte[] { 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0 });

        Assert.That(Npy.ToBytes(new Tensor([2], [1.0, -2.0])), Is.EqualTo(expected.ToArray()));
    }

    [Test]
    public void ScalarHasNoRoomToGrow()
    {
        // shape (): the dict "{'descr': '<f8', 'fortran_order': False, 'shape': (), }" is 55
        // characters and NumPy adds no growth spaces for 0-d arrays; hlen = 56 and
        // padlen = 64 - (10 + 56) % 64 = 62, so the header is 55 + 62 + 1 = 118 bytes again.
        byte[] bytes = Npy.ToBytes(Tensor.Scalar(0.5));
        string header = Encoding.ASCII.GetString(bytes, 10, 118);
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)), Is.EqualTo(118));
        Assert.That(header, Is.EqualTo("{'descr': '<f8', 'fortran_order': False, 'shape': (), }" + new string(' ', 62) + "\n"));
        Assert.That(bytes, Has.Length.EqualTo(128 + 8));
        Assert.That(BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(128)), Is.EqualTo(0.5));
    }

    [Test]
    public void MatrixHeaderSpellsTheShapeLikePython()
    {
        // (3, 10): the dict is 50 + len("(3, 10)") + len(", }") = 60 characters, with
        // 21 - len("3") = 20 growth spaces 80; hlen = 81, padlen = 64 - (10 + 81) % 64 = 37,
        // header = 80 + 37 + 1 = 118 bytes: 20 + 37 = 57 spaces after the dict.
        byte[] bytes = Npy.ToBytes(Tensor.Zeros(3, 10));
        string header = Encoding.ASCII.GetString(bytes, 10, 118);
        Assert.That(header, Is.EqualTo("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 10), }" + new string(' ', 57) + "\n"));
        Assert.That(bytes, Has.Length.EqualTo(128 + 30 * 8));
    }

    private static readonly int[][] Shapes =
    [
        [], [1], [7], [2, 3], [3, 0], [0, 2147483647], [2147483647, 0], [1, 2, 3, 4], [2, 1, 1, 1, 1, 1, 1, 1],
        [1, 10, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], // header already on a boundary: 64 spaces of padding
        Enumerable.Repeat(1, 32).ToArray(),
    ];

    [TestCaseSource(nameof(Shapes))]
    public void LayoutIsVersion1WithDataOn64ByteBoundary(int[] shape)
    {
        var t = new Tensor(shape, SpecialValues(TensorCount(shape)));
        byte[] bytes = Npy.ToBytes(t);

        Assert.That(bytes.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0 }));
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        int dataStart = 10 + headerLength;
        Assert.That(dataStart % 64, Is.EqualTo(0), "data starts on a 64-byte boundary");
        Assert.That(bytes.Length - dataStart, Is.EqualTo(8 * t.Length));
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + NpyTestFiles.Tuple(shape) + ", }";
        Assert.That(header, Does.StartWith(dict));
        Assert.That(header, Does.EndWith("\n"));
        int spaces = headerLength - dict.Length - 1;
        Assert.That(header.Substring(dict.Length, spaces), Is.EqualTo(new string(' ', spaces)));
        int growth = shape.Length == 0 ? 0 : 21 - shape[0].ToString().Length;
        Assert.That(spaces - growth, Is.InRange(1, 64), "NumPy pads with 1 to 64 spaces after the growth room");

        var back = Npy.Read(bytes, "w.npy");
        Assert.That(back.Shape, Is.EqualTo(shape));
        Assert.That(back.DType, Is.SameAs(NpyDType.Float64));
        AssertSameBits(back.Data, t.Data);
    }

    [Test]
    public void PaddingIsSixtyFourSpacesWhenTheHeaderAlreadyEndsOnABoundary()
    {
        // (1, 10, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1): the tuple is 16 digits + 13 ", " + 2
        // brackets = 44 characters, the dict 50 + 44 + 3 = 97, plus 21 - len("1") = 20 growth
        // spaces = 117; hlen = 118 and 10 + 118 = 128 is already a multiple of 64, so NumPy's
        // padlen = 64 - 128 % 64 = 64 (never 0): the header is 117 + 64 + 1 = 182 bytes.
        int[] shape = [1, 10, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        byte[] bytes = Npy.ToBytes(Tensor.Zeros(shape));
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)), Is.EqualTo(182));
        string header = Encoding.ASCII.GetString(bytes, 10, 182);
        Assert.That(header, Is.EqualTo("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 10, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), }"
            + new string(' ', 20 + 64) + "\n"));
    }

    [Test]
    public void LongDataIsWrittenInFull()
    {
        // More than the writer's 1024-double buffer, and not a multiple of it.
        var t = new Tensor([2500], Enumerable.Range(0, 2500).Select(i => i * 0.25 - 7).ToArray());
        var ms = new MemoryStream();
        Npy.Write(ms, t);
        Assert.That(ms.ToArray(), Is.EqualTo(Npy.ToBytes(t)));
        Assert.That(Npy.Read(ms.ToArray(), "long.npy").Data, Is.EqualTo(t.Data));
    }

    [Test]
    public void MoreThan32AxesIsRejected()
    {
        var t = Tensor.Zeros(Enumerable.Repeat(1, 33).ToArray());
        var e = Assert.Throws<ArgumentException>(() => Npy.ToBytes(t));
        Assert.That(e!.Message, Does.Contain("33 axes").And.Contain("at most 32"));
    }

    [Test]
    public void NullTensorIsRejected()
    {
        Assert.Throws<ArgumentNullException>(() => Npy.ToBytes(null!));
        Assert.Throws<ArgumentNullException>(() => Npy.Write(null!, Tensor.Scalar(1)));
    }

    // Whatever the doubles are (any bit pattern, NaN payloads included), they read back bit for bit.
    [FsCheck.NUnit.Property(MaxTest = 300)]
    public void WrittenFilesReadBackBitForBit(byte[] dimPicks, long[] bits)
    {
        int[] shape = (dimPicks ?? []).Take(4).Select(b => b % 5).ToArray();
        int n = TensorCount(shape);
        bits ??= [];
        var data = new double[n];
        for (int i = 0; i < n; i++) data[i] = BitConverter.Int64BitsToDouble(bits.Length > 0 ? bits[i % bits.Length] * (i + 1) : i);
        var back = Npy.Read(Npy.ToBytes(new Tensor(shape, data)), "p.npy");
        Assert.That(back.Shape, Is.EqualTo(shape));
        AssertSameBits(back.Data, data);
    }

    internal static double[] SpecialValues(int n)
    {
        double[] special = [0.0, -0.0, 1.0 / 3, -1e-310, double.MaxValue, double.Epsilon, double.NaN, double.PositiveInfinity, double.NegativeInfinity, -123.456];
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i < special.Length ? special[i] : i * 0.37 - 1.5;
        return v;
    }

    internal static int TensorCount(int[] shape) => (int)Tensor.ElementCount(shape);

    internal static void AssertSameBits(double[] actual, double[] expected)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        for (int i = 0; i < expected.Length; i++)
            Assert.That(BitConverter.DoubleToInt64Bits(actual[i]), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected[i])),
                $"element {i}: {actual[i]:R} vs {expected[i]:R}");
    }
}
