// Forward and forward+backward time of the reference recurrent stacks on fixed workloads, on the
// plain loops and on the fast path (1 thread and every core).
// Run: dotnet run -c Release --project Tests/Reference.Benchmarks -- --filter '*RecurrentBenchmarks*'
// The comparison with PyTorch in one run is compare-pytorch.py beside this file (Spec/performance.md);
// plain on lstm-large (minutes per call) is left out here.
using BenchmarkDotNet.Attributes;
using Rnn.Reference.Numerics;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Benchmarks;

[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
[MedianColumn]
public class RecurrentBenchmarks
{
    /// <summary>name: cell, T steps, B batch, I input size, H hidden size.</summary>
    public static readonly Dictionary<string, (CellKind Kind, int T, int B, int I, int H)> Workloads = new()
    {
        ["lstm-small"] = (CellKind.Lstm, 50, 32, 32, 64),
        ["lstm-medium"] = (CellKind.Lstm, 100, 64, 128, 256),
        ["gru-small"] = (CellKind.Gru, 50, 32, 32, 64),
        ["rnn-small"] = (CellKind.RnnTanh, 50, 32, 32, 64),
        ["lstm-large"] = (CellKind.Lstm, 200, 64, 256, 512),
        ["gru-medium"] = (CellKind.Gru, 100, 64, 128, 256),
    };

    /// <summary>"plain", "fast-1" (the fast path on one thread) or "fast" (on every core).</summary>
    public static Compute ComputeNamed(string name) => name switch
    {
        "plain" => Compute.Plain,
        "fast-1" => Compute.Fast(1),
        "fast" => Compute.Fast(),
        _ => throw new ArgumentException($"compute '{name}' is not plain, fast-1 or fast", nameof(name)),
    };

    [Params("lstm-small", "lstm-medium", "gru-small", "rnn-small", "lstm-large")]
    public string Workload { get; set; } = "lstm-small";

    [Params("plain", "fast-1", "fast")]
    public string Path { get; set; } = "fast";

    private RecurrentConfig _config = null!;
    private NamedTensors _parameters = null!;
    private Tensor _input = null!, _dOutput = null!;
    private Compute _compute = Compute.Plain;

    [GlobalSetup]
    public void Setup()
    {
        if (Workload == "lstm-large" && Path == "plain")
            throw new NotSupportedException("plain lstm-large takes minutes per call; compare-pytorch.py --plain-large times it once");
        var (kind, T, B, I, H) = Workloads[Workload];
        _config = new RecurrentConfig(kind, I, H);
        _parameters = RecurrentParameters.Initialize(_config, seed: 1);
        var rng = new SeededRandom(2);
        _input = rng.UniformTensor(-1, 1, T, B, I);
        _dOutput = rng.UniformTensor(-1, 1, T, B, H);
        _compute = ComputeNamed(Path);
    }

    [Benchmark]
    public Tensor Forward() => RecurrentLayer.Forward(_config, _parameters, _input, compute: _compute).Output;

    [Benchmark]
    public NamedTensors ForwardBackward()
    {
        var forward = RecurrentLayer.Forward(_config, _parameters, _input, compute: _compute);
        return RecurrentLayer.Backward(forward.Cache, _dOutput).dParameters;
    }
}
