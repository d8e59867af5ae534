// e^x for four (Vector256) or eight (Vector512) doubles at once, for the fast path's gate
// kernels. Its meaning is Math.Exp: it agrees with it to within 2 units in the last place
// (relative error at most 2^-51 = 4.4e-16, tested) wherever e^x is a normal double, and gives
// Math.Exp's answers at the ends: +inf above ln(double.MaxValue) = 709.78, results below the
// smallest normal 2.2e-308 rounded into the subnormals and then to 0, NaN for NaN.
// (.NET's own Vector256.Exp for double is slower than a loop of Math.Exp on this machine, which
// is why this file exists.)
//
//   x = n ln 2 + r,   n = round(x / ln 2),   |r| <= ln 2 / 2        (Cody and Waite's reduction)
//   r = (x - n ln2_hi) - n ln2_lo                                  ln2_hi has 32 significant bits,
//                                                                  so n ln2_hi is exact for |n| < 2^21
//   e^r = sum_{k=0}^{13} r^k / k!                                  Taylor; the remainder is below
//                                                                  0.347^14 / 14! = 4e-18 of e^r
//   e^x = e^r * 2^n1 * 2^n2,  n1 = floor(n / 2), n2 = n - n1       two exact powers of 2, so that
//                                                                  n up to ±2020 stays in range
//
// x is first clamped to [-1400, 1400] (e^x is 0 or +inf there already); the powers 2^k are built
// from their bits, (k + 1023) << 52. Every lane depends only on its own x.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Reference.Fast;

/// <summary>Vector e^x within 2 units in the last place of Math.Exp (see the file's comment).</summary>
public static class VectorExp
{
    private const double Log2E = 1.4426950408889634;            // 1 / ln 2
    private const double Ln2Hi = 0.693147180369123816490;        // ln 2 to 32 bits (0x3FE62E42FEE00000)
    private const double Ln2Lo = 1.90821492927058770002e-10;     // ln 2 - Ln2Hi
    private const double Round = 6755399441055744.0;             // 1.5 * 2^52: x + Round - Round rounds x to an integer
    private const double Clamp = 1400.0;                         // |x| past which e^x is 0 or +inf (n stays within ±2020)
    private const double TwoTo52 = 4503599627370496.0;           // 2^52: k + 1023 + 2^52 holds k + 1023 in its low bits

    // 1 / k! for k = 2 .. 13, the Taylor coefficients of e^r past 1 + r
    private const double C2 = 1.0 / 2, C3 = 1.0 / 6, C4 = 1.0 / 24, C5 = 1.0 / 120, C6 = 1.0 / 720, C7 = 1.0 / 5040;
    private const double C8 = 1.0 / 40320, C9 = 1.0 / 362880, C10 = 1.0 / 3628800, C11 = 1.0 / 39916800;
    private const double C12 = 1.0 / 479001600, C13 = 1.0 / 6227020800;

    /// <summary>e^x in each of the four lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> x)
    {
        var xc = Vector256.Min(Vector256.Max(x, Vector256.Create(-Clamp)), Vector256.Create(Clamp));
        var round = Vector256.Create(Round);
        var n = Vector256.FusedMultiplyAdd(xc, Vector256.Create(Log2E), round) - round;    // round(x / ln 2)
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), xc);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);                    // x - n ln 2
        // e^r = 1 + r (1 + r (1/2! + r (1/3! + ... + r / 13!)))   Horner, from the highest power
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(C13), r, Vector256.Create(C12));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C11));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C10));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C9));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C8));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C7));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<double>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<double>.One);
        // e^x = e^r 2^n1 2^n2
        var n1 = Vector256.Floor(n * Vector256.Create(0.5));
        var n2 = n - n1;
        var e = p * PowerOfTwo(n1) * PowerOfTwo(n2);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), e, x);                  // NaN stays NaN
    }

    /// <summary>e^x in each of the eight lanes (the same steps as the Vector256 form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> x)
    {
        var xc = Vector512.Min(Vector512.Max(x, Vector512.Create(-Clamp)), Vector512.Create(Clamp));
        var round = Vector512.Create(Round);
        var n = Vector512.FusedMultiplyAdd(xc, Vector512.Create(Log2E), round) - round;
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), xc);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(C13), r, Vector512.Create(C12));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C11));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C10));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C9));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C8));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C7));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<double>.One);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<double>.One);
        var n1 = Vector512.Floor(n * Vector512.Create(0.5));
        var n2 = n - n1;
        var e = p * PowerOfTwo(n1) * PowerOfTwo(n2);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), e, x);
    }

    /// <summary>2^k for whole k in -1022 .. 1023: the bits (k + 1023) &lt;&lt; 52.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> PowerOfTwo(Vector256<double> k)
    {
        var biased = (k + Vector256.Create(1023.0 + TwoTo52)).AsUInt64();                 // low bits: k + 1023
        return Vector256.ShiftLeft(biased, 52).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> PowerOfTwo(Vector512<double> k)
    {
        var biased = (k + Vector512.Create(1023.0 + TwoTo52)).AsUInt64();
        return Vector512.ShiftLeft(biased, 52).AsDouble();
    }
}
