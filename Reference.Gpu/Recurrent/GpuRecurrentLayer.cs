// The recurrent stacks (nn.RNN tanh / relu, nn.LSTM, nn.GRU) on a GPU device, with the public shape
// of Reference/Recurrent/RecurrentLayer: Forward takes the config, the named parameters and the
// inputs and returns the same RecurrentOutput (its cache filled from the device), Backward takes
// that cache and returns the same RecurrentGradients. A caller swaps `RecurrentLayer.Forward(...)`
// for `gpu.Forward(...)`; the two also mix (a CPU forward's cache can go to the GPU backward).
//
// Structure as cuDNN's (Appleyard, Kocisky, Blunsom, arXiv:1604.01946), per layer and direction:
//   forward:  xProj = x W_ih^T for all T steps as one gemm; then per step one gemm hh = hPrev W_hh^T
//             and one fused pointwise kernel (biases, gates, state update, output, length masking)
//   backward: per step in reverse, one fused pointwise kernel (dGates) and one gemm dhPrev += dG W_hh;
//             then dW_hh = dG^T h and dW_ih = dG^T x as one gemm each over all steps, db_ih and db_hh
//             as fixed-order column sums, and dx = dG W_ih as one gemm. (In an RNN or LSTM's forward
//             direction the two dG arrays, by time and by step, hold the same values: dGᵀ is packed once
//             for both weight gradients and db_hh is db_ih.)
// Nothing is summed with atomics and every sum has a fixed order, so a rerun is bit-identical.
// The cache stays on the device too: the layer keeps the device buffers of its latest Forward (each
// layer's input, hs, cs, gates, hhN), and Backward given the cache that Forward returned uses them
// instead of uploading the cache's arrays again (the same values, so the same bits); any other cache
// (an older one, a copy, the CPU's) is uploaded. The returned records are the same either way.
// When the returned cache's arrays are copied from the device is the caller's choice (CacheDownload):
// before Forward returns (Always, the default: the record outlives the device copy), or when first read
// (WhenRead: a forward+backward on the device then copies none of it, as PyTorch keeps its activations
// where it computed them).
// Equations: Spec/rnn.md, lstm.md, gru.md; this file's mapping and launch shapes: Spec/gpu.md.
//
// T = steps, B = batch, I_l = layer input size, H = hidden size, G = gate blocks (1, 4, 3),
// L = layers, D = directions. Device buffers are row-major and time-major, as the reference's.
using Rnn.Reference.Gpu.Kernels;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Gpu.Recurrent;

/// <summary>When GpuRecurrentLayer.Forward copies the activations backward needs (hs, cs, gates, hhN) into the DirectionCache records it returns.</summary>
public enum CacheDownload
{
    /// <summary>Before Forward returns: the records are complete and outlive the layer's device copy.</summary>
    Always,

    /// <summary>
    /// Each array when it is first read, while the layer still holds the device copy (until its next
    /// Forward, ReleaseDeviceCache or Dispose); read later, it throws, saying so. A Backward given the
    /// cache the latest Forward returned reads the device copy and none of the arrays. The layer inputs
    /// of layers after the first (the previous layer's output) are downloaded either way.
    /// </summary>
    WhenRead,
}

public sealed class GpuRecurrentLayer(GpuDevice device, CacheDownload cacheDownload = CacheDownload.Always) : IDisposable
{
    public GpuDevice Device { get; } = device ?? throw new ArgumentNullException(nameof(device));

    /// <summary>When Forward copies the cache's activations from the device (CacheDownload).</summary>
    public CacheDownload CacheDownload { get; } = Enum.IsDefined(cacheDownload) ? cacheDownload
        : throw new ArgumentOutOfRangeException(nameof(cacheDownload), cacheDownload, "CacheDownload is Always or WhenRead");

    /// <summary>The device buffers behind the cache of the latest Forward: for each layer its input [T, B, I_l], for each direction its DirectionCache.</summary>
    private sealed record DeviceCache(RecurrentCache Cache, BufferScope Buffers, GpuBuffer[] LayerInputs, DeviceDirection[] Directions);

