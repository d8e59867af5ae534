// Reference multi-layer, optionally bidirectional recurrent stack with PyTorch's semantics
// (nn.RNN / nn.LSTM / nn.GRU, including packed variable-length batches). Readable first:
// plain loops, no threads. The cell equations live in RnnCell, LstmCell and GruCell (and
// GruResetBeforeCell, the GRU form PyTorch has no module for: Keras reset_after=False, d2l, Ng);
// this file is the loop over layers, directions and time steps, and its reverse (BPTT).
//
// T = steps, B = batch, I = input size, H = hidden size, G = gate blocks (RNN 1, LSTM 4,
// GRU 3), L = layers, D = directions. All buffers are row-major and time-major inside.
//
// Compute.Plain (the default) runs the loops below; Compute.Fast runs the same layer and direction
// loops with each direction's work done by Fast/FastRecurrentDirection.cs (products on Gemm, vector
// gate kernels, the weight gradients as single products after the reversed loop;
// Spec/performance.md). The cache records which, and Backward follows it. The reset-before GRU
// has no fast path: it runs the loops whatever the compute.
//
// Variable lengths (the slides' "handle variable-length sequences"; PyTorch's packed
// sequences): batch element b has lengths[b] valid steps. At a step t >= lengths[b] its
// state is left unchanged and its output is zero. The reverse direction therefore starts
// from h0 at each element's own last valid step.
using Rnn.Reference.Fast;
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Recurrent;

/// <summary>The PyTorch-compatible stack (nn.RNN, nn.LSTM, nn.GRU): layers, directions, batch_first, lengths, h0/c0, and its backward through time (Spec/recurrent-stack.md).</summary>
public static class RecurrentLayer
{
    /// <summary>
    /// Runs the stack over a whole sequence.
    /// input: [T, B, I] ([B, T, I] when BatchFirst) or unbatched [T, I].
    /// h0, c0: [L*D, B, H] (unbatched [L*D, H]); null means zeros. c0 is for an LSTM only.
    /// lengths: valid steps per batch element, each in 1..T; null means all T.
    /// compute: Compute.Plain (null: the loops) or Compute.Fast(threads); Backward uses the same.
    /// </summary>
    public static RecurrentOutput Forward(
        RecurrentConfig config, NamedTensors parameters, Tensor input,
        Tensor? h0 = null, Tensor? c0 = null, int[]? lengths = null, Compute? compute = null)
    {
        compute ??= Compute.Plain;
        var dims = RecurrentShapes.CheckForward(config, parameters, input, h0, c0, lengths);
        int T = dims.T, B = dims.B, H = config.HiddenSize, L = config.NumLayers, D = config.Directions;
        bool unbatched = dims.Unbatched;
        int[] stateShape = dims.StateShape, lens = dims.Lengths;

        var layerInputs = new double[L][];
        var directions = new DirectionCache[L * D];
        layerInputs[0] = RecurrentShapes.ToTimeMajor(input.Data, T, B, config.InputSize, config.BatchFirst && !unbatched);
        var hN = new double[L * D * B * H];                               // [L*D, B, H]
        var cN = config.HasCellState ? new double[L * D * B * H] : null;  // [L*D, B, H]
        double[] layerOutput = [];
        for (int l = 0; l < L; l++)
        {
            layerOutput = new double[T * B * D * H];                      // [T, B, D*H]
            for (int d = 0; d < D; d++)
            {
                int ld = l * D + d;
                var h0ld = h0 is null ? new double[B * H] : h0.Data.AsSpan(ld * B * H, B * H).ToArray();
                var c0ld = c0 is null ? new double[B * H] : c0.Data.AsSpan(ld * B * H, B * H).ToArray();
                var cache = compute.IsFast && FastRecurrentDirection.Runs(config.Kind)
                    ? FastRecurrentDirection.Forward(config, parameters, l, d, layerInputs[l], T, B, lens, h0ld, c0ld, layerOutput, compute.Threads)
                    : DirectionForward(config, parameters, l, d, layerInputs[l], T, B, lens, h0ld, c0ld, layerOutput);
                directions[ld] = cache;
                cache.H.AsSpan(T * B * H, B * H).CopyTo(hN.AsSpan(ld * B * H));
                if (cN is not null) cache.C.AsSpan(T * B * H, B * H).CopyTo(cN.AsSpan(ld * B * H));
            }
            if (l + 1 < L) layerInputs[l + 1] = layerOutput;
        }

        int DH = D * H;
        var output = unbatched ? new Tensor([T, DH], layerOutput)
            : config.BatchFirst ? new Tensor([B, T, DH], RecurrentShapes.FromTimeMajor(layerOutput, T, B, DH))
            : new Tensor([T, B, DH], layerOutput);
        var cacheAll = new RecurrentCache(config, parameters, T, B, unbatched, lens, layerInputs, directions) { Compute = compute };
        return new RecurrentOutput(output, new Tensor(stateShape, hN), cN is null ? null : new Tensor(stateShape, cN), cacheAll);
    }

