// The fast matrix product: C[M, N] += A·B in the three layouts the stacks need, packed and
// cache-blocked after Goto and van de Geijn ("Anatomy of high-performance matrix
// multiplication", 2008) and BLIS, with a vector FMA micro-kernel (GemmKernel.cs).
// MatMul's triple loops are its meaning; FastMatMul maps MatMul's calls onto it.
//
//   for pc in 0 .. K step KC                     depth block: Ap and Bp panels fit the caches
//     pack A(ic .. ic+MC, pc .. pc+KC) -> Ap     one block of rows, kept in L2
//     for jr in the task's columns step NR       Bp micro-panel [KC][NR], kept in L1
//       for ir in 0 .. MC step MR
//         C(ic+ir .., jr ..) += Ap(ir) · Bp(jr)   micro-kernel: an MR x NR tile in registers
//
// B is packed once for the whole product (PackB; reusable across products, as the recurrent
// loop does with W_hh for every step). Threads split C into tasks of whole tiles (row blocks
// of MC x column chunks of whole NR panels; SharedTasks hands them to the calling thread and to
// helpers that join it while tasks are left) and never split the depth K: every element of C
// is computed by the same operations in the same order (its tile's FMA chain over each depth
// block, the blocks added to C in order pc = 0, KC, 2KC, ...), whichever thread computes it
// and however many there are. So the result is bit-identical for 1 and N threads.
// Spec/performance.md has the design and the measured rates.
using System.Buffers;
using System.Runtime.CompilerServices;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Fast;

/// <summary>The three products of a layer's forward and backward pass, C[M, N] += ...</summary>
public enum GemmLayout
{
    /// <summary>C += A·Bᵀ, A [M, K], B [N, K]: the forward product x·Wᵀ.</summary>
    ABt,
    /// <summary>C += A·B, A [M, K], B [K, N]: the input gradient dY·W.</summary>
    AB,
    /// <summary>C += Aᵀ·B, A [K, M], B [K, N]: the weight gradient dYᵀ·X.</summary>
    AtB,
}

/// <summary>
/// The B operand of a product packed into the micro-kernel's panels (GemmPacking), for all K depths
/// and N columns. Pack once, multiply many times; Dispose returns the buffer to the pool.
/// </summary>
public sealed class PackedB : IDisposable
{
    private double[]? _data;

    internal PackedB(double[] data, GemmLayout layout, int K, int N, GemmKernel kernel, int NR)
    {
        _data = data;
        Layout = layout;
        this.K = K;
        this.N = N;
        Kernel = kernel;
        this.NR = NR;
    }

    /// <summary>The layout it was packed for (ABt packs B stored [N, K], AB and AtB B stored [K, N]).</summary>
    public GemmLayout Layout { get; }

    /// <summary>K: the depth of the product (B's shared dimension with A).</summary>
    public int K { get; }

    /// <summary>N: the columns of the product C.</summary>
    public int N { get; }

    internal GemmKernel Kernel { get; }

    internal int NR { get; }

    /// <summary>N rounded up to whole NR panels: the row length of one packed depth.</summary>
    internal int PaddedN => GemmPacking.RoundUp(N, NR);

    /// <summary>The packed depths p0 .. p0+kc: [PaddedN / NR panels][kc][NR].</summary>
    internal ReadOnlySpan<double> Depths(int p0, int kc)
    {
        ObjectDisposedException.ThrowIf(_data is null, this);
        return _data.AsSpan(p0 * PaddedN, kc * PaddedN);
    }

    /// <summary>Returns the packed buffer to the pool; the PackedB cannot be used afterwards.</summary>
    public void Dispose()
    {
        if (_data is not null) ArrayPool<double>.Shared.Return(_data);
        _data = null;
    }
}

/// <summary>The fast matrix product C[M, N] += A·B in three layouts, packed and cache-blocked with a vector FMA micro-kernel; bit-identical for any thread count (Spec/performance.md).</summary>
public static class Gemm
{
    /// <summary>Depth block: an Ap micro-panel (MR x KC) and a Bp micro-panel (KC x NR) stay in L1.</summary>
    public const int KC = 256;

