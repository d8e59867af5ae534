// The fast recurrent stack (Compute.Fast: Fast/FastRecurrentDirection.cs, GateKernels, Gemm)
// against its meaning, the plain loops (Compute.Plain), on random configurations: every cell,
// 1-3 layers, both directions, batch_first, unbatched input, no bias, lengths, and sizes from
// 1 and primes through the gate kernels' vector width (4) and the products' tiles (6, 8, 16).
// Every output and every gradient must agree within 1e-12 of that tensor's largest magnitude
// (the products add the same terms in another order and the vector exp rounds differently from
// Math.Exp; the differences then pass through T steps). And the same case on 1, 2 and 3 threads
// gives the same bits. The central-difference checks of the fast path are in
// Recurrent/RecurrentLayerGradientTests.cs (every case runs on both paths).
using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using NUnit.Framework;
using Rnn.Reference.Fast;
using Rnn.Reference.Numerics;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Recurrent.Support;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Rnn.Reference.Tests.Fast;

public static class FastStackArbitraries
{
    /// <summary>Sizes around the vector width 4 and the tiles 6, 8 and 16; 1 and primes.</summary>
    public static readonly int[] Sizes = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17];

    public static Arbitrary<LayerCase> LayerCases()
    {
        var gen =
            from kind in Gen.Elements(Enum.GetValues<CellKind>())
            from T in Gen.Choose(1, 7)
            from unbatched in Gen.Elements(false, false, false, true)
            from B in unbatched ? Gen.Constant(1) : Gen.Elements(1, 2, 3, 5, 7, 8, 9)
            from I in Gen.Elements(Sizes)
            from H in Gen.Elements(Sizes)
            from layers in Gen.Choose(1, 3)
            from flags in Gen.ArrayOf(Gen.Elements(false, true), 3)
            from initialState in Gen.Elements(false, true, true)
            from withLengths in Gen.Elements(false, true)
            from lengths in Gen.ArrayOf(Gen.Choose(1, T), B)
            from seed in Gen.Choose(0, int.MaxValue)
            select new LayerCase(kind, T, B, I, H, layers, Bidirectional: flags[0], BatchFirst: flags[1], Bias: flags[2],
                Unbatched: unbatched, Lengths: withLengths && !unbatched ? lengths : null, WithInitialState: initialState, Seed: (ulong)seed);
        return Arb.From(gen);
    }
}

[Properties(Arbitrary = [typeof(FastStackArbitraries)], QuietOnSuccess = true, MaxTest = 150)]
public sealed class FastRecurrentTests
{
    private const double Tolerance = 1e-12;

    private static double _worst;

    [OneTimeTearDown]
    public void PrintWorst() => TestContext.Progress.WriteLine($"fast stack vs plain loops: worst relative difference {_worst:E2} (tolerance {Tolerance:E0})");

