// The fast product (Reference/Fast: Gemm, FastMatMul, ColumnSums) against its meaning, the plain
// loops of Numerics/MatMul.cs:
//   ABt  C += A·Bᵀ   is MatMul.ForwardAccumulate(inp = A, weight = B)
//   AB   C += A·B    is MatMul.Backward's dinp  += dout·weight   (dout = A, weight = B)
//   AtB  C += Aᵀ·B   is MatMul.Backward's dweight += doutᵀ·inp   (dout = A, inp = B)
// Every result must agree within 1e-13 of the plain result's largest magnitude (the sums are
// the same terms added in another order), on the shapes of ProductArbitraries; and the same
// product on any number of threads must give exactly the same bits as on one.
using FsCheck.NUnit;
using NUnit.Framework;
using Rnn.Reference.Fast;
using Rnn.Reference.Numerics;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Rnn.Reference.Tests.Fast;

[Properties(Arbitrary = [typeof(ProductArbitraries)], QuietOnSuccess = true)]
public sealed class FastProductTests
{
    private const double Tolerance = 1e-13;

    private static double[] Uniform(Random rng, int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1)];

    /// <summary>The operands of a case: A, B and the C the product is added to.</summary>
    private static (double[] A, double[] B, double[] C) Operands(ProductCase c)
    {
        var rng = new Random(c.Seed);
        return (Uniform(rng, c.M * c.K), Uniform(rng, c.K * c.N), Uniform(rng, c.M * c.N));
    }

    /// <summary>C + op(A)·op(B) by the plain loops.</summary>
    private static double[] Plain(GemmLayout layout, double[] A, double[] B, double[] C, int M, int N, int K)
    {
        var result = (double[])C.Clone();
        switch (layout)
        {
            case GemmLayout.ABt:
                MatMul.ForwardAccumulate(A, B, M, K, N, result);
                break;
            case GemmLayout.AB:
                MatMul.Backward(A, new double[M * N], B, M, N, K, result, [], []);
                break;
            case GemmLayout.AtB:
                MatMul.Backward(A, B, new double[M * N], K, N, M, [], result, []);
                break;
        }
        return result;
    }

    private static double[] Fast(ProductCase c, double[] A, double[] B, double[] C, int threads)
    {
        var result = (double[])C.Clone();
        Gemm.Multiply(c.Layout, A, B, c.M, c.N, c.K, result, threads, c.Kernel);
        return result;
    }

    /// <summary>Largest |fast - plain| over the plain result's largest magnitude.</summary>
    private static double RelativeDifference(ReadOnlySpan<double> fast, ReadOnlySpan<double> plain)
    {
        double diff = 0, scale = 0;
        for (int k = 0; k < plain.Length; k++)
        {
            diff = Math.Max(diff, Math.Abs(fast[k] - plain[k]));
            scale = Math.Max(scale, Math.Abs(plain[k]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    private static bool Within(double relative, object what)
    {
        if (!(relative <= Tolerance))
            throw new AssertionException($"{what}: fast differs from the plain loops by {relative:E2} of the largest magnitude (tolerance {Tolerance:E0})");
        return true;
    }

    [Property]
    public bool GemmEqualsThePlainLoops(ProductCase c)
    {
        var (A, B, C) = Operands(c);
        return Within(RelativeDifference(Fast(c, A, B, C, c.Threads), Plain(c.Layout, A, B, C, c.M, c.N, c.K)), c);
    }

    /// <summary>FastMatMul.Forward (with and without bias) and Backward (all three gradients) equal MatMul's, R = M, In = K, Out = N.</summary>
    [Property]
    public bool FastMatMulEqualsMatMul(ProductCase c)
    {
        int R = c.M, In = c.K, Out = c.N;
        var rng = new Random(c.Seed);
        var inp = Uniform(rng, R * In);
        var weight = Uniform(rng, Out * In);
        var bias = Uniform(rng, Out);
        var dout = Uniform(rng, R * Out);
        var (dinp0, dweight0, dbias0) = (Uniform(rng, R * In), Uniform(rng, Out * In), Uniform(rng, Out));

        var plainOut = new double[R * Out];
        var fastOut = Uniform(rng, R * Out);                       // overwritten
        MatMul.Forward(inp, weight, bias, R, In, Out, plainOut);
        FastMatMul.Forward(inp, weight, bias, R, In, Out, fastOut, c.Threads);
        Within(RelativeDifference(fastOut, plainOut), $"{c}: Forward with bias");
        MatMul.Forward(inp, weight, [], R, In, Out, plainOut);
        FastMatMul.Forward(inp, weight, ReadOnlyMemory<double>.Empty, R, In, Out, fastOut, c.Threads);
        Within(RelativeDifference(fastOut, plainOut), $"{c}: Forward without bias");

        var (pdx, pdw, pdb) = ((double[])dinp0.Clone(), (double[])dweight0.Clone(), (double[])dbias0.Clone());
        var (fdx, fdw, fdb) = ((double[])dinp0.Clone(), (double[])dweight0.Clone(), (double[])dbias0.Clone());
        MatMul.Backward(dout, inp, weight, R, In, Out, pdx, pdw, pdb);
        FastMatMul.Backward(dout, inp, weight, R, In, Out, fdx, fdw, fdb, c.Threads);
        Within(RelativeDifference(fdx, pdx), $"{c}: Backward dinp");
        Within(RelativeDifference(fdw, pdw), $"{c}: Backward dweight");
        Assert.That(fdb, Is.EqualTo(pdb), $"{c}: Backward dbias adds the rows in the loop's order, so the bits agree");
        return true;
    }

    /// <summary>
    /// Shapes that the plan really splits (checked), including edge tiles in both directions and
    /// several depth blocks: every thread count gives the one-thread result bit for bit.
    /// </summary>
    [TestCase(GemmLayout.ABt, 64, 1024, 256)]     // a recurrent step: few rows, wide
    [TestCase(GemmLayout.ABt, 200, 300, 300)]
    [TestCase(GemmLayout.AB, 193, 97, 1031)]
    [TestCase(GemmLayout.AtB, 301, 129, 600)]     // a weight gradient: deep
    [TestCase(GemmLayout.ABt, 64, 1024, 256)]     // exactly MinSplitWork: the smallest product split
    public void EveryThreadCountGivesTheSameBits(GemmLayout layout, int M, int N, int K)
    {
        foreach (var kernel in new[] { GemmKernel.Vector512, GemmKernel.Vector256 })
        {
            var c = new ProductCase(layout, M, N, K, kernel, 1, 42);
            var (A, B, C) = Operands(c);
            var one = Fast(c, A, B, C, 1);
            foreach (int threads in new[] { 2, 3, 4, 7 })
            {
                Assert.That(Gemm.ParallelTasks(M, N, K, threads, kernel), Is.GreaterThan(1), $"{c}: the product must really be split on {threads} threads");
                var many = Fast(c, A, B, C, threads);
                Assert.That(many, Is.EqualTo(one), $"{c}: {threads} threads vs 1");
            }
        }
    }

    /// <summary>
    /// With A stored [M, K] (ABt, AB) and K <= KC, the tiles of MR whole rows read A in place and a
    /// last tile of fewer rows is packed: a row must get the same bits either way. Row MR of an (MR + 1)-row
    /// product is packed; alone, as a 1-row product, it is packed too; as row 0 of a product of MR
    /// copies of it, it is read in place.
    /// </summary>
    [TestCase(GemmLayout.ABt)]
    [TestCase(GemmLayout.AB)]
    public void ARowReadInPlaceGivesTheBitsOfThePackedRow(GemmLayout layout)
    {
        foreach (var kernel in new[] { GemmKernel.Vector512, GemmKernel.Vector256 })
        {
            int MR = kernel == GemmKernel.Vector512 ? 8 : 6, N = 37, K = 200;   // edge columns; K <= KC, where A is read in place
            var edge = new ProductCase(layout, MR + 1, N, K, kernel, 1, 11);
            var (A, B, C) = Operands(edge);
            var lastRow = A.AsSpan(MR * K, K).ToArray();
            var packedInTail = Fast(edge, A, B, C, 1).AsSpan(MR * N, N).ToArray();
            var alone = Fast(edge with { M = 1 }, lastRow, B, C.AsSpan(MR * N, N).ToArray(), 1);
            var copies = Enumerable.Repeat(lastRow, MR).SelectMany(r => r).ToArray();
            var cCopies = Enumerable.Repeat(C.AsSpan(MR * N, N).ToArray(), MR).SelectMany(r => r).ToArray();
            var inPlace = Fast(edge with { M = MR }, copies, B, cCopies, 1);
            Assert.That(alone, Is.EqualTo(packedInTail), $"{kernel} {layout}: the row alone vs in the edge tile");
            for (int i = 0; i < MR; i++)
                Assert.That(inPlace.AsSpan(i * N, N).ToArray(), Is.EqualTo(packedInTail), $"{kernel} {layout}: row {i} read in place vs packed");
            Assert.That(RelativeDifference(packedInTail, Plain(layout, lastRow, B, C.AsSpan(MR * N, N).ToArray(), 1, N, K)), Is.LessThanOrEqualTo(Tolerance));
        }
    }

    /// <summary>
    /// A product of fewer than Gemm.MinSplitWork multiply-adds runs on the calling thread; one of
    /// at least that is split into two tasks per thread. The small workloads' per-step products
    /// (32 x 256 x 64, 32 x 64 x 256) and input projection (1600 x 256 x 32) are not split.
    /// </summary>
    [Test]
    public void OnlyProductsOfTheMinimumSplitWorkOrMoreAreSplit()
    {
        Assert.That(Gemm.MinSplitWork, Is.EqualTo(1L << 24));
        foreach (int threads in new[] { 2, 4 })
        {
            Assert.That(Gemm.ParallelTasks(64, 1024, 255, threads), Is.EqualTo(1), "64 x 1024 x 255, just below 2^24");
            Assert.That(Gemm.ParallelTasks(64, 1024, 256, threads), Is.EqualTo(2 * threads), "64 x 1024 x 256 = 2^24");
            Assert.That(Gemm.ParallelTasks(64, 1024, 257, threads), Is.EqualTo(2 * threads), "64 x 1024 x 257, just above");
            Assert.That(Gemm.ParallelTasks(32, 256, 64, threads), Is.EqualTo(1), "lstm-small's h W_hhᵀ");
            Assert.That(Gemm.ParallelTasks(1600, 256, 32, threads), Is.EqualTo(1), "lstm-small's x W_ihᵀ");
        }
        Assert.That(Gemm.ParallelTasks(1024, 1024, 256, 1), Is.EqualTo(1), "one thread");
    }

    [Test]
    public void APackedBGivesWhatPackingEachTimeGives()
    {
        var c = new ProductCase(GemmLayout.AB, 37, 29, 300, GemmKernel.Best, 2, 5);
        var (A, B, C) = Operands(c);
        var once = Fast(c, A, B, C, 2);
        using var packed = Gemm.PackB(GemmLayout.AB, B, c.K, c.N);
        var first = (double[])C.Clone();
        var second = (double[])C.Clone();
        Gemm.Multiply(GemmLayout.AB, A, packed, c.M, first, 2);
        Gemm.Multiply(GemmLayout.AB, A, packed, c.M, second, 1);
        Assert.That(first, Is.EqualTo(once));
        Assert.That(second, Is.EqualTo(once));
    }

    [Test]
    public void AnEmptyDepthLeavesCAsItWas()
    {
        var C = new double[] { 1, 2, 3, 4, 5, 6 };
        Gemm.Multiply(GemmLayout.ABt, Array.Empty<double>(), Array.Empty<double>(), 2, 3, 0, C, 2);
        Assert.That(C, Is.EqualTo(new double[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void ColumnSumsAddEachColumnsRowsInOrder()
    {
        var rng = new Random(3);
        const int R = 11, C = 13;                          // 13 columns: three vectors of four and a scalar tail
        var m = Uniform(rng, R * C);
        var sums = Uniform(rng, C);
        var want = (double[])sums.Clone();
        for (int r = 0; r < R; r++)
            for (int c = 0; c < C; c++) want[c] += m[r * C + c];
        ColumnSums.Add(m, R, C, sums);
        Assert.That(sums, Is.EqualTo(want));
    }

    [Test]
    public void TheComputeSeamRunsTheChosenPath()
    {
        var rng = new Random(4);
        const int R = 5, In = 300, Out = 7;
        var inp = Uniform(rng, R * In);
        var weight = Uniform(rng, Out * In);
        var bias = Uniform(rng, Out);
        var loops = new double[R * Out];
        var viaPlain = new double[R * Out];
        var fast = new double[R * Out];
        var viaFast = new double[R * Out];
        MatMul.Forward(inp, weight, bias, R, In, Out, loops);
        MatMul.Forward(Compute.Plain, inp, weight, bias, R, In, Out, viaPlain);
        FastMatMul.Forward(inp, weight, bias, R, In, Out, fast, 1);
        MatMul.Forward(Compute.Fast(2), inp, weight, bias, R, In, Out, viaFast);
        Assert.That(viaPlain, Is.EqualTo(loops), "Compute.Plain is the loops, bit for bit");
        Assert.That(viaFast, Is.EqualTo(fast), "Compute.Fast is FastMatMul, bit for bit");
        Assert.That(fast, Is.Not.EqualTo(loops), "with In = 300 the blocked sum rounds differently somewhere: the paths are distinct");
    }

    [Test]
    public void ComputeNamesItsChoice()
    {
        Assert.That(Compute.Plain.IsFast, Is.False);
        Assert.That(Compute.Plain.Threads, Is.EqualTo(1));
        Assert.That(Compute.Fast(3).IsFast, Is.True);
        Assert.That(Compute.Fast(3).Threads, Is.EqualTo(3));
        Assert.That(Compute.Fast().Threads, Is.EqualTo(Environment.ProcessorCount));
        Assert.That(Compute.Fast(1).ToString(), Is.EqualTo("fast (1 thread)"));
        Assert.That(Compute.Plain.ToString(), Is.EqualTo("plain"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Compute.Fast(-1))!;
        Assert.That(e.Message, Does.Contain("threads must be at least 1 (or 0 for every core) but is -1"));
    }

    [Test]
    public void WrongLengthsAreRejectedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(GemmLayout.ABt, new double[5], new double[12], 2, 4, 3, new double[8], 1))!;
        Assert.That(e.ParamName, Is.EqualTo("a"));
        Assert.That(e.Message, Does.StartWith("a has 5 elements but M*K = 2*3 = 6 were expected"));
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(GemmLayout.AB, new double[6], new double[11], 2, 4, 3, new double[8], 1))!;
        Assert.That(e.Message, Does.StartWith("b has 11 elements but K*N = 3*4 = 12 were expected"));
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(GemmLayout.AtB, new double[6], new double[12], 2, 4, 3, new double[7], 1))!;
        Assert.That(e.Message, Does.StartWith("c has 7 elements but M*N = 2*4 = 8 were expected"));
        e = Assert.Throws<ArgumentException>(() => FastMatMul.Forward(new double[6], new double[11], ReadOnlyMemory<double>.Empty, 2, 3, 4, new double[8], 1))!;
        Assert.That(e.Message, Does.StartWith("weight has 11 elements but Out*In = 4*3 = 12 were expected"));
        e = Assert.Throws<ArgumentException>(() => FastMatMul.Backward(new double[8], new double[6], new double[12], 2, 3, 4, new double[6], new double[12], new double[3], 1))!;
        Assert.That(e.Message, Does.StartWith("dbias has 3 elements but Out = 4 (or none) were expected"));
        var t = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(GemmLayout.AB, new double[6], new double[12], 2, 4, 3, new double[8], 0))!;
        Assert.That(t.Message, Does.Contain("threads must be at least 1 but is 0"));
    }

    [Test]
    public void APackedBIsUsedOnlyForItsLayoutAndUntilDisposed()
    {
        var packed = Gemm.PackB(GemmLayout.AB, new double[12], 3, 4);
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(GemmLayout.AtB, new double[6], packed, 2, new double[8], 1))!;
        Assert.That(e.Message, Does.StartWith("b was packed for layout AB but the product is AtB"));
        packed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Gemm.Multiply(GemmLayout.AB, new double[6], packed, 2, new double[8], 1));
    }
}
