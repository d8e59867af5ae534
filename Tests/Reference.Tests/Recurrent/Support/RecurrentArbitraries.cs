// FsCheck generators for the recurrent property tests, with bounded sizes:
// T 1..5, B 1..4, I 1..4, H 1..4, O 1..4, 1 or 2 layers, every flag, optional lengths (each
// in 1..T) and a seed from which every tensor of the case is drawn. The shrinkers make a
// failing case smaller one size or flag at a time, so FsCheck reports a small counterexample.
//
// Use: [Property(Arbitrary = [typeof(RecurrentArbitraries)])] on a method taking a LayerCase,
// SlideReluCase or SlideTanhCase.
//
// Replay: when a property fails, FsCheck prints the counterexample (the case's ToString, which
// holds everything needed to rebuild it) and the random seed of the run, as
// "Falsifiable, after 7 tests (2 shrinks) (9264014578117425402,4370452785101302271)". To rerun
// exactly that run, put the seed pair in the attribute:
//   [Property(Arbitrary = [typeof(RecurrentArbitraries)], Replay = "(9264014578117425402,4370452785101302271)")]
using FsCheck;
using FsCheck.Fluent;
using Rnn.Reference.Recurrent;

namespace Rnn.Reference.Tests.Recurrent.Support;

public static class RecurrentArbitraries
{
    private static readonly Gen<bool> Flag = Gen.Elements(false, true);

    private static readonly Gen<ulong> Seed = Gen.Choose(0, int.MaxValue).Select(s => (ulong)s);

    private static Gen<int[]?> LengthsGen(int T, int B) =>
        Gen.Elements(false, true, true).SelectMany(
            withLengths => withLengths ? Gen.ArrayOf(Gen.Choose(1, T), B).Select(a => (int[]?)a) : Gen.Constant((int[]?)null));

    public static Arbitrary<LayerCase> LayerCases()
    {
        var gen =
            from kind in Gen.Elements(Enum.GetValues<CellKind>())
            from T in Gen.Choose(1, 5)
            from unbatched in Gen.Elements(false, false, false, true)
            from B in unbatched ? Gen.Constant(1) : Gen.Choose(1, 4)
            from I in Gen.Choose(1, 4)
            from H in Gen.Choose(1, 4)
            from layers in Gen.Choose(1, 2)
            from flags in Gen.ArrayOf(Flag, 3)
            from initialState in Gen.Elements(false, true, true)
            from lengths in unbatched ? Gen.Constant((int[]?)null) : LengthsGen(T, B)
            from seed in Seed
            select new LayerCase(kind, T, B, I, H, layers, Bidirectional: flags[0], BatchFirst: flags[1], Bias: flags[2],
                Unbatched: unbatched, Lengths: lengths, WithInitialState: initialState, Seed: seed);
        return Arb.From(gen, ShrinkLayerCase);
    }

    public static Arbitrary<SlideReluCase> SlideReluCases()
    {
        var gen =
            from T in Gen.Choose(1, 5)
            from unbatched in Flag
            from B in unbatched ? Gen.Constant(1) : Gen.Choose(1, 4)
            from I in Gen.Choose(1, 4)
            from H in Gen.Choose(1, 4)
            from withH0 in Flag
            from seed in Seed
            select new SlideReluCase(T, B, I, H, unbatched, withH0, seed);
        return Arb.From(gen, c => Smaller(c.T, c.B, c.I, c.H).Select(s => c with { T = s[0], B = s[1], I = s[2], H = s[3] })
            .Concat(c.WithH0 ? [c with { WithH0 = false }] : []));
    }

    public static Arbitrary<SlideTanhCase> SlideTanhCases()
    {
        var gen =
            from T in Gen.Choose(1, 5)
            from unbatched in Flag
            from B in unbatched ? Gen.Constant(1) : Gen.Choose(1, 4)
            from I in Gen.Choose(1, 4)
            from H in Gen.Choose(1, 4)
            from O in Gen.Choose(1, 4)
            from withH0 in Flag
            from seed in Seed
            select new SlideTanhCase(T, B, I, H, O, unbatched, withH0, seed);
        return Arb.From(gen, c => Smaller(c.T, c.B, c.I, c.H, c.O).Select(s => c with { T = s[0], B = s[1], I = s[2], H = s[3], O = s[4] })
            .Concat(c.WithH0 ? [c with { WithH0 = false }] : []));
    }

    private static IEnumerable<LayerCase> ShrinkLayerCase(LayerCase c)
    {
        if (c.T > 1)
            yield return c with { T = c.T - 1, Lengths = c.Lengths?.Select(n => Math.Min(n, c.T - 1)).ToArray() };
        if (c.B > 1) yield return c with { B = c.B - 1, Lengths = c.Lengths?[..^1] };
        if (c.I > 1) yield return c with { I = c.I - 1 };
        if (c.H > 1) yield return c with { H = c.H - 1 };
        if (c.Layers > 1) yield return c with { Layers = c.Layers - 1 };
        if (c.Bidirectional) yield return c with { Bidirectional = false };
        if (c.BatchFirst) yield return c with { BatchFirst = false };
        if (!c.Bias) yield return c with { Bias = true };
        if (c.Lengths is not null) yield return c with { Lengths = null };
        if (c.WithInitialState) yield return c with { WithInitialState = false };
    }

    /// <summary>The sizes with one of them lowered by one (never below 1).</summary>
    private static IEnumerable<int[]> Smaller(params int[] sizes)
    {
        for (int k = 0; k < sizes.Length; k++)
            if (sizes[k] > 1)
            {
                var s = (int[])sizes.Clone();
                s[k]--;
                yield return s;
            }
    }
}
