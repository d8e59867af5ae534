// How the library computes its matrix products and recurrent loops: an explicit choice,
// passed in by the caller, never a setting stored anywhere.
//
//   Compute.Plain       the readable loops (MatMul, the cells' Step functions, RecurrentLayer's
//                       time loop): the meaning of every construct, and what every call that is
//                       given no Compute runs.
//   Compute.Fast(n)     Reference/Fast: packed, cache-blocked products with a vector FMA kernel,
//                       vector gate kernels and the restructured backward pass, on n threads
//                       (0 or none: every core). Equal to Plain within rounding (tested to 1e-13
//                       relative for the products); the same bits for every thread count.
//
// Spec/performance.md describes the fast path and how it maps to the loops.
namespace Rnn.Reference.Numerics;

/// <summary>How products and recurrent loops are computed: Plain (the readable loops, the default) or Fast(threads) (Reference/Fast; Spec/performance.md).</summary>
public sealed record Compute
{
    private Compute(bool isFast, int threads)
    {
        IsFast = isFast;
        Threads = threads;
    }

    /// <summary>The plain loops: the reference's meaning. The default of every library call.</summary>
    public static Compute Plain { get; } = new(false, 1);

    /// <summary>
    /// The fast path (Reference/Fast) on the given number of threads; 0 means every core
    /// (Environment.ProcessorCount). Results do not depend on the thread count.
    /// </summary>
    public static Compute Fast(int threads = 0)
    {
        if (threads < 0)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"threads must be at least 1 (or 0 for every core) but is {threads}");
        return new Compute(true, threads == 0 ? Environment.ProcessorCount : threads);
    }

    /// <summary>True for Compute.Fast, false for Compute.Plain.</summary>
    public bool IsFast { get; }

    /// <summary>Threads the fast path may use (1 for Plain, which never splits its loops).</summary>
    public int Threads { get; }

    /// <summary>"plain", or "fast (N threads)".</summary>
    public override string ToString() => IsFast ? $"fast ({Threads} thread{(Threads == 1 ? "" : "s")})" : "plain";
}
