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
/// The four versions of the gemm kernel, the same product: 1, tiled in local memory (gemm.c, the shape
/// for GPUs); 2, an 8 x 8 register block per work-item with no local memory or barrier, B row-major
/// (gemm_rowblock.c); 3, a 6 x 32 register block per work-item with its loops unrolled and k in blocks
/// of 128 a work-group goes through together, B row-major (gemm_panel.c); 4, A and B first packed into
/// contiguous panels (A only when its rows are not contiguous), then a tile of C per work-item in vector
/// registers, sized for the device's (PackedTile), any layout of A and B (gemm_packed.c, the shape for CPU devices such as PoCL's).
/// </summary>
public enum GemmVersion { Tiled = 1, RowBlock = 2, Panel = 3, Packed = 4 }

/// <summary>
/// The right operand B [K, N] of products C = A · B, made ready once for the device's gemm (PrepareB) and
/// then used for any number of products with left operands of up to MaxM rows: with version 4, B packed
/// into gemm_packed's panels (Panels); otherwise the view itself, which Gemm reads.
/// </summary>
public sealed record PreparedB(int K, int N, MatrixView View, int MaxM, GpuBuffer? Panels);

/// <summary>
/// The left operand A [M, K] of products C = A · B, made ready once (PrepareA) for several products with
/// the same A: with version 4, A packed into gemm_packed's panels (Panels); otherwise the view itself.
/// </summary>
public sealed record PreparedA(int M, int K, MatrixView View, GpuBuffer? Panels);