    /// <summary>Row block: the packed A block (MC x KC) stays in L2. A multiple of both kernels' MR.</summary>
    public const int MC = 192;

    /// <summary>
    /// Fewest multiply-adds of a product split across threads: a smaller one runs on the calling
    /// thread alone, a larger one is split into two tasks per thread. 2^24 is about 0.7 ms on one
    /// core here: a product of a millisecond cannot win back a helper that the machine preempts while
    /// it holds a task (the caller then waits a scheduler time slice for it). None of the small
    /// benchmark workloads' products is split (the per-step 32 x 256 x 64, the 13-million input
    /// projections, lstm-small's dW_hh at 2^24.6 is); lstm-medium's per-step 64 x 1024 x 256 = 2^24
    /// and everything larger is split as before. See Spec/performance.md.
    /// </summary>
    public const long MinSplitWork = 1L << 24;

    /// <summary>C[M, N] += the layout's product of a and b (see GemmLayout), on up to threads threads.</summary>
    public static void Multiply(GemmLayout layout, ReadOnlyMemory<double> a, ReadOnlyMemory<double> b,
        int M, int N, int K, Memory<double> c, int threads, GemmKernel kernel = GemmKernel.Best)
    {
        CheckSizes(M, N, K, threads);
        Require.Length(b.Span, nameof(b), layout == GemmLayout.ABt ? "N*K" : "K*N", layout == GemmLayout.ABt ? N : K, layout == GemmLayout.ABt ? K : N);
        using var packed = PackB(layout, b, K, N, kernel);
        Multiply(layout, a, packed, M, c, threads);
    }

    /// <summary>Packs b, the B operand of the layout ([N, K] for ABt, [K, N] otherwise), for Multiply.</summary>
    public static PackedB PackB(GemmLayout layout, ReadOnlyMemory<double> b, int K, int N, GemmKernel kernel = GemmKernel.Best)
    {
        Require.Size(K, nameof(K));
        Require.Size(N, nameof(N));
        bool bTransposed = layout == GemmLayout.ABt;
        var span = b.Span;
        Require.Length(span, nameof(b), bTransposed ? "N*K" : "K*N", bTransposed ? N : K, bTransposed ? K : N);
        var resolved = GemmKernels.Resolve(kernel);
        int NR = GemmKernels.Tile(resolved).NR;
        int paddedN = GemmPacking.RoundUp(N, NR);
        var data = ArrayPool<double>.Shared.Rent(Math.Max(1, K * paddedN));
        for (int p0 = 0; p0 < K; p0 += KC)
        {
            int kc = Math.Min(KC, K - p0);
            GemmPacking.PackB(span, bTransposed, K, N, p0, kc, 0, N, NR, data.AsSpan(p0 * paddedN, kc * paddedN));
        }
        return new PackedB(data, layout, K, N, resolved, NR);
    }

    /// <summary>C[M, N] += the layout's product of a and the packed b, on up to threads threads.</summary>
    public static void Multiply(GemmLayout layout, ReadOnlyMemory<double> a, PackedB b, int M, Memory<double> c, int threads)
    {
        ArgumentNullException.ThrowIfNull(b);
        int N = b.N, K = b.K;
        CheckSizes(M, N, K, threads);
        if (b.Layout != layout)
            throw new ArgumentException($"b was packed for layout {b.Layout} but the product is {layout}", nameof(b));
        bool aTransposed = layout == GemmLayout.AtB;
        Require.Length(a.Span, nameof(a), aTransposed ? "K*M" : "M*K", aTransposed ? K : M, aTransposed ? M : K);
        Require.Length(c.Span, nameof(c), "M*N", M, N);
        if (M == 0 || N == 0 || K == 0) return;

        var plan = Plan(M, N, K, threads, b.Kernel);
        if (!plan.Parallel)
        {
            for (int task = 0; task < plan.Tasks; task++) RunTask(task, plan, aTransposed, a.Span, b, M, c.Span);
            return;
        }
        SharedTasks.Run(plan.Tasks, threads, task => RunTask(task, plan, aTransposed, a.Span, b, M, c.Span));
    }

