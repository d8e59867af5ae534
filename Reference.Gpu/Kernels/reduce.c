// column_sum: the bias gradients. out[j] = [out[j] +] sum_{r = 0 .. rows-1} G[gOff + r * ldg + j] for j < N.
// Each column is summed over the rows in order 0, 1, ..., rows-1 by one work-item: the same order
// every run, no atomics, so the result is bit-identical on a rerun (and equal to a plain loop).
// A work-item sums COLSUM_RUN neighbouring columns at once, so that per row it reads COLSUM_RUN
// contiguous elements (a cache line in float, and vector loads) rather than one element a row apart;
// in the last run, columns past N read column N-1 and store nothing. Launch: one work-item per run of columns (1-D,
// GpuKernels.ColumnSum).
#define COLSUM_RUN 16

// mirrors the bias gradients' sum over rows in RecurrentLayer.DirectionBackward (Reference/Recurrent/RecurrentLayer.cs)
KERNEL void column_sum(int rows, int N, GLOBAL const REAL* G, int gOff, int ldg,
                       GLOBAL REAL* out, int outOff, int accumulate)
{
    const int j0 = GLOBAL_ID_X * COLSUM_RUN;
    if (j0 >= N) return;
    REAL s[COLSUM_RUN];
    #pragma unroll
    for (int c = 0; c < COLSUM_RUN; c++) s[c] = R(0);
    if (j0 + COLSUM_RUN <= N)
    {
        for (int r = 0; r < rows; r++)
        {
            GLOBAL const REAL* g = G + gOff + r * ldg + j0;   // G[r, j0 ..]
            #pragma unroll
            for (int c = 0; c < COLSUM_RUN; c++) s[c] += g[c];
        }
    }
    else
    {
        for (int r = 0; r < rows; r++)
        {
            GLOBAL const REAL* g = G + gOff + r * ldg;        // G[r, :]
            #pragma unroll
            for (int c = 0; c < COLSUM_RUN; c++) s[c] += g[min_int(j0 + c, N - 1)];
        }
    }
    #pragma unroll
    for (int c = 0; c < COLSUM_RUN; c++)
        if (j0 + c < N) out[outOff + j0 + c] = accumulate ? out[outOff + j0 + c] + s[c] : s[c];
}
