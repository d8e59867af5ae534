// One layer and direction of the recurrent stack on the fast path (Compute.Fast): the same
// computation as RecurrentLayer's DirectionForward / DirectionBackward and the cells' Step
// functions, which are its meaning, arranged as cuDNN arranges it. RecurrentLayer runs the layer
// and direction loops and the shape checks for both paths and calls in here for Compute.Fast;
// the cache written here is the plain path's DirectionCache, so either backward can read it.
//
// Forward
//   xProj = x W_ihᵀ + b_ih                     one product over all T*B rows (as the plain path), in
//                                              blocks of steps a free thread computes ahead of the loop;
//                                              the LSTM's written straight into its gate buffer, + b_hh
//   per step: hh = h_{t-1} W_hhᵀ + b_hh        Gemm on W_hh packed once for all steps (the LSTM's
//                                              added into the gate buffer)
//             gates, c_t, h_t from xProj[t], hh  GateKernels (vector pointwise)
// Backward
//   reversed loop, per step: the gate gradients dL/da_t (GateKernels) and
//             dh_{t-1} = dL/dhh_t · W_hh (+ the pointwise paths: c, GRU's z, lengths)
//   after the loop, single products over all T*B rows:
//             dW_hh += Σ_t dL/dhh_tᵀ h_{t-1},  db_hh += Σ_t dL/dhh_t
//             dW_ih += Σ_t dL/da_tᵀ x_t,       db_ih += Σ_t dL/da_t,   dx_t += dL/da_t W_ih
// where the plain path adds dW_hh and db_hh one step at a time inside the loop.
//
// The scratch buffers of one call (xProj in Forward; dxProj, dhh and the time-ordered states in
// Backward) are rented from ArrayPool and returned before the call ends: at these sizes they
// are large-object-heap arrays, and allocating them anew at every call costs full garbage
// collections. Rented arrays may be longer than asked and hold old values: every buffer below
// is sliced to its exact length and fully written before it is read.
//
// T = steps, B = batch, I = layer input size, H = hidden size, G = gate blocks; row-major,
// time-major. threads: Gemm's thread count (the result does not depend on it). Internal: the
// public seam is RecurrentLayer.Forward(..., Compute.Fast(n)), which checks every shape first.
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Fast;

internal static class FastRecurrentDirection
{
    /// <summary>The cells this path runs: the RNN, LSTM and PyTorch's GRU (the reset-before GRU runs on the loops).</summary>
    internal static bool Runs(CellKind kind) => kind is CellKind.RnnTanh or CellKind.RnnRelu or CellKind.Lstm or CellKind.Gru;