    /// <summary>
    /// Back-propagation through time. dOutput, dHN, dCN are the upstream gradients of Output,
    /// HN and CN, shaped as those (null means zeros). Returns the gradient of the input, of
    /// h0 and c0, and of every parameter (named as the parameters).
    /// </summary>
    public static RecurrentGradients Backward(RecurrentCache cache, Tensor? dOutput = null, Tensor? dHN = null, Tensor? dCN = null) =>
        Backward(cache, dOutput, dHN, dCN, recordSteps: false);

    /// <summary>
    /// Backward that can also record, for every layer and direction, what each step of the
    /// reversed loop saw (recordSteps: true fills RecurrentGradients.Steps): the gradient reaching
    /// h_t and c_t, the gates' pre-activation gradients, and dW_hh / db_hh as accumulated so far.
    /// The gradients returned are the same either way. Recording runs the plain loops whatever
    /// the cache's Compute.
    /// </summary>
    public static RecurrentGradients Backward(RecurrentCache cache, Tensor? dOutput, Tensor? dHN, Tensor? dCN, bool recordSteps)
    {
        RecurrentShapes.CheckBackward(cache, dOutput, dHN, dCN);
        var config = cache.Config;
        int T = cache.T, B = cache.B, H = config.HiddenSize, L = config.NumLayers, D = config.Directions, DH = D * H;
        int[] stateShape = RecurrentShapes.StateShape(cache);

        var grads = cache.Parameters.ZerosLike();
        var steps = recordSteps ? new RecurrentStepGradients[L * D] : null;
        var dH0 = new double[L * D * B * H];                                 // [L*D, B, H]
        var dC0 = config.HasCellState ? new double[L * D * B * H] : null;
        // dLayerOut: gradient reaching the current layer's output sequence, [T, B, D*H]; only read
        // (so dOutput's own array when it is already time-major)
        double[] dLayerOut = dOutput is null ? new double[T * B * DH]
            : config.BatchFirst && !cache.Unbatched ? RecurrentShapes.ToTimeMajor(dOutput.Data, T, B, DH, batchFirst: true)
            : dOutput.Data;
        for (int l = L - 1; l >= 0; l--)
        {
            var dLayerIn = new double[T * B * config.LayerInputSize(l)];     // [T, B, I_l]
            for (int d = 0; d < D; d++)
            {
                int ld = l * D + d;
                var dhLast = dHN is null ? new double[B * H] : dHN.Data.AsSpan(ld * B * H, B * H).ToArray();
                var dcLast = dCN is null ? new double[B * H] : dCN.Data.AsSpan(ld * B * H, B * H).ToArray();
                var record = steps is null ? null : steps[ld] = RecurrentStepGradients.Empty(config, l, d, T, B);
                var dh0 = dH0.AsSpan(ld * B * H, B * H);
                var dc0 = dC0 is null ? Span<double>.Empty : dC0.AsSpan(ld * B * H, B * H);
                if (cache.Compute.IsFast && FastRecurrentDirection.Runs(config.Kind) && record is null)
                    FastRecurrentDirection.Backward(cache, grads, l, d, dLayerOut, dhLast, dcLast, dLayerIn, dh0, dc0, cache.Compute.Threads);
                else
                    DirectionBackward(cache, grads, l, d, dLayerOut, dhLast, dcLast, dLayerIn, dh0, dc0, record);
            }
            dLayerOut = dLayerIn;
        }

        int I = config.InputSize;
        var dInput = cache.Unbatched ? new Tensor([T, I], dLayerOut)
            : config.BatchFirst ? new Tensor([B, T, I], RecurrentShapes.FromTimeMajor(dLayerOut, T, B, I))
            : new Tensor([T, B, I], dLayerOut);
        return new RecurrentGradients(dInput, new Tensor(stateShape, dH0), dC0 is null ? null : new Tensor(stateShape, dC0), grads)
        {
            Steps = steps,
        };
    }