    /// <summary>One direction's cache on the device: hs, cs [T+1, B, H], gates [T, B, G*H], hhN [T, B, H] (or a placeholder when the cell has none).</summary>
    private sealed record DeviceDirection(GpuBuffer Hs, GpuBuffer Cs, GpuBuffer Gates, GpuBuffer HhN);

    private DeviceCache? _latest;

    /// <summary>True when Backward(cache) will read the cache from the device (cache is what the latest Forward returned).</summary>
    public bool HoldsOnDevice(RecurrentCache cache) => _latest is not null && ReferenceEquals(_latest.Cache, cache);

    /// <summary>Frees the device copy of the latest Forward's cache (Backward then uploads the cache's arrays).</summary>
    public void ReleaseDeviceCache()
    {
        _latest?.Buffers.Dispose();
        _latest = null;
    }

    public void Dispose() => ReleaseDeviceCache();

    /// <summary>The cells the GPU kernels compute: PyTorch's four; not the reset-before GRU, which Forward refuses.</summary>
    public static IReadOnlyList<CellKind> Kinds { get; } = [CellKind.RnnTanh, CellKind.RnnRelu, CellKind.Lstm, CellKind.Gru];

    /// <summary>
    /// Runs the stack over a whole sequence; arguments and result exactly as RecurrentLayer.Forward.
    /// input: [T, B, I] ([B, T, I] when BatchFirst) or unbatched [T, I]; h0, c0: [L*D, B, H] or null;
    /// lengths: valid steps per batch element, or null.
    /// </summary>
    public RecurrentOutput Forward(
        RecurrentConfig config, NamedTensors parameters, Tensor input,
        Tensor? h0 = null, Tensor? c0 = null, int[]? lengths = null)
    {
        var dims = RecurrentShapes.CheckForward(config, parameters, input, h0, c0, lengths);
        if (!Kinds.Contains(config.Kind))
            throw new ArgumentException("the GPU path computes PyTorch's GRU (reset after the recurrent product) only; " +
                "a reset-before GRU runs on the CPU reference (RecurrentLayer)", nameof(config));
        int T = dims.T, B = dims.B, H = config.HiddenSize, L = config.NumLayers, D = config.Directions;
        int G = config.Gates, GH = G * H, DH = D * H, BH = B * H;
        var dev = Device;
        ReleaseDeviceCache();
        using var scope = new BufferScope(dev);
        var resident = new BufferScope(dev);                                            // the cache's buffers, kept after the call
        bool done = false;
        try
        {
            var lens = scope.UploadInts(dims.Lengths);                                     // [B]
            var noBias = resident.Zeros(1);                                                // a buffer argument a kernel does not read

            DeviceCache? held = null;                                                       // set once the record exists: what the arrays read when used are read from
            var layerInputs = new double[L][];
            var directions = new DirectionCache[L * D];
            var deviceInputs = new GpuBuffer[L];
            var deviceDirections = new DeviceDirection[L * D];
            layerInputs[0] = RecurrentShapes.ToTimeMajor(input.Data, T, B, config.InputSize, config.BatchFirst && !dims.Unbatched);
            var x = deviceInputs[0] = resident.Upload(layerInputs[0]);                      // [T, B, I_l]
            var hN = new double[L * D * BH];                                                // [L*D, B, H]
            var cN = config.HasCellState ? new double[L * D * BH] : null;
            GpuBuffer layerOutput = x;
            for (int l = 0; l < L; l++)
            {
                int In = config.LayerInputSize(l);
                layerOutput = (l + 1 < L ? resident : scope).Allocate(T * B * DH);          // [T, B, D*H], the next layer's input
                for (int d = 0; d < D; d++)
                {
                    int ld = l * D + d;
                    string s = RecurrentConfig.Suffix(l, d);
                    using var dir = new BufferScope(dev);
                    var Wih = dir.Upload(parameters["weight_ih" + s].Data);                   // [G*H, I_l]
                    var Whh = dir.Upload(parameters["weight_hh" + s].Data);                   // [G*H, H]
                    // B of both products is W^T, read where W is (a transposed view); made ready once for all
                    // steps (on a CPU device: packed into gemm_packed's panels, GpuKernels.PrepareB)
                    var WihT = GpuKernels.PrepareB(dev, dir, In, GH, MatrixView.Transposed(Wih, In), maxM: T * B);   // [I_l, G*H]
                    var WhhT = GpuKernels.PrepareB(dev, dir, H, GH, MatrixView.Transposed(Whh, H), maxM: B);         // [H, G*H]
                    // without bias the kernels still load bih[j] and bhh[j] (and add nothing): zeros of the right length
                    var bih = config.Bias ? dir.Upload(parameters["bias_ih" + s].Data) : dir.Zeros(GH);   // [G*H]
                    var bhh = config.Bias ? dir.Upload(parameters["bias_hh" + s].Data) : dir.Zeros(GH);   // [G*H]

                    // The input projection does not depend on the state: one product for all steps.
                    // xProj[T*B, G*H] = x[T*B, I_l] · W_ihᵀ
                    var xProj = dir.Allocate(T * B * GH);
                    GpuKernels.Gemm(dev, T * B, MatrixView.RowMajor(x, In), WihT, xProj, 0, GH, accumulate: false);

                    var hs = resident.Allocate((T + 1) * BH);                               // [T+1, B, H] by step
                    var cs = config.HasCellState ? resident.Allocate((T + 1) * BH) : noBias;   // [T+1, B, H]
                    var gates = config.Kind is CellKind.Lstm or CellKind.Gru ? resident.Allocate(T * B * GH) : noBias;   // [T, B, G*H]
                    var hhN = config.Kind == CellKind.Gru ? resident.Allocate(T * BH) : noBias;   // [T, B, H]
                    deviceDirections[ld] = new DeviceDirection(hs, cs, gates, hhN);
                    var hh = dir.Allocate(B * GH);                                          // [B, G*H] this step's hPrev W_hhᵀ
                    InitialState(dev, hs, h0, ld, BH);
                    if (config.HasCellState) InitialState(dev, cs, c0, ld, BH);

                    // slide: for input in input_sequence: output = f(input, current_state); current_state = output
                    for (int step = 0; step < T; step++)
                    {
                        int t = d == 0 ? step : T - 1 - step;
                        // hh[B, G*H] = hs[step] · W_hhᵀ
                        GpuKernels.Gemm(dev, B, MatrixView.RowMajor(hs, H, step * BH), WhhT, hh, 0, GH, accumulate: false);
                        var at = new GpuKernels.StepArgs(B, H, t, step, DH, d * H);
                        switch (config.Kind)
                        {
                            case CellKind.RnnTanh:
                            case CellKind.RnnRelu:
                                GpuKernels.RnnStepForward(dev, at, config.Kind == CellKind.RnnRelu, config.Bias, xProj, hh, bih, bhh, lens, hs, layerOutput);
                                break;
                            case CellKind.Lstm:
                                GpuKernels.LstmStepForward(dev, at, config.Bias, xProj, hh, bih, bhh, lens, hs, cs, gates, layerOutput);
                                break;
                            case CellKind.Gru:
                                GpuKernels.GruStepForward(dev, at, config.Bias, xProj, hh, bih, bhh, lens, hs, gates, hhN, layerOutput);
                                break;
                        }
                    }

                    // what the backward pass needs, in the reference's DirectionCache layout
                    Func<double[]> hsRead = Reader(hs, (T + 1) * BH, "hs", () => held);
                    Func<double[]> csRead = config.HasCellState ? Reader(cs, (T + 1) * BH, "cs", () => held) : () => [];
                    Func<double[]> gatesRead = config.Kind is CellKind.Lstm or CellKind.Gru ? Reader(gates, T * B * GH, "gates", () => held) : () => [];
                    Func<double[]> hhNRead = config.Kind == CellKind.Gru ? Reader(hhN, T * BH, "hhN", () => held) : () => [];
                    directions[ld] = CacheDownload == CacheDownload.Always
                        ? new DirectionCache(hsRead(), csRead(), gatesRead(), hhNRead())
                        : DirectionCache.ReadOnFirstUse(hsRead, csRead, gatesRead, hhNRead);
                    dev.Download(hs, T * BH, hN.AsSpan(ld * BH, BH));                            // h_n = hs[T]
                    if (cN is not null) dev.Download(cs, T * BH, cN.AsSpan(ld * BH, BH));          // c_n = cs[T]
                }
                if (l + 1 < L)
                {
                    layerInputs[l + 1] = dev.Download(layerOutput, 0, T * B * DH);
                    deviceInputs[l + 1] = layerOutput;
                }
                x = layerOutput;
            }

            var outputData = dev.Download(layerOutput, 0, T * B * DH);
            var output = dims.Unbatched ? new Tensor([T, DH], outputData)
                : config.BatchFirst ? new Tensor([B, T, DH], RecurrentShapes.FromTimeMajor(outputData, T, B, DH))
                : new Tensor([T, B, DH], outputData);
            var cacheAll = new RecurrentCache(config, parameters, T, B, dims.Unbatched, dims.Lengths, layerInputs, directions);
            _latest = held = new DeviceCache(cacheAll, resident, deviceInputs, deviceDirections);
            done = true;
            return new RecurrentOutput(output, new Tensor(dims.StateShape, hN), cN is null ? null : new Tensor(dims.StateShape, cN), cacheAll);
        }
        finally
        {
            if (!done) resident.Dispose();
        }
    }

