// column_sum: the bias gradients. out[j] = [out[j] +] sum_{r = 0 .. rows-1} G[gOff + r * ldg + j] for j < N.
// One work-item per column adds the rows in order 0, 1, ..., R-1: the same order every run, no
// atomics, so the result is bit-identical on a rerun. Launch: one work-item per column (1-D).
KERNEL void column_sum(int rows, int N, GLOBAL const REAL* G, int gOff, int ldg,
                       GLOBAL REAL* out, int outOff, int accumulate)
{
    const int j = GLOBAL_ID_X;
    if (j >= N) return;
    REAL s = R(0);
    for (int r = 0; r < rows; r++) s += G[gOff + r * ldg + j];
    out[outOff + j] = accumulate ? out[outOff + j] + s : s;
}