    // ---- one layer, one direction ------------------------------------------------------------

    private static DirectionCache DirectionForward(
        RecurrentConfig config, NamedTensors p, int l, int d,
        double[] x,            // [T, B, I_l]
        int T, int B, int[] lengths,
        double[] h0,           // [B, H]
        double[] c0,           // [B, H]
        double[] layerOutput)  // [T, B, D*H]  this direction writes columns d*H .. d*H+H-1
    {
        int H = config.HiddenSize, In = config.LayerInputSize(l), GH = config.Gates * H;
        string s = RecurrentConfig.Suffix(l, d);
        var Wih = p["weight_ih" + s].Data;                                          // [G*H, I_l]
        var Whh = p["weight_hh" + s].Data;                                          // [G*H, H]
        var bih = config.Bias ? p["bias_ih" + s].Data : [];                         // [G*H]
        var bhh = config.Bias ? p["bias_hh" + s].Data : [];                         // [G*H]

        // The input projection does not depend on the state: one product for all steps.
        var xProj = new double[T * B * GH];                                         // [T, B, G*H]
        MatMul.Forward(x, Wih, bih, T * B, In, GH, xProj);

        var hs = new double[(T + 1) * B * H];                                       // [T+1, B, H]
        var cs = config.HasCellState ? new double[(T + 1) * B * H] : [];            // [T+1, B, H] the LSTM's “carry” state c
        var gates = config.Kind is CellKind.Lstm || config.IsGru ? new double[T * B * GH] : [];
        var hhN = config.Kind == CellKind.Gru ? new double[T * B * H] : [];
        h0.CopyTo(hs, 0);
        if (config.HasCellState) c0.CopyTo(cs, 0);

        // slide: for input in input_sequence: output = f(input, current_state); current_state = output
        for (int step = 0; step < T; step++)
        {
            int t = d == 0 ? step : T - 1 - step;
            var xp = xProj.AsSpan(t * B * GH, B * GH);                              // xProj[t]
            var hPrev = hs.AsSpan(step * B * H, B * H);                             // state before this step
            var h = hs.AsSpan((step + 1) * B * H, B * H);                           // state after it
            switch (config.Kind)
            {
                case CellKind.RnnTanh:
                case CellKind.RnnRelu:
                    RnnCell.StepForward(xp, hPrev, Whh, bhh, config.Kind == CellKind.RnnRelu, B, H, h);
                    break;
                case CellKind.Lstm:
                    LstmCell.StepForward(xp, hPrev, cs.AsSpan(step * B * H, B * H), Whh, bhh, B, H,
                        gates.AsSpan(step * B * GH, B * GH), cs.AsSpan((step + 1) * B * H, B * H), h);
                    break;
                case CellKind.Gru:
                    GruCell.StepForward(xp, hPrev, Whh, bhh, B, H,
                        gates.AsSpan(step * B * GH, B * GH), hhN.AsSpan(step * B * H, B * H), h);
                    break;
                case CellKind.GruResetBefore:
                    GruResetBeforeCell.StepForward(xp, hPrev, Whh, bhh, B, H, gates.AsSpan(step * B * GH, B * GH), h);
                    break;
            }

            WriteStepOutput(config, d, t, step, B, lengths, hs, cs, layerOutput);
        }
        return new DirectionCache(hs, cs, gates, hhN);
    }