    /// <summary>DirectionForward of RecurrentLayer on the fast path: fills layerOutput's columns d*H .. d*H+H-1.</summary>
    internal static DirectionCache Forward(
        RecurrentConfig config, NamedTensors p, int l, int d,
        double[] x,            // [T, B, I_l]
        int T, int B, int[] lengths,
        double[] h0,           // [B, H]
        double[] c0,           // [B, H]
        double[] layerOutput,  // [T, B, D*H]
        int threads)
    {
        int H = config.HiddenSize, In = config.LayerInputSize(l), GH = config.Gates * H;
        string s = RecurrentConfig.Suffix(l, d);
        var Wih = p["weight_ih" + s].Data;                                          // [G*H, I_l]
        var Whh = p["weight_hh" + s].Data;                                          // [G*H, H]
        var bih = config.Bias ? p["bias_ih" + s].Data : [];                         // [G*H]
        var bhh = config.Bias ? p["bias_hh" + s].Data : [];                         // [G*H]

        // The input projection does not depend on the state: one product for all steps, computed in
        // blocks of steps. The LSTM's goes straight into its gate buffer (the cache's), in step order,
        // with both biases: each step then adds h_{t-1} W_hhᵀ to it. The RNN's and the GRU's go into
        // a scratch xProj, in time order. A small projection (under Gemm.MinSplitWork) is computed in
        // blocks of ProjectionBlockRows rows, ahead of the time loop by a free thread (BlocksAhead) or
        // by the loop itself just before it needs them; a larger one is one product split across the
        // threads, before the loop. Either way each row gets the same bits.
        bool lstm = config.Kind == CellKind.Lstm;
        bool ahead = (long)T * B * GH * In < Gemm.MinSplitWork;
        int S = ahead ? Math.Max(1, ProjectionBlockRows / B) : T;                  // steps per block
        int productThreads = ahead ? 1 : threads;
        var pool = ArrayPool<double>.Shared;
        var gates = lstm || config.Kind == CellKind.Gru ? GC.AllocateUninitializedArray<double>(T * B * GH) : [];   // [T, B, G*H] by step
        var xProjRented = lstm ? null : pool.Rent(T * B * GH);
        var reversedRented = lstm && d == 1 ? pool.Rent(T * B * In) : null;
        var biases = new double[GH];                                                 // the LSTM's b_ih + b_hh, else b_ih
        for (int j = 0; j < GH && config.Bias; j++) biases[j] = lstm ? bih[j] + bhh[j] : bih[j];
        var WihPacked = Gemm.PackB(GemmLayout.ABt, Wih, In, GH);                  // W_ih as B of x·W_ihᵀ
        BlocksAhead? projection = null;
        try
        {
            var xProj = lstm ? Memory<double>.Empty : xProjRented.AsMemory(0, T * B * GH);   // [T, B, G*H] by time
            // block k: steps s0 .. s1-1, the rows of times t0 .. t0 + (s1 - s0) - 1
            void Project(int k)
            {
                int s0 = k * S, s1 = Math.Min(T, s0 + S), rows = (s1 - s0) * B;
                int t0 = d == 0 ? s0 : T - s1;
                var xRows = x.AsMemory(t0 * B * In, rows * In);                     // x[t0 .. t0 + s1 - s0]
                Memory<double> output;                                              // [rows, G*H]
                if (lstm)
                {
                    // gates[step, b, :] = (b_ih + b_hh) + x_t W_ihᵀ, the reverse direction's x_t copied into step order
                    if (reversedRented is not null)
                    {
                        for (int step = s0; step < s1; step++)
                            x.AsSpan((T - 1 - step) * B * In, B * In).CopyTo(reversedRented.AsSpan(step * B * In));
                        xRows = reversedRented.AsMemory(s0 * B * In, rows * In);
                    }
                    output = gates.AsMemory(s0 * B * GH, rows * GH);
                }
                else output = xProj.Slice(t0 * B * GH, rows * GH);                  // xProj[t] = b_ih + x_t W_ihᵀ
                var outSpan = output.Span;
                for (int r = 0; r < rows; r++) biases.CopyTo(outSpan.Slice(r * GH, GH));
                Gemm.Multiply(GemmLayout.ABt, xRows, WihPacked, rows, output, productThreads);
            }
            projection = BlocksAhead.Start((T + S - 1) / S, ahead ? threads : 1, Project);
            return ForwardSteps(config, Whh, bhh, xProj, gates, T, B, d, lengths, h0, c0, layerOutput, projection, S, threads);
        }
        finally
        {
            projection?.Finish();                                                   // no helper still writes the buffers below
            WihPacked.Dispose();
            if (xProjRented is not null) pool.Return(xProjRented);
            if (reversedRented is not null) pool.Return(reversedRented);
        }
    }

    /// <summary>
    /// Rows of one block of the forward's input projection when it is computed ahead of the time
    /// loop: 128 (four steps of batch 32; about 45 µs of lstm-small's projection, so a free thread
    /// stays ahead of the loop and the loop rarely waits for a block).
    /// </summary>
    internal const int ProjectionBlockRows = 128;

