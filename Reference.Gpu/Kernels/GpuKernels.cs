// Typed launchers for every kernel of KernelSource: the argument order of each kernel's signature,
// and its launch shape, written down once. Buffers are REAL unless named as int.
using static Rnn.Reference.Gpu.Kernels.KernelSource;

namespace Rnn.Reference.Gpu.Kernels;

/// <summary>A matrix view for gemm: element (row, col) is at Buffer[Offset + row * RowStride + col * ColStride].</summary>
public readonly record struct MatrixView(GpuBuffer Buffer, int Offset, int RowStride, int ColStride)
{
    /// <summary>A row-major [rows, cols] matrix starting at offset.</summary>
    public static MatrixView RowMajor(GpuBuffer buffer, int cols, int offset = 0) => new(buffer, offset, cols, 1);

    /// <summary>The transpose of a row-major [rows, cols] matrix: element (i, j) is M[j, i].</summary>
    public static MatrixView Transposed(GpuBuffer buffer, int cols, int offset = 0) => new(buffer, offset, 1, cols);
}

/// <summary>
/// The two versions of the gemm kernel, the same product: 1, tiled in local memory (gemm.c, the shape
/// for GPUs); 2, a register block per work-item with no local memory or barrier, B row-major
/// (gemm_rowblock.c, the shape for CPU devices such as PoCL's).
/// </summary>
public enum GemmVersion { Tiled = 1, RowBlock = 2 }

public static class GpuKernels
{
    /// <summary>
    /// C[M, N] (row-major, ldc, from cOffset) = [C +] A · B, A viewed [M, K], B viewed [K, N], with the
    /// given gemm version, or the device's preferred one when B is row-major (else the tiled one).
    /// </summary>
    public static void Gemm(GpuDevice device, int M, int N, int K, MatrixView A, MatrixView B,
        GpuBuffer C, int cOffset, int ldc, bool accumulate, GemmVersion? version = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(M);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(N);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(K);
        var v = version ?? (B.ColStride == 1 ? device.PreferredGemm : GemmVersion.Tiled);
        if (v == GemmVersion.RowBlock)
        {
            if (B.ColStride != 1)
                throw new ArgumentException($"gemm_rowblock needs B row-major (column stride 1) but its column stride is {B.ColStride}", nameof(B));
            // work-groups of RowBlockWg blocks along a row of C; the work-items past the edge return at once
            int blocksX = (N + RowBlockN - 1) / RowBlockN, blocksY = (M + RowBlockM - 1) / RowBlockM;
            device.Launch("gemm_rowblock", new LaunchShape((blocksX + RowBlockWg - 1) / RowBlockWg, blocksY, RowBlockWg, 1),
            [
                M, N, K,
                A.Buffer, A.Offset, A.RowStride, A.ColStride,
                B.Buffer, B.Offset, B.RowStride,
                C, cOffset, ldc, accumulate,
            ]);
            return;
        }
        var shape = new LaunchShape((N + GemmTn - 1) / GemmTn, (M + GemmTm - 1) / GemmTm, GemmWg, GemmWg);
        device.Launch("gemm", shape,
        [
            M, N, K,
            A.Buffer, A.Offset, A.RowStride, A.ColStride,
            B.Buffer, B.Offset, B.RowStride, B.ColStride,
            C, cOffset, ldc, accumulate,
        ]);
    }

    /// <summary>gemm_rowblock's block of C per work-item: GEMM2_RM x GEMM2_RN of gemm_rowblock.c.</summary>
    public const int RowBlockM = 8, RowBlockN = 8;

    /// <summary>Work-items per work-group of gemm_rowblock (a CPU device runs a work-group as one loop).</summary>
    public const int RowBlockWg = 16;

    /// <summary>output[outOffset + j] = [output +] sum over rows r in order of G[gOffset + r * ldg + j], j &lt; N.</summary>
    public static void ColumnSum(GpuDevice device, int rows, int N, GpuBuffer G, int gOffset, int ldg,
        GpuBuffer output, int outOffset, bool accumulate) =>
        device.Launch("column_sum", LaunchShape.Cover(N), [rows, N, G, gOffset, ldg, output, outOffset, accumulate]);