    /// <summary>
    /// After processing step `step` (time t) of direction d: output[t] gets the new state of every
    /// element within its length; past an element's length its state (h, and c for an LSTM) stays
    /// as it was and its output is zero.
    /// </summary>
    internal static void WriteStepOutput(RecurrentConfig config, int d, int t, int step, int B, int[] lengths,
        double[] hs,           // [T+1, B, H]
        double[] cs,           // [T+1, B, H] (LSTM) or empty
        double[] layerOutput)  // [T, B, D*H]
    {
        int H = config.HiddenSize, DH = config.Directions * H;
        var hPrev = hs.AsSpan(step * B * H, B * H);
        var h = hs.AsSpan((step + 1) * B * H, B * H);
        for (int b = 0; b < B; b++)
        {
            var outRow = layerOutput.AsSpan((t * B + b) * DH + d * H, H);       // output[t, b, d*H : d*H+H]
            if (t < lengths[b])
                h.Slice(b * H, H).CopyTo(outRow);
            else
            {
                // past this element's length: the state stays as it was, the output is zero
                hPrev.Slice(b * H, H).CopyTo(h.Slice(b * H, H));
                if (config.HasCellState)
                    cs.AsSpan(step * B * H + b * H, H).CopyTo(cs.AsSpan((step + 1) * B * H + b * H, H));
                outRow.Clear();
            }
        }
    }

    private static void DirectionBackward(
        RecurrentCache cache, NamedTensors grads, int l, int d,
        double[] dLayerOut,    // [T, B, D*H]  upstream gradient of this layer's output
        double[] dhNext,       // [B, H]       starts as dh_n, carried backwards (dhNext in min-char-rnn)
        double[] dcNext,       // [B, H]       starts as dc_n (LSTM)
        double[] dLayerIn,     // [T, B, I_l]  += gradient of this layer's input
        Span<double> dh0,      // [B, H]       written: gradient of h0
        Span<double> dc0,      // [B, H]       written: gradient of c0 (LSTM)
        RecurrentStepGradients? record)  // filled step by step when recording
    {
        var config = cache.Config;
        int T = cache.T, B = cache.B, H = config.HiddenSize, In = config.LayerInputSize(l);
        int GH = config.Gates * H;
        string s = RecurrentConfig.Suffix(l, d);
        var p = cache.Parameters;
        var Wih = p["weight_ih" + s].Data;
        var Whh = p["weight_hh" + s].Data;
        var dWih = grads["weight_ih" + s].Data;
        var dWhh = grads["weight_hh" + s].Data;
        var dbih = config.Bias ? grads["bias_ih" + s].Data : [];
        var dbhh = config.Bias ? grads["bias_hh" + s].Data : [];
        var cached = cache.Directions[l * config.Directions + d];                  // this direction's forward cache
        var x = cache.LayerInputs[l];

        var dxProj = new double[T * B * GH];                                        // [T, B, G*H]
        var dh = new double[B * H];                                                 // [B, H] gradient reaching h at this step
        var dcStep = new double[B * H];                                             // [B, H] gradient reaching c at this step (LSTM)
        // slide (STATS 507, "Backpropagation through time"): ∂L^(T)/∂W = Σ_{t=1}^{T} ∂L^(T)/∂W |_(t)
        //   a weight shared by every step gets the sum of its per-step parts: each step's StepBackward
        //   adds its part to dW_hh and db_hh (+=); dxProj keeps every step's part of dW_ih and db_ih,
        //   summed by the one product after the loop. (The slide counts t = 1..T, the code 0..T-1.)
        for (int step = T - 1; step >= 0; step--)
        {
            int t = d == 0 ? step : T - 1 - step;
            GatherStepGradient(cache, d, t, dLayerOut, dhNext, dcNext, dh, dcStep);

            var dhPrev = new double[B * H];
            var dcPrev = new double[B * H];
            var hPrev = cached.H.AsSpan(step * B * H, B * H);
            var dxp = dxProj.AsSpan(t * B * GH, B * GH);
            switch (config.Kind)
            {
                case CellKind.RnnTanh:
                case CellKind.RnnRelu:
                    RnnCell.StepBackward(dh, cached.H.AsSpan((step + 1) * B * H, B * H), hPrev, Whh,
                        config.Kind == CellKind.RnnRelu, B, H, dxp, dhPrev, dWhh, dbhh);
                    break;
                case CellKind.Lstm:
                    LstmCell.StepBackward(dh, dcStep, cached.Gates.AsSpan(step * B * GH, B * GH),
                        cached.C.AsSpan((step + 1) * B * H, B * H), cached.C.AsSpan(step * B * H, B * H), hPrev, Whh,
                        B, H, dxp, dhPrev, dcPrev, dWhh, dbhh);
                    break;
                case CellKind.Gru:
                    GruCell.StepBackward(dh, cached.Gates.AsSpan(step * B * GH, B * GH), cached.HhN.AsSpan(step * B * H, B * H),
                        hPrev, Whh, B, H, dxp, dhPrev, dWhh, dbhh);
                    break;
                case CellKind.GruResetBefore:
                    GruResetBeforeCell.StepBackward(dh, cached.Gates.AsSpan(step * B * GH, B * GH), hPrev, Whh, B, H, dxp, dhPrev, dWhh, dbhh);
                    break;
            }

            if (record is not null)
            {
                dh.CopyTo(record.dH.AsSpan(t * B * H, B * H));
                if (config.HasCellState) dcStep.CopyTo(record.dC.AsSpan(t * B * H, B * H));
                dxp.CopyTo(record.dGates.AsSpan(t * B * GH, B * GH));
                int k = T - 1 - step;                                               // backward steps taken so far, minus one
                dWhh.CopyTo(record.dWhhSoFar.AsSpan(k * GH * H, GH * H));
                dbhh.CopyTo(record.dbhhSoFar.AsSpan(k * dbhh.Length, dbhh.Length));
            }

            PassPastLength(cache, t, dhNext, dcNext, dhPrev, dcPrev);
            dhNext = dhPrev;
            dcNext = dcPrev;
        }
        dhNext.CopyTo(dh0);
        if (config.HasCellState) dcNext.CopyTo(dc0);

        // forward: xProj = x W_ihᵀ + b_ih, for all steps at once; the sum over the T*B rows is the slide's Σ_t
        MatMul.Backward(dxProj, x, Wih, T * B, In, GH, dLayerIn, dWih, dbih);
    }