    /// <summary>
    /// Into how many tasks (whole tiles of C) a product of these sizes is split to run in parallel on
    /// threads threads; 1 when it runs on the calling thread alone.
    /// </summary>
    public static int ParallelTasks(int M, int N, int K, int threads, GemmKernel kernel = GemmKernel.Best)
    {
        CheckSizes(M, N, K, threads);
        var plan = Plan(M, N, K, threads, GemmKernels.Resolve(kernel));
        return plan.Parallel ? plan.Tasks : 1;
    }

    /// <summary>
    /// A split of C into RowParts x ColParts tasks: row ranges of whole MR tiles times column ranges
    /// of whole NR panels, as even as the tiles allow.
    /// </summary>
    private readonly record struct TaskPlan(GemmKernel Kernel, int MR, int NR, int RowParts, int ColParts, bool Parallel)
    {
        public int Tasks => RowParts * ColParts;
    }

    private static TaskPlan Plan(int M, int N, int K, int threads, GemmKernel kernel)
    {
        var (MR, NR) = GemmKernels.Tile(kernel);
        int rowTiles = Math.Max(1, (M + MR - 1) / MR), colTiles = Math.Max(1, (N + NR - 1) / NR);
        long work = (long)M * N * K;
        // two tasks per thread (some slack when another process takes a core), none below MinSplitWork
        int tasks = work < MinSplitWork ? 1 : 2 * threads;
        if (threads == 1 || tasks < 2) return new TaskPlan(kernel, MR, NR, 1, 1, false);
        // Of the splits rows x cols = tasks, the one whose tasks have the smallest rows + cols: each
        // task packs its rows of A and reads its columns of the packed B, so this moves the least.
        (int rows, int cols) best = (0, 0);
        long bestCost = long.MaxValue;
        for (int rowParts = 1; rowParts <= tasks; rowParts++)
        {
            if (tasks % rowParts != 0) continue;
            int colParts = tasks / rowParts;
            if (rowParts > rowTiles || colParts > colTiles) continue;
            long cost = (long)(rowTiles + rowParts - 1) / rowParts * MR + (long)(colTiles + colParts - 1) / colParts * NR;
            if (cost < bestCost) (bestCost, best) = (cost, (rowParts, colParts));
        }
        if (best.rows == 0) best = (Math.Min(tasks, rowTiles), 1);   // too few tiles for an exact split
        return new TaskPlan(kernel, MR, NR, best.rows, best.cols, best.rows * best.cols > 1);
    }

    /// <summary>
    /// One task: row range task / ColParts and column range task % ColParts, each a whole number of
    /// tiles. Every tile is computed exactly as in any other split.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunTask(int task, TaskPlan plan, bool aTransposed, ReadOnlySpan<double> a, PackedB b, int M, Span<double> c)
    {
        int N = b.N, K = b.K, MR = plan.MR, NR = plan.NR;
        int rowTiles = Math.Max(1, (M + MR - 1) / MR), colTiles = Math.Max(1, (N + NR - 1) / NR);
        int rowPart = task / plan.ColParts, colPart = task % plan.ColParts;
        int i0 = rowPart * rowTiles / plan.RowParts * MR;                   // the task's first row
        int i1 = Math.Min(M, (rowPart + 1) * rowTiles / plan.RowParts * MR); // past its last row
        int j0 = colPart * colTiles / plan.ColParts * NR;                   // its first column
        int j1 = Math.Min(N, (colPart + 1) * colTiles / plan.ColParts * NR); // past its last column
        if (i0 >= i1 || j0 >= j1) return;
        for (int ic = i0; ic < i1; ic += MC)
            RunBlock(plan, aTransposed, a, b, M, ic, Math.Min(MC, i1 - ic), j0, j1, c);
    }

