// gemm_panel (version 3 of gemm, for CPU devices such as PoCL's): the same product as gemm,
//   C(m, n) = [C(m, n) +] sum_{k = 0 .. K-1} A(m, k) * B(k, n),   A(m, k) = A[aOff + m * aRs + k * aCs]
// with B row-major (B(k, n) = B[bOff + k * ldb + n]), as gemm_rowblock, with a larger block per
// work-item and the long sums blocked over k:
//   - each work-item keeps a GEMM3_RM x GEMM3_RN block of C in registers (the loops over it are
//     unrolled, so the accumulators stay in registers: per k, GEMM3_RM broadcasts of A and
//     GEMM3_RN neighbouring elements of a row of B feed GEMM3_RM * GEMM3_RN multiply-adds, the
//     shape of a CPU BLAS micro-kernel);
//   - k runs in blocks of GEMM3_KC with a barrier after each: every work-item of the group finishes
//     a block before any starts the next, so the group's panels of A (its rows x GEMM3_KC) and of B
//     (GEMM3_KC x its columns) are read by all of its work-items while they are in cache. That is
//     what the weight gradients need, whose K is every step of every batch row (T * B).
// Each output is still summed over k in increasing order by one work-item (the blocks only
// interrupt the loop), so a rerun is bit-identical. A block past the last row of C reads the last
// row of A instead (its results are not stored); a block past the last column of C takes the
// loop with clamped column indices. Every work-item reaches every barrier.
// Launch: one work-item per block, global (ceil(N / GEMM3_RN), ceil(M / GEMM3_RM)) rounded up to
// work-groups of GpuKernels.PanelWgX x PanelWgY.
#define GEMM3_RM 6
#define GEMM3_RN 32
#define GEMM3_KC 128

KERNEL void gemm_panel(int M, int N, int K,
                       GLOBAL const REAL* A, int aOff, int aRs, int aCs,
                       GLOBAL const REAL* B, int bOff, int ldb,
                       GLOBAL REAL* C, int cOff, int ldc, int accumulate)
{
    const int n0 = GLOBAL_ID_X * GEMM3_RN, m0 = GLOBAL_ID_Y * GEMM3_RM;
    int aRow[GEMM3_RM];                        // A(m0 + i, 0), the last row of A past the edge
    #pragma unroll
    for (int i = 0; i < GEMM3_RM; i++) aRow[i] = aOff + min_int(m0 + i, M - 1) * aRs;
    REAL acc[GEMM3_RM][GEMM3_RN];
    #pragma unroll
    for (int i = 0; i < GEMM3_RM; i++)
        #pragma unroll
        for (int j = 0; j < GEMM3_RN; j++) acc[i][j] = R(0);

    for (int k0 = 0; k0 < K; k0 += GEMM3_KC)
    {
        const int k1 = min_int(k0 + GEMM3_KC, K);
        if (n0 + GEMM3_RN <= N)
        {
            for (int k = k0; k < k1; k++)
            {
                GLOBAL const REAL* b = B + bOff + k * ldb + n0;   // B(k, n0 ..)
                #pragma unroll
                for (int i = 0; i < GEMM3_RM; i++)
                {
                    const REAL a = A[aRow[i] + k * aCs];
                    #pragma unroll
                    for (int j = 0; j < GEMM3_RN; j++) acc[i][j] += a * b[j];
                }
            }
        }
        else if (n0 < N)
        {
            for (int k = k0; k < k1; k++)
            {
                GLOBAL const REAL* b = B + bOff + k * ldb;        // B(k, 0 ..)
                #pragma unroll
                for (int i = 0; i < GEMM3_RM; i++)
                {
                    const REAL a = A[aRow[i] + k * aCs];
                    #pragma unroll
                    for (int j = 0; j < GEMM3_RN; j++) acc[i][j] += a * b[min_int(n0 + j, N - 1)];
                }
            }
        }
        SYNC();
    }

    #pragma unroll
    for (int i = 0; i < GEMM3_RM; i++)
        #pragma unroll
        for (int j = 0; j < GEMM3_RN; j++)
            if (m0 + i < M && n0 + j < N)
            {
                const int c = cOff + (m0 + i) * ldc + n0 + j;
                C[c] = accumulate ? C[c] + acc[i][j] : acc[i][j];
            }
}
