// transpose: out[n, m] = in[m, n] for m < M, n < N; in row-major [M, N] from inOff, out row-major
// [N, M] from outOff. The backward's weight gradients use it: dW = dG^T h reads dG^T [G*H, T*B] with k
// (= step and batch row) contiguous, where dG [T*B, G*H] itself would be read a row of 4 KiB apart per
// k, which on a CPU device crosses a page per k and was the slowest product of the stack. Only copies:
// the product's sums are the same.
// Launch: one work-item per TRANSPOSE_TILE x TRANSPOSE_TILE tile of in, global (ceil(N / tile),
// ceil(M / tile)); a work-item writes its tile's rows of out contiguously.
#define TRANSPOSE_TILE 16

// mirrors GpuRecurrentLayer's host-side Transpose of the weights (Reference.Gpu/Recurrent/GpuRecurrentLayer.cs)
KERNEL void transpose(int M, int N, GLOBAL const REAL* RESTRICT in, int inOff, GLOBAL REAL* RESTRICT out, int outOff)
{
    const int n0 = GLOBAL_ID_X * TRANSPOSE_TILE, m0 = GLOBAL_ID_Y * TRANSPOSE_TILE;
    if (m0 >= M || n0 >= N) return;
    const int m1 = min_int(m0 + TRANSPOSE_TILE, M), n1 = min_int(n0 + TRANSPOSE_TILE, N);
    for (int n = n0; n < n1; n++)
        for (int m = m0; m < m1; m++) out[outOff + n * M + m] = in[inOff + m * N + n];
}