    /// <summary>
    /// Back-propagation through time; arguments and result exactly as RecurrentLayer.Backward. dOutput,
    /// dHN, dCN are the upstream gradients of Output, HN and CN (null means zeros).
    /// </summary>
    public RecurrentGradients Backward(RecurrentCache cache, Tensor? dOutput = null, Tensor? dHN = null, Tensor? dCN = null)
    {
        RecurrentShapes.CheckBackward(cache, dOutput, dHN, dCN);
        var config = cache.Config;
        int T = cache.T, B = cache.B, H = config.HiddenSize, L = config.NumLayers, D = config.Directions;
        int G = config.Gates, GH = G * H, DH = D * H, BH = B * H;
        var dev = Device;
        var p = cache.Parameters;
        using var scope = new BufferScope(dev);
        var lens = scope.UploadInts(cache.Lengths);
        var unused = scope.Zeros(1);
        var onDevice = HoldsOnDevice(cache) ? _latest : null;                              // the cache's buffers from Forward, or null: upload

        var grads = p.ZerosLike();
        var dH0 = new double[L * D * BH];                                                   // [L*D, B, H]
        var dC0 = config.HasCellState ? new double[L * D * BH] : null;
        // dLayerOut: gradient reaching the current layer's output sequence, [T, B, D*H]
        var dLayerOut = dOutput is null ? scope.Zeros(T * B * DH)
            : scope.Upload(config.BatchFirst && !cache.Unbatched
                ? RecurrentShapes.ToTimeMajor(dOutput.Data, T, B, DH, batchFirst: true)
                : dOutput.Data);                                                            // already [T, B, D*H]: no copy
        for (int l = L - 1; l >= 0; l--)
        {
            int In = config.LayerInputSize(l);
            var x = onDevice?.LayerInputs[l] ?? scope.Upload(cache.LayerInputs[l]);        // [T, B, I_l]
            var dLayerIn = scope.Allocate(T * B * In);                                      // [T, B, I_l]
            for (int d = 0; d < D; d++)
            {
                int ld = l * D + d;
                string s = RecurrentConfig.Suffix(l, d);
                var dc = cache.Directions[ld];
                using var dir = new BufferScope(dev);
                var Wih = dir.Upload(p["weight_ih" + s].Data);                              // [G*H, I_l]
                var Whh = dir.Upload(p["weight_hh" + s].Data);                              // [G*H, H]
                var WhhB = GpuKernels.PrepareB(dev, dir, GH, H, MatrixView.RowMajor(Whh, H), maxM: B);   // W_hh as B of every step's dG W_hh
                var resident = onDevice?.Directions[ld];
                var hs = resident?.Hs ?? dir.Upload(dc.H);                                  // [T+1, B, H]
                var cs = resident?.Cs ?? (config.HasCellState ? dir.Upload(dc.C) : unused);
                var gates = resident?.Gates ?? (config.Kind is CellKind.Lstm or CellKind.Gru ? dir.Upload(dc.Gates) : unused);
                var hhN = resident?.HhN ?? (config.Kind == CellKind.Gru ? dir.Upload(dc.HhN) : unused);
                var dGx = dir.Allocate(T * B * GH);                                         // [T, B, G*H] by time
                var dGh = dir.Allocate(T * B * GH);                                         // [T, B, G*H] by step
                // RNN and LSTM forward direction: step s is time t and d(hPrev W_hhᵀ) = d(x W_ihᵀ), so dGx and dGh
                // hold the same values and the products and sums after the loop take dGx for both
                bool oneDG = d == 0 && config.Kind != CellKind.Gru;
                // dhNext starts as dh_n and is carried backwards (dhNext in min-char-rnn); two buffers swap roles
                var dhNext = dHN is null ? dir.Zeros(BH) : dir.Upload(dHN.Data.AsSpan(ld * BH, BH));
                var dhPrev = dir.Allocate(BH);
                var dcNext = !config.HasCellState ? unused : dCN is null ? dir.Zeros(BH) : dir.Upload(dCN.Data.AsSpan(ld * BH, BH));
                var dcPrev = config.HasCellState ? dir.Allocate(BH) : unused;

                for (int step = T - 1; step >= 0; step--)
                {
                    int t = d == 0 ? step : T - 1 - step;
                    var at = new GpuKernels.StepArgs(B, H, t, step, DH, d * H);
                    switch (config.Kind)
                    {
                        case CellKind.RnnTanh:
                        case CellKind.RnnRelu:
                            GpuKernels.RnnStepBackward(dev, at, config.Kind == CellKind.RnnRelu, dLayerOut, dhNext, hs, lens, dGx, dGh, dhPrev);
                            break;
                        case CellKind.Lstm:
                            GpuKernels.LstmStepBackward(dev, at, dLayerOut, dhNext, dcNext, hs, cs, gates, lens, dGx, dGh, dhPrev, dcPrev);
                            break;
                        case CellKind.Gru:
                            GpuKernels.GruStepBackward(dev, at, dLayerOut, dhNext, hs, gates, hhN, lens, dGx, dGh, dhPrev);
                            break;
                    }
                    // forward: a = ... + hPrev W_hhᵀ   so   dhPrev += dG[step] · W_hh
                    GpuKernels.Gemm(dev, B, MatrixView.RowMajor(dGh, GH, step * B * GH), WhhB, dhPrev, 0, H, accumulate: true);
                    (dhNext, dhPrev) = (dhPrev, dhNext);
                    if (config.HasCellState) (dcNext, dcPrev) = (dcPrev, dcNext);
                }
                dev.Download(dhNext, 0, dH0.AsSpan(ld * BH, BH));
                if (dC0 is not null) dev.Download(dcNext, 0, dC0.AsSpan(ld * BH, BH));

                // The weight gradients sum over k = (step, batch row): A = dGᵀ is read where dG is (a transposed
                // view; on a CPU device packed into panels first, which reads dG's rows contiguously, once
                // for both products when dGx is dGh)
                var dGxT = GpuKernels.PrepareA(dev, dir, GH, T * B, MatrixView.Transposed(dGx, GH));      // [G*H, T*B]
                var dGhT = oneDG ? dGxT : GpuKernels.PrepareA(dev, dir, GH, T * B, MatrixView.Transposed(dGh, GH));
                // forward: hh = hPrev W_hhᵀ at every step   so   dW_hh[G*H, H] = dGᵀ[G*H, T*B] · hs[0 .. T-1][T*B, H]
                var dWhh = dir.Allocate(GH * H);
                var hsB = GpuKernels.PrepareB(dev, dir, T * B, H, MatrixView.RowMajor(hs, H), maxM: GH);
                GpuKernels.Gemm(dev, dGhT, hsB, dWhh, 0, H, accumulate: false);
                // forward: xProj = x W_ihᵀ + b_ih for all steps   so   dW_ih[G*H, I_l] = dGᵀ · x,  dx += dG · W_ih
                var dWih = dir.Allocate(GH * In);
                var xB = GpuKernels.PrepareB(dev, dir, T * B, In, MatrixView.RowMajor(x, In), maxM: GH);
                GpuKernels.Gemm(dev, dGxT, xB, dWih, 0, In, accumulate: false);
                var WihB = GpuKernels.PrepareB(dev, dir, GH, In, MatrixView.RowMajor(Wih, In), maxM: T * B);
                GpuKernels.Gemm(dev, T * B, MatrixView.RowMajor(dGx, GH), WihB, dLayerIn, 0, In, accumulate: d > 0);
                dev.Download(dWhh, 0, grads["weight_hh" + s].Data);
                dev.Download(dWih, 0, grads["weight_ih" + s].Data);
                if (config.Bias)
                {
                    // db = the sum of dG over all steps and batch rows, in a fixed order (db_hh = db_ih when dGx is dGh)
                    var db = dir.Allocate(2 * GH);
                    GpuKernels.ColumnSum(dev, T * B, GH, dGx, 0, GH, db, 0, accumulate: false);
                    if (!oneDG) GpuKernels.ColumnSum(dev, T * B, GH, dGh, 0, GH, db, GH, accumulate: false);
                    dev.Download(db, 0, grads["bias_ih" + s].Data);
                    dev.Download(db, oneDG ? 0 : GH, grads["bias_hh" + s].Data);
                }
            }
            dLayerOut = dLayerIn;
        }

        int I = config.InputSize;
        var dIn = dev.Download(dLayerOut, 0, T * B * I);
        var dInput = cache.Unbatched ? new Tensor([T, I], dIn)
            : config.BatchFirst ? new Tensor([B, T, I], RecurrentShapes.FromTimeMajor(dIn, T, B, I))
            : new Tensor([T, B, I], dIn);
        int[] stateShape = RecurrentShapes.StateShape(cache);
        return new RecurrentGradients(dInput, new Tensor(stateShape, dH0), dC0 is null ? null : new Tensor(stateShape, dC0), grads);
    }

