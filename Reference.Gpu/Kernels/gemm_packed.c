// gemm_pack and gemm_packed (version 4 of gemm, for CPU devices such as PoCL's): the same product as gemm,
//   C(m, n) = [C(m, n) +] sum_{k = 0 .. K-1} A(m, k) * B(k, n)
// in two steps, as a CPU BLAS computes it: both operands are first copied into panels (gemm_pack),
// so that the micro-kernel (gemm_packed) reads each of them as one contiguous stream.
//   Ap [ceil(M / GEMM4_MR), K, GEMM4_MR]:  Ap[p, k, i] = A(p * GEMM4_MR + i, k), 0 for rows past M
//   Bp [ceil(N / GEMM4_NR), K, GEMM4_NR]:  Bp[q, k, j] = B(k, q * GEMM4_NR + j), 0 for columns past N
// A and B may have any strides (x W^T, dG W, dG^T x all read their operands where they are, with no
// transpose), since packing is one pass over each operand; the products then never read with a stride.
// The recurrent stack packs W_ih^T and W_hh^T once per call and reuses them for every step. A may also
// be read where it is, with no packing (gemm_packed's strides): the small per-step products do that.

// gemm_pack: panels of `width` rows of a matrix X [rows, cols], X(r, c) = X[xOff + r * xRs + c * xCs]:
//   Xp[(p * cols + c) * width + i] = X(p * width + i, c)   for r = p * width + i < rows, else 0
// (Ap is gemm_pack of A with width GEMM4_MR; Bp is gemm_pack of B^T, X(n, k) = B(k, n), with width GEMM4_NR.)
// Only copies: the product's sums are unchanged. Rows past the edge read the last row (a select keeps
// the load unconditional) and store 0, so the micro-kernel needs no edge case.
// Launch, work-items reading neighbouring elements of X: when X's rows are contiguous neighbours
// (xRs < xCs, e.g. A = dG^T) panelsFast = 1, global (panels, ceil(cols / PACK_RUN)), each work-item a
// run of PACK_RUN columns of one panel; else panelsFast = 0, global (cols, panels), one column each.
#define PACK_RUN 16
#ifndef GEMM4_MR
#error "compile with -DGEMM4_MR=rows of the packed tile (Kernels/PackedTile.cs, KernelSource.Defines)"
#endif
#define GEMM4_NR (2 * VW)

KERNEL void gemm_pack(int rows, int cols, GLOBAL const REAL* RESTRICT X, int xOff, int xRs, int xCs,
                      int width, int panelsFast, GLOBAL REAL* RESTRICT Xp)
{
    const int p = panelsFast ? GLOBAL_ID_X : GLOBAL_ID_Y;
    const int c0 = panelsFast ? GLOBAL_ID_Y * PACK_RUN : GLOBAL_ID_X;
    const int c1 = min_int(c0 + (panelsFast ? PACK_RUN : 1), cols);
    if (p * width >= rows) return;
    // a whole panel of neighbouring rows (A = dG^T, B = W^T or hs^T as X): each column's `width` elements
    // are contiguous in X and in Xp, copied with a fixed count the compiler turns into vector moves
    if (xRs == 1 && (p + 1) * width <= rows && (width == GEMM4_MR || width == GEMM4_NR))
    {
        for (int c = c0; c < c1; c++)
        {
            GLOBAL const REAL* x = X + xOff + p * width + c * xCs;   // X(p * width, c)
            GLOBAL REAL* xp = Xp + (p * cols + c) * width;
            if (width == GEMM4_MR)
            {
                #pragma unroll
                for (int i = 0; i < GEMM4_MR; i++) xp[i] = x[i];
            }
            else
            {
                #pragma unroll
                for (int i = 0; i < GEMM4_NR; i++) xp[i] = x[i];
            }
        }
        return;
    }
    for (int c = c0; c < c1; c++)
        for (int i = 0; i < width; i++)
        {
            const int r = p * width + i;
            const REAL v = X[xOff + min_int(r, rows - 1) * xRs + c * xCs];
            Xp[(p * cols + c) * width + i] = r < rows ? v : R(0);
        }
}