public static class GpuKernels
{
    /// <summary>
    /// C[M, N] (row-major, ldc, from cOffset) = [C +] A · B, A viewed [M, K], B viewed [K, N], with the
    /// given gemm version, or the device's preferred one when B is row-major or the preferred one is
    /// version 4 (which takes any layout), else the tiled one. Version 4 packs B for this one product:
    /// to reuse B's packing over many products, PrepareB once and call the overload that takes it.
    /// </summary>
    public static void Gemm(GpuDevice device, int M, int N, int K, MatrixView A, MatrixView B,
        GpuBuffer C, int cOffset, int ldc, bool accumulate, GemmVersion? version = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(M);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(N);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(K);
        var v = version ?? (B.ColStride == 1 || device.PreferredGemm == GemmVersion.Packed ? device.PreferredGemm : GemmVersion.Tiled);
        if ((v is GemmVersion.RowBlock or GemmVersion.Panel) && B.ColStride != 1)
            throw new ArgumentException($"{KernelName(v)} needs B row-major (column stride 1) but its column stride is {B.ColStride}", nameof(B));
        if (v == GemmVersion.Packed)
        {
            using var scratch = new BufferScope(device);
            Gemm(device, M, A, PackB(device, scratch, K, N, B, M), C, cOffset, ldc, accumulate);
            device.Finish();   // the panels are freed on return
            return;
        }
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
        GemmVersion.Packed => "gemm_packed",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "gemm versions are 1, 2, 3 and 4"),
    };

    /// <summary>
    /// B [K, N] made ready for products with left operands of up to maxM rows: on a device whose preferred
    /// gemm is version 4, packed into panels now (buffers from scope), so that every later product reads the
    /// panels; on others, the view as it is.
    /// </summary>
    public static PreparedB PrepareB(GpuDevice device, BufferScope scope, int K, int N, MatrixView B, int maxM)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(K);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(N);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxM);
        return device.PreferredGemm == GemmVersion.Packed ? PackB(device, scope, K, N, B, maxM) : new PreparedB(K, N, B, maxM, null);
    }

    /// <summary>
    /// C[M, N] (row-major, ldc, from cOffset) = [C +] A · B, A viewed [M, K] (M at most B.MaxM), with B made
    /// ready by PrepareB. Version 4 reads A where it is when A's rows are contiguous (column stride 1: each
    /// of a tile's rows is read along k, faster than a pass to pack it), and otherwise packs it first.
    /// </summary>
    public static void Gemm(GpuDevice device, int M, MatrixView A, PreparedB B, GpuBuffer C, int cOffset, int ldc, bool accumulate)
    {
        ArgumentNullException.ThrowIfNull(B);
        if (B.Panels is null) Gemm(device, M, B.N, B.K, A, B.View, C, cOffset, ldc, accumulate);
        else if (A.ColStride == 1) GemmPacked(device, M, InPlace(A, device.PackedTile.Rows), B, C, cOffset, ldc, accumulate);
        else
        {
            // A's panels for this product only: their memory goes back to the device's pool, and the next
            // command that takes it runs after this product (the commands run in order)
            using var scratch = new BufferScope(device);
            int mr = device.PackedTile.Rows;
            var panels = scratch.Allocate(PanelsLength(M, mr, B.K));
            Pack(device, M, B.K, A, mr, panels);
            GemmPacked(device, M, Packed(panels, mr, B.K), B, C, cOffset, ldc, accumulate);
        }
    }

    /// <summary>
    /// A [M, K] made ready for several products with the same left operand: on a device whose preferred gemm
    /// is version 4, packed into panels now (a buffer from scope), whatever its layout; on others, the view.
    /// </summary>
    public static PreparedA PrepareA(GpuDevice device, BufferScope scope, int M, int K, MatrixView A)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(M);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(K);
        if (device.PreferredGemm != GemmVersion.Packed) return new PreparedA(M, K, A, null);
        int mr = device.PackedTile.Rows;
        var panels = scope.Allocate(PanelsLength(M, mr, K));
        Pack(device, M, K, A, mr, panels);
        return new PreparedA(M, K, A, panels);
    }

    /// <summary>C[A.M, N] (row-major, ldc, from cOffset) = [C +] A · B, both operands made ready (PrepareA, PrepareB) for the same K.</summary>
    public static void Gemm(GpuDevice device, PreparedA A, PreparedB B, GpuBuffer C, int cOffset, int ldc, bool accumulate)
    {
        ArgumentNullException.ThrowIfNull(A);
        ArgumentNullException.ThrowIfNull(B);
        if (A.K != B.K) throw new ArgumentException($"A was prepared with K = {A.K} but B with K = {B.K}", nameof(B));
        if ((A.Panels is null) != (B.Panels is null)) throw new ArgumentException("A and B were prepared on devices with different gemm versions", nameof(B));
        if (B.Panels is null) Gemm(device, A.M, B.N, B.K, A.View, B.View, C, cOffset, ldc, accumulate);
        else GemmPacked(device, A.M, Packed(A.Panels!, device.PackedTile.Rows, B.K), B, C, cOffset, ldc, accumulate);
    }

    /// <summary>Version 4: B packed into panels of the device's PackedTile.Columns columns (gemm_pack), for left operands of up to maxM rows.</summary>
    private static PreparedB PackB(GpuDevice device, BufferScope scope, int K, int N, MatrixView B, int maxM)
    {
        int nr = device.PackedTile.Columns;
        var panels = scope.Allocate(PanelsLength(N, nr, K));
        // Bp is the packing of B^T: X(n, k) = B(k, n), so X's row stride is B's column stride
        Pack(device, N, K, new MatrixView(B.Buffer, B.Offset, B.ColStride, B.RowStride), nr, panels);
        return new PreparedB(K, N, B, maxM, panels);
    }

    /// <summary>How gemm_packed reads A: A(p * MR + i, k) = Buffer[Offset + p * Panel + i * Row + k * K] (gemm_packed.c).</summary>
    private readonly record struct PackedAView(GpuBuffer Buffer, int Offset, int Panel, int Row, int K);

    /// <summary>A view read where it is: panels of mr rows, mr row strides apart.</summary>
    private static PackedAView InPlace(MatrixView A, int mr) => new(A.Buffer, A.Offset, mr * A.RowStride, A.RowStride, A.ColStride);

    /// <summary>Panels of mr rows of A (gemm_pack's layout) for products over K.</summary>
    private static PackedAView Packed(GpuBuffer panels, int mr, int K) => new(panels, 0, K * mr, 1, mr);

    /// <summary>Version 4: C from A (packed or in place) and B's panels (gemm_packed).</summary>
    private static void GemmPacked(GpuDevice device, int M, PackedAView A, PreparedB B, GpuBuffer C, int cOffset, int ldc, bool accumulate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(M);
        if (M > B.MaxM) throw new ArgumentOutOfRangeException(nameof(M), M, $"B was prepared for left operands of at most {B.MaxM} rows");
        var tile = device.PackedTile;
        int tilesX = (B.N + tile.Columns - 1) / tile.Columns, tilesY = (M + tile.Rows - 1) / tile.Rows;
        int wgX = Math.Min(PackedWgX, tilesX), wgY = Math.Min(PackedWgY, tilesY);
        device.Launch("gemm_packed", new LaunchShape((tilesX + wgX - 1) / wgX, (tilesY + wgY - 1) / wgY, wgX, wgY),
            [M, B.N, B.K, A.Buffer, A.Offset, A.Panel, A.Row, A.K, B.Panels!, C, cOffset, ldc, accumulate]);
    }

    /// <summary>
    /// Xp[(p * cols + c) * width + i] = X(p * width + i, c), 0 past the last row: X [rows, cols] in panels of
    /// `width` rows (gemm_pack), work-items along whichever of X's dimensions is contiguous.
    /// </summary>
    public static void Pack(GpuDevice device, int rows, int cols, MatrixView X, int width, GpuBuffer panels)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (panels.Length < PanelsLength(rows, width, cols))
            throw new ArgumentException($"panels holds {panels.Length} elements but [{rows}, {cols}] in panels of {width} rows needs {PanelsLength(rows, width, cols)}", nameof(panels));
        int count = (rows + width - 1) / width;
        bool panelsFast = X.RowStride < X.ColStride;
        var shape = panelsFast
            ? new LaunchShape((count + PackWg - 1) / PackWg, (cols + PackRun - 1) / PackRun, PackWg, 1)
            : new LaunchShape((cols + PackWg - 1) / PackWg, count, PackWg, 1);
        device.Launch("gemm_pack", shape, [rows, cols, X.Buffer, X.Offset, X.RowStride, X.ColStride, width, panelsFast, panels]);
    }

    /// <summary>Elements of the panels of a [rows, cols] matrix in panels of `width` rows: rows rounded up to width, times cols.</summary>
    public static int PanelsLength(int rows, int width, int cols) => checked((rows + width - 1) / width * width * cols);

    /// <summary>Work-groups of gemm_packed: up to PackedWgX tiles along a row of C by PackedWgY down a column.</summary>
    public const int PackedWgX = 2, PackedWgY = 16;

    /// <summary>gemm_pack: work-items per work-group, and columns per work-item when the panels are the contiguous dimension (PACK_RUN).</summary>
    public const int PackWg = 16, PackRun = 16;

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
