// FsCheck generator for the fast product's properties: a layout, sizes M, N, K, a kernel, a
// thread count and a seed for the operands. The sizes come from the ones where blocked code
// goes wrong (1, small primes, one below / at / above each tile and block size: MR 6 and 8,
// NR 8 and 16, KC 256, MC 192) and from a uniform range; at most one of M, N, K is a block-sized
// one at a time, so the plain loops it is compared with stay quick (M*N*K <= about 2.5 million).
//
// Replay a failure as in Recurrent/Support/RecurrentArbitraries.cs (the Replay seed pair).
using FsCheck;
using FsCheck.Fluent;
using Rnn.Reference.Fast;

namespace Rnn.Reference.Tests.Fast;

/// <summary>One product C[M, N] += op(A)·op(B) to check; Threads is what the fast path is given.</summary>
public sealed record ProductCase(GemmLayout Layout, int M, int N, int K, GemmKernel Kernel, int Threads, int Seed)
{
    public override string ToString() => $"{Layout} M={M} N={N} K={K} kernel={Kernel} threads={Threads} seed={Seed}";
}

public static class ProductArbitraries
{
    /// <summary>Sizes around the tiles: 1, primes, MR/NR +- 1 for both kernels.</summary>
    public static readonly int[] TileSizes = [1, 2, 3, 5, 6, 7, 8, 9, 13, 15, 16, 17, 23, 31, 32, 33];

    /// <summary>Sizes around the blocks: MC = 192 and KC = 256, +- 1, and a prime past two blocks.</summary>
    public static readonly int[] BlockSizes = [191, 192, 193, 255, 256, 257, 521];

    public static Arbitrary<ProductCase> ProductCases()
    {
        var small = Gen.OneOf(Gen.Elements(TileSizes), Gen.Choose(1, 40));
        var gen =
            from layout in Gen.Elements(Enum.GetValues<GemmLayout>())
            from big in Gen.Choose(0, 3)                         // which of M, N, K is block-sized (3: none)
            from sizes in Gen.ArrayOf(small, 3)
            from blockSize in Gen.Elements(BlockSizes)
            from kernel in Gen.Elements(GemmKernel.Best, GemmKernel.Vector512, GemmKernel.Vector256)
            from threads in Gen.Elements(1, 2, 3)
            from seed in Gen.Choose(0, int.MaxValue)
            let m = big == 0 ? blockSize : sizes[0]
            let n = big == 1 ? blockSize : sizes[1]
            let k = big == 2 ? blockSize : sizes[2]
            select new ProductCase(layout, m, n, k, kernel, threads, seed);
        return Arb.From(gen, Shrink);
    }

    private static IEnumerable<ProductCase> Shrink(ProductCase c)
    {
        if (c.M > 1) yield return c with { M = c.M - 1 };
        if (c.N > 1) yield return c with { N = c.N - 1 };
        if (c.K > 1) yield return c with { K = c.K - 1 };
        if (c.Threads > 1) yield return c with { Threads = 1 };
    }
}
