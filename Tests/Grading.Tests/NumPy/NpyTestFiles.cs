// Builds .npy files byte by byte for the tests, independently of Npy.Write (which only
// writes '<f8', C order, version 1.0): any dtype, byte order, memory order, version and
// header text, so that every form the reader accepts (and every malformed one) can be made.
using System.Buffers.Binary;
using System.Text;

namespace Rnn.Grading.Tests.NumPy;

internal static class NpyTestFiles
{
    public static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static readonly string[] Descrs = ["<f8", "<f4", "<i8", "<i4", ">f8", ">f4", ">i8", ">i4"];

    /// <summary>The header dict the way NumPy writes it: {'descr': '&lt;f8', 'fortran_order': False, 'shape': (2, 3), }.</summary>
    public static string Dict(string descr, bool fortran, int[] shape) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {Tuple(shape)}, }}";

    public static string Tuple(int[] shape) => shape.Length switch
    {
        0 => "()",
        1 => $"({shape[0]},)",
        _ => "(" + string.Join(", ", shape) + ")",
    };

    /// <summary>
    /// A complete file: magic, version major.0, the dict padded with spaces and a final '\n' so
    /// that the data starts at a multiple of align (NumPy: 64; NumPy before 1.14: 16; 1: no padding).
    /// </summary>
    public static byte[] File(int major, string dict, byte[] data, int align = 64)
    {
        int prefix = major == 1 ? 10 : 12;
        var enc = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        int used = prefix + enc.GetByteCount(dict) + 1;
        int pad = (align - used % align) % align;
        return Raw(major, 0, enc.GetBytes(dict + new string(' ', pad) + "\n"), data);
    }

    /// <summary>Magic, version, the length field (2 bytes for major 1, else 4) computed from header, header, data.</summary>
    public static byte[] Raw(int major, int minor, byte[] header, byte[] data)
    {
        var ms = new MemoryStream();
        ms.Write(Magic);
        ms.WriteByte((byte)major);
        ms.WriteByte((byte)minor);
        var len = new byte[major == 1 ? 2 : 4];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)header.Length);
        ms.Write(len);
        ms.Write(header);
        ms.Write(data);
        return ms.ToArray();
    }

    /// <summary>A file with a header text given exactly (no padding added) and data.</summary>
    public static byte[] WithHeader(string header, byte[] data, int major = 1) =>
        Raw(major, 0, (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header), data);

    /// <summary>The values stored in dtype descr, one after the other (values must fit the dtype exactly).</summary>
    public static byte[] Encode(string descr, IReadOnlyList<double> values)
    {
        bool big = descr[0] == '>';
        int size = descr[2] - '0';
        var bytes = new byte[values.Count * size];
        for (int i = 0; i < values.Count; i++)
        {
            var b = bytes.AsSpan(i * size, size);
            double v = values[i];
            switch (descr[1..])
            {
                case "f8": if (big) BinaryPrimitives.WriteDoubleBigEndian(b, v); else BinaryPrimitives.WriteDoubleLittleEndian(b, v); break;
                case "f4": if (big) BinaryPrimitives.WriteSingleBigEndian(b, (float)v); else BinaryPrimitives.WriteSingleLittleEndian(b, (float)v); break;
                case "i8": if (big) BinaryPrimitives.WriteInt64BigEndian(b, checked((long)v)); else BinaryPrimitives.WriteInt64LittleEndian(b, checked((long)v)); break;
                case "i4": if (big) BinaryPrimitives.WriteInt32BigEndian(b, checked((int)v)); else BinaryPrimitives.WriteInt32LittleEndian(b, checked((int)v)); break;
                default: throw new ArgumentException($"no encoder for {descr}");
            }
        }
        return bytes;
    }

    /// <summary>
    /// C-ordered values rearranged into Fortran order: Fortran position f holds the element
    /// whose multi-index is f written in mixed radix with the first axis fastest.
    /// </summary>
    public static double[] ToFortran(double[] c, int[] shape)
    {
        var f = new double[c.Length];
        for (int pos = 0; pos < f.Length; pos++)
        {
            int rest = pos, cIndex = 0;
            var index = new int[shape.Length];
            for (int k = 0; k < shape.Length; k++) { index[k] = rest % shape[k]; rest /= shape[k]; }
            for (int k = 0; k < shape.Length; k++) cIndex = cIndex * shape[k] + index[k];
            f[pos] = c[cIndex];
        }
        return f;
    }

    /// <summary>Values that every dtype holds exactly: small integers, negative and positive, in C order.</summary>
    public static double[] SmallIntegers(int count)
    {
        var v = new double[count];
        for (int i = 0; i < count; i++) v[i] = 7 * i - 20;   // -20, -13, -6, 1, 8, ...
        return v;
    }

    public static int Count(int[] shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }

    /// <summary>A valid little-endian float64 file of shape (2, 3) holding 0..5, as NumPy pads it.</summary>
    public static byte[] Float64Of2x3() => File(1, Dict("<f8", false, [2, 3]), Encode("<f8", [0, 1, 2, 3, 4, 5]));

    /// <summary>The same file with its header dict replaced by the given text (padding and '\n' added).</summary>
    public static byte[] Float64Of2x3With(string dict) => File(1, dict, Encode("<f8", [0, 1, 2, 3, 4, 5]));
}
