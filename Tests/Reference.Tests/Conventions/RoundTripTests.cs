// Round trips through every convention, for every cell it has, with and without biases, one or
// two layers, one or both directions:
//   convention -> PyTorch -> convention gives back the same bits (negative zeros, NaNs and
//   infinities included: the mappings only move, transpose and negate elements, and a merged
//   bias split as bias_ih = b, bias_hh = 0 merges back to b itself);
//   PyTorch -> convention -> PyTorch gives back every weight bit for bit, and the biases as
//   bias_ih' = bias_ih + bias_hh, bias_hh' = 0 where the convention merges them (the only
//   thing the convention can hold: their sum, which is all the cell reads), else unchanged.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using Rnn.Reference.Conventions;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Conventions;

/// <summary>A convention, a stack it can describe, and the seed its tensors are drawn from.</summary>
public sealed record ConventionCase(string Convention, RecurrentConfig Config, ulong Seed)
{
    public Convention Mapping => ConventionRegistry.Get(Convention);

    public override string ToString() => $"{Convention} {Config} seed {Seed}";
}

public static class ConventionArbitraries
{
    public static Arbitrary<ConventionCase> Cases()
    {
        var pairs = ConventionRun.SupportedPairs().ToArray();
        var gen =
            from pair in Gen.Elements(pairs)
            from I in Gen.Choose(1, 4)
            from H in Gen.Choose(1, 3)
            from layers in Gen.Choose(1, 2)
            from bidirectional in Gen.Elements(false, true)
            from seed in Gen.Choose(0, int.MaxValue)
            select new ConventionCase(pair.Convention.Name,
                new RecurrentConfig(pair.Kind, I, H, layers, bidirectional, Bias: pair.Bias), (ulong)seed);
        return Arb.From(gen);
    }

    /// <summary>Tensors of the layout's shapes: mostly uniform values, with signed zeros, NaN and infinities mixed in.</summary>
    public static NamedTensors Draw(IEnumerable<(string Name, int[] Shape)> layout, ulong seed)
    {
        var rng = new SeededRandom(seed);
        double[] special = [0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.MaxValue];
        var set = new NamedTensors();
        foreach (var (name, shape) in layout)
        {
            var t = Tensor.Zeros(shape);
            for (int k = 0; k < t.Length; k++)
                t.Data[k] = rng.NextDouble() < 0.2 ? special[rng.NextInt(special.Length)] : rng.Uniform(-2, 2);
            set.Add(name, t);
        }
        return set;
    }
}

public sealed class RoundTripTests
{
    [Property(Arbitrary = [typeof(ConventionArbitraries)], MaxTest = 300)]
    public void ConventionToPyTorchAndBackIsBitForBit(ConventionCase c)
    {
        var mine = ConventionArbitraries.Draw(c.Mapping.Layout(c.Config).Select(t => (t.Name, t.Shape)), c.Seed);
        var back = c.Mapping.FromPyTorch(c.Config, c.Mapping.ToPyTorch(c.Config, mine));
        RequireSameBits(back, mine, c.ToString());
    }

    [Property(Arbitrary = [typeof(ConventionArbitraries)], MaxTest = 300)]
    public void PyTorchToConventionAndBackKeepsEveryWeightAndTheBiasSum(ConventionCase c)
    {
        var pytorch = ConventionArbitraries.Draw(RecurrentParameters.Layout(c.Config), c.Seed);
        var back = c.Mapping.ToPyTorch(c.Config, c.Mapping.FromPyTorch(c.Config, pytorch));
        Assert(back.Names.SequenceEqual(pytorch.Names), $"{c}: names {string.Join(", ", back.Names)}");
        var cell = new CellShape(c.Config.Kind, c.Config.InputSize, c.Config.HiddenSize, c.Config.Bias);
        foreach (var name in pytorch.Names)
        {
            if (!name.StartsWith("bias_", StringComparison.Ordinal) || !c.Mapping.MergesBiases(cell))
            {
                RequireSameBits(back[name], pytorch[name], $"{c} {name}");
                continue;
            }
            string suffix = name[7..];
            var merged = GateBlocks.MergedBias(pytorch["bias_ih" + suffix].Data, pytorch["bias_hh" + suffix].Data);
            if (name.StartsWith("bias_ih", StringComparison.Ordinal))
                RequireSameBits(back[name], new Tensor(back[name].Shape, merged), $"{c} {name}");
            else
                Assert(Array.TrueForAll(back[name].Data, v => BitConverter.DoubleToInt64Bits(v) == 0), $"{c}: {name} should come back as +0");
        }
    }

    internal static void RequireSameBits(NamedTensors actual, NamedTensors expected, string what)
    {
        Assert(actual.Names.SequenceEqual(expected.Names), $"{what}: names {string.Join(", ", actual.Names)} but {string.Join(", ", expected.Names)}");
        foreach (var name in expected.Names) RequireSameBits(actual[name], expected[name], $"{what} {name}");
    }

    internal static void RequireSameBits(Tensor actual, Tensor expected, string what)
    {
        Assert(actual.HasShape(expected.Shape), $"{what}: shape {actual.ShapeText()} but {expected.ShapeText()}");
        for (int k = 0; k < expected.Length; k++)
            Assert(BitConverter.DoubleToInt64Bits(actual.Data[k]) == BitConverter.DoubleToInt64Bits(expected.Data[k]),
                $"{what}: flat index {k} is {actual.Data[k]:R} but {expected.Data[k]:R} was given");
    }

    private static void Assert(bool condition, string message)
    {
        if (!condition) throw new Recurrent.Support.CloseCheckException(message);
    }
}