    /// <summary>Every output and gradient of a forward + backward pass, named.</summary>
    private static List<(string Name, Tensor Value)> Everything(LayerCase c, LayerData d, Compute compute)
    {
        var o = RecurrentLayer.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0, c.Lengths, compute);
        var g = RecurrentLayer.Backward(o.Cache, d.dOutput, d.dHN, d.dCN);
        var all = new List<(string, Tensor)> { ("output", o.Output), ("h_n", o.HN), ("dInput", g.dInput), ("dH0", g.dH0) };
        if (o.CN is not null) all.Add(("c_n", o.CN));
        if (g.dC0 is not null) all.Add(("dC0", g.dC0));
        foreach (var (name, t) in g.dParameters) all.Add(("d" + name, t));
        return all;
    }

    /// <summary>The same bits element for element (compared as integers: these tensors are large for NUnit's collection equality).</summary>
    /// <summary>Every output and gradient of case c on each of threads gives the bits of one thread, and the loops' values within the tolerance.</summary>
    private static void SameBitsOnThreadsAndEqualToTheLoops(LayerCase c, params int[] threads)
    {
        var d = c.Draw();
        var one = Everything(c, d, Compute.Fast(1));
        foreach (int n in threads)
        {
            var many = Everything(c, d, Compute.Fast(n));
            for (int k = 0; k < one.Count; k++)
                AssertSameBits(many[k].Value.Data, one[k].Value.Data, $"{one[k].Name}, {n} threads vs 1");
        }
        RequireEqualWithinRounding(c, d, Compute.Fast(2));
    }

    private static void AssertSameBits(double[] actual, double[] expected, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what);
        var a = System.Runtime.InteropServices.MemoryMarshal.Cast<double, long>(actual);
        var e = System.Runtime.InteropServices.MemoryMarshal.Cast<double, long>(expected);
        if (a.SequenceEqual(e)) return;
        int k = 0;
        while (a[k] == e[k]) k++;
        Assert.Fail($"{what}: element {k} is {actual[k]:R}, expected {expected[k]:R}");
    }

    /// <summary>Largest |a - b| over the largest |b| (b's own scale; |a - b| itself when b is all zeros).</summary>
    private static double RelativeDifference(Tensor a, Tensor b)
    {
        Assert.That(a.Shape, Is.EqualTo(b.Shape));
        double diff = 0, scale = 0;
        for (int k = 0; k < b.Length; k++)
        {
            double e = Math.Abs(a.Data[k] - b.Data[k]);
            diff = double.IsNaN(e) ? double.PositiveInfinity : Math.Max(diff, e);
            scale = Math.Max(scale, Math.Abs(b.Data[k]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    private static void RequireEqualWithinRounding(LayerCase c, LayerData d, Compute fast)
    {
        var plain = Everything(c, d, Compute.Plain);
        var got = Everything(c, d, fast);
        Assert.That(got.Select(p => p.Name), Is.EqualTo(plain.Select(p => p.Name)));
        for (int k = 0; k < plain.Count; k++)
        {
            double rel = RelativeDifference(got[k].Value, plain[k].Value);
            _worst = Math.Max(_worst, rel);
            if (!(rel <= Tolerance))
                throw new AssertionException($"{c} {fast}: {plain[k].Name} differs from the plain loops by {rel:E2} of its largest magnitude (tolerance {Tolerance:E0})");
        }
    }

    [Property]
    public bool FastStackEqualsThePlainLoops(LayerCase c)
    {
        RequireEqualWithinRounding(c, c.Draw(), Compute.Fast(2));
        return true;
    }

    [Property(MaxTest = 40)]
    public bool OneThreadAndManyGiveTheSameBits(LayerCase c)
    {
        var d = c.Draw();
        var one = Everything(c, d, Compute.Fast(1));
        foreach (int threads in new[] { 2, 3 })
        {
            var many = Everything(c, d, Compute.Fast(threads));
            for (int k = 0; k < one.Count; k++)
                Assert.That(many[k].Value.Data, Is.EqualTo(one[k].Value.Data), $"{c}: {one[k].Name}, {threads} threads vs 1");
        }
        return true;
    }

    /// <summary>
    /// Sizes at which the products really are split across threads (checked): a bidirectional
    /// LSTM, GRU and RNN with lengths, two steps (the debug build's products are slow at these
    /// sizes); 1, 2 and 4 threads give the same bits.
    /// </summary>
    [TestCase(CellKind.Lstm)]
    [TestCase(CellKind.Gru)]
    [TestCase(CellKind.RnnTanh)]
    public void ThreadCountsDoNotChangeABitAtSplittingSizes(CellKind kind)
    {
        int H = kind switch { CellKind.Lstm => 256, CellKind.Gru => 320, _ => 512 };   // B * G*H * H >= Gemm.MinSplitWork
        var c = new LayerCase(kind, T: 2, B: 64, I: 40, H: H, Layers: 1, Bidirectional: true, Lengths: [.. Enumerable.Range(0, 64).Select(b => 1 + b % 2)]);
        int G = c.Config.Gates;
        Assert.That(Gemm.ParallelTasks(c.B, G * c.H, c.H, 2), Is.GreaterThan(1), "the per-step product h W_hhᵀ must be split");
        Assert.That(Gemm.ParallelTasks(G * c.H, c.H, c.T * c.B, 2), Is.GreaterThan(1), "the weight-gradient product must be split");
        SameBitsOnThreadsAndEqualToTheLoops(c, 2, 4);
    }

    /// <summary>
    /// The forward's input projection in several blocks of steps (FastRecurrentDirection.ProjectionBlockRows
    /// = 128 rows: four steps of batch 32, two of batch 50), the last one shorter, which a second
    /// thread computes ahead of the time loop or the loop itself: both directions (the reverse one
    /// takes the blocks from the end of time), lengths, every cell. 1, 2 and 3 threads give the same
    /// bits, and the plain loops' values within the tolerance. (The random cases above have one block.)
    /// </summary>
    [TestCase(CellKind.Lstm, 32, 11)]
    [TestCase(CellKind.Gru, 32, 11)]
    [TestCase(CellKind.RnnTanh, 32, 11)]
    [TestCase(CellKind.RnnRelu, 32, 11)]
    [TestCase(CellKind.Lstm, 50, 5)]
    [TestCase(CellKind.Gru, 50, 5)]
    public void TheProjectionInBlocksOfStepsGivesTheSameBitsOnAnyThreads(CellKind kind, int B, int T)
    {
        var c = new LayerCase(kind, T, B, I: 5, H: 9, Layers: 2, Bidirectional: true,
            Lengths: [.. Enumerable.Range(0, B).Select(b => 1 + (b * 7) % T)]);
        SameBitsOnThreadsAndEqualToTheLoops(c, 2, 3);
    }

    [Test]
    public void TheCacheRemembersItsComputeAndEitherBackwardReadsIt()
    {
        var c = new LayerCase(CellKind.Lstm, T: 4, B: 3, I: 5, H: 9, Layers: 2, Bidirectional: true, Lengths: [4, 2, 3]);
        var d = c.Draw();
        var fast = RecurrentLayer.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0, c.Lengths, Compute.Fast(2));
        Assert.That(fast.Cache.Compute, Is.EqualTo(Compute.Fast(2)));
        Assert.That(RecurrentLayer.Forward(c.Config, d.Parameters, d.Input).Cache.Compute, Is.SameAs(Compute.Plain));
        // recording the steps runs the plain backward, on the fast forward's cache
        var viaFast = RecurrentLayer.Backward(fast.Cache, d.dOutput, d.dHN, d.dCN);
        var viaPlain = RecurrentLayer.Backward(fast.Cache, d.dOutput, d.dHN, d.dCN, recordSteps: true);
        Assert.That(viaPlain.Steps, Is.Not.Null);
        foreach (var (name, t) in viaPlain.dParameters)
            Assert.That(RelativeDifference(viaFast.dParameters[name], t), Is.LessThanOrEqualTo(Tolerance), name);
        Assert.That(RelativeDifference(viaFast.dInput, viaPlain.dInput), Is.LessThanOrEqualTo(Tolerance));
    }

    /// <summary>Backward reads a time-major dOutput in place: it must leave it as it was, on either path.</summary>
    [TestCase(CellKind.Lstm)]
    [TestCase(CellKind.Gru)]
    [TestCase(CellKind.RnnTanh)]
    public void BackwardLeavesTheUpstreamGradientsAsTheyWere(CellKind kind)
    {
        var c = new LayerCase(kind, T: 5, B: 3, I: 4, H: 9, Layers: 2, Bidirectional: true, Lengths: [5, 2, 4]);
        var d = c.Draw();
        foreach (var compute in new[] { Compute.Plain, Compute.Fast(2) })
        {
            var before = (double[])d.dOutput.Data.Clone();
            var forward = RecurrentLayer.Forward(c.Config, d.Parameters, d.Input, d.H0, d.C0, c.Lengths, compute);
            var first = RecurrentLayer.Backward(forward.Cache, d.dOutput, d.dHN, d.dCN);
            Assert.That(d.dOutput.Data, Is.EqualTo(before), $"{kind} {compute}: dOutput changed");
            var second = RecurrentLayer.Backward(forward.Cache, d.dOutput, d.dHN, d.dCN);
            Assert.That(second.dInput.Data, Is.EqualTo(first.dInput.Data), $"{kind} {compute}: a second backward");
        }
    }

    [Test]
    public void TheFastPathRejectsWhatThePlainOneRejects()
    {
        var config = new RecurrentConfig(CellKind.Gru, 3, 4);
        var p = RecurrentParameters.Initialize(config, 1);
        var e = Assert.Throws<ArgumentException>(() => RecurrentLayer.Forward(config, p, Tensor.Zeros(2, 1, 5), compute: Compute.Fast()))!;
        Assert.That(e.Message, Does.StartWith("input is [2, 1, 5] but weight_ih_l0 expects input size 3"));
    }
}

/// <summary>Dense and Conv1d on the fast product against their plain loops, on sizes around the tiles.</summary>
public sealed class FastLayerTests
{
    private static Tensor Random(Random rng, params int[] shape) =>
        new(shape, [.. Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => rng.NextDouble() * 2 - 1)]);

    private static void Close(Tensor fast, Tensor plain, string what)
    {
        double diff = 0, scale = 0;
        for (int k = 0; k < plain.Length; k++)
        {
            diff = Math.Max(diff, Math.Abs(fast.Data[k] - plain.Data[k]));
            scale = Math.Max(scale, Math.Abs(plain.Data[k]));
        }
        Assert.That(diff, Is.LessThanOrEqualTo(1e-13 * scale), what);
    }

    [TestCase(1, 1, 1)]
    [TestCase(7, 13, 5)]
    [TestCase(193, 257, 17)]
    [TestCase(64, 300, 33)]
    public void DenseOnTheFastProductEqualsItsLoops(int R, int In, int Out)
    {
        var rng = new Random(R * 1000 + In);
        var (x, W, b, dy) = (Random(rng, R, In), Random(rng, Out, In), Random(rng, Out), Random(rng, R, Out));
        var (yPlain, cPlain) = Rnn.Reference.Layers.Dense.Forward(x, W, b);
        var (yFast, cFast) = Rnn.Reference.Layers.Dense.Forward(x, W, b, Compute.Fast(2));
        Assert.That(cFast.Compute.IsFast && !cPlain.Compute.IsFast);
        Close(yFast, yPlain, "output");
        var gPlain = Rnn.Reference.Layers.Dense.Backward(dy, cPlain);
        var gFast = Rnn.Reference.Layers.Dense.Backward(dy, cFast);
        Close(gFast.dInput, gPlain.dInput, "dInput");
        Close(gFast.dWeight, gPlain.dWeight, "dWeight");
        Close(gFast.dBias!, gPlain.dBias!, "dBias");
    }

    [TestCase(1, 1, 1, 1, 1, 1, 0, 1)]
    [TestCase(3, 5, 7, 20, 3, 1, 1, 1)]
    [TestCase(2, 16, 17, 50, 5, 2, 2, 2)]
    public void Conv1dOnTheFastProductEqualsItsLoops(int B, int Cin, int Cout, int L, int K, int stride, int padding, int dilation)
    {
        var rng = new Random(B + Cin * 7 + L);
        var (x, W, b) = (Random(rng, B, Cin, L), Random(rng, Cout, Cin, K), Random(rng, Cout));
        var (yPlain, cPlain) = Rnn.Reference.Layers.Conv1d.Forward(x, W, b, stride, padding, dilation);
        var (yFast, cFast) = Rnn.Reference.Layers.Conv1d.Forward(x, W, b, stride, padding, dilation, compute: Compute.Fast(2));
        Close(yFast, yPlain, "output");
        var dy = Random(rng, yPlain.Shape);
        var gPlain = Rnn.Reference.Layers.Conv1d.Backward(dy, cPlain);
        var gFast = Rnn.Reference.Layers.Conv1d.Backward(dy, cFast);
        Close(gFast.dInput, gPlain.dInput, "dInput");
        Close(gFast.dWeight, gPlain.dWeight, "dWeight");
        Close(gFast.dBias!, gPlain.dBias!, "dBias");
    }
}
