// One test case of a PyTorch-form recurrent stack (RecurrentLayer): the configuration, the
// sizes, the per-element lengths and a seed. Every tensor (parameters, input, h0, c0 and the
// upstream gradients of output, h_n, c_n) is drawn from SeededRandom, so a case's printed
// form is all that is needed to rebuild it.
//
// T = steps, B = batch, I = input size, H = hidden size, L = layers, D = directions.
using Rnn.Reference.Numerics;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Recurrent.Support;

/// <summary>The drawn tensors of a case. H0 and C0 are null when the case runs from zero states.</summary>
public sealed record LayerData(
    NamedTensors Parameters, Tensor Input, Tensor? H0, Tensor? C0,
    Tensor dOutput, Tensor dHN, Tensor? dCN);

public sealed record LayerCase(
    CellKind Kind, int T, int B, int I, int H,
    int Layers = 1, bool Bidirectional = false, bool BatchFirst = false, bool Bias = true,
    bool Unbatched = false, int[]? Lengths = null, bool WithInitialState = true, ulong Seed = 1)
{
    public RecurrentConfig Config => new(Kind, I, H, Layers, Bidirectional, BatchFirst, Bias);

    /// <summary>How Run computes the stack (and so how Backward does): the plain loops unless a test says otherwise.</summary>
    public Compute Compute { get; init; } = Compute.Plain;

    public int D => Bidirectional ? 2 : 1;

    public int[] InputShape => Shape(I);

    public int[] OutputShape => Shape(D * H);

    /// <summary>h0, h_n, c0, c_n: [L*D, B, H], or [L*D, H] unbatched.</summary>
    public int[] StateShape => Unbatched ? [Layers * D, H] : [Layers * D, B, H];

    /// <summary>[T, B, F], [B, T, F] (batch_first) or [T, F] (unbatched).</summary>
    public int[] Shape(int F) => Unbatched ? [T, F] : BatchFirst ? [B, T, F] : [T, B, F];

    /// <summary>Flat index of element [t, b, f] of an input- or output-shaped tensor with F features.</summary>
    public int Index(int t, int b, int f, int F) =>
        Unbatched ? t * F + f : BatchFirst ? (b * T + t) * F + f : (t * B + b) * F + f;

    /// <summary>Flat index of state[ld, b, j] (h0, h_n, c0, c_n).</summary>
    public int StateIndex(int ld, int b, int j) => (ld * (Unbatched ? 1 : B) + b) * H + j;

    public int Length(int b) => Lengths is null ? T : Lengths[b];

    public LayerData Draw()
    {
        var config = Config;
        var parameters = RecurrentParameters.Initialize(config, Seed);
        var rng = new SeededRandom(Seed * 7919 + 17);
        var input = TestTensors.Random(rng, 1.0, InputShape);
        Tensor? h0 = WithInitialState ? TestTensors.Random(rng, 0.8, StateShape) : null;
        Tensor? c0 = WithInitialState && config.HasCellState ? TestTensors.Random(rng, 0.8, StateShape) : null;
        var dOutput = TestTensors.Random(rng, 1.0, OutputShape);
        var dHN = TestTensors.Random(rng, 1.0, StateShape);
        Tensor? dCN = config.HasCellState ? TestTensors.Random(rng, 1.0, StateShape) : null;
        return new LayerData(parameters, input, h0, c0, dOutput, dHN, dCN);
    }

    public RecurrentOutput Run(LayerData d) =>
        RecurrentLayer.Forward(Config, d.Parameters, d.Input, d.H0, d.C0, Lengths, Compute);

    /// <summary>L = sum(output * dOutput) + sum(h_n * dHN) (+ sum(c_n * dCN)): its gradient is what Backward returns.</summary>
    public static double Loss(RecurrentOutput o, LayerData d) =>
        TestTensors.Dot(o.Output, d.dOutput) + TestTensors.Dot(o.HN, d.dHN)
        + (o.CN is null ? 0.0 : TestTensors.Dot(o.CN, d.dCN!));

    public static RecurrentGradients Backward(RecurrentOutput o, LayerData d) =>
        RecurrentLayer.Backward(o.Cache, d.dOutput, d.dHN, d.dCN);

    /// <summary>Every tensor the loss reads: the parameters under their PyTorch names, then input, h0, c0.</summary>
    public static NamedTensors Variables(LayerData d)
    {
        var v = new NamedTensors();
        foreach (var (name, t) in d.Parameters) v.Add(name, t);
        v.Add("input", d.Input);
        if (d.H0 is not null) v.Add("h0", d.H0);
        if (d.C0 is not null) v.Add("c0", d.C0);
        return v;
    }

    /// <summary>Backward's gradients under the names Variables uses.</summary>
    public static NamedTensors Analytic(RecurrentGradients g, LayerData d)
    {
        var a = new NamedTensors();
        foreach (var (name, t) in g.dParameters) a.Add(name, t);
        a.Add("input", g.dInput);
        if (d.H0 is not null) a.Add("h0", g.dH0);
        if (d.C0 is not null) a.Add("c0", g.dC0!);
        return a;
    }

    /// <summary>
    /// For RnnRelu: the smallest |pre-activation| over every layer, direction, valid step and unit,
    /// recomputed from the forward cache as a = x W_ihᵀ + b_ih + h_prev W_hhᵀ + b_hh.
    /// </summary>
    public static double SmallestPreActivation(RecurrentOutput o)
    {
        var cache = o.Cache;
        var config = cache.Config;
        int T = cache.T, B = cache.B, H = config.HiddenSize, D = config.Directions;
        double smallest = double.PositiveInfinity;
        for (int l = 0; l < config.NumLayers; l++)
        {
            int In = config.LayerInputSize(l);
            var x = cache.LayerInputs[l];                                       // [T, B, I_l]
            for (int d = 0; d < D; d++)
            {
                string s = RecurrentConfig.Suffix(l, d);
                var Wih = cache.Parameters["weight_ih" + s].Data;
                var Whh = cache.Parameters["weight_hh" + s].Data;
                var bih = config.Bias ? cache.Parameters["bias_ih" + s].Data : null;
                var bhh = config.Bias ? cache.Parameters["bias_hh" + s].Data : null;
                var hs = cache.Directions[l * D + d].H;                         // [T+1, B, H]
                for (int step = 0; step < T; step++)
                {
                    int t = d == 0 ? step : T - 1 - step;
                    for (int b = 0; b < B; b++)
                    {
                        if (t >= cache.Lengths[b]) continue;
                        for (int j = 0; j < H; j++)
                        {
                            double a = (bih?[j] ?? 0) + (bhh?[j] ?? 0);
                            for (int i = 0; i < In; i++) a += x[(t * B + b) * In + i] * Wih[j * In + i];
                            for (int k = 0; k < H; k++) a += hs[(step * B + b) * H + k] * Whh[j * H + k];
                            smallest = Math.Min(smallest, Math.Abs(a));
                        }
                    }
                }
            }
        }
        return smallest;
    }

    public override string ToString() =>
        $"{Kind} T={T} B={B} I={I} H={H} layers={Layers} bidirectional={Bidirectional} batch_first={BatchFirst} " +
        $"bias={Bias} unbatched={Unbatched} lengths={(Lengths is null ? "none" : "[" + string.Join(", ", Lengths) + "]")} " +
        $"initial_state={WithInitialState} seed={Seed}";
}