    /// <summary>
    /// Forward's time loop, from the input projection xProj [T, B, G*H] (the RNN, the GRU) or, for
    /// the LSTM, from gates [T, B, 4H] holding x_t W_ihᵀ + b_ih + b_hh by step; the projection's
    /// block step / stepsPerBlock is asked for before its first step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static DirectionCache ForwardSteps(RecurrentConfig config, double[] Whh, double[] bhh, ReadOnlyMemory<double> xProjMemory, double[] gates,
        int T, int B, int d, int[] lengths, double[] h0, double[] c0, double[] layerOutput,
        BlocksAhead projection, int stepsPerBlock, int threads)
    {
        int H = config.HiddenSize, GH = config.Gates * H;

        // Every element below is written before it is read: rows 0 from h0 and c0, the rest by the steps.
        var hs = GC.AllocateUninitializedArray<double>((T + 1) * B * H);            // [T+1, B, H]
        var cs = config.HasCellState ? GC.AllocateUninitializedArray<double>((T + 1) * B * H) : [];   // [T+1, B, H]
        var hhN = config.Kind == CellKind.Gru ? GC.AllocateUninitializedArray<double>(T * B * H) : [];
        var xProj = xProjMemory.Span;
        var hh = config.Kind == CellKind.Gru ? new double[B * GH] : [];             // [B, G*H] h_{t-1} W_hhᵀ + b_hh (GRU)
        h0.CopyTo(hs, 0);
        if (config.HasCellState) c0.CopyTo(cs, 0);

        using var WhhPacked = Gemm.PackB(GemmLayout.ABt, Whh, H, GH);               // W_hh as B of h·W_hhᵀ
        for (int step = 0; step < T; step++)
        {
            int t = d == 0 ? step : T - 1 - step;
            if (step % stepsPerBlock == 0) projection.Need(step / stepsPerBlock);    // this step's row of the projection
            var hPrev = hs.AsMemory(step * B * H, B * H);
            var h = hs.AsSpan((step + 1) * B * H, B * H);
            if (config.Kind == CellKind.Lstm)
            {
                // gates[step] += h_{t-1} W_hhᵀ, then the pointwise cell
                var a = gates.AsMemory(step * B * GH, B * GH);
                Gemm.Multiply(GemmLayout.ABt, hPrev, WhhPacked, B, a, threads);
                GateKernels.LstmForward(cs.AsSpan(step * B * H, B * H), B, H, a.Span, cs.AsSpan((step + 1) * B * H, B * H), h);
                RecurrentLayer.WriteStepOutput(config, d, t, step, B, lengths, hs, cs, layerOutput);
                continue;
            }
            var xp = xProj.Slice(t * B * GH, B * GH);                               // xProj[t]
            // hh = b_hh + h_{t-1} W_hhᵀ   (into h_t for the RNN, as its cell does)
            var target = config.Kind == CellKind.Gru ? hh.AsMemory() : hs.AsMemory((step + 1) * B * H, B * H);
            var targetSpan = target.Span;
            if (bhh.Length == 0) targetSpan.Clear();
            else for (int b = 0; b < B; b++) bhh.CopyTo(targetSpan.Slice(b * GH, GH));
            Gemm.Multiply(GemmLayout.ABt, hPrev, WhhPacked, B, target, threads);
            if (config.Kind == CellKind.Gru)
                GateKernels.GruForward(xp, hh, hPrev.Span, B, H,
                    gates.AsSpan(step * B * GH, B * GH), hhN.AsSpan(step * B * H, B * H), h);
            else
                GateKernels.RnnForward(xp, config.Kind == CellKind.RnnRelu, h);
            RecurrentLayer.WriteStepOutput(config, d, t, step, B, lengths, hs, cs, layerOutput);
        }
        return new DirectionCache(hs, cs, gates, hhN);
    }

    /// <summary>DirectionBackward of RecurrentLayer on the fast path (same arguments, no step record).</summary>
    internal static void Backward(
        RecurrentCache cache, NamedTensors grads, int l, int d,
        double[] dLayerOut,    // [T, B, D*H]  upstream gradient of this layer's output
        double[] dhNext,       // [B, H]       starts as dh_n, carried backwards
        double[] dcNext,       // [B, H]       starts as dc_n (LSTM)
        double[] dLayerIn,     // [T, B, I_l]  += gradient of this layer's input
        Span<double> dh0,      // [B, H]       written
        Span<double> dc0,      // [B, H]       written (LSTM)
        int threads)
    {
        var config = cache.Config;
        int T = cache.T, B = cache.B, H = config.HiddenSize, In = config.LayerInputSize(l), GH = config.Gates * H;
        string s = RecurrentConfig.Suffix(l, d);
        var p = cache.Parameters;
        var Wih = p["weight_ih" + s].Data;
        var Whh = p["weight_hh" + s].Data;
        var dWih = grads["weight_ih" + s].Data;
        var dWhh = grads["weight_hh" + s].Data;
        var dbih = config.Bias ? grads["bias_ih" + s].Data : [];
        var dbhh = config.Bias ? grads["bias_hh" + s].Data : [];
        var cached = cache.Directions[l * config.Directions + d];
        var x = cache.LayerInputs[l];
        bool gru = config.Kind == CellKind.Gru;

        var pool = ArrayPool<double>.Shared;
        var dxProjRented = pool.Rent(T * B * GH);
        var dhhRented = gru ? pool.Rent(T * B * GH) : dxProjRented;
        var reversedRented = d == 1 ? pool.Rent(T * B * H) : null;
        try
        {
            var dxProj = dxProjRented.AsMemory(0, T * B * GH);                      // [T, B, G*H] dL/da_t (input side)
            var dhh = dhhRented.AsMemory(0, T * B * GH);                            // [T, B, G*H] dL/dhh_t (hidden side; = dxProj but for GRU's n block)
            var reversed = reversedRented is null ? Memory<double>.Empty : reversedRented.AsMemory(0, T * B * H);
            BackwardSteps(cache, l, d, dLayerOut, dhNext, dcNext, dh0, dc0, dxProj.Span, dhh, threads);

            // h_{t-1} in time order t (the forward direction's states by step are already in that order)
            var hPrevByTime = cached.H.AsMemory(0, T * B * H);                      // [T, B, H]
            if (d == 1)
            {
                for (int t = 0; t < T; t++)
                    cached.H.AsSpan((T - 1 - t) * B * H, B * H).CopyTo(reversed.Span.Slice(t * B * H));
                hPrevByTime = reversed;
            }

            // slide (STATS 507, "Backpropagation through time"): ∂L^(T)/∂W = Σ_{t=1}^{T} ∂L^(T)/∂W |_(t)
            //   the shared weights' per-step parts, summed: each is one product over the T*B rows of all steps
            // forward: hh_t = h_{t-1} W_hhᵀ + b_hh   =>  dW_hh += Σ_t dhh_tᵀ h_{t-1},  db_hh += Σ_t dhh_t
            // forward: xProj_t = x_t W_ihᵀ + b_ih    =>  dW_ih += Σ_t da_tᵀ x_t,  db_ih += Σ_t da_t,  dx_t += da_t W_ih
            // For the RNN and the LSTM dhh_t = da_t, so db_hh and db_ih are one sum: added once when both
            // start from zero (as they do here), and copied; the same bits as adding it twice.
            bool oneBiasSum = !gru && config.Bias && IsZero(dbhh) && IsZero(dbih);
            // The three products write different gradients. Small ones (each under SideBySideWork) run
            // side by side, each whole on one thread; larger ones one after the other, each split
            // across the threads by Gemm. Either way every gradient gets the same bits.
            bool sideBySide = threads > 1 && (long)GH * H * T * B < SideBySideWork && (long)GH * In * T * B < SideBySideWork;
            int productThreads = sideBySide ? 1 : threads;
            void Product(int which)
            {
                switch (which)
                {
                    case 0:
                        FastMatMul.Backward(dhh, hPrevByTime, Whh, T * B, H, GH, Memory<double>.Empty, dWhh, oneBiasSum ? Memory<double>.Empty : dbhh, productThreads);
                        break;
                    case 1:
                        FastMatMul.Backward(dxProj, x, Wih, T * B, In, GH, Memory<double>.Empty, dWih, oneBiasSum ? Memory<double>.Empty : dbih, productThreads);
                        if (oneBiasSum)
                        {
                            ColumnSums.Add(dxProj.Span, T * B, GH, dbhh);
                            dbhh.CopyTo(dbih, 0);
                        }
                        break;
                    default:
                        FastMatMul.Backward(dxProj, x, Wih, T * B, In, GH, dLayerIn, Memory<double>.Empty, Memory<double>.Empty, productThreads);
                        break;
                }
            }
            if (sideBySide) SharedTasks.Run(3, threads, Product);
            else for (int which = 0; which < 3; which++) Product(which);
        }
        finally
        {
            pool.Return(dxProjRented);
            if (gru) pool.Return(dhhRented);
            if (reversedRented is not null) pool.Return(reversedRented);
        }
    }

    /// <summary>
    /// RecurrentLayer.GatherStepGradient a row at a time: dh[b] = dhNext[b] + dLayerOut[t, b, d*H ..]
    /// (the same additions, four at a time) and dc[b] = dcNext[b] for the elements within their
    /// length at time t, zero for the others; dc only where there is a cell state.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherStepGradient(RecurrentCache cache, int d, int t, double[] dLayerOut,
        ReadOnlySpan<double> dhNext, ReadOnlySpan<double> dcNext, Span<double> dh, Span<double> dc)
    {
        int B = cache.B, H = cache.Config.HiddenSize, DH = cache.Config.Directions * H;
        bool cellState = cache.Config.HasCellState;
        for (int b = 0; b < B; b++)
        {
            var dhRow = dh.Slice(b * H, H);
            if (t >= cache.Lengths[b])
            {
                dhRow.Clear();
                if (cellState) dc.Slice(b * H, H).Clear();
                continue;
            }
            var next = dhNext.Slice(b * H, H);
            var dOut = dLayerOut.AsSpan((t * B + b) * DH + d * H, H);       // dLayerOut[t, b, d*H : d*H+H]
            int j = 0;
            for (; j <= H - Vector256<double>.Count; j += Vector256<double>.Count)
                (Vector256.Create(next.Slice(j, Vector256<double>.Count)) + Vector256.Create(dOut.Slice(j, Vector256<double>.Count)))
                    .CopyTo(dhRow.Slice(j, Vector256<double>.Count));
            for (; j < H; j++) dhRow[j] = next[j] + dOut[j];
            if (cellState) dcNext.Slice(b * H, H).CopyTo(dc.Slice(b * H, H));
        }
    }

    /// <summary>
    /// Most multiply-adds of the backward's weight-gradient products (dW_hh, dW_ih; dx is as large as
    /// dW_ih) for them to run side by side on one thread each: 2^26, about 3 ms on one core here. At the
    /// small workloads' sizes that puts dW_hh on one thread and dW_ih and dx on another, where
    /// splitting each product in turn left the threads waiting on each other three times.
    /// </summary>
    internal const long SideBySideWork = 1L << 26;

    private static bool IsZero(ReadOnlySpan<double> v) => !v.ContainsAnyExcept(0.0);

    /// <summary>Backward's reversed time loop: writes dxProj and dhh [T, B, G*H], dh0 and dc0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardSteps(RecurrentCache cache, int l, int d,
        double[] dLayerOut, double[] dhNext, double[] dcNext, Span<double> dh0, Span<double> dc0,
        Span<double> dxProj, Memory<double> dhh, int threads)
    {
        var config = cache.Config;
        int T = cache.T, B = cache.B, H = config.HiddenSize, GH = config.Gates * H;
        var Whh = cache.Parameters["weight_hh" + RecurrentConfig.Suffix(l, d)].Data;
        var cached = cache.Directions[l * config.Directions + d];
        var dh = new double[B * H];                                                 // [B, H] gradient reaching h at this step
        var dcStep = new double[B * H];                                             // [B, H] gradient reaching c at this step (LSTM)
        var dhPrev = new double[B * H];
        var dcPrev = new double[B * H];
        dhNext = (double[])dhNext.Clone();
        dcNext = (double[])dcNext.Clone();

        using var WhhPacked = Gemm.PackB(GemmLayout.AB, Whh, GH, H);                // W_hh as B of dhh·W_hh
        for (int step = T - 1; step >= 0; step--)
        {
            int t = d == 0 ? step : T - 1 - step;
            GatherStepGradient(cache, d, t, dLayerOut, dhNext, dcNext, dh, dcStep);
            Array.Clear(dhPrev);
            Array.Clear(dcPrev);
            var hPrev = cached.H.AsSpan(step * B * H, B * H);
            var dxp = dxProj.Slice(t * B * GH, B * GH);
            switch (config.Kind)
            {
                case CellKind.RnnTanh:
                case CellKind.RnnRelu:
                    GateKernels.RnnBackward(dh, cached.H.AsSpan((step + 1) * B * H, B * H), config.Kind == CellKind.RnnRelu, dxp);
                    break;
                case CellKind.Lstm:
                    GateKernels.LstmBackward(dh, dcStep, cached.Gates.AsSpan(step * B * GH, B * GH),
                        cached.C.AsSpan((step + 1) * B * H, B * H), cached.C.AsSpan(step * B * H, B * H), B, H, dxp, dcPrev);
                    break;
                case CellKind.Gru:
                    GateKernels.GruBackward(dh, cached.Gates.AsSpan(step * B * GH, B * GH), cached.HhN.AsSpan(step * B * H, B * H),
                        hPrev, B, H, dxp, dhh.Span.Slice(t * B * GH, B * GH), dhPrev);
                    break;
            }
            // forward: hh = h_{t-1} W_hhᵀ + b_hh, so dh_{t-1} += dL/dhh_t · W_hh
            Gemm.Multiply(GemmLayout.AB, dhh.Slice(t * B * GH, B * GH), WhhPacked, B, dhPrev, threads);
            RecurrentLayer.PassPastLength(cache, t, dhNext, dcNext, dhPrev, dcPrev);
            (dhNext, dhPrev) = (dhPrev, dhNext);
            (dcNext, dcPrev) = (dcPrev, dcNext);
        }
        dhNext.CopyTo(dh0);
        if (config.HasCellState) dcNext.CopyTo(dc0);
    }
}