    /// <summary>Rows ic .. ic+mc and columns j0 .. j1 of C: the depth loop, packing, and the tiles.</summary>
    /// <remarks>
    /// A stored [M, K] (ABt, AB) with K &lt;= KC: the tiles of MR whole rows read A where it is stored
    /// (GemmKernels.RunRows, the same FMAs as on a packed panel); only a last tile of fewer rows is
    /// packed, with zeros below. With K > KC, A is packed. A stored [K, M] (AtB) is packed, its MR rows of one depth being
    /// contiguous: a copy.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlock(TaskPlan plan, bool aTransposed, ReadOnlySpan<double> a, PackedB b, int M,
        int ic, int mc, int j0, int j1, Span<double> c)
    {
        int N = b.N, K = b.K, MR = plan.MR, NR = plan.NR;
        // in place only when one depth block holds all of K: then a block's rows are contiguous, as a
        // packed block is; longer rows (stride K > KC) would put a tile's rows into the same cache sets
        int inPlaceRows = aTransposed || K > KC ? 0 : mc / MR * MR;         // rows ic .. ic+inPlaceRows read in place
        int packedRows = mc - inPlaceRows;                                   // the rest, packed into ap
        var ap = packedRows > 0 ? ArrayPool<double>.Shared.Rent(GemmPacking.RoundUp(packedRows, MR) * Math.Min(KC, K)) : null;
        Span<double> edge = stackalloc double[MR * NR];                      // an edge tile's sums
        try
        {
            for (int p0 = 0; p0 < K; p0 += KC)
            {
                int kc = Math.Min(KC, K - p0);
                if (ap is not null) GemmPacking.PackA(a, aTransposed, M, K, ic + inPlaceRows, packedRows, p0, kc, MR, ap);
                var bDepths = b.Depths(p0, kc);
                for (int jr = j0; jr < j1; jr += NR)
                {
                    var bPanel = bDepths.Slice(jr * kc, kc * NR);
                    int cols = Math.Min(NR, N - jr);
                    for (int ir = 0; ir < mc; ir += MR)
                    {
                        bool inPlace = ir < inPlaceRows;
                        var aRows = inPlace ? a.Slice((ic + ir) * K + p0) : default;          // A(ic+ir, p0), row stride K
                        var aPanel = inPlace ? default : ap.AsSpan((ir - inPlaceRows) * kc, kc * MR);
                        int rows = Math.Min(MR, mc - ir), at = (ic + ir) * N + jr;
                        if (rows == MR && cols == NR)
                        {
                            if (inPlace) GemmKernels.RunRows(plan.Kernel, kc, aRows, K, bPanel, c.Slice(at), N);
                            else GemmKernels.Run(plan.Kernel, kc, aPanel, bPanel, c.Slice(at), N);
                            continue;
                        }
                        // edge tile: the same kernel on the zero-padded panels, then its valid part
                        edge.Clear();
                        if (inPlace) GemmKernels.RunRows(plan.Kernel, kc, aRows, K, bPanel, edge, NR);
                        else GemmKernels.Run(plan.Kernel, kc, aPanel, bPanel, edge, NR);
                        for (int i = 0; i < rows; i++)
                        {
                            var cRow = c.Slice(at + i * N, cols);
                            var sums = edge.Slice(i * NR, cols);
                            for (int j = 0; j < cols; j++) cRow[j] += sums[j];
                        }
                    }
                }
            }
        }
        finally
        {
            if (ap is not null) ArrayPool<double>.Shared.Return(ap);
        }
    }

    private static void CheckSizes(int M, int N, int K, int threads)
    {
        Require.Size(M, nameof(M));
        Require.Size(N, nameof(N));
        Require.Size(K, nameof(K));
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"threads must be at least 1 but is {threads}");
    }
}
