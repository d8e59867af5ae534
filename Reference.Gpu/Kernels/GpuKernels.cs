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
/// The three versions of the gemm kernel, the same product: 1, tiled in local memory (gemm.c, the shape
/// for GPUs); 2, an 8 x 8 register block per work-item with no local memory or barrier, B row-major
/// (gemm_rowblock.c); 3, a 6 x 32 register block per work-item with its loops unrolled and k in blocks
/// of 128 a work-group goes through together, B row-major (gemm_panel.c, the shape for CPU devices
/// such as PoCL's).
/// </summary>
public enum GemmVersion { Tiled = 1, RowBlock = 2, Panel = 3 }

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
        if (v != GemmVersion.Tiled && B.ColStride != 1)
            throw new ArgumentException($"{KernelName(v)} needs B row-major (column stride 1) but its column stride is {B.ColStride}", nameof(B));
        if (v == GemmVersion.Panel)
        {
            // work-groups of PanelWgX x PanelWgY blocks (they go through each k block together); the work-items past the edges store nothing
            int blocksX = (N + PanelN - 1) / PanelN, blocksY = (M + PanelM - 1) / PanelM;
            device.Launch("gemm_panel", new LaunchShape((blocksX + PanelWgX - 1) / PanelWgX, (blocksY + PanelWgY - 1) / PanelWgY, PanelWgX, PanelWgY),
            [
                M, N, K,
                A.Buffer, A.Offset, A.RowStride, A.ColStride,
                B.Buffer, B.Offset, B.RowStride,
                C, cOffset, ldc, accumulate,
            ]);
            return;
        }
        if (v == GemmVersion.RowBlock)
        {
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

    /// <summary>The kernel entry of a gemm version.</summary>
    public static string KernelName(GemmVersion version) => version switch
    {
        GemmVersion.Tiled => "gemm",
        GemmVersion.RowBlock => "gemm_rowblock",
        GemmVersion.Panel => "gemm_panel",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "gemm versions are 1, 2 and 3"),
    };

    /// <summary>gemm_panel's block of C per work-item: GEMM3_RM x GEMM3_RN of gemm_panel.c.</summary>
    public const int PanelM = 6, PanelN = 32;

    /// <summary>Work-items per work-group of gemm_panel: PanelWgX blocks along a row of C by PanelWgY down a column.</summary>
    public const int PanelWgX = 4, PanelWgY = 4;

    /// <summary>gemm_rowblock's block of C per work-item: GEMM2_RM x GEMM2_RN of gemm_rowblock.c.</summary>
    public const int RowBlockM = 8, RowBlockN = 8;

    /// <summary>Work-items per work-group of gemm_rowblock (a CPU device runs a work-group as one loop).</summary>
    public const int RowBlockWg = 16;

    /// <summary>output[outOffset + j] = [output +] sum over rows r in order of G[gOffset + r * ldg + j], j &lt; N.</summary>
    public static void ColumnSum(GpuDevice device, int rows, int N, GpuBuffer G, int gOffset, int ldg,
        GpuBuffer output, int outOffset, bool accumulate) =>
        device.Launch("column_sum", LaunchShape.Cover((N + ColumnSumRun - 1) / ColumnSumRun, ColumnSumWg),
            [rows, N, G, gOffset, ldg, output, outOffset, accumulate]);

    /// <summary>output[outOffset + n * M + m] = input[inOffset + m * N + n]: the row-major [N, M] transpose of a row-major [M, N].</summary>
    public static void Transpose(GpuDevice device, int M, int N, GpuBuffer input, int inOffset, GpuBuffer output, int outOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(M);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(N);
        int tilesX = (N + TransposeTile - 1) / TransposeTile, tilesY = (M + TransposeTile - 1) / TransposeTile;
        device.Launch("transpose", new LaunchShape((tilesX + TransposeWg - 1) / TransposeWg, (tilesY + TransposeWg - 1) / TransposeWg, TransposeWg, TransposeWg),
            [M, N, input, inOffset, output, outOffset]);
    }

    /// <summary>transpose's tile per work-item (TRANSPOSE_TILE of transpose.c), and its work-groups of TransposeWg x TransposeWg tiles.</summary>
    public const int TransposeTile = 16, TransposeWg = 4;

    /// <summary>column_sum's columns per work-item (COLSUM_RUN of reduce.c).</summary>
    public const int ColumnSumRun = 16;

    /// <summary>Work-items per work-group of column_sum (N / 16 of them: 64 for lstm-medium's 4 * 256 columns).</summary>
    public const int ColumnSumWg = 8;

    /// <summary>
    /// One work-item per run of `run` neighbouring hidden units of a batch row. The launchers below take
    /// the device's GpuDevice.PointwiseRun unless given another run (the results are the same bits
    /// whatever the run: each element is computed alone).
    /// </summary>
    private static LaunchShape PointwiseShape(GpuDevice device, StepArgs s, int run)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(run);
        return LaunchShape.Cover(s.B * ((s.H + run - 1) / run), run == 1 ? KernelSource.PointwiseWg : PointwiseRunWg);
    }

    /// <summary>Work-items per work-group of the pointwise kernels when each takes a run of hidden units (a CPU device).</summary>
    public const int PointwiseRunWg = 8;

    /// <summary>Sizes and position of one forward or backward step: B, H, time t, processing step, D*H and this direction's first output column.</summary>
    public readonly record struct StepArgs(int B, int H, int Time, int Step, int DH, int Col0);

    public static void RnnStepForward(GpuDevice device, StepArgs s, bool relu, bool hasBias,
        GpuBuffer xProj, GpuBuffer hh, GpuBuffer bih, GpuBuffer bhh, GpuBuffer lengths, GpuBuffer hs, GpuBuffer output, int? run = null) =>
        device.Launch("rnn_step_forward", PointwiseShape(device, s, run ?? device.PointwiseRun),
            [s.B, s.H, run ?? device.PointwiseRun, s.Time, s.Step, relu, hasBias, s.DH, s.Col0, xProj, hh, bih, bhh, lengths, hs, output]);

    public static void LstmStepForward(GpuDevice device, StepArgs s, bool hasBias,
        GpuBuffer xProj, GpuBuffer hh, GpuBuffer bih, GpuBuffer bhh, GpuBuffer lengths,
        GpuBuffer hs, GpuBuffer cs, GpuBuffer gates, GpuBuffer output, int? run = null) =>
        device.Launch("lstm_step_forward", PointwiseShape(device, s, run ?? device.PointwiseRun),
            [s.B, s.H, run ?? device.PointwiseRun, s.Time, s.Step, hasBias, s.DH, s.Col0, xProj, hh, bih, bhh, lengths, hs, cs, gates, output]);

    public static void GruStepForward(GpuDevice device, StepArgs s, bool hasBias,
        GpuBuffer xProj, GpuBuffer hh, GpuBuffer bih, GpuBuffer bhh, GpuBuffer lengths,
        GpuBuffer hs, GpuBuffer gates, GpuBuffer hhN, GpuBuffer output, int? run = null) =>
        device.Launch("gru_step_forward", PointwiseShape(device, s, run ?? device.PointwiseRun),
            [s.B, s.H, run ?? device.PointwiseRun, s.Time, s.Step, hasBias, s.DH, s.Col0, xProj, hh, bih, bhh, lengths, hs, gates, hhN, output]);

    public static void RnnStepBackward(GpuDevice device, StepArgs s, bool relu,
        GpuBuffer dOut, GpuBuffer dhNext, GpuBuffer hs, GpuBuffer lengths, GpuBuffer dGx, GpuBuffer dGh, GpuBuffer dhPrev, int? run = null) =>
        device.Launch("rnn_step_backward", PointwiseShape(device, s, run ?? device.PointwiseRun),
            [s.B, s.H, run ?? device.PointwiseRun, s.Time, s.Step, relu, s.DH, s.Col0, dOut, dhNext, hs, lengths, dGx, dGh, dhPrev]);

    public static void LstmStepBackward(GpuDevice device, StepArgs s,
        GpuBuffer dOut, GpuBuffer dhNext, GpuBuffer dcNext, GpuBuffer hs, GpuBuffer cs, GpuBuffer gates, GpuBuffer lengths,
        GpuBuffer dGx, GpuBuffer dGh, GpuBuffer dhPrev, GpuBuffer dcPrev, int? run = null) =>
        device.Launch("lstm_step_backward", PointwiseShape(device, s, run ?? device.PointwiseRun),
            [s.B, s.H, run ?? device.PointwiseRun, s.Time, s.Step, s.DH, s.Col0, dOut, dhNext, dcNext, hs, cs, gates, lengths, dGx, dGh, dhPrev, dcPrev]);

    public static void GruStepBackward(GpuDevice device, StepArgs s,
        GpuBuffer dOut, GpuBuffer dhNext, GpuBuffer hs, GpuBuffer gates, GpuBuffer hhN, GpuBuffer lengths,
        GpuBuffer dGx, GpuBuffer dGh, GpuBuffer dhPrev, int? run = null) =>
        device.Launch("gru_step_backward", PointwiseShape(device, s, run ?? device.PointwiseRun),
            [s.B, s.H, run ?? device.PointwiseRun, s.Time, s.Step, s.DH, s.Col0, dOut, dhNext, hs, gates, hhN, lengths, dGx, dGh, dhPrev]);
}
