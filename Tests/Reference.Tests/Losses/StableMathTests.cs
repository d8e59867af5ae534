using NUnit.Framework;
using Rnn.Reference.Losses;

namespace Rnn.Reference.Tests.Losses;

public sealed class StableMathTests
{
    [Test]
    public void Log1PKeepsRelativePrecisionForTinyArguments()
    {
        // log(1 + u) = u - u^2/2 + u^3/3 - ...: for u = 1e-20 the result is u to the last bit,
        // while Math.Log(1 + 1e-20) = Math.Log(1) = 0
        Assert.That(Math.Log(1 + 1e-20), Is.EqualTo(0.0));
        Assert.That(StableMath.Log1P(1e-20), Is.EqualTo(1e-20));
        // u = 1e-10: u - u^2/2 = 1e-10 - 5e-21 (the cubic term, 3.3e-31, is below the last bit)
        Assert.That(StableMath.Log1P(1e-10), Is.EqualTo(1e-10 - 5e-21).Within(1e-25));
        Assert.That(StableMath.Log1P(1.0), Is.EqualTo(Math.Log(2)).Within(1e-16));
        Assert.That(StableMath.Log1P(0.0), Is.EqualTo(0.0));
    }

    [Test]
    public void SoftplusIsFiniteEverywhere()
    {
        // softplus(0) = ln 2; softplus(800) = 800 + log(1 + e^-800) = 800; softplus(-800) = e^-800 = 0 in double
        Assert.That(StableMath.Softplus(0), Is.EqualTo(Math.Log(2)).Within(1e-16));
        Assert.That(StableMath.Softplus(800), Is.EqualTo(800.0));
        Assert.That(StableMath.Softplus(-800), Is.EqualTo(0.0));
        // softplus(-40) = log(1 + e^-40) = e^-40 (1 - e^-40/2 + ...) = e^-40 to double precision
        Assert.That(StableMath.Softplus(-40), Is.EqualTo(Math.Exp(-40)).Within(1e-16 * Math.Exp(-40)));
        // softplus(x) - softplus(-x) = x
        Assert.That(StableMath.Softplus(3) - StableMath.Softplus(-3), Is.EqualTo(3.0).Within(1e-15));
    }

    [Test]
    public void ReductionNamesRoundTrip()
    {
        foreach (var r in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
            Assert.That(Reductions.Parse(Reductions.Name(r)), Is.EqualTo(r));
    }
}
