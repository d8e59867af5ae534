// FsCheck shapes for the GPU tests: every cell the GPU path computes (GpuRecurrentLayer.Kinds), 1-2 layers, every flag, optional lengths and
// initial states, T 1..7, B 1..5, I 1..9 and H 1..9 (so T = 1, B = 1, H = 1 and odd sizes come up),
// and now and then H 15..40 so that G*H spans more than one 64-wide GEMM tile.
using FsCheck;
using FsCheck.Fluent;
using Rnn.Reference.Gpu.Recurrent;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tests.Recurrent.Support;

namespace Rnn.Reference.Gpu.Tests.Support;

public static class GpuArbitraries
{
    private static readonly Gen<bool> Flag = Gen.Elements(false, true);

    public static Arbitrary<LayerCase> LayerCases()
    {
        var gen =
            from kind in Gen.Elements(GpuRecurrentLayer.Kinds.ToArray())
            from T in Gen.Choose(1, 7)
            from unbatched in Gen.Elements(false, false, false, true)
            from B in unbatched ? Gen.Constant(1) : Gen.Choose(1, 5)
            from I in Gen.Choose(1, 9)
            from H in Gen.Frequency((4, Gen.Choose(1, 9)), (1, Gen.Choose(15, 40)))
            from layers in Gen.Choose(1, 2)
            from flags in Gen.ArrayOf(Flag, 3)
            from initialState in Gen.Elements(false, true, true)
            from withLengths in Gen.Elements(false, true)
            from lengths in Gen.ArrayOf(Gen.Choose(1, T), B)
            from seed in Gen.Choose(0, int.MaxValue)
            select new LayerCase(kind, T, B, I, H, layers, Bidirectional: flags[0], BatchFirst: flags[1], Bias: flags[2],
                Unbatched: unbatched, Lengths: withLengths && !unbatched ? lengths : null, WithInitialState: initialState, Seed: (ulong)seed);
        return Arb.From(gen);
    }
}

/// <summary>A drawn case run on the CPU reference and on a GPU layer.</summary>
public static class LayerCaseRuns
{
    public static (RecurrentOutput, RecurrentGradients) Cpu(LayerCase c, LayerData d)
    {
        var o = c.Run(d);
        return (o, LayerCase.Backward(o, d));
    }

    public static (RecurrentOutput, RecurrentGradients) Gpu(Gpu.Recurrent.GpuRecurrentLayer gpu, LayerCase c, LayerData d)
    {
        var o = gpu.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0, c.Lengths);
        return (o, gpu.Backward(o.Cache, d.dOutput, d.dHN, d.dCN));
    }
}