    /// <summary>Sizes and position of one forward or backward step: B, H, time t, processing step, D*H and this direction's first output column.</summary>
    public readonly record struct StepArgs(int B, int H, int Time, int Step, int DH, int Col0);

    public static void RnnStepForward(GpuDevice device, StepArgs s, bool relu, bool hasBias,
        GpuBuffer xProj, GpuBuffer hh, GpuBuffer bih, GpuBuffer bhh, GpuBuffer lengths, GpuBuffer hs, GpuBuffer output) =>
        device.Launch("rnn_step_forward", LaunchShape.Cover(s.B * s.H),
            [s.B, s.H, s.Time, s.Step, relu, hasBias, s.DH, s.Col0, xProj, hh, bih, bhh, lengths, hs, output]);

    public static void LstmStepForward(GpuDevice device, StepArgs s, bool hasBias,
        GpuBuffer xProj, GpuBuffer hh, GpuBuffer bih, GpuBuffer bhh, GpuBuffer lengths,
        GpuBuffer hs, GpuBuffer cs, GpuBuffer gates, GpuBuffer output) =>
        device.Launch("lstm_step_forward", LaunchShape.Cover(s.B * s.H),
            [s.B, s.H, s.Time, s.Step, hasBias, s.DH, s.Col0, xProj, hh, bih, bhh, lengths, hs, cs, gates, output]);

    public static void GruStepForward(GpuDevice device, StepArgs s, bool hasBias,
        GpuBuffer xProj, GpuBuffer hh, GpuBuffer bih, GpuBuffer bhh, GpuBuffer lengths,
        GpuBuffer hs, GpuBuffer gates, GpuBuffer hhN, GpuBuffer output) =>
        device.Launch("gru_step_forward", LaunchShape.Cover(s.B * s.H),
            [s.B, s.H, s.Time, s.Step, hasBias, s.DH, s.Col0, xProj, hh, bih, bhh, lengths, hs, gates, hhN, output]);

    public static void RnnStepBackward(GpuDevice device, StepArgs s, bool relu,
        GpuBuffer dOut, GpuBuffer dhNext, GpuBuffer hs, GpuBuffer lengths, GpuBuffer dGx, GpuBuffer dGh, GpuBuffer dhPrev) =>
        device.Launch("rnn_step_backward", LaunchShape.Cover(s.B * s.H),
            [s.B, s.H, s.Time, s.Step, relu, s.DH, s.Col0, dOut, dhNext, hs, lengths, dGx, dGh, dhPrev]);

    public static void LstmStepBackward(GpuDevice device, StepArgs s,
        GpuBuffer dOut, GpuBuffer dhNext, GpuBuffer dcNext, GpuBuffer hs, GpuBuffer cs, GpuBuffer gates, GpuBuffer lengths,
        GpuBuffer dGx, GpuBuffer dGh, GpuBuffer dhPrev, GpuBuffer dcPrev) =>
        device.Launch("lstm_step_backward", LaunchShape.Cover(s.B * s.H),
            [s.B, s.H, s.Time, s.Step, s.DH, s.Col0, dOut, dhNext, dcNext, hs, cs, gates, lengths, dGx, dGh, dhPrev, dcPrev]);

    public static void GruStepBackward(GpuDevice device, StepArgs s,
        GpuBuffer dOut, GpuBuffer dhNext, GpuBuffer hs, GpuBuffer gates, GpuBuffer hhN, GpuBuffer lengths,
        GpuBuffer dGx, GpuBuffer dGh, GpuBuffer dhPrev) =>
        device.Launch("gru_step_backward", LaunchShape.Cover(s.B * s.H),
            [s.B, s.H, s.Time, s.Step, s.DH, s.Col0, dOut, dhNext, hs, gates, hhN, lengths, dGx, dGh, dhPrev]);
}
