// Forward and forward+backward time of the GPU path (Reference.Gpu) on the same workloads as
// RecurrentBenchmarks, in float32 and float64, on opencl:0 (PoCL's CPU device here), plus the
// gemm kernel alone (versions 2 and 3, the CPU-device ones) at 2048^3 and at every product shape of
// lstm-medium's forward and backward, for GFLOP/s and for where the stack's time goes.
// Each call includes what the public API does: uploading the inputs and weights, and downloading
// the output and the cache that backward takes (Spec/gpu.md, "Where the time goes"); the
// ...CacheOnDevice variant is the same forward+backward with CacheDownload.WhenRead, whose cache
// stays on the device (as PyTorch's activations stay where it computed them).
// Run (POCL_CACHE_DIR must be a writable folder):
//   dotnet run -c Release --project Tests/Reference.Benchmarks -- --filter '*GpuRecurrentBenchmarks*'
// Tests/Reference.Benchmarks/gpu_vs_pytorch.py runs these and the same workloads in PyTorch in one
// run and prints the ratios.
using BenchmarkDotNet.Attributes;
using Rnn.Reference.Gpu;
using Rnn.Reference.Gpu.Kernels;
using Rnn.Reference.Gpu.Recurrent;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Benchmarks;

// Setup runs Forward and Backward 40 times each before BenchmarkDotNet's own warm-up, so that .NET's
// tiered JIT has replaced the host code's first, unoptimised version (after about 30 calls) before
// anything is timed; nine timed iterations for a median that a busy moment of the machine moves less.
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 9)]
[MedianColumn]
public class GpuRecurrentBenchmarks
{
    [Params("lstm-small", "lstm-medium", "gru-small", "rnn-small")]
    public string Workload { get; set; } = "lstm-small";

    [Params("f32", "f64")]
    public string Precision { get; set; } = "f32";

    private GpuDevice _device = null!;
    private GpuRecurrentLayer _gpu = null!, _gpuCacheOnDevice = null!;
    private RecurrentConfig _config = null!;
    private NamedTensors _parameters = null!;
    private Tensor _input = null!, _dOutput = null!;

    [GlobalSetup]
    public void Setup()
    {
        var (kind, T, B, I, H) = RecurrentBenchmarks.Workloads[Workload];
        _device = GpuDevice.Open("opencl:0", GpuPrecisions.Parse(Precision));
        _gpu = new GpuRecurrentLayer(_device);
        _gpuCacheOnDevice = new GpuRecurrentLayer(_device, CacheDownload.WhenRead);
        _config = new RecurrentConfig(kind, I, H);
        _parameters = RecurrentParameters.Initialize(_config, seed: 1);
        var rng = new SeededRandom(2);
        _input = rng.UniformTensor(-1, 1, T, B, I);
        _dOutput = rng.UniformTensor(-1, 1, T, B, H);
        for (int i = 0; i < WarmupCalls / 2; i++)
        {
            ForwardBackward();
            ForwardBackwardCacheOnDevice();
        }
    }

    /// <summary>Calls of Forward (and of Backward) in Setup, before any is timed.</summary>
    private const int WarmupCalls = 40;

    [GlobalCleanup]
    public void Cleanup() => _device.Dispose();

    [Benchmark]
    public Tensor Forward() => _gpu.Forward(_config, _parameters, _input).Output;

    [Benchmark]
    public NamedTensors ForwardBackward()
    {
        var forward = _gpu.Forward(_config, _parameters, _input);
        return _gpu.Backward(forward.Cache, _dOutput).dParameters;
    }

    [Benchmark]
    public NamedTensors ForwardBackwardCacheOnDevice()
    {
        var forward = _gpuCacheOnDevice.Forward(_config, _parameters, _input);
        return _gpuCacheOnDevice.Backward(forward.Cache, _dOutput).dParameters;
    }
}

