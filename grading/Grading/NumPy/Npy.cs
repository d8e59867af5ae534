// Reading and writing NumPy .npy files (one array per file), strictly; Spec/npy.md. No slide
// shows a file format (95-865 lecture and recitation, STATS 507, MATH80629 checked).
// Layout (numpy/lib/format.py):
//   bytes 0-5  magic 0x93 'N' 'U' 'M' 'P' 'Y'
//   bytes 6-7  version major, minor: 1.0, 2.0 or 3.0
//   then       header length, little-endian: 2 bytes (1.0) or 4 bytes (2.0, 3.0)
//   then       the header: a Python dict literal (latin-1 in 1.0/2.0, UTF-8 in 3.0), padded
//              with spaces and ending in '\n' (NpyHeader.cs)
//   then       the elements, count = product of shape, in C or Fortran order, nothing after.
// Reading widens every element to double (float32 exactly; int64 only if exactly
// representable) and returns it in C order. Writing always produces '<f8', C order,
// version 1.0, byte for byte what NumPy 1.24's np.save writes for the same float64 array.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.NumPy;

public static class Npy
{
    /// <summary>The 6-byte magic string. (A u8 literal "\x93NUMPY" would encode U+0093 as two bytes.)</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The longest header read: NumPy's own limit (max_header_size) without allow_pickle.</summary>
    public const int MaxHeaderBytes = 10000;

    /// <summary>The largest file (or, for .npz, all entries together) read from a stream unless told otherwise: 1 GiB.</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>The most axes a written tensor may have: NumPy 1.x cannot load more than 32.</summary>
    public const int MaxWriteRank = 32;

    // Magic (6) + version (2) + 2-byte header length; NumPy pads so this plus the header is a multiple of 64.
    private const int Version1Prefix = 10;
    private const int ArrayAlign = 64;

    // ===== reading =========================================================================

