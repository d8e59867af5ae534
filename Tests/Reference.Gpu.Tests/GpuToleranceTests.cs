// The tolerance arithmetic of GpuTolerance on hand-worked values: the float32 bound of Spec/gpu.md
// for a small LSTM, the float64 relative rule, and that a NaN is never within tolerance.
using NUnit.Framework;
using Rnn.Reference.Gpu.Checking;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Gpu.Tests;

public sealed class GpuToleranceTests
{
    private static readonly RecurrentConfig Lstm34 = new(CellKind.Lstm, 3, 4);

    [Test]
    public void Float32BoundOfASmallLstm()
    {
        // K = max(I, D*H, G*H) = max(3, 4, 16) = 16; eps = 2 * L * T * (K + 16) * 2^-24 = 2 * 1 * 1 * 32 * 2^-24 = 2^-18
        Assert.That(GpuTolerance.Float32Bound(Lstm34, 1), Is.EqualTo((Math.Pow(2, -18), Math.Pow(2, -18))));
        // two layers, bidirectional, T = 5: K = max(3, 8, 16) = 16, eps = 2 * 2 * 5 * 32 * 2^-24 = 640 * 2^-24
        var (atol, _) = GpuTolerance.Float32Bound(Lstm34 with { NumLayers = 2, Bidirectional = true }, 5);
        Assert.That(atol, Is.EqualTo(640 * Math.Pow(2, -24)));
    }

    [Test]
    public void Float64IsRelativeToTheLargestMagnitude()
    {
        var expected = new Tensor([3], [1, -2, 4]);
        // 2e-10 off on the element of magnitude 1 is 0.5e-10 of max|ref| = 4: half the tolerance
        var half = GpuTolerance.Worst(GpuPrecision.Float64, Lstm34, 1, expected, new Tensor([3], [1 + 2e-10, -2, 4]));
        Assert.That(half.Index, Is.EqualTo(0));
        Assert.That(half.OfTolerance, Is.EqualTo(0.5).Within(1e-5));
        Assert.That(half.Passes);
        var twice = GpuTolerance.Worst(GpuPrecision.Float64, Lstm34, 1, expected, new Tensor([3], [1, -2 - 8e-10, 4]));
        Assert.That(twice.Index, Is.EqualTo(1));
        Assert.That(twice.OfTolerance, Is.EqualTo(2).Within(1e-5));
        Assert.That(twice.Passes, Is.False);
    }

    [Test]
    public void Float32IsAtolPlusRtolTimesTheReference()
    {
        double eps = Math.Pow(2, -18);
        var expected = new Tensor([2], [0, 3]);
        // at 3 the bound is eps + 3 eps = 4 eps: 2 eps off uses half of it; at 0 the bound is eps
        var w = GpuTolerance.Worst(GpuPrecision.Float32, Lstm34, 1, expected, new Tensor([2], [0.25 * eps, 3 + 2 * eps]));
        Assert.That(w.Index, Is.EqualTo(1));
        Assert.That(w.OfTolerance, Is.EqualTo(0.5).Within(1e-9));
        var outside = GpuTolerance.Worst(GpuPrecision.Float32, Lstm34, 1, expected, new Tensor([2], [1.5 * eps, 3]));
        Assert.That(outside.Index, Is.EqualTo(0));
        Assert.That(outside.Passes, Is.False);
    }

    [TestCase(GpuPrecision.Float64)]
    [TestCase(GpuPrecision.Float32)]
    public void NaNIsNeverWithinTolerance(GpuPrecision precision)
    {
        var w = GpuTolerance.Worst(precision, Lstm34, 1, new Tensor([2], [1, 2]), new Tensor([2], [1, double.NaN]));
        Assert.That(w.Index, Is.EqualTo(1));
        Assert.That(w.Passes, Is.False);
    }

    [Test]
    public void ShapesMustAgree()
    {
        var e = Assert.Throws<ArgumentException>(() => GpuTolerance.Worst(GpuPrecision.Float64, Lstm34, 1, new Tensor([2], [1, 2]), new Tensor([1, 2], [1, 2])))!;
        Assert.That(e.Message, Does.StartWith("the GPU tensor is [1, 2] but the reference's is [2]"));
    }
}
