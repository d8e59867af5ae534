// The few moves every convention's mapping is made of, as plain loops: transposing a matrix,
// reading and writing a gate's block of rows, putting blocks in another gate order, setting two
// matrices side by side (Ng's [a_prev, x] concatenation), negating (Ng's Γ_u = 1 - z) and
// merging PyTorch's two biases into one. Every move copies; nothing is rounded, so a mapping
// and its inverse give the same bits back (GRU z negated twice is z; see MergedBias for the
// one place a sum appears).
//
// H = hidden size, G = gate blocks, C = columns; matrices are row-major.
namespace Rnn.Reference.Conventions;

/// <summary>The copying moves the conventions' mappings are made of: transposes, gate-row blocks, reordering, side-by-side matrices, negation, merged biases.</summary>
public static class GateBlocks
{
    /// <summary>a [rows, cols] as aᵀ [cols, rows].</summary>
    public static double[] Transpose(ReadOnlySpan<double> a, int rows, int cols)
    {
        var t = new double[rows * cols];                       // [cols, rows]
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                t[c * rows + r] = a[r * cols + c];
        return t;
    }

    /// <summary>Rows first .. first+count-1 of w [*, C]: one gate's block is Rows(w, g*H, H, C).</summary>
    public static double[] Rows(ReadOnlySpan<double> w, int first, int count, int C) =>
        w.Slice(first * C, count * C).ToArray();

    /// <summary>The blocks stacked in the order given, each [rows_k, C]: [b0; b1; ...].</summary>
    public static double[] Stack(params double[][] blocks)
    {
        int length = 0;
        foreach (var b in blocks) length += b.Length;
        var result = new double[length];
        int offset = 0;
        foreach (var b in blocks)
        {
            b.CopyTo(result, offset);
            offset += b.Length;
        }
        return result;
    }

    /// <summary>
    /// w [G*H, C] holds G gate blocks of H rows in the order `from` (one letter a gate, e.g.
    /// "ifgo"); the result holds the same blocks in the order `to` (e.g. "ifog").
    /// </summary>
    public static double[] Reorder(ReadOnlySpan<double> w, int H, int C, string from, string to)
    {
        if (from.Length != to.Length || w.Length != from.Length * H * C)
            throw new ArgumentException($"cannot reorder {w.Length} elements from gate order {from} to {to} with H = {H}, C = {C}");
        var result = new double[w.Length];
        for (int k = 0; k < to.Length; k++)
        {
            int source = from.IndexOf(to[k]);
            if (source < 0) throw new ArgumentException($"gate '{to[k]}' of order {to} is not in order {from}");
            // block k of the result = block `source` of w
            w.Slice(source * H * C, H * C).CopyTo(result.AsSpan(k * H * C, H * C));
        }
        return result;
    }

    /// <summary>left [H, C1] and right [H, C2] side by side: [left | right], [H, C1 + C2].</summary>
    public static double[] SideBySide(ReadOnlySpan<double> left, ReadOnlySpan<double> right, int H, int C1, int C2)
    {
        var result = new double[H * (C1 + C2)];
        for (int r = 0; r < H; r++)
        {
            left.Slice(r * C1, C1).CopyTo(result.AsSpan(r * (C1 + C2), C1));
            right.Slice(r * C2, C2).CopyTo(result.AsSpan(r * (C1 + C2) + C1, C2));
        }
        return result;
    }

    /// <summary>Columns first .. first+count-1 of a [H, C], as [H, count].</summary>
    public static double[] Columns(ReadOnlySpan<double> a, int H, int C, int first, int count)
    {
        var result = new double[H * count];
        for (int r = 0; r < H; r++)
            a.Slice(r * C + first, count).CopyTo(result.AsSpan(r * count, count));
        return result;
    }

    /// <summary>-a, element by element (exact: only the sign bit changes).</summary>
    public static double[] Negated(ReadOnlySpan<double> a)
    {
        var result = new double[a.Length];
        for (int k = 0; k < a.Length; k++) result[k] = -a[k];
        return result;
    }

    /// <summary>
    /// b = b_ih + b_hh: the one bias a convention keeps where PyTorch keeps two (only their sum
    /// enters the cell). Where b_hh is exactly zero, b is b_ih itself: x + 0 is x except that
    /// -0 + 0 gives +0, so a bias that came from the convention (b_ih = b, b_hh = 0) comes back
    /// with the same bits.
    /// </summary>
    public static double[] MergedBias(ReadOnlySpan<double> bih, ReadOnlySpan<double> bhh)
    {
        if (bih.Length != bhh.Length)
            throw new ArgumentException($"bias_ih has {bih.Length} elements but bias_hh has {bhh.Length}");
        var b = new double[bih.Length];
        for (int k = 0; k < b.Length; k++)
            b[k] = bhh[k] == 0.0 ? bih[k] : bih[k] + bhh[k];
        return b;
    }
}
