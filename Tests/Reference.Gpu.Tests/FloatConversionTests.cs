// FloatConversion, the vectorised host side of a float32 device, against the plain casts it stands
// for, bit for bit: every length from 0 to 40 (the vector loop and the scalar tail in every split),
// values that round up, down and to even, ones past float's range, subnormals, signed zeros,
// infinities and NaN; WidenOnAllCores likewise at lengths below, at and past the length it splits
// from, and odd ones (parts of unequal length).
using NUnit.Framework;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Gpu.Tests;

public sealed class FloatConversionTests
{
    private static readonly double[] Special =
    [
        0.0, -0.0, 1.0, -1.0, 1.0 + Math.Pow(2, -24), 1.0 + 3 * Math.Pow(2, -24), 1.0 + Math.Pow(2, -23) + Math.Pow(2, -24),   // ties to even, both ways
        double.MaxValue, -double.MaxValue, 3.5e38, float.MaxValue, 1e-40, -1e-45, 1e-46, double.Epsilon,                       // past float's range, float subnormals
        double.PositiveInfinity, double.NegativeInfinity, double.NaN, Math.PI, -Math.E,
    ];

    private static double[] Values(int length, ulong seed)
    {
        var random = new SeededRandom(seed).UniformTensor(-1e3, 1e3, Math.Max(1, length)).Data;
        return Enumerable.Range(0, length).Select(i => i % 3 == 0 ? Special[i / 3 % Special.Length] : random[i]).ToArray();
    }

    [Test]
    public void NarrowIsTheCastToFloat([Range(0, 40)] int length)
    {
        var from = Values(length, (ulong)length + 1);
        var to = new float[length];
        FloatConversion.Narrow(from, to);
        for (int i = 0; i < length; i++)
            Assert.That(BitConverter.SingleToInt32Bits(to[i]), Is.EqualTo(BitConverter.SingleToInt32Bits((float)from[i])),
                $"element {i}: {from[i]:R} narrowed to {to[i]:R}, the cast gives {(float)from[i]:R}");
    }

    [Test]
    public void WidenIsTheCastToDouble([Range(0, 40)] int length)
    {
        var from = Values(length, (ulong)length + 50).Select(v => (float)v).ToArray();
        var to = new double[length];
        FloatConversion.Widen(from, to);
        for (int i = 0; i < length; i++)
            Assert.That(BitConverter.DoubleToInt64Bits(to[i]), Is.EqualTo(BitConverter.DoubleToInt64Bits(from[i])),
                $"element {i}: {from[i]:R} widened to {to[i]:R}");
    }

    [Test]
    public void WidenOnAllCoresIsTheCastToDouble(
        [Values(0, 1, 37, FloatConversion.AllCoresMinimum - 1, FloatConversion.AllCoresMinimum, FloatConversion.AllCoresMinimum + 1,
            2 * FloatConversion.AllCoresMinimum + 7, 3 * FloatConversion.AllCoresMinimum + 5)] int length)
    {
        var from = Values(length, (ulong)length + 90).Select(v => (float)v).ToArray();
        var to = new double[length];
        FloatConversion.WidenOnAllCores(from, to);
        for (int i = 0; i < length; i++)
            if (BitConverter.DoubleToInt64Bits(to[i]) != BitConverter.DoubleToInt64Bits(from[i]))
                Assert.Fail($"element {i} of {length}: {from[i]:R} widened to {to[i]:R}");
    }

    [Test]
    public void SpansOfDifferentLengthsAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => FloatConversion.Narrow(new double[5], new float[4]))!;
        Assert.That(e.Message, Does.StartWith("from holds 5 values but to 4"));
        e = Assert.Throws<ArgumentException>(() => FloatConversion.Widen(new float[3], new double[8]))!;
        Assert.That(e.Message, Does.StartWith("from holds 3 values but to 8"));
        e = Assert.Throws<ArgumentException>(() => FloatConversion.WidenOnAllCores(new float[3], new double[8]))!;
        Assert.That(e.Message, Does.StartWith("from holds 3 values but to 8"));
    }
}
