// CRC-32 as zip uses it (IEEE 802.3: reflected polynomial 0xEDB88320, initial value and
// final XOR 0xFFFFFFFF), so an .npz entry's data can be checked against its zip header.
// Check value: CRC-32 of the ASCII bytes "123456789" is 0xCBF43926.
//
// Eight bytes at a time ("slicing-by-8", Kounavis and Berry, Intel 2005): Table[k][n] is the CRC
// register's change from byte n followed by k zero bytes, so eight table look-ups, XORed, advance
// the register past eight bytes; the last few bytes go one at a time through Table[0], the
// classic byte-wise loop. Both give the same register, only faster: the .npz reader checks every
// byte of its input, tens of megabytes for benchmark-size cases.
using System.Buffers.Binary;

namespace Rnn.Grading.NumPy;

public static class Crc32
{
    // Table[k][n], k = 0 .. 7, stored as Table[k * 256 + n]
    private static readonly uint[] Table = MakeTable();

    private static uint[] MakeTable()
    {
        var table = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        // one more zero byte after what Table[k - 1] stands for
        for (int k = 1; k < 8; k++)
            for (int n = 0; n < 256; n++)
            {
                uint prev = table[(k - 1) * 256 + n];
                table[k * 256 + n] = (prev >> 8) ^ table[prev & 0xFF];
            }
        return table;
    }

    /// <summary>The zip CRC-32 of data.</summary>
    public static uint Of(ReadOnlySpan<byte> data)
    {
        var t = Table.AsSpan();
        uint crc = 0xFFFFFFFFu;
        int i = 0;
        for (; i <= data.Length - 8; i += 8)
        {
            uint one = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i)) ^ crc;
            uint two = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i + 4));
            crc = t[7 * 256 + (int)(one & 0xFF)] ^ t[6 * 256 + (int)((one >> 8) & 0xFF)]
                ^ t[5 * 256 + (int)((one >> 16) & 0xFF)] ^ t[4 * 256 + (int)(one >> 24)]
                ^ t[3 * 256 + (int)(two & 0xFF)] ^ t[2 * 256 + (int)((two >> 8) & 0xFF)]
                ^ t[1 * 256 + (int)((two >> 16) & 0xFF)] ^ t[(int)(two >> 24)];
        }
        for (; i < data.Length; i++)
            crc = t[(int)((crc ^ data[i]) & 0xFF)] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }
}
