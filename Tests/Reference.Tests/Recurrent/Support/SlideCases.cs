// Test cases of the slides' two RNNs (SlideReluRnn: W, U, b; SlideTanhRnn: Wxh, Whh, Why),
// drawn from a seed like LayerCase. A case is one sequence [T, I] when Unbatched, else a
// batch [T, B, I]; h0 is given or left to the slides' zero state.
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Recurrent.Support;

public sealed record ReluRnnData(Tensor W, Tensor U, Tensor b, Tensor Input, Tensor? H0, Tensor dOutputs, Tensor dLast);

public sealed record SlideReluCase(int T, int B, int I, int H, bool Unbatched = false, bool WithH0 = true, ulong Seed = 1)
{
    public int[] InputShape => Unbatched ? [T, I] : [T, B, I];
    public int[] OutputShape => Unbatched ? [T, H] : [T, B, H];
    public int[] StateShape => Unbatched ? [H] : [B, H];

    public ReluRnnData Draw()
    {
        var rng = new SeededRandom(Seed);
        var W = TestTensors.Random(rng, 1.0, H, I);
        var U = TestTensors.Random(rng, 0.6, H, H);
        var b = TestTensors.Random(rng, 0.5, H);
        var input = TestTensors.Random(rng, 1.0, InputShape);
        // the state of a ReLU RNN is never negative, so neither is the h0 drawn here
        Tensor? h0 = WithH0 ? rng.UniformTensor(0.0, 1.0, StateShape) : null;
        var dOutputs = TestTensors.Random(rng, 1.0, OutputShape);
        var dLast = TestTensors.Random(rng, 1.0, StateShape);
        return new ReluRnnData(W, U, b, input, h0, dOutputs, dLast);
    }

    /// <summary>The smallest |linear| over all steps, recomputed from the outputs: linear_t = x_t Wᵀ + b + state_{t-1} Uᵀ.</summary>
    public double SmallestPreActivation(ReluRnnData d, Tensor outputs)
    {
        double smallest = double.PositiveInfinity;
        int Bn = Unbatched ? 1 : B;
        for (int t = 0; t < T; t++)
            for (int r = 0; r < Bn; r++)
                for (int j = 0; j < H; j++)
                {
                    double a = d.b.Data[j];
                    for (int i = 0; i < I; i++) a += d.Input.Data[(t * Bn + r) * I + i] * d.W.Data[j * I + i];
                    for (int k = 0; k < H; k++)
                    {
                        double prev = t > 0 ? outputs.Data[((t - 1) * Bn + r) * H + k] : d.H0?.Data[r * H + k] ?? 0.0;
                        a += prev * d.U.Data[j * H + k];
                    }
                    smallest = Math.Min(smallest, Math.Abs(a));
                }
        return smallest;
    }

    public override string ToString() => $"T={T} B={B} I={I} H={H} unbatched={Unbatched} h0={WithH0} seed={Seed}";
}

public sealed record TanhRnnData(Tensor Wxh, Tensor Whh, Tensor Why, Tensor Input, Tensor? H0, Tensor dY, Tensor dHN);

public sealed record SlideTanhCase(int T, int B, int I, int H, int O, bool Unbatched = false, bool WithH0 = true, ulong Seed = 1)
{
    public int[] InputShape => Unbatched ? [T, I] : [T, B, I];
    public int[] OutputShape => Unbatched ? [T, O] : [T, B, O];
    public int[] StateShape => Unbatched ? [H] : [B, H];

    public TanhRnnData Draw()
    {
        var rng = new SeededRandom(Seed);
        var Wxh = TestTensors.Random(rng, 1.0, H, I);
        var Whh = TestTensors.Random(rng, 0.8, H, H);
        var Why = TestTensors.Random(rng, 1.0, O, H);
        var input = TestTensors.Random(rng, 1.0, InputShape);
        Tensor? h0 = WithH0 ? TestTensors.Random(rng, 0.8, StateShape) : null;
        var dY = TestTensors.Random(rng, 1.0, OutputShape);
        var dHN = TestTensors.Random(rng, 1.0, StateShape);
        return new TanhRnnData(Wxh, Whh, Why, input, h0, dY, dHN);
    }

    public override string ToString() => $"T={T} B={B} I={I} H={H} O={O} unbatched={Unbatched} h0={WithH0} seed={Seed}";
}
