// The built-in workloads of `rnn-grading gpu-check`: every cell with every flag the stack has, run
// forward and backward on a device and on the CPU reference (Reference/Recurrent/RecurrentLayer),
// each output and gradient compared under GpuTolerance. Inputs, weights and upstream gradients are
// drawn from SeededRandom, so every run checks the same numbers.
using Rnn.Reference.Gpu.Recurrent;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Gpu.Checking;

/// <summary>One workload: a stack and its sizes. Lengths (packed semantics) are drawn in 1..T when WithLengths.</summary>
public sealed record SelfCheckWorkload(
    string Name, RecurrentConfig Config, int T, int B, bool Unbatched = false, bool WithLengths = false, bool WithInitialState = false);

/// <summary>The worst difference of one output or gradient tensor.</summary>
public sealed record TensorCheck(string Workload, string Tensor, string Tolerance, TensorDifference Worst);

public static class GpuSelfCheck
{
    public static IReadOnlyList<SelfCheckWorkload> Workloads { get; } =
    [
        new("rnn-tanh 2 layers bidirectional lengths h0", new RecurrentConfig(CellKind.RnnTanh, 5, 7, NumLayers: 2, Bidirectional: true), T: 6, B: 3, WithLengths: true, WithInitialState: true),
        new("rnn-relu no bias batch_first", new RecurrentConfig(CellKind.RnnRelu, 4, 9, BatchFirst: true, Bias: false), T: 5, B: 2),
        new("lstm 2 layers bidirectional lengths h0 c0", new RecurrentConfig(CellKind.Lstm, 6, 5, NumLayers: 2, Bidirectional: true), T: 7, B: 4, WithLengths: true, WithInitialState: true),
        new("lstm unbatched", new RecurrentConfig(CellKind.Lstm, 3, 4), T: 5, B: 1, Unbatched: true, WithInitialState: true),
        new("gru 2 layers bidirectional batch_first lengths h0", new RecurrentConfig(CellKind.Gru, 5, 6, NumLayers: 2, Bidirectional: true, BatchFirst: true), T: 6, B: 3, WithLengths: true, WithInitialState: true),
        new("gru no bias T=1 B=1 H=1", new RecurrentConfig(CellKind.Gru, 2, 1, Bias: false), T: 1, B: 1),
        new("lstm-small (T 50, B 32, I 32, H 64)", new RecurrentConfig(CellKind.Lstm, 32, 64), T: 50, B: 32),
    ];

    /// <summary>Runs one workload on the layer's device and on the CPU reference; one TensorCheck per output and gradient.</summary>
    public static IReadOnlyList<TensorCheck> Run(GpuRecurrentLayer gpu, SelfCheckWorkload w, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(w);
        var config = w.Config;
        var rng = new SeededRandom(seed);
        var parameters = RecurrentParameters.Initialize(config, seed);
        int[] xShape = w.Unbatched ? [w.T, config.InputSize] : config.BatchFirst ? [w.B, w.T, config.InputSize] : [w.T, w.B, config.InputSize];
        int[] yShape = w.Unbatched ? [w.T, config.Directions * config.HiddenSize]
            : config.BatchFirst ? [w.B, w.T, config.Directions * config.HiddenSize] : [w.T, w.B, config.Directions * config.HiddenSize];
        int[] sShape = w.Unbatched ? [config.NumLayers * config.Directions, config.HiddenSize] : [config.NumLayers * config.Directions, w.B, config.HiddenSize];
        var input = rng.UniformTensor(-1, 1, xShape);
        var h0 = w.WithInitialState ? rng.UniformTensor(-1, 1, sShape) : null;
        var c0 = w.WithInitialState && config.HasCellState ? rng.UniformTensor(-1, 1, sShape) : null;
        int[]? lengths = null;
        if (w.WithLengths)
        {
            lengths = new int[w.B];
            for (int b = 0; b < w.B; b++) lengths[b] = 1 + rng.NextInt(w.T);
            lengths[0] = w.T;
        }
        var dOutput = rng.UniformTensor(-1, 1, yShape);
        var dHN = rng.UniformTensor(-1, 1, sShape);
        var dCN = config.HasCellState ? rng.UniformTensor(-1, 1, sShape) : null;

        var cpu = RecurrentLayer.Forward(config, parameters, input, h0, c0, lengths);
        var cpuGrads = RecurrentLayer.Backward(cpu.Cache, dOutput, dHN, dCN);
        var dev = gpu.Forward(config, parameters, input, h0, c0, lengths);
        var devGrads = gpu.Backward(dev.Cache, dOutput, dHN, dCN);

        var precision = gpu.Device.Precision;
        string tolerance = GpuTolerance.Describe(precision, config, w.T);
        var checks = new List<TensorCheck>();
        void Add(string name, Tensor expected, Tensor? actual) =>
            checks.Add(new TensorCheck(w.Name, name, tolerance, GpuTolerance.Worst(precision, config, w.T, expected,
                actual ?? throw new InvalidOperationException($"the GPU path gave no {name}"))));
        Add("output", cpu.Output, dev.Output);
        Add("h_n", cpu.HN, dev.HN);
        if (cpu.CN is not null) Add("c_n", cpu.CN, dev.CN);
        Add("grad input", cpuGrads.dInput, devGrads.dInput);
        Add("grad h0", cpuGrads.dH0, devGrads.dH0);
        if (cpuGrads.dC0 is not null) Add("grad c0", cpuGrads.dC0, devGrads.dC0);
        foreach (var (name, expected) in cpuGrads.dParameters) Add("grad " + name, expected, devGrads.dParameters[name]);
        return checks;
    }
}