// gemm_packed: C(m, n) = [C(m, n) +] sum_k A(m, k) * Bp[q, k, j], m = p * MR + i, n = q * NR + j, with B
// packed and A either packed too or read where it is. A is given by three strides, of its panels of
// GEMM4_MR rows, of a row within a panel and of k:  A(p * MR + i, k) = A[aOff + p * aPanel + i * aRow + k * aK]
//   A packed (Ap above):           aPanel = K * MR, aRow = 1,          aK = MR
//   A in place, a view (rs, cs):   aPanel = MR * rs, aRow = rs,        aK = cs
// (row-major hPrev or dG: aK = 1, each of the MR rows read along k; dG^T: aRow = 1, MR neighbours per k).
// Rows past M read row M-1 (every load stays inside A) and are not stored.
// One work-item per GEMM4_MR x GEMM4_NR tile of C, held in 2 * GEMM4_MR vector registers (REALV,
// portable.h); per k it loads two vectors of its B panel and GEMM4_MR scalars of A, and does
// 2 * GEMM4_MR vector multiply-adds: the register tile of a CPU BLAS micro-kernel. The host chooses the
// tile for the device's registers (Kernels/PackedTile.cs): 8 x 32 floats / 8 x 16 doubles in 16 of
// AVX-512's 32 registers, 6 x 16 floats / 6 x 8 doubles in 12 of AVX2's 16.
// Each output is summed over k in increasing order by one work-item, so a rerun is bit-identical, and
// A packed or in place gives the same bits (the same products added in the same order).
// Launch: global (ceil(N / GEMM4_NR), ceil(M / GEMM4_MR)) in work-groups of up to GpuKernels.PackedWgX x
// PackedWgY tiles (PoCL runs a work-group's work-items one after another on one core: those of a group
// share their B panels while they are in cache); work-items past the edges return at once.
KERNEL void gemm_packed(int M, int N, int K, GLOBAL const REAL* RESTRICT A, int aOff, int aPanel, int aRow, int aK,
                        GLOBAL const REAL* RESTRICT Bp, GLOBAL REAL* RESTRICT C, int cOff, int ldc, int accumulate)
{
    const int q = GLOBAL_ID_X, p = GLOBAL_ID_Y;
    const int m0 = p * GEMM4_MR, n0 = q * GEMM4_NR;
    if (m0 >= M || n0 >= N) return;
    GLOBAL const REAL* a = A + aOff + p * aPanel;                // A(m0, 0)
    GLOBAL const REAL* b = Bp + q * K * GEMM4_NR;                // Bp[q, 0, 0]
    const int iLast = min_int(GEMM4_MR, M - m0) - 1;             // the tile's last row inside A
    int row[GEMM4_MR];                                           // where row m0 + i starts, from a
    REALV acc0[GEMM4_MR], acc1[GEMM4_MR];                        // C(m0 + i, n0 .. n0+VW-1) and (m0 + i, n0+VW ..)
    #pragma unroll
    for (int i = 0; i < GEMM4_MR; i++) { row[i] = min_int(i, iLast) * aRow; acc0[i] = VZERO(); acc1[i] = VZERO(); }
    for (int k = 0; k < K; k++)
    {
        const REALV b0 = VLOAD(b + k * GEMM4_NR), b1 = VLOAD(b + k * GEMM4_NR + VW);   // B(k, n0 ..)
        GLOBAL const REAL* ak = a + k * aK;                      // A(m0, k)
        #pragma unroll
        for (int i = 0; i < GEMM4_MR; i++)
        {
            const REAL ai = ak[row[i]];                          // A(m0 + i, k)
            acc0[i] = VMAD(ai, b0, acc0[i]);
            acc1[i] = VMAD(ai, b1, acc1[i]);
        }
    }
    #pragma unroll
    for (int i = 0; i < GEMM4_MR; i++)
    {
        if (m0 + i >= M) break;
        REAL out[GEMM4_NR];
        VSTORE(acc0[i], out);
        VSTORE(acc1[i], out + VW);
        GLOBAL REAL* c = C + cOff + (m0 + i) * ldc + n0;         // C(m0 + i, n0 ..)
        const int n1 = min_int(GEMM4_NR, N - n0);
        for (int j = 0; j < n1; j++) c[j] = accumulate ? c[j] + out[j] : out[j];
    }
}
