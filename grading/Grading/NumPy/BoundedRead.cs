// Reading a stream to its end without trusting anyone's claim about its length: the bytes
// are counted as they arrive and reading stops, with an error, one byte past the limit.
// A claimed length (a zip entry's header says one) may be given as a hint: that many bytes are
// read straight into an array of that size, saving the copies of a growing buffer, and if the
// stream goes on past it, reading goes on as without the hint. The bytes returned and the
// errors are the same with or without the hint.
namespace Rnn.Grading.NumPy;

internal static class BoundedRead
{
    /// <summary>
    /// Everything left in the stream, if that is at most maxBytes; otherwise NpyFormatException
    /// (limit says what maxBytes is). sizeHint: the length the stream claims (negative: none).
    /// </summary>
    public static byte[] All(Stream stream, long maxBytes, string source, string limit = "the most this reader accepts", long sizeHint = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        using var ms = new MemoryStream();
        long total = 0;
        if (sizeHint > 0 && sizeHint <= maxBytes && sizeHint <= Array.MaxLength)
        {
            var claimed = new byte[sizeHint];
            int got = 0;
            while (got < claimed.Length)
            {
                int n = stream.Read(claimed, got, claimed.Length - got);
                if (n == 0) return claimed.AsSpan(0, got).ToArray();   // shorter than claimed
                got += n;
            }
            int next = stream.ReadByte();
            if (next < 0) return claimed;                              // exactly as claimed
            // longer than claimed: what was read so far, then on as without the hint
            total = sizeHint + 1;
            if (total > maxBytes)
                throw new NpyFormatException($"{source}: holds more than {maxBytes} bytes, {limit}");
            ms.Write(claimed);
            ms.WriteByte((byte)next);
        }
        var buffer = new byte[64 * 1024];
        while (true)
        {
            // ask for at most one byte more than still allowed, so going over is noticed at once
            int want = (int)Math.Min(buffer.Length, maxBytes - total + 1);
            int n = stream.Read(buffer, 0, want);
            if (n == 0) break;
            total += n;
            if (total > maxBytes)
                throw new NpyFormatException($"{source}: holds more than {maxBytes} bytes, {limit}");
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }
}
