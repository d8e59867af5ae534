// The host side of a float32 device: values go up as float and come back as double. The loops
// below are the fast path of the plain casts `to[i] = (float)from[i]` and `to[i] = from[i]`: four
// doubles at a time with the CPU's vector instructions, the same rounding as the scalar cast (round to
// nearest even, NaN stays NaN), and the widening is exact. Tests/Reference.Gpu.Tests/FloatConversionTests.cs
// checks both against the casts, bit for bit. They are compiled optimised from their first call
// (AggressiveOptimization): a transfer of millions of values must not run in the JIT's first tier.
// WidenOnAllCores is Widen over one contiguous part per core, for the large downloads of a device
// that is idle meanwhile (a CPU device's cache download): each element is converted alone, so the
// bits are Widen's whatever the split.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Reference.Gpu;

public static class FloatConversion
{
    /// <summary>to[i] = (float)from[i] for every i; the spans have the same length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimised from the first call: no slow first tier for these loops
    public static void Narrow(ReadOnlySpan<double> from, Span<float> to)
    {
        if (from.Length != to.Length) throw new ArgumentException($"from holds {from.Length} values but to {to.Length}", nameof(to));
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double f = ref MemoryMarshal.GetReference(from);
            ref float t = ref MemoryMarshal.GetReference(to);
            for (; i + 8 <= from.Length; i += 8)
            {
                var lower = Vector256.LoadUnsafe(ref f, (nuint)i);            // from[i .. i+3]
                var upper = Vector256.LoadUnsafe(ref f, (nuint)(i + 4));      // from[i+4 .. i+7]
                Vector256.Narrow(lower, upper).StoreUnsafe(ref t, (nuint)i);  // to[i .. i+7]
            }
        }
        for (; i < from.Length; i++) to[i] = (float)from[i];
    }

    /// <summary>to[i] = from[i] (float widened to double, exactly) for every i; the spans have the same length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen(ReadOnlySpan<float> from, Span<double> to)
    {
        if (from.Length != to.Length) throw new ArgumentException($"from holds {from.Length} values but to {to.Length}", nameof(to));
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float f = ref MemoryMarshal.GetReference(from);
            ref double t = ref MemoryMarshal.GetReference(to);
            for (; i + 8 <= from.Length; i += 8)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref f, (nuint)i));   // from[i .. i+7]
                lower.StoreUnsafe(ref t, (nuint)i);
                upper.StoreUnsafe(ref t, (nuint)(i + 4));
            }
        }
        for (; i < from.Length; i++) to[i] = from[i];
    }

    /// <summary>Downloads at least this long are widened on all cores (WidenOnAllCores); shorter ones take longer to hand out than to convert.</summary>
    public const int AllCoresMinimum = 1 << 19;

    /// <summary>
    /// Widen(from, to), split into Environment.ProcessorCount contiguous parts converted at once when
    /// there are at least AllCoresMinimum values (else Widen on this thread). The same bits as Widen.
    /// </summary>
    public static unsafe void WidenOnAllCores(ReadOnlySpan<float> from, Span<double> to)
    {
        if (from.Length != to.Length) throw new ArgumentException($"from holds {from.Length} values but to {to.Length}", nameof(to));
        int parts = Math.Min(Environment.ProcessorCount, from.Length / (AllCoresMinimum / 2));
        if (parts < 2)
        {
            Widen(from, to);
            return;
        }
        int length = from.Length;
        // the spans stay pinned (fixed) until Parallel.For returns; each part rebuilds its slice of them
        fixed (float* f = from)
        fixed (double* t = to)
        {
            nint fromAt = (nint)f, toAt = (nint)t;
            Parallel.For(0, parts, part =>
            {
                int start = (int)((long)length * part / parts), end = (int)((long)length * (part + 1) / parts);
                Widen(new ReadOnlySpan<float>((float*)fromAt + start, end - start), new Span<double>((double*)toAt + start, end - start));
            });
        }
    }
}
