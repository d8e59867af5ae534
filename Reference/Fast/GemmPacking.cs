// Packing for the fast product (Gemm): copies a block of A or B into the order the
// micro-kernel reads it, so that its inner loop walks memory contiguously whatever the layout.
//
//   packed A block  rows i0 .. i0+mc, depths p0 .. p0+kc:  micro-panels of MR rows, each [kc][MR]
//                   (Ap[ir*kc + k*MR + i] = A(i0 + ir + i, p0 + k))
//   packed B block  depths p0 .. p0+kc, all N columns:     micro-panels of NR columns, each [kc][NR]
//                   (Bp[jr*kc + k*NR + j] = B(p0 + k, jr + j))
//
// Rows and columns past the matrix edge are packed as zeros, so an edge tile runs the same kernel
// on zeros (and only its valid part is written back). A(i, k) and B(k, j) are the operands of
// C = A·B after the layout's transposes (GemmLayout): A is stored [M, K] ("rows": k contiguous)
// or [K, M] ("transposed": i contiguous); B is stored [K, N] ("rows": j contiguous) or [N, K]
// ("transposed": k contiguous).
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Reference.Fast;

internal static class GemmPacking
{
    /// <summary>Packs A(i0 .. i0+mc, p0 .. p0+kc) into ap (length >= roundUp(mc, MR) * kc).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(ReadOnlySpan<double> a, bool aTransposed, int M, int K,
        int i0, int mc, int p0, int kc, int MR, Span<double> ap)
    {
        Debug.Assert(ap.Length >= RoundUp(mc, MR) * kc);
        for (int ir = 0; ir < mc; ir += MR)
        {
            var panel = ap.Slice(ir * kc, kc * MR);                          // [kc][MR]
            int rows = Math.Min(MR, mc - ir);
            if (aTransposed)
            {
                // A(i, k) = a[k*M + i]: MR consecutive rows of one depth k are contiguous
                if (rows == MR) CopyRows(a.Slice(p0 * M + i0 + ir), M, kc, MR, panel);
                else
                    for (int k = 0; k < kc; k++)
                    {
                        var dst = panel.Slice(k * MR, MR);
                        a.Slice((p0 + k) * M + i0 + ir, rows).CopyTo(dst);
                        dst.Slice(rows).Clear();
                    }
            }
            else
            {
                // A(i, k) = a[i*K + k]: one row's kc depths are contiguous
                for (int i = 0; i < rows; i++)
                {
                    var src = a.Slice((i0 + ir + i) * K + p0, kc);
                    for (int k = 0; k < kc; k++) panel[k * MR + i] = src[k];
                }
                for (int i = rows; i < MR; i++)
                    for (int k = 0; k < kc; k++) panel[k * MR + i] = 0.0;
            }
        }
    }

    /// <summary>
    /// Packs B(p0 .. p0+kc, j0 .. j0+nc) into bp (length >= roundUp(nc, NR) * kc), j0 a multiple of NR.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(ReadOnlySpan<double> b, bool bTransposed, int K, int N,
        int p0, int kc, int j0, int nc, int NR, Span<double> bp)
    {
        Debug.Assert(bp.Length >= RoundUp(nc, NR) * kc);
        for (int jr = 0; jr < nc; jr += NR)
        {
            var panel = bp.Slice(jr * kc, kc * NR);                          // [kc][NR]
            int cols = Math.Min(NR, nc - jr);
            if (bTransposed)
            {
                // B(k, j) = b[j*K + k]: one column's kc depths are contiguous
                for (int j = 0; j < cols; j++)
                {
                    var src = b.Slice((j0 + jr + j) * K + p0, kc);
                    for (int k = 0; k < kc; k++) panel[k * NR + j] = src[k];
                }
                for (int j = cols; j < NR; j++)
                    for (int k = 0; k < kc; k++) panel[k * NR + j] = 0.0;
            }
            else
            {
                // B(k, j) = b[k*N + j]: NR consecutive columns of one depth k are contiguous
                for (int k = 0; k < kc; k++)
                {
                    var dst = panel.Slice(k * NR, NR);
                    b.Slice((p0 + k) * N + j0 + jr, cols).CopyTo(dst);
                    dst.Slice(cols).Clear();
                }
            }
        }
    }

    /// <summary>
    /// panel[k*MR .. k*MR+MR] = src[k*stride .. k*stride+MR] for k &lt; kc (MR 8 or 6): whole rows of
    /// one depth, copied as vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRows(ReadOnlySpan<double> src, int stride, int kc, int MR, Span<double> panel)
    {
        Debug.Assert(src.Length >= (kc - 1) * stride + MR && panel.Length >= kc * MR && (MR == 8 || MR == 6));
        ref double s = ref MemoryMarshal.GetReference(src);
        ref double d = ref MemoryMarshal.GetReference(panel);
        nuint from = 0, to = 0;
        if (MR == 8)
            for (int k = 0; k < kc; k++, from += (nuint)stride, to += 8)
                Vector512.LoadUnsafe(ref s, from).StoreUnsafe(ref d, to);
        else
            for (int k = 0; k < kc; k++, from += (nuint)stride, to += 6)
            {
                Vector256.LoadUnsafe(ref s, from).StoreUnsafe(ref d, to);
                Vector128.LoadUnsafe(ref s, from + 4).StoreUnsafe(ref d, to + 4);
            }
    }

    public static int RoundUp(int n, int multiple) => (n + multiple - 1) / multiple * multiple;
}
