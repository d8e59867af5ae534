// The register-blocked micro-kernels of the fast product (Gemm): each computes one MR x NR
// tile of C from a packed A micro-panel and a packed B micro-panel,
//
//   C[i, j] += sum_{k < kc} Ap[k, i] * Bp[k, j]      i < MR, j < NR
//
// keeping the MR x NR sums in vector registers: per k, NR/w vector loads of Bp's row k,
// MR broadcasts of Ap's column k and MR * NR/w fused multiply-adds (w = doubles per vector).
// The sum for each C element is one chain of FMAs in k order starting from 0, added to C once:
// the same operations whichever tile, thread or edge the element falls on.
//
// Packed layouts (GemmPacking writes them): Ap is [kc][MR] (column k of the micro-panel's MR
// rows, contiguous), Bp is [kc][NR] (row k of the micro-panel's NR columns, contiguous).
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Reference.Fast;

/// <summary>Which micro-kernel Gemm uses. Best picks Vector512 where the CPU has it, else Vector256.</summary>
public enum GemmKernel
{
    /// <summary>Vector512 where the CPU has AVX-512, else Vector256.</summary>
    Best,
    /// <summary>8 x 16 tile in 16 Vector512 accumulators (AVX-512).</summary>
    Vector512,
    /// <summary>6 x 8 tile in 12 Vector256 accumulators (AVX2 + FMA; fits the 16 registers of AVX2).</summary>
    Vector256,
}

