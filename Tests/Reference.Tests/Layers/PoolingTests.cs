using NUnit.Framework;
using Rnn.Reference.Layers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Layers;

public sealed class MaxPool1dTests
{
    [Test]
    public void TiesGoToTheFirstMaximumAndGradientsAccumulate()
    {
        // x = [1, 3, 3, 2, 2, 0], kernel 3, stride 1: Lout = (6 - 2 - 1)/1 + 1 = 4
        //   window [1, 3, 3] -> 3 at position 1 (first of the tie)
        //   window [3, 3, 2] -> 3 at position 1
        //   window [3, 2, 2] -> 3 at position 2
        //   window [2, 2, 0] -> 2 at position 3 (first of the tie)
        var (y, cache) = MaxPool1d.Forward(new Tensor([1, 6], [1, 3, 3, 2, 2, 0]), 3, stride: 1);
        Assert.That(y.Data, Is.EqualTo(new double[] { 3, 3, 3, 2 }));
        Assert.That(cache.Argmax, Is.EqualTo(new[] { 1, 1, 2, 3 }));
        // dy = [1, 1, 1, 1]: position 1 wins twice -> 2; positions 2 and 3 once -> 1
        var dx = MaxPool1d.Backward(new Tensor([1, 4], [1, 1, 1, 1]), cache);
        Assert.That(dx.Data, Is.EqualTo(new double[] { 0, 2, 1, 1, 0, 0 }));
    }

    [Test]
    public void PaddingIsMinusInfinityAndNeverWins()
    {
        // x = [-1, -2, -3], kernel 2, stride 1, padding 1: Lout = (3 + 2 - 1 - 1)/1 + 1 = 4
        //   [pad, -1] -> -1 @0   [-1, -2] -> -1 @0   [-2, -3] -> -2 @1   [-3, pad] -> -3 @2
        var (y, cache) = MaxPool1d.Forward(new Tensor([1, 3], [-1, -2, -3]), 2, stride: 1, padding: 1);
        Assert.That(y.Data, Is.EqualTo(new double[] { -1, -1, -2, -3 }));
        Assert.That(cache.Argmax, Is.EqualTo(new[] { 0, 0, 1, 2 }));
    }

