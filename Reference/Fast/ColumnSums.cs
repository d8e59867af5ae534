// sums[c] += sum_r m[r, c] for a row-major m [R, C]: the bias gradient of a product,
// db[o] += sum_r dout[r, o]. Vector lanes run across columns and each column adds its rows
// in order r = 0, 1, ..., R-1, exactly as MatMul.Backward's loop does: the same bits.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Fast;

/// <summary>Vectorised column sums of a row-major matrix (a product's bias gradient), adding the rows in order as MatMul.Backward does: the same bits.</summary>
public static class ColumnSums
{
    /// <summary>sums[C] += the sum of m's R rows (m is [R, C], row-major).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<double> m, int R, int C, Span<double> sums)
    {
        Require.Size(R, nameof(R));
        Require.Size(C, nameof(C));
        Require.Length(m, nameof(m), "R*C", R, C);
        Require.Length(sums, nameof(sums), "C", C);
        int w = Vector256<double>.Count;
        for (int r = 0; r < R; r++)
        {
            var row = m.Slice(r * C, C);                                 // m[r, :]
            int c = 0;
            for (; c <= C - w; c += w)
                (Vector256.Create(sums.Slice(c, w)) + Vector256.Create(row.Slice(c, w))).CopyTo(sums.Slice(c, w));
            for (; c < C; c++) sums[c] += row[c];
        }
    }
}