    /// <summary>
    /// dh = dhNext + dOutput[t] and dc = dcNext for the elements still within their length at time t
    /// of direction d; zero for the others (their step did nothing).
    /// </summary>
    internal static void GatherStepGradient(RecurrentCache cache, int d, int t,
        double[] dLayerOut,            // [T, B, D*H]
        ReadOnlySpan<double> dhNext,   // [B, H]
        ReadOnlySpan<double> dcNext,   // [B, H]
        Span<double> dh,               // [B, H] written
        Span<double> dc)               // [B, H] written
    {
        int B = cache.B, H = cache.Config.HiddenSize, DH = cache.Config.Directions * H;
        for (int b = 0; b < B; b++)
        {
            bool valid = t < cache.Lengths[b];
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                dh[k] = valid ? dhNext[k] + dLayerOut[(t * B + b) * DH + d * H + j] : 0.0;
                dc[k] = valid ? dcNext[k] : 0.0;
            }
        }
    }

    /// <summary>
    /// forward, past an element's length: state(after) = state(before); the gradient passes straight
    /// through: dhPrev += dhNext and dcPrev += dcNext for the elements past their length at time t.
    /// </summary>
    internal static void PassPastLength(RecurrentCache cache, int t,
        ReadOnlySpan<double> dhNext, ReadOnlySpan<double> dcNext, Span<double> dhPrev, Span<double> dcPrev)
    {
        int H = cache.Config.HiddenSize;
        for (int b = 0; b < cache.B; b++)
            if (t >= cache.Lengths[b])
                for (int j = 0; j < H; j++)
                {
                    dhPrev[b * H + j] += dhNext[b * H + j];
                    dcPrev[b * H + j] += dcNext[b * H + j];
                }
    }
}