    [Test]
    public void NaNWinsAndTheLastNaNOfAWindowIsChosen()
    {
        // PyTorch's rule "take v if v > best or v is NaN":
        //   [1, NaN, 3]   -> NaN @1 (3 > NaN is false, so NaN stays)
        //   [NaN, 2, NaN] -> NaN @2 (the later NaN replaces the earlier one)
        var (y, cache) = MaxPool1d.Forward(new Tensor([2, 3], [1, double.NaN, 3, double.NaN, 2, double.NaN]), 3);
        Assert.That(double.IsNaN(y.Data[0]) && double.IsNaN(y.Data[1]));
        Assert.That(cache.Argmax, Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void StrideDefaultsToKernelAndCeilModeAddsAWindow()
    {
        // x = [1, 5, 2, 4, 3], kernel 2 (stride 2):
        //   floor: Lout = (5 - 1 - 1)/2 + 1 = 2 -> [max(1,5), max(2,4)] = [5, 4]
        //   ceil:  Lout = ceil(3/2) + 1 = 3, the last window starts at 4 < 5 -> [5, 4, max(3)] = [5, 4, 3]
        var x = new Tensor([1, 5], [1, 5, 2, 4, 3]);
        Assert.That(MaxPool1d.Forward(x, 2).Output.Data, Is.EqualTo(new double[] { 5, 4 }));
        Assert.That(MaxPool1d.Forward(x, 2, ceilMode: true).Output.Data, Is.EqualTo(new double[] { 5, 4, 3 }));
    }

    [Test]
    public void DilationSkipsPositions()
    {
        // x = [4, 9, 1, 0, 7], kernel 2, stride 1, dilation 3: Lout = (5 - 3 - 1)/1 + 1 = 2
        //   t0: max(x0, x3) = max(4, 0) = 4 @0    t1: max(x1, x4) = max(9, 7) = 9 @1
        var (y, cache) = MaxPool1d.Forward(new Tensor([1, 5], [4, 9, 1, 0, 7]), 2, stride: 1, dilation: 3);
        Assert.That(y.Data, Is.EqualTo(new double[] { 4, 9 }));
        Assert.That(cache.Argmax, Is.EqualTo(new[] { 0, 1 }));
    }

    [TestCase(3, null, 0, 1, false)]
    [TestCase(3, 1, 1, 1, false)]
    [TestCase(2, 1, 1, 2, false)]
    [TestCase(4, 3, 2, 1, true)]
    public void GradientMatchesCentralDifferences(int K, int? S, int P, int D, bool ceil)
    {
        // distinct values at least 0.01 apart, so a step of 1e-5 never changes which element wins
        var rng = new Random(K * 1000 + P * 10 + D);
        int n = 2 * 3 * 10;
        var values = Enumerable.Range(0, n).Select(i => (i - n / 2) * 0.01).OrderBy(_ => rng.Next()).ToArray();
        var x = new Tensor([2, 3, 10], values);
        var (y, cache) = MaxPool1d.Forward(x, K, S, P, D, ceil);
        var dy = GradCheck.RandomTensor(rng, y.Shape);
        var dx = MaxPool1d.Backward(dy, cache);
        double F() => GradCheck.Dot(MaxPool1d.Forward(x, K, S, P, D, ceil).Output.Data, dy.Data);
        GradCheck.Check($"MaxPool1d dInput (kernel {K}, stride {S?.ToString() ?? "=kernel"}, padding {P}, dilation {D}, ceil {ceil})",
            F, x.Data, dx.Data);
    }

    [Test]
    public void RejectsBadArguments()
    {
        var x = Tensor.Zeros(1, 2, 5);
        var e = Assert.Throws<ArgumentException>(() => MaxPool1d.Forward(x, 3, padding: 2))!;
        Assert.That(e.Message, Does.Contain("padding is 2").And.Contain("[0, 1]"));
        e = Assert.Throws<ArgumentException>(() => MaxPool1d.Forward(x, 0))!;
        Assert.That(e.Message, Does.Contain("kernel_size must be at least 1 but is 0"));
        e = Assert.Throws<ArgumentException>(() => MaxPool1d.Forward(x, 2, stride: 0))!;
        Assert.That(e.Message, Does.Contain("stride must be at least 1 but is 0"));
        e = Assert.Throws<ArgumentException>(() => MaxPool1d.Forward(x, 2, dilation: 0))!;
        Assert.That(e.Message, Does.Contain("dilation"));
        e = Assert.Throws<ArgumentException>(() => MaxPool1d.Forward(x, 6))!;
        Assert.That(e.Message, Does.Contain("input length 5").And.Contain("output length 0"));
        e = Assert.Throws<ArgumentException>(() => MaxPool1d.Forward(Tensor.Zeros(5), 2))!;
        Assert.That(e.Message, Does.Contain("input is [5]").And.Contain("[batch, channels, length]"));
        e = Assert.Throws<ArgumentException>(() => MaxPool1d.Forward(Tensor.Zeros(2, 0), 1))!;
        Assert.That(e.Message, Does.Contain("input is [2, 0]"));
        var (_, cache) = MaxPool1d.Forward(x, 2);
        e = Assert.Throws<ArgumentException>(() => MaxPool1d.Backward(Tensor.Zeros(1, 2, 3), cache))!;
        Assert.That(e.Message, Does.Contain("dOutput is [1, 2, 3]").And.Contain("[1, 2, 2]"));
    }
}

public sealed class AvgPool1dTests
{
    private static Tensor X() => new([1, 5], [1, 2, 3, 4, 5]);

    [Test]
    public void KnownValuesCountIncludePad()
    {
        // kernel 2, stride 2, padding 1: Lout = (5 + 2 - 1 - 1)/2 + 1 = 3
        //   [pad, 1] -> (0 + 1)/2 = 0.5    [2, 3] -> 2.5    [4, 5] -> 4.5
        Assert.That(AvgPool1d.Forward(X(), 2, padding: 1).Output.Data, Is.EqualTo(new[] { 0.5, 2.5, 4.5 }));
        // count_include_pad false: the first window averages its one real element: 1/1 = 1
        Assert.That(AvgPool1d.Forward(X(), 2, padding: 1, countIncludePad: false).Output.Data, Is.EqualTo(new[] { 1.0, 2.5, 4.5 }));
    }

    [Test]
    public void CeilModeWindowIsCutAtTheRightPadding()
    {
        // kernel 2, stride 2, no padding, ceil: Lout = ceil((5 - 2)/2) + 1 = 3; the last window
        // [4, 6) is cut at L + P = 5, so its divisor is 1 even when padding counts: [1.5, 3.5, 5]
        Assert.That(AvgPool1d.Forward(X(), 2, ceilMode: true).Output.Data, Is.EqualTo(new[] { 1.5, 3.5, 5.0 }));
        // kernel 3, stride 2, padding 1, ceil: Lout = (5 + 2 - 2 - 1 + 1)/2 + 1 = 3, windows [-1, 2), [1, 4), [3, 6)
        //   include pad: (0+1+2)/3 = 1, (2+3+4)/3 = 3, (4+5+0)/3 = 3
        //   exclude pad: (1+2)/2 = 1.5, 3, (4+5)/2 = 4.5
        Assert.That(AvgPool1d.Forward(X(), 3, 2, 1, ceilMode: true).Output.Data, Is.EqualTo(new[] { 1.0, 3.0, 3.0 }));
        Assert.That(AvgPool1d.Forward(X(), 3, 2, 1, ceilMode: true, countIncludePad: false).Output.Data,
            Is.EqualTo(new[] { 1.5, 3.0, 4.5 }));
    }

    [Test]
    public void BackwardSpreadsOverTheWindow()
    {
        // kernel 3, stride 2, padding 1, include pad (divisor 3 everywhere), dy = [3, 6, 9]:
        //   window [-1, 2) gives 1 to x0, x1; [1, 4) gives 2 to x1, x2, x3; [3, 6) gives 3 to x3, x4
        //   dx = [1, 1 + 2, 2, 2 + 3, 3] = [1, 3, 2, 5, 3]
        var (_, cache) = AvgPool1d.Forward(X(), 3, 2, 1, ceilMode: true);
        Assert.That(AvgPool1d.Backward(new Tensor([1, 3], [3, 6, 9]), cache).Data, Is.EqualTo(new double[] { 1, 3, 2, 5, 3 }));
    }

    [TestCase(3, null, 0, false, true)]
    [TestCase(3, 1, 1, false, false)]
    [TestCase(4, 3, 2, true, true)]
    [TestCase(4, 3, 2, true, false)]
    public void GradientMatchesCentralDifferences(int K, int? S, int P, bool ceil, bool countIncludePad)
    {
        var rng = new Random(K * 100 + P);
        var x = GradCheck.RandomTensor(rng, [2, 3, 10]);
        var (y, cache) = AvgPool1d.Forward(x, K, S, P, ceil, countIncludePad);
        var dy = GradCheck.RandomTensor(rng, y.Shape);
        var dx = AvgPool1d.Backward(dy, cache);
        double F() => GradCheck.Dot(AvgPool1d.Forward(x, K, S, P, ceil, countIncludePad).Output.Data, dy.Data);
        GradCheck.Check($"AvgPool1d dInput (kernel {K}, stride {S?.ToString() ?? "=kernel"}, padding {P}, ceil {ceil}, count_include_pad {countIncludePad})",
            F, x.Data, dx.Data);
    }

    [Test]
    public void RejectsBadArguments()
    {
        var e = Assert.Throws<ArgumentException>(() => AvgPool1d.Forward(X(), 2, padding: 2))!;
        Assert.That(e.Message, Does.Contain("padding is 2").And.Contain("[0, 1]"));
        e = Assert.Throws<ArgumentException>(() => AvgPool1d.Forward(X(), -1))!;
        Assert.That(e.Message, Does.Contain("kernel_size must be at least 1 but is -1"));
        e = Assert.Throws<ArgumentException>(() => AvgPool1d.Forward(Tensor.Zeros(1, 2, 3, 4), 2))!;
        Assert.That(e.Message, Does.Contain("input is [1, 2, 3, 4]"));
        var (_, cache) = AvgPool1d.Forward(X(), 2);
        e = Assert.Throws<ArgumentException>(() => AvgPool1d.Backward(Tensor.Zeros(1, 3), cache))!;
        Assert.That(e.Message, Does.Contain("dOutput is [1, 3]").And.Contain("[1, 2]"));
    }
}