    /// <summary>Reads a whole .npy file held in memory. sourceName names it in error messages.</summary>
    public static NpyArray Read(ReadOnlySpan<byte> bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        string src = sourceName;

        // magic and version
        if (bytes.Length == 0)
            throw Error(src, "the file is empty; expected the .npy magic 93 4E 55 4D 50 59 (\"\\x93NUMPY\")");
        int magicSeen = Math.Min(bytes.Length, Magic.Length);
        if (!bytes[..magicSeen].SequenceEqual(Magic[..magicSeen]))
            throw Error(src, $"expected the .npy magic 93 4E 55 4D 50 59 (\"\\x93NUMPY\") but the file starts with {Hex(bytes[..magicSeen])}");
        if (bytes.Length < 8)
            throw Error(src, $"the file is {bytes.Length} bytes long, too short for the magic and the 2-byte version");
        int major = bytes[6], minor = bytes[7];
        if (!(major is 1 or 2 or 3) || minor != 0)
            throw Error(src, $"expected format version 1.0, 2.0 or 3.0 but found {major}.{minor}");

        // header length and header
        int lengthSize = major == 1 ? 2 : 4;
        if (bytes.Length < 8 + lengthSize)
            throw Error(src, $"the file is {bytes.Length} bytes long, too short for the {lengthSize}-byte header length of version {major}.0");
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..])
            : BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        int headerStart = 8 + lengthSize;
        if (headerLength > MaxHeaderBytes)
            throw Error(src, $"the header length field says {headerLength} bytes, more than the {MaxHeaderBytes} NumPy reads by default");
        if (headerLength > bytes.Length - headerStart)
            throw Error(src, $"the header length field says {headerLength} bytes but only {bytes.Length - headerStart} bytes follow it");
        var headerBytes = bytes.Slice(headerStart, (int)headerLength);
        var header = NpyHeaderText.Parse(DecodeHeader(headerBytes, major, src), src);

        // data: exactly count * itemsize bytes, nothing after
        int dataStart = headerStart + (int)headerLength;
        long need = header.Count * header.DType.ItemSize;
        long have = bytes.Length - dataStart;
        if (have != need)
            throw Error(src, $"shape {NpyHeaderText.PythonTuple(header.Shape)} of '{header.DType.Descr}' needs {need} bytes of data "
                + $"but the file has {have} after the header ({(have < need ? "too short" : "too long")})");

        var data = Decode(bytes[dataStart..], header.DType, (int)header.Count, src);
        if (header.FortranOrder && header.Shape.Length > 1)
            data = FortranToC(data, header.Shape);
        return new NpyArray(header.Shape, header.DType, data);
    }

    /// <summary>
    /// Reads a .npy file from a stream (to its end). At most maxBytes are read; a longer stream
    /// is rejected without reading the rest.
    /// </summary>
    public static NpyArray Read(Stream stream, string sourceName, long maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        return Read(BoundedRead.All(stream, maxBytes, sourceName), sourceName);
    }

    private static string DecodeHeader(ReadOnlySpan<byte> header, int major, string src)
    {
        if (major < 3) return Encoding.Latin1.GetString(header);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(header);
        }
        catch (DecoderFallbackException e)
        {
            throw Error(src, $"a version 3.0 header must be UTF-8 but byte {Hex(e.BytesUnknown ?? [])} at header offset {e.Index} is not");
        }
    }

    /// <summary>The elements in file order, each widened to double.</summary>
    private static double[] Decode(ReadOnlySpan<byte> raw, NpyDType dtype, int count, string src)
    {
        var values = new double[count];
        int w = dtype.ItemSize;
        if (dtype.IsFloat && w == 8 && !dtype.BigEndian && BitConverter.IsLittleEndian)
        {
            // '<f8' on a little-endian machine: the bytes are the doubles already (what the loop below reads one by one)
            MemoryMarshal.Cast<byte, double>(raw[..(count * 8)]).CopyTo(values);
            return values;
        }
        for (int i = 0; i < count; i++)
        {
            var b = raw.Slice(i * w, w);
            values[i] = (dtype.IsFloat, w, dtype.BigEndian) switch
            {
                (true, 8, false) => BinaryPrimitives.ReadDoubleLittleEndian(b),
                (true, 8, true) => BinaryPrimitives.ReadDoubleBigEndian(b),
                (true, 4, false) => BinaryPrimitives.ReadSingleLittleEndian(b), // float -> double is exact
                (true, 4, true) => BinaryPrimitives.ReadSingleBigEndian(b),
                (false, 8, false) => ExactInt64(BinaryPrimitives.ReadInt64LittleEndian(b), i, src),
                (false, 8, true) => ExactInt64(BinaryPrimitives.ReadInt64BigEndian(b), i, src),
                (false, 4, false) => BinaryPrimitives.ReadInt32LittleEndian(b), // every int32 is a double
                _ => BinaryPrimitives.ReadInt32BigEndian(b),
            };
        }
        return values;
    }

    /// <summary>An int64 as a double, if the double holds exactly that integer (always when |v| &lt;= 2^53).</summary>
    private static double ExactInt64(long v, int index, string src)
    {
        double d = v;
        // d can round up to 2^63, which is not a long; below that, converting back must give v.
        if (d >= 9223372036854775808.0 || (long)d != v)
            throw Error(src, $"int64 element {index} (in file order) is {v}, which a double cannot hold exactly (nearest {d:R})");
        return d;
    }

    /// <summary>
    /// Reorders a Fortran-ordered array (first index fastest) into C order (last index fastest).
    /// Element [i0, i1, ..., i_{r-1}] sits at Fortran offset i0 + d0*(i1 + d1*(i2 + ...)).
    /// </summary>
    private static double[] FortranToC(double[] fortran, int[] shape)
    {
        int r = shape.Length;
        var fStride = new long[r];   // Fortran stride of each axis: 1, d0, d0*d1, ...
        fStride[0] = 1;
        for (int k = 1; k < r; k++) fStride[k] = fStride[k - 1] * shape[k - 1];

        var c = new double[fortran.Length];
        var index = new int[r];       // the multi-index of C position ci
        long f = 0;                   // its Fortran offset
        for (int ci = 0; ci < c.Length; ci++)
        {
            c[ci] = fortran[f];
            // next multi-index in C order: bump the last axis, carrying into earlier ones
            for (int k = r - 1; k >= 0; k--)
            {
                index[k]++;
                f += fStride[k];
                if (index[k] < shape[k]) break;
                f -= fStride[k] * shape[k];
                index[k] = 0;
            }
        }
        return c;
    }

    // ===== writing =========================================================================

    /// <summary>Writes t as a version 1.0 '&lt;f8' C-order .npy file.</summary>
    public static void Write(Stream stream, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckWritable(t, nameof(t));
        stream.Write(Prefix(t.Shape));

        if (BitConverter.IsLittleEndian)
        {
            // the doubles' bytes are already '<f8'
            stream.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
            return;
        }
        var buffer = new byte[8 * 1024];  // 1024 doubles at a time, little-endian
        for (int start = 0; start < t.Length; start += 1024)
        {
            int n = Math.Min(1024, t.Length - start);
            for (int i = 0; i < n; i++)
                BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(8 * i), t.Data[start + i]);
            stream.Write(buffer, 0, 8 * n);
        }
    }

    /// <summary>The .npy file Write would produce, as bytes.</summary>
    public static byte[] ToBytes(Tensor t)
    {
        using var ms = new MemoryStream();
        Write(ms, t);
        return ms.ToArray();
    }

    internal static void CheckWritable(Tensor t, string name)
    {
        Require.NotNull(t, name);
        if (t.Rank > MaxWriteRank)
            throw new ArgumentException($"{name} is {t.ShapeText()} with {t.Rank} axes but NumPy 1.x loads at most {MaxWriteRank}", name);
    }

    /// <summary>Magic, version 1.0, header length and the padded header: the bytes before the data.</summary>
    private static byte[] Prefix(int[] shape)
    {
        string dict = NpyHeaderText.ForFloat64(shape);
        // numpy/lib/format.py _wrap_header: hlen = len(header) + 1 (the '\n');
        // padlen = ARRAY_ALIGN - ((MAGIC_LEN + 2 + hlen) % ARRAY_ALIGN), always 1..64 spaces.
        int hlen = dict.Length + 1;
        int padlen = ArrayAlign - (Version1Prefix + hlen) % ArrayAlign;
        string header = dict + new string(' ', padlen) + "\n";
        // At most 32 axes of at most 10 digits: the header is far below 65535 bytes,
        // so version 2.0 (a 4-byte length) is never needed.
        System.Diagnostics.Debug.Assert(header.Length <= ushort.MaxValue);

        var prefix = new byte[Version1Prefix + header.Length];
        Magic.CopyTo(prefix);
        prefix[6] = 1;
        prefix[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header, prefix.AsSpan(Version1Prefix));
        return prefix;
    }

    // ===== message text ====================================================================

    /// <summary>Bytes as hex pairs, e.g. "93 4E 55", at most 16 of them.</summary>
    internal static string Hex(ReadOnlySpan<byte> bytes)
    {
        string hex = Convert.ToHexString(bytes[..Math.Min(16, bytes.Length)]);
        var pairs = Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(2 * i, 2));
        return string.Join(" ", pairs) + (bytes.Length > 16 ? " ..." : "");
    }

    private static NpyFormatException Error(string source, string message) => new($"{source}: {message}");
}
