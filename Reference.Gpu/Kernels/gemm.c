// gemm: the one matrix product every GPU phase goes through, tiled in local (shared) memory.
//
//   C(m, n) = [C(m, n) +] sum_{k = 0 .. K-1} A(m, k) * B(k, n)     for m < M, n < N
//   A(m, k) = A[aOff + m * aRs + k * aCs]      B(k, n) = B[bOff + k * bRs + n * bCs]
//   C(m, n) = C[cOff + m * ldc + n]            accumulate = 0 overwrites C, 1 adds to it
//
// The strides give every layout the recurrent stack needs without copies: x W^T (B(k, n) = W[n, k]),
// dG W (B(k, n) = W[k, n]) and dG^T x (A(m, k) = dG[k, m]). Each output is summed over k in
// increasing order by one work-item, so a rerun is bit-identical (no atomics, no split-K).
//
// Launch: local size (GEMM_WG, GEMM_WG); groups (ceil(N / GEMM_TN), ceil(M / GEMM_TM)). A work-group
// computes a GEMM_TM x GEMM_TN tile of C; work-item (lx, ly) computes rows ly + GEMM_WG * i and columns
// lx + GEMM_WG * j of it (i < GEMM_TM / GEMM_WG, j < GEMM_TN / GEMM_WG). Tiles at the edges of C and the
// last k tile are padded with zeros when loaded and masked when stored, so any M, N, K >= 1 works.
#define GEMM_RM (GEMM_TM / GEMM_WG)
#define GEMM_RN (GEMM_TN / GEMM_WG)

KERNEL void gemm(int M, int N, int K,
                 GLOBAL const REAL* A, int aOff, int aRs, int aCs,
                 GLOBAL const REAL* B, int bOff, int bRs, int bCs,
                 GLOBAL REAL* C, int cOff, int ldc, int accumulate)
{
    LOCAL_MEM REAL As[GEMM_TK][GEMM_TM];   // As[kk][mm] = A(m0 + mm, k0 + kk)
    LOCAL_MEM REAL Bs[GEMM_TK][GEMM_TN];   // Bs[kk][nn] = B(k0 + kk, n0 + nn)
    const int lx = LOCAL_ID_X, ly = LOCAL_ID_Y;
    const int lid = ly * GEMM_WG + lx;
    const int m0 = GROUP_ID_Y * GEMM_TM, n0 = GROUP_ID_X * GEMM_TN;

    REAL acc[GEMM_RM][GEMM_RN];
    for (int i = 0; i < GEMM_RM; i++)
        for (int j = 0; j < GEMM_RN; j++) acc[i][j] = R(0);

    for (int k0 = 0; k0 < K; k0 += GEMM_TK)
    {
        // load the tiles; neighbouring work-items read neighbouring addresses of whichever index is contiguous
        for (int e = lid; e < GEMM_TK * GEMM_TM; e += GEMM_WG * GEMM_WG)
        {
            int kk = aCs == 1 ? e % GEMM_TK : e / GEMM_TM;
            int mm = aCs == 1 ? e / GEMM_TK : e % GEMM_TM;
            int m = m0 + mm, k = k0 + kk;
            As[kk][mm] = (m < M && k < K) ? A[aOff + m * aRs + k * aCs] : R(0);
        }
        for (int e = lid; e < GEMM_TK * GEMM_TN; e += GEMM_WG * GEMM_WG)
        {
            int kk = bCs == 1 ? e / GEMM_TN : e % GEMM_TK;
            int nn = bCs == 1 ? e % GEMM_TN : e / GEMM_TK;
            int k = k0 + kk, n = n0 + nn;
            Bs[kk][nn] = (k < K && n < N) ? B[bOff + k * bRs + n * bCs] : R(0);
        }
        SYNC();
        for (int kk = 0; kk < GEMM_TK; kk++)
        {
            REAL a[GEMM_RM], b[GEMM_RN];
            for (int i = 0; i < GEMM_RM; i++) a[i] = As[kk][ly + GEMM_WG * i];
            for (int j = 0; j < GEMM_RN; j++) b[j] = Bs[kk][lx + GEMM_WG * j];
            for (int i = 0; i < GEMM_RM; i++)
                for (int j = 0; j < GEMM_RN; j++) acc[i][j] += a[i] * b[j];
        }
        SYNC();
    }

    for (int i = 0; i < GEMM_RM; i++)
        for (int j = 0; j < GEMM_RN; j++)
        {
            int m = m0 + ly + GEMM_WG * i, n = n0 + lx + GEMM_WG * j;
            if (m < M && n < N)
            {
                int c = cOff + m * ldc + n;
                C[c] = accumulate ? C[c] + acc[i][j] : acc[i][j];
            }
        }
}
