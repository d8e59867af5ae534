using NUnit.Framework;
using Rnn.Reference.Losses;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Layers;

namespace Rnn.Reference.Tests.Losses;

public sealed class CrossEntropyTests
{
    [Test]
    public void KnownValueOneRow()
    {
        // logits [0, ln 2, ln 5] -> softmax [1/8, 2/8, 5/8]; target 2: loss = -ln(5/8) = ln 1.6
        // gradient = softmax - onehot = [1/8, 2/8, 5/8 - 1] = [0.125, 0.25, -0.375]
        var x = new Tensor([1, 3], [0, Math.Log(2), Math.Log(5)]);
        var (loss, dx) = CrossEntropy.Compute(x, [2]);
        Assert.That(loss.Shape, Is.Empty);
        Assert.That(loss.Data[0], Is.EqualTo(Math.Log(1.6)).Within(1e-15));
        Assert.That(dx.Data, Is.EqualTo(new[] { 0.125, 0.25, -0.375 }).Within(1e-15));
    }

    [Test]
    public void WeightedMeanWithAnIgnoredRow()
    {
        // row 0: logits [0, ln 3], target 1: softmax [1/4, 3/4], l0 = -ln(3/4) = ln(4/3), weight w[1] = 1
        // row 1: logits [0, 0],    target 0: softmax [1/2, 1/2], l1 = ln 2,                 weight w[0] = 2
        // row 2: target -100 (ignored): no loss, no weight, no gradient
        // weighted mean = (1*ln(4/3) + 2*ln 2) / (1 + 2) = ln(16/3) / 3
        // dx row 0 = (1/3) ([1/4, 3/4] - [0, 1]) = [1/12, -1/12]
        // dx row 1 = (2/3) ([1/2, 1/2] - [1, 0]) = [-1/3, 1/3]
        var x = new Tensor([3, 2], [0, Math.Log(3), 0, 0, 7, -7]);
        var w = new Tensor([2], [2, 1]);
        var (loss, dx) = CrossEntropy.Compute(x, [1, 0, -100], w);
        Assert.That(loss.Data[0], Is.EqualTo(Math.Log(16.0 / 3) / 3).Within(1e-15));
        Assert.That(dx.Data, Is.EqualTo(new[] { 1.0 / 12, -1.0 / 12, -1.0 / 3, 1.0 / 3, 0, 0 }).Within(1e-15));

        // sum: 1*ln(4/3) + 2*ln 2 = ln(16/3); none: [ln(4/3), 2 ln 2, 0]
        Assert.That(CrossEntropy.Compute(x, [1, 0, -100], w, Reduction.Sum).Loss.Data[0], Is.EqualTo(Math.Log(16.0 / 3)).Within(1e-15));
        Assert.That(CrossEntropy.Compute(x, [1, 0, -100], w, Reduction.None).Loss.Data,
            Is.EqualTo(new[] { Math.Log(4.0 / 3), 2 * Math.Log(2), 0 }).Within(1e-15));
    }

    [Test]
    public void EveryTargetIgnoredGivesNaNMeanAndZeroGradient()
    {
        // the mean divides by the total weight of the targets that count: 0 / 0 = NaN (as PyTorch)
        var (loss, dx) = CrossEntropy.Compute(new Tensor([2, 2], [1, 2, 3, 4]), [-100, -100]);
        Assert.That(double.IsNaN(loss.Data[0]));
        Assert.That(dx.Data, Is.EqualTo(new double[] { 0, 0, 0, 0 }));
    }

    [Test]
    public void HugeLogitsStayFinite()
    {
        // logits [1000, 0]: log-sum-exp = 1000 + log(1 + e^-1000) = 1000 (in double); target 1: loss 1000
        var (loss, dx) = CrossEntropy.Compute(new Tensor([1, 2], [1000, 0]), [1]);
        Assert.That(loss.Data[0], Is.EqualTo(1000.0));
        Assert.That(dx.Data, Is.EqualTo(new double[] { 1, -1 }));
    }

