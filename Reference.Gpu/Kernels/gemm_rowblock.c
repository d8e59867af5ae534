// gemm_rowblock (version 2 of gemm, for CPU devices such as PoCL's): the same product as gemm,
//   C(m, n) = [C(m, n) +] sum_{k = 0 .. K-1} A(m, k) * B(k, n),   A(m, k) = A[aOff + m * aRs + k * aCs]
// with B row-major (B(k, n) = B[bOff + k * ldb + n]), and no local memory and no barrier: each
// work-item computes a GEMM2_RM x GEMM2_RN block of C in registers, reading GEMM2_RN neighbouring
// elements of a row of B per k (which the compiler turns into vector loads and FMAs). Each output
// is summed over k in increasing order, as in gemm, so a rerun is bit-identical.
// Launch: one work-item per block, global (ceil(N / GEMM2_RN), ceil(M / GEMM2_RM)); blocks at the
// edges of C take the bounds-checked loop.
#define GEMM2_RM 8
#define GEMM2_RN 8

KERNEL void gemm_rowblock(int M, int N, int K,
                          GLOBAL const REAL* A, int aOff, int aRs, int aCs,
                          GLOBAL const REAL* B, int bOff, int ldb,
                          GLOBAL REAL* C, int cOff, int ldc, int accumulate)
{
    const int n0 = GLOBAL_ID_X * GEMM2_RN, m0 = GLOBAL_ID_Y * GEMM2_RM;
    if (m0 >= M || n0 >= N) return;
    if (m0 + GEMM2_RM <= M && n0 + GEMM2_RN <= N)
    {
        REAL acc[GEMM2_RM][GEMM2_RN];
        for (int i = 0; i < GEMM2_RM; i++)
            for (int j = 0; j < GEMM2_RN; j++) acc[i][j] = R(0);
        for (int k = 0; k < K; k++)
        {
            GLOBAL const REAL* b = B + bOff + k * ldb + n0;
            for (int i = 0; i < GEMM2_RM; i++)
            {
                const REAL a = A[aOff + (m0 + i) * aRs + k * aCs];
                for (int j = 0; j < GEMM2_RN; j++) acc[i][j] += a * b[j];
            }
        }
        for (int i = 0; i < GEMM2_RM; i++)
            for (int j = 0; j < GEMM2_RN; j++)
            {
                const int c = cOff + (m0 + i) * ldc + n0 + j;
                C[c] = accumulate ? C[c] + acc[i][j] : acc[i][j];
            }
        return;
    }
    for (int i = 0; i < GEMM2_RM && m0 + i < M; i++)
        for (int j = 0; j < GEMM2_RN && n0 + j < N; j++)
        {
            REAL s = R(0);
            for (int k = 0; k < K; k++) s += A[aOff + (m0 + i) * aRs + k * aCs] * B[bOff + k * ldb + n0 + j];
            const int c = cOff + (m0 + i) * ldc + n0 + j;
            C[c] = accumulate ? C[c] + s : s;
        }
}
