using NUnit.Framework;
using Rnn.Reference.Losses;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Layers;

namespace Rnn.Reference.Tests.Losses;

public sealed class BinaryCrossEntropyWithLogitsTests
{
    [Test]
    public void KnownValues()
    {
        // x = 0, y = 1:    l = max(0,0) - 0*1 + log(1 + e^0) = ln 2;  dl/dx = sigmoid(0) - 1 = -1/2;  dl/dy = -x = 0
        // x = ln 3, y = 0: l = ln 3 - 0 + log(1 + 1/3) = ln 3 + ln(4/3) = ln 4;  dl/dx = sigmoid(ln 3) = 3/4;  dl/dy = -ln 3
        var x = new Tensor([2], [0, Math.Log(3)]);
        var y = new Tensor([2], [1, 0]);
        var (none, cache) = BinaryCrossEntropyWithLogits.Forward(x, y, reduction: Reduction.None);
        Assert.That(none.Data, Is.EqualTo(new[] { Math.Log(2), Math.Log(4) }).Within(1e-15));
        var g = BinaryCrossEntropyWithLogits.Backward(new Tensor([2], [1, 1]), cache);
        Assert.That(g.dInput.Data, Is.EqualTo(new[] { -0.5, 0.75 }).Within(1e-15));
        Assert.That(g.dTarget.Data, Is.EqualTo(new[] { 0, -Math.Log(3) }).Within(1e-15));
        // mean = (ln 2 + ln 4) / 2 = 3 ln 2 / 2
        Assert.That(BinaryCrossEntropyWithLogits.Forward(x, y).Loss.Data[0], Is.EqualTo(1.5 * Math.Log(2)).Within(1e-15));
    }

    [Test]
    public void PosWeightAndWeight()
    {
        // pos_weight 2, x = 0, y = 1: l = (1 - 1)*0 + (1 + (2 - 1)*1) * softplus(0) = 2 ln 2
        //   dl/dx = lw*sigmoid(0) - pw*y = 2*(1/2) - 2 = -1;  dl/dy = (pw - 1)*softplus(0) - 0 = ln 2
        // weight 3 multiplies all three: 6 ln 2, -3, 3 ln 2
        var (loss, g) = BinaryCrossEntropyWithLogits.Compute(new Tensor([1], [0]), new Tensor([1], [1]),
            weight: new Tensor([1], [3]), posWeight: new Tensor([1], [2]), reduction: Reduction.Sum);
        Assert.That(loss.Data[0], Is.EqualTo(6 * Math.Log(2)).Within(1e-15));
        Assert.That(g.dInput.Data[0], Is.EqualTo(-3.0).Within(1e-15));
        Assert.That(g.dTarget.Data[0], Is.EqualTo(3 * Math.Log(2)).Within(1e-15));
    }

    [Test]
    public void MeanDividesByTheElementCountNotTheWeights()
    {
        // weights [1, 0]: the mean still divides by 2 elements (unlike cross_entropy's weighted mean)
        var x = new Tensor([2], [0, 0]);
        var y = new Tensor([2], [1, 1]);
        var (loss, _) = BinaryCrossEntropyWithLogits.Compute(x, y, weight: new Tensor([2], [1, 0]));
        Assert.That(loss.Data[0], Is.EqualTo(Math.Log(2) / 2).Within(1e-15));
    }

    [Test]
    public void LargeLogitsStayFiniteAndAccurate()
    {
        // x = 800, y = 0: l = 800 + log(1 + e^-800) = 800; x = -800, y = 1: l = 0 + 800 + log(1 + e^-800) = 800
        // x = -40, y = 0: l = log(1 + e^-40) = e^-40 to full precision (a plain log(1 + u) would give 0)
        var x = new Tensor([3], [800, -800, -40]);
        var y = new Tensor([3], [0, 1, 0]);
        var (l, _) = BinaryCrossEntropyWithLogits.Forward(x, y, reduction: Reduction.None);
        Assert.That(l.Data[0], Is.EqualTo(800.0));
        Assert.That(l.Data[1], Is.EqualTo(800.0));
        Assert.That(l.Data[2], Is.EqualTo(Math.Exp(-40)).Within(1e-15 * Math.Exp(-40)));
    }

    [TestCase(Reduction.Mean, false, false)]
    [TestCase(Reduction.Sum, true, false)]
    [TestCase(Reduction.None, false, true)]
    [TestCase(Reduction.Mean, true, true)]
    public void GradientsMatchCentralDifferences(Reduction reduction, bool weighted, bool posWeighted)
    {
        var rng = new Random(17 + (int)reduction);
        var x = GradCheck.RandomTensor(rng, [3, 4], 4);
        var y = new Tensor([3, 4], GradCheck.Random(rng, 12).Select(v => (v + 1) / 2).ToArray());
        var w = weighted ? new Tensor([3, 1], [0.5, 1.5, 2]) : null;  // broadcast over the columns
        var pw = posWeighted ? new Tensor([4], [0.5, 1, 2, 3]) : null;  // one per class (last axis)
        var (loss, cache) = BinaryCrossEntropyWithLogits.Forward(x, y, w, pw, reduction);
        var dl = GradCheck.RandomTensor(rng, loss.Shape);
        var g = BinaryCrossEntropyWithLogits.Backward(dl, cache);
        double F() => GradCheck.Dot(BinaryCrossEntropyWithLogits.Forward(x, y, w, pw, reduction).Loss.Data, dl.Data);
        string cfg = $"({reduction}, weight {weighted}, pos_weight {posWeighted})";
        GradCheck.Check($"BceWithLogits dInput {cfg}", F, x.Data, g.dInput.Data);
        GradCheck.Check($"BceWithLogits dTarget {cfg}", F, y.Data, g.dTarget.Data);
    }

    [Test]
    public void RejectsBadShapes()
    {
        var x = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ArgumentException>(() => BinaryCrossEntropyWithLogits.Forward(x, Tensor.Zeros(3)))!;
        Assert.That(e.Message, Does.Contain("target is [3]").And.Contain("input is [2, 3]"));
        e = Assert.Throws<ArgumentException>(() => BinaryCrossEntropyWithLogits.Forward(x, Tensor.Zeros(2, 3), weight: Tensor.Zeros(2)))!;
        Assert.That(e.Message, Does.Contain("weight is [2]").And.Contain("[2, 3]"));
        e = Assert.Throws<ArgumentException>(() => BinaryCrossEntropyWithLogits.Forward(x, Tensor.Zeros(2, 3), posWeight: Tensor.Zeros(4, 2, 3)))!;
        Assert.That(e.Message, Does.Contain("pos_weight is [4, 2, 3]"));
        Assert.That(e.ParamName, Is.EqualTo("pos_weight"));
    }
}