/// <summary>
/// The gemm kernel alone (versions 3 and 4: the CPU-device ones; version 4 with its packing, and for the
/// two per-step products B packed once beforehand as the stack does; B row-major as the stack has it),
/// device-resident operands, waiting for the result: the GEMM rate of the GPU path, and per product
/// of lstm-medium (T 100, B 64, I 128, H 256, G*H 1024) how long it takes, so that with the counts
/// (one input projection, 100 recurrent steps forward, 100 dG W_hh steps backward, one each of dW_hh,
/// dW_ih and dx) it says where forward+backward spends its time.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MedianColumn]
public class GpuGemmBenchmarks
{
    /// <summary>name: M, N, K of C[M, N] = A[M, K] B[K, N], and whether A is stored transposed (A(m, k) = G[k, m], the weight gradients' dG^T).</summary>
    public static readonly Dictionary<string, (int M, int N, int K, bool ATransposed)> Shapes = new()
    {
        ["square-2048"] = (2048, 2048, 2048, false),
        ["lstm-medium-input"] = (100 * 64, 4 * 256, 128, false),   // xProj = x W_ih^T, once
        ["lstm-medium-step"] = (64, 4 * 256, 256, false),          // hh = hPrev W_hh^T, per step
        ["lstm-medium-dh"] = (64, 256, 4 * 256, false),            // dhPrev += dG W_hh, per step
        ["lstm-medium-dWhh"] = (4 * 256, 256, 100 * 64, true),     // dW_hh = dG^T hs, once
        ["lstm-medium-dWih"] = (4 * 256, 128, 100 * 64, true),     // dW_ih = dG^T x, once
        ["lstm-medium-dx"] = (100 * 64, 128, 4 * 256, false),      // dx = dG W_ih, once
    };

    [Params("square-2048", "lstm-medium-input", "lstm-medium-step", "lstm-medium-dh", "lstm-medium-dWhh", "lstm-medium-dWih", "lstm-medium-dx")]
    public string Shape { get; set; } = "square-2048";

    [Params("f32", "f64")]
    public string Precision { get; set; } = "f32";

    [Params(GemmVersion.Panel, GemmVersion.Packed)]
    public GemmVersion Version { get; set; } = GemmVersion.Packed;

    private GpuDevice _device = null!;
    private GpuBuffer _a = null!, _b = null!, _c = null!;
    private BufferScope? _preparedScope;
    private PreparedB? _prepared;

    /// <summary>The products the stack runs once per step with the same B (W_hh^T, W_hh): with version 4 it packs B once per call, not per product.</summary>
    private static bool ReusesB(string shape) => shape is "lstm-medium-step" or "lstm-medium-dh";

    [GlobalSetup]
    public void Setup()
    {
        var (M, N, K, _) = Shapes[Shape];
        _device = GpuDevice.Open("opencl:0", GpuPrecisions.Parse(Precision));
        var rng = new SeededRandom(3);
        _a = _device.Upload(rng.UniformTensor(-1, 1, M, K).Data);
        _b = _device.Upload(rng.UniformTensor(-1, 1, K, N).Data);    // W^T [K, N] or hs / x [T*B, .] row-major, as the stack has them
        _c = _device.Allocate(M * N);
        if (Version == GemmVersion.Packed && ReusesB(Shape))
        {
            _preparedScope = new BufferScope(_device);
            _prepared = GpuKernels.PrepareB(_device, _preparedScope, K, N, MatrixView.RowMajor(_b, N), maxM: M);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _preparedScope?.Dispose();
        _device.Dispose();
    }

    [Benchmark]
    public void Gemm()
    {
        var (M, N, K, aTransposed) = Shapes[Shape];
        var A = aTransposed ? MatrixView.Transposed(_a, M) : MatrixView.RowMajor(_a, K);
        if (_prepared is not null) GpuKernels.Gemm(_device, M, A, _prepared, _c, 0, N, accumulate: false);   // A read in place (rows contiguous) or packed, then the product
        else GpuKernels.Gemm(_device, M, N, K, A, MatrixView.RowMajor(_b, N), _c, 0, N, accumulate: false, Version);
        _device.Finish();
    }
}
