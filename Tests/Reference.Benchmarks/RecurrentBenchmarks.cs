// Forward and forward+backward time of the reference recurrent stacks on fixed workloads.
// Run: dotnet run -c Release --project Tests/Reference.Benchmarks -- --filter '*RecurrentBenchmarks*'
// These measure the readable reference code (single thread, plain loops); there is no speed target.
using BenchmarkDotNet.Attributes;
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
    };

    [Params("lstm-small", "lstm-medium", "gru-small", "rnn-small")]
    public string Workload { get; set; } = "lstm-small";

    private RecurrentConfig _config = null!;
    private NamedTensors _parameters = null!;
    private Tensor _input = null!, _dOutput = null!;

    [GlobalSetup]
    public void Setup()
    {
        var (kind, T, B, I, H) = Workloads[Workload];
        _config = new RecurrentConfig(kind, I, H);
        _parameters = RecurrentParameters.Initialize(_config, seed: 1);
        var rng = new SeededRandom(2);
        _input = rng.UniformTensor(-1, 1, T, B, I);
        _dOutput = rng.UniformTensor(-1, 1, T, B, H);
    }

    [Benchmark]
    public Tensor Forward() => RecurrentLayer.Forward(_config, _parameters, _input).Output;

    [Benchmark]
    public NamedTensors ForwardBackward()
    {
        var forward = RecurrentLayer.Forward(_config, _parameters, _input);
        return RecurrentLayer.Backward(forward.Cache, _dOutput).dParameters;
    }
}