internal static class GemmKernels
{
    /// <summary>The kernel Best stands for on this CPU.</summary>
    public static GemmKernel Resolve(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Best => Vector512.IsHardwareAccelerated ? GemmKernel.Vector512 : GemmKernel.Vector256,
        GemmKernel.Vector512 or GemmKernel.Vector256 => kernel,
        _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "not a GemmKernel"),
    };

    /// <summary>Tile rows MR and columns NR of a resolved kernel.</summary>
    public static (int MR, int NR) Tile(GemmKernel kernel) => kernel == GemmKernel.Vector512 ? (8, 16) : (6, 8);

    /// <summary>C[MR, NR] (row stride ldc) += Ap[kc][MR]ᵀ-by-Bp[kc][NR], with the resolved kernel.</summary>
    public static void Run(GemmKernel kernel, int kc, ReadOnlySpan<double> ap, ReadOnlySpan<double> bp, Span<double> c, int ldc)
    {
        if (kernel == GemmKernel.Vector512) Kernel8x16(kc, ap, bp, c, ldc);
        else Kernel6x8(kc, ap, bp, c, ldc);
    }

    /// <summary>
    /// The same tile from A read where it is stored, row-major with row stride lda (a[i*lda + k] =
    /// A(i, k), i &lt; MR), instead of from a packed micro-panel: the same FMAs in the same order, so
    /// the same bits as Run on the packed panel. For A stored [M, K] it saves packing the rows.
    /// </summary>
    public static void RunRows(GemmKernel kernel, int kc, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> bp, Span<double> c, int ldc)
    {
        if (kernel == GemmKernel.Vector512) Kernel8x16Rows(kc, a, lda, bp, c, ldc);
        else Kernel6x8Rows(kc, a, lda, bp, c, ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x16(int kc, ReadOnlySpan<double> ap, ReadOnlySpan<double> bp, Span<double> c, int ldc)
    {
        Debug.Assert(ap.Length >= kc * 8 && bp.Length >= kc * 16 && c.Length >= 7 * ldc + 16);
        ref double a = ref MemoryMarshal.GetReference(ap);
        ref double b = ref MemoryMarshal.GetReference(bp);
        // c{i}{v}: row i of the tile, columns 8v .. 8v+7
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<double> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<double> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<double> c60 = default, c61 = default, c70 = default, c71 = default;
        nuint ak = 0, bk = 0;                                        // offsets of Ap[k, 0] and Bp[k, 0]
        for (int k = 0; k < kc; k++, ak += 8, bk += 16)
        {
            var b0 = Vector512.LoadUnsafe(ref b, bk);               // Bp[k, 0..7]
            var b1 = Vector512.LoadUnsafe(ref b, bk + 8);           // Bp[k, 8..15]
            var ai = Vector512.Create(Unsafe.Add(ref a, ak));       // Ap[k, 0] in every lane
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00); c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(Unsafe.Add(ref a, ak + 1));
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10); c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(Unsafe.Add(ref a, ak + 2));
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20); c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(Unsafe.Add(ref a, ak + 3));
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30); c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(Unsafe.Add(ref a, ak + 4));
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40); c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(Unsafe.Add(ref a, ak + 5));
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50); c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(Unsafe.Add(ref a, ak + 6));
            c60 = Vector512.FusedMultiplyAdd(ai, b0, c60); c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(Unsafe.Add(ref a, ak + 7));
            c70 = Vector512.FusedMultiplyAdd(ai, b0, c70); c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
        }
        ref double cr = ref MemoryMarshal.GetReference(c);
        nuint row = (nuint)ldc;
        AddRow(ref cr, 0 * row, c00, c01); AddRow(ref cr, 1 * row, c10, c11);
        AddRow(ref cr, 2 * row, c20, c21); AddRow(ref cr, 3 * row, c30, c31);
        AddRow(ref cr, 4 * row, c40, c41); AddRow(ref cr, 5 * row, c50, c51);
        AddRow(ref cr, 6 * row, c60, c61); AddRow(ref cr, 7 * row, c70, c71);
    }

    /// <summary>Kernel8x16 with A(i, k) = a[i*lda + k]: row i's depths are read in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x16Rows(int kc, ReadOnlySpan<double> ap, int lda, ReadOnlySpan<double> bp, Span<double> c, int ldc)
    {
        Debug.Assert(ap.Length >= 7 * lda + kc && bp.Length >= kc * 16 && c.Length >= 7 * ldc + 16);
        nuint rs = (nuint)lda;
        ref double a0 = ref MemoryMarshal.GetReference(ap);     // A(0, 0); row i starts i*lda further
        ref double a1 = ref Unsafe.Add(ref a0, rs);
        ref double a2 = ref Unsafe.Add(ref a1, rs);
        ref double a3 = ref Unsafe.Add(ref a2, rs);
        ref double a4 = ref Unsafe.Add(ref a3, rs);
        ref double a5 = ref Unsafe.Add(ref a4, rs);
        ref double a6 = ref Unsafe.Add(ref a5, rs);
        ref double a7 = ref Unsafe.Add(ref a6, rs);
        ref double b = ref MemoryMarshal.GetReference(bp);
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<double> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<double> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<double> c60 = default, c61 = default, c70 = default, c71 = default;
        nuint bk = 0;
        for (nuint k = 0; k < (nuint)kc; k++, bk += 16)
        {
            var b0 = Vector512.LoadUnsafe(ref b, bk);               // Bp[k, 0..7]
            var b1 = Vector512.LoadUnsafe(ref b, bk + 8);           // Bp[k, 8..15]
            var ai = Vector512.Create(Unsafe.Add(ref a0, k));       // A(0, k) in every lane
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00); c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(Unsafe.Add(ref a1, k));
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10); c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(Unsafe.Add(ref a2, k));
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20); c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(Unsafe.Add(ref a3, k));
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30); c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(Unsafe.Add(ref a4, k));
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40); c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(Unsafe.Add(ref a5, k));
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50); c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(Unsafe.Add(ref a6, k));
            c60 = Vector512.FusedMultiplyAdd(ai, b0, c60); c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(Unsafe.Add(ref a7, k));
            c70 = Vector512.FusedMultiplyAdd(ai, b0, c70); c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
        }
        ref double cr = ref MemoryMarshal.GetReference(c);
        nuint row = (nuint)ldc;
        AddRow(ref cr, 0 * row, c00, c01); AddRow(ref cr, 1 * row, c10, c11);
        AddRow(ref cr, 2 * row, c20, c21); AddRow(ref cr, 3 * row, c30, c31);
        AddRow(ref cr, 4 * row, c40, c41); AddRow(ref cr, 5 * row, c50, c51);
        AddRow(ref cr, 6 * row, c60, c61); AddRow(ref cr, 7 * row, c70, c71);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(ref double c, nuint at, Vector512<double> v0, Vector512<double> v1)
    {
        (Vector512.LoadUnsafe(ref c, at) + v0).StoreUnsafe(ref c, at);
        (Vector512.LoadUnsafe(ref c, at + 8) + v1).StoreUnsafe(ref c, at + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x8(int kc, ReadOnlySpan<double> ap, ReadOnlySpan<double> bp, Span<double> c, int ldc)
    {
        Debug.Assert(ap.Length >= kc * 6 && bp.Length >= kc * 8 && c.Length >= 5 * ldc + 8);
        ref double a = ref MemoryMarshal.GetReference(ap);
        ref double b = ref MemoryMarshal.GetReference(bp);
        // c{i}{v}: row i of the tile, columns 4v .. 4v+3
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nuint ak = 0, bk = 0;
        for (int k = 0; k < kc; k++, ak += 6, bk += 8)
        {
            var b0 = Vector256.LoadUnsafe(ref b, bk);               // Bp[k, 0..3]
            var b1 = Vector256.LoadUnsafe(ref b, bk + 4);           // Bp[k, 4..7]
            var ai = Vector256.Create(Unsafe.Add(ref a, ak));       // Ap[k, 0] in every lane
            c00 = Vector256.FusedMultiplyAdd(ai, b0, c00); c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(Unsafe.Add(ref a, ak + 1));
            c10 = Vector256.FusedMultiplyAdd(ai, b0, c10); c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(Unsafe.Add(ref a, ak + 2));
            c20 = Vector256.FusedMultiplyAdd(ai, b0, c20); c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(Unsafe.Add(ref a, ak + 3));
            c30 = Vector256.FusedMultiplyAdd(ai, b0, c30); c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(Unsafe.Add(ref a, ak + 4));
            c40 = Vector256.FusedMultiplyAdd(ai, b0, c40); c41 = Vector256.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(Unsafe.Add(ref a, ak + 5));
            c50 = Vector256.FusedMultiplyAdd(ai, b0, c50); c51 = Vector256.FusedMultiplyAdd(ai, b1, c51);
        }
        ref double cr = ref MemoryMarshal.GetReference(c);
        nuint row = (nuint)ldc;
        AddRow(ref cr, 0 * row, c00, c01); AddRow(ref cr, 1 * row, c10, c11); AddRow(ref cr, 2 * row, c20, c21);
        AddRow(ref cr, 3 * row, c30, c31); AddRow(ref cr, 4 * row, c40, c41); AddRow(ref cr, 5 * row, c50, c51);
    }

    /// <summary>Kernel6x8 with A(i, k) = a[i*lda + k]: row i's depths are read in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x8Rows(int kc, ReadOnlySpan<double> ap, int lda, ReadOnlySpan<double> bp, Span<double> c, int ldc)
    {
        Debug.Assert(ap.Length >= 5 * lda + kc && bp.Length >= kc * 8 && c.Length >= 5 * ldc + 8);
        nuint rs = (nuint)lda;
        ref double a0 = ref MemoryMarshal.GetReference(ap);     // A(0, 0); row i starts i*lda further
        ref double a1 = ref Unsafe.Add(ref a0, rs);
        ref double a2 = ref Unsafe.Add(ref a1, rs);
        ref double a3 = ref Unsafe.Add(ref a2, rs);
        ref double a4 = ref Unsafe.Add(ref a3, rs);
        ref double a5 = ref Unsafe.Add(ref a4, rs);
        ref double b = ref MemoryMarshal.GetReference(bp);
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nuint bk = 0;
        for (nuint k = 0; k < (nuint)kc; k++, bk += 8)
        {
            var b0 = Vector256.LoadUnsafe(ref b, bk);               // Bp[k, 0..3]
            var b1 = Vector256.LoadUnsafe(ref b, bk + 4);           // Bp[k, 4..7]
            var ai = Vector256.Create(Unsafe.Add(ref a0, k));       // A(0, k) in every lane
            c00 = Vector256.FusedMultiplyAdd(ai, b0, c00); c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(Unsafe.Add(ref a1, k));
            c10 = Vector256.FusedMultiplyAdd(ai, b0, c10); c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(Unsafe.Add(ref a2, k));
            c20 = Vector256.FusedMultiplyAdd(ai, b0, c20); c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(Unsafe.Add(ref a3, k));
            c30 = Vector256.FusedMultiplyAdd(ai, b0, c30); c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(Unsafe.Add(ref a4, k));
            c40 = Vector256.FusedMultiplyAdd(ai, b0, c40); c41 = Vector256.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(Unsafe.Add(ref a5, k));
            c50 = Vector256.FusedMultiplyAdd(ai, b0, c50); c51 = Vector256.FusedMultiplyAdd(ai, b1, c51);
        }
        ref double cr = ref MemoryMarshal.GetReference(c);
        nuint row = (nuint)ldc;
        AddRow(ref cr, 0 * row, c00, c01); AddRow(ref cr, 1 * row, c10, c11); AddRow(ref cr, 2 * row, c20, c21);
        AddRow(ref cr, 3 * row, c30, c31); AddRow(ref cr, 4 * row, c40, c41); AddRow(ref cr, 5 * row, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(ref double c, nuint at, Vector256<double> v0, Vector256<double> v1)
    {
        (Vector256.LoadUnsafe(ref c, at) + v0).StoreUnsafe(ref c, at);
        (Vector256.LoadUnsafe(ref c, at + 4) + v1).StoreUnsafe(ref c, at + 4);
    }
}
