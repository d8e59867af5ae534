// The fast path's vector e^x (Fast/VectorExp.cs) against its meaning, Math.Exp: within 2 units
// in the last place wherever e^x is a normal double (FsCheck, over the whole range where e^x is
// finite and nonzero, and near 0 where the gates live), Math.Exp's answers at the ends (overflow
// to +inf, the subnormals and 0, NaN), and the Vector256 and Vector512 forms lane for lane the
// same bits. The values e^1 and e^-1 are also compared with their decimal expansions (outside
// truth, not Math.Exp).
using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using NUnit.Framework;
using Rnn.Reference.Fast;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Rnn.Reference.Tests.Fast;

public static class ExpArbitraries
{
    /// <summary>Four exponents: uniform over (-745, 710), where e^x is finite and not 0; or near 0; or one of the edges.</summary>
    public static Arbitrary<double[]> Exponents()
    {
        var wide = Gen.Choose(-745_000_000, 710_000_000).Select(k => k / 1e6);
        var near = Gen.Choose(-40_000_000, 40_000_000).Select(k => k / 1e6);
        var edges = Gen.Elements(0.0, -0.0, 709.78, 709.79, -708.39, -708.40, -744.44, -745.14, -745.2, 1e-300, -1e-300, 0.5 * Math.Log(2));
        var one = Gen.OneOf(wide, near, near, edges);
        return Arb.From(Gen.ArrayOf(one, 4));
    }
}

[Properties(Arbitrary = [typeof(ExpArbitraries)], QuietOnSuccess = true, MaxTest = 2000)]
public sealed class VectorExpTests
{
    /// <summary>Largest distance allowed between VectorExp.Exp and Math.Exp, in units in the last place.</summary>
    private const long MaxUlps = 2;

    /// <summary>2^-1022, the smallest normal double.</summary>
    private const double SmallestNormal = 2.2250738585072014E-308;

    private static long _worstUlps;

    [OneTimeTearDown]
    public void PrintWorst() => TestContext.Progress.WriteLine($"vector exp vs Math.Exp: worst {_worstUlps} ulp (bound {MaxUlps})");

    /// <summary>How many doubles lie between a and b (both finite and of one sign).</summary>
    private static long Ulps(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    private static double[] Exp256(double[] x)
    {
        var e = new double[4];
        VectorExp.Exp(Vector256.Create(x)).CopyTo(e);
        return e;
    }

    [Property]
    public void ExpIsWithinTwoUlpsOfMathExpWhereTheResultIsNormal(double[] x)
    {
        var e = Exp256(x);
        for (int k = 0; k < 4; k++)
        {
            double want = Math.Exp(x[k]);
            if (double.IsInfinity(want) || want < SmallestNormal)
            {
                // +inf above 709.78; the subnormals: within one subnormal step of Math.Exp; 0 below
                if (double.IsInfinity(want)) Assert.That(e[k], Is.EqualTo(want), $"exp({x[k]:R})");
                else Assert.That(Math.Abs(e[k] - want), Is.LessThanOrEqualTo(double.Epsilon), $"exp({x[k]:R}) = {want:R} (subnormal)");
                continue;
            }
            long ulps = Ulps(e[k], want);
            _worstUlps = Math.Max(_worstUlps, ulps);
            Assert.That(ulps, Is.LessThanOrEqualTo(MaxUlps), $"exp({x[k]:R}) = {e[k]:R}, Math.Exp gives {want:R}");
        }
    }

    [Property]
    public void TheVector512FormGivesTheVector256FormsBits(double[] x)
    {
        var lanes = new double[8];
        x.CopyTo(lanes, 0);
        x.CopyTo(lanes, 4);
        var wide = VectorExp.Exp(Vector512.Create(lanes));
        var narrow = Exp256(x);
        for (int k = 0; k < 8; k++)
            Assert.That(BitConverter.DoubleToInt64Bits(wide[k]), Is.EqualTo(BitConverter.DoubleToInt64Bits(narrow[k % 4])), $"exp({x[k % 4]:R})");
    }

    [Test]
    public void TheEndsGiveWhatMathExpGives()
    {
        double[] x = [double.PositiveInfinity, double.NegativeInfinity, double.NaN, 710.0, -746.0, 1e308, -1e308, 0.0];
        for (int at = 0; at < x.Length; at += 4)
        {
            var e = Exp256(x[at..(at + 4)]);
            for (int k = 0; k < 4; k++)
                Assert.That(e[k], Is.EqualTo(Math.Exp(x[at + k])), $"exp({x[at + k]:R})");
        }
    }

    [Test]
    public void EToTheOneAndMinusOneAreTheNearestDoublesToTheirDecimalExpansions()
    {
        // e = 2.71828182845904523536..., 1/e = 0.36787944117144232159...; the literals round to the nearest double
        var e = Exp256([1.0, -1.0, 2.0, 0.5]);
        Assert.That(Ulps(e[0], 2.71828182845904523536), Is.LessThanOrEqualTo(1));
        Assert.That(Ulps(e[1], 0.36787944117144232159), Is.LessThanOrEqualTo(1));
        Assert.That(Ulps(e[2], 7.38905609893064951175), Is.LessThanOrEqualTo(1));
        Assert.That(Ulps(e[3], 1.64872127070012814685), Is.LessThanOrEqualTo(1));
    }
}