    [Test]
    public void UnbatchedAndSpatialLayouts()
    {
        // [C] with a scalar target: the same number as the [1, C] case
        var (l1, _) = CrossEntropy.Compute(new Tensor([3], [0, Math.Log(2), Math.Log(5)]), [2]);
        Assert.That(l1.Data[0], Is.EqualTo(Math.Log(1.6)).Within(1e-15));
        // [N = 1, C = 2, d = 2]: column i of the logits is one example: x[0, :, 0] = [0, ln 3] target 1, x[0, :, 1] = [0, 0] target 0
        //   none = [ln(4/3), ln 2] with shape [1, 2]
        var (l2, _) = CrossEntropy.Compute(new Tensor([1, 2, 2], [0, 0, Math.Log(3), 0]), [1, 0], reduction: Reduction.None);
        Assert.That(l2.Shape, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(l2.Data, Is.EqualTo(new[] { Math.Log(4.0 / 3), Math.Log(2) }).Within(1e-15));
    }

    [Test]
    public void SequenceRowsFlattenATimeMajorBatch()
    {
        // [T = 2, B = 2, C = 3] logits, [T, B] targets: one loss per step and sequence, mean over the 4 rows
        var rng = new Random(8);
        var logits = GradCheck.RandomTensor(rng, [2, 2, 3]);
        int[] targets = [0, 2, 1, 1];                                  // targets[t * B + b]
        var rows = SequenceRows.Flatten(logits);
        Assert.That(rows.Shape, Is.EqualTo(new[] { 4, 3 }));
        Assert.That(rows.Data, Is.SameAs(logits.Data), "a view, not a copy");
        var (none, _) = CrossEntropy.Forward(rows, targets, reduction: Reduction.None);
        var perStep = SequenceRows.Unflatten(none, 2, 2);
        Assert.That(perStep.Shape, Is.EqualTo(new[] { 2, 2 }));
        // step t = 1 of sequence b = 0 alone equals row 1*2 + 0 = 2
        var (single, _) = CrossEntropy.Forward(new Tensor([3], logits.Data[6..9]), [1]);
        Assert.That(perStep.Data[2], Is.EqualTo(single.Data[0]).Within(1e-15));
        var (mean, _) = CrossEntropy.Forward(rows, targets);
        Assert.That(mean.Data[0], Is.EqualTo(none.Data.Average()).Within(1e-15));
        var e = Assert.Throws<ArgumentException>(() => SequenceRows.Unflatten(none, 3, 2))!;
        Assert.That(e.Message, Does.Contain("rows is [4]").And.Contain("[6, ...]"));
        Assert.Throws<ArgumentException>(() => SequenceRows.Flatten(Tensor.Zeros(3)));
    }

    [TestCase(Reduction.Mean, false)]
    [TestCase(Reduction.Mean, true)]
    [TestCase(Reduction.Sum, true)]
    [TestCase(Reduction.None, true)]
    public void GradientMatchesCentralDifferences(Reduction reduction, bool weighted)
    {
        var rng = new Random(31 + (int)reduction);
        var x = GradCheck.RandomTensor(rng, [4, 3, 2], 3);            // [N, C, d1]
        int[] t = [0, 2, -100, 1, 2, 2, 1, -100];                       // [N, d1]
        var w = weighted ? new Tensor([3], [0.5, 2, 1.5]) : null;
        var (loss, cache) = CrossEntropy.Forward(x, t, w, reduction);
        var dl = GradCheck.RandomTensor(rng, loss.Shape);
        var dx = CrossEntropy.Backward(dl, cache);
        double F() => GradCheck.Dot(CrossEntropy.Forward(x, t, w, reduction).Loss.Data, dl.Data);
        GradCheck.Check($"CrossEntropy dInput ({reduction}, weighted {weighted})", F, x.Data, dx.Data);
    }

    [Test]
    public void RejectsBadTargetsAndShapes()
    {
        var x = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(x, [0, 3]))!;
        Assert.That(e.Message, Does.Contain("target has 3 at position 1").And.Contain("[0, 2]"));
        Assert.That(e.ParamName, Is.EqualTo("target"));
        e = Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(Tensor.Zeros(2, 3, 2), [0, 1, 2, -1]))!;
        Assert.That(e.Message, Does.Contain("-1 at position [1, 1] (flat 3)"));
        e = Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(x, [0, 1, 2]))!;
        Assert.That(e.Message, Does.Contain("3 elements").And.Contain("[2]"));
        e = Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(x, [0, 1], Tensor.Zeros(2)))!;
        Assert.That(e.Message, Does.Contain("weight is [2]").And.Contain("[3]"));
        e = Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(Tensor.Scalar(1), [0]))!;
        Assert.That(e.Message, Does.Contain("input is []"));
        e = Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(Tensor.Zeros(2, 0), [0, 0]))!;
        Assert.That(e.Message, Does.Contain("number of classes").And.Contain("0"));
        // a target equal to ignore_index is never range-checked, even when it is in range
        Assert.DoesNotThrow(() => CrossEntropy.Forward(x, [7, 1], ignoreIndex: 7));
        var (_, cache) = CrossEntropy.Forward(x, [0, 1], reduction: Reduction.None);
        e = Assert.Throws<ArgumentException>(() => CrossEntropy.Backward(Tensor.Scalar(1), cache))!;
        Assert.That(e.Message, Does.Contain("dLoss is []").And.Contain("[2]"));
    }
}