    /// <summary>
    /// The download of buffer[0 .. length-1] into a new array, for the cache Forward returns: with
    /// CacheDownload.WhenRead it runs when the array is first read, and refuses once the layer no longer
    /// holds that Forward's device copy (held() is the copy the record was made with).
    /// </summary>
    private Func<double[]> Reader(GpuBuffer buffer, int length, string name, Func<DeviceCache?> held) => () =>
    {
        if (CacheDownload == CacheDownload.WhenRead && (held() is not { } copy || !ReferenceEquals(copy, _latest)))
            throw new InvalidOperationException(
                $"this cache's {name} was kept on {Device.Name} only (CacheDownload.WhenRead) and was freed by a later Forward, " +
                "ReleaseDeviceCache or Dispose of its GpuRecurrentLayer; read the cache before then, or make the layer with CacheDownload.Always");
        return Device.Download(buffer, 0, length);
    };

    /// <summary>state[step 0] = s0[ld] (the given h0 / c0 slice), or zeros.</summary>
    private static void InitialState(GpuDevice dev, GpuBuffer states, Tensor? s0, int ld, int BH)
    {
        if (s0 is null)
        {
            dev.Upload(states, 0, new double[BH]);
            return;
        }
        dev.Upload(states, 0, s0.Data.AsSpan(ld * BH, BH));
    }
}
