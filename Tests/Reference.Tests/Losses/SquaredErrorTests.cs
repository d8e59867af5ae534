using NUnit.Framework;
using Rnn.Reference.Losses;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Layers;

namespace Rnn.Reference.Tests.Losses;

public sealed class SquaredErrorTests
{
    // x = [1, 2, 3], y = [1, 0, 5]: x - y = [0, 2, -2], squares [0, 4, 4], sum 8
    private static Tensor X() => new([3], [1, 2, 3]);
    private static Tensor Y() => new([3], [1, 0, 5]);

    [Test]
    public void MseKnownValuesForEachReduction()
    {
        var (mean, gMean) = MseLoss.Compute(X(), Y());
        Assert.That(mean.Shape, Is.Empty);
        Assert.That(mean.Data[0], Is.EqualTo(8.0 / 3).Within(1e-15));
        // mean: dx = 2 (x - y) / 3 = [0, 4/3, -4/3]; dy = -dx
        Assert.That(gMean.dInput.Data, Is.EqualTo(new[] { 0, 4.0 / 3, -4.0 / 3 }).Within(1e-15));
        Assert.That(gMean.dTarget.Data, Is.EqualTo(new[] { 0, -4.0 / 3, 4.0 / 3 }).Within(1e-15));

        var (sum, gSum) = MseLoss.Compute(X(), Y(), Reduction.Sum);
        Assert.That(sum.Data[0], Is.EqualTo(8.0));
        Assert.That(gSum.dInput.Data, Is.EqualTo(new double[] { 0, 4, -4 }));

        var (none, cache) = MseLoss.Forward(X(), Y(), Reduction.None);
        Assert.That(none.Shape, Is.EqualTo(new[] { 3 }));
        Assert.That(none.Data, Is.EqualTo(new double[] { 0, 4, 4 }));
        // none with dLoss = [1, 10, 100]: dx = 2 (x - y) dLoss = [0, 40, -400]
        Assert.That(MseLoss.Backward(new Tensor([3], [1, 10, 100]), cache).dInput.Data, Is.EqualTo(new double[] { 0, 40, -400 }));
    }

    [Test]
    public void SummedSquaredErrorIsTheSlideSumAndMseWithSum()
    {
        // slide: E = sum_t (y_t - yhat_t)^2 over T = 3 steps = 0 + 4 + 4 = 8; dE/dy_t = 2 (y_t - yhat_t)
        var (E, g) = SummedSquaredError.Compute(X(), Y());
        Assert.That(E, Is.EqualTo(8.0));
        Assert.That(g.dInput.Data, Is.EqualTo(new double[] { 0, 4, -4 }));
        Assert.That(g.dTarget.Data, Is.EqualTo(new double[] { 0, -4, 4 }));

        var rng = new Random(2);
        var output = GradCheck.RandomTensor(rng, [5, 2, 3]);
        var target = GradCheck.RandomTensor(rng, [5, 2, 3]);
        Assert.That(SummedSquaredError.Forward(output, target),
            Is.EqualTo(MseLoss.Forward(output, target, Reduction.Sum).Loss.Data[0]).Within(1e-12));
        // and "mean" is the sum divided by the number of elements, 5*2*3 = 30
        Assert.That(MseLoss.Forward(output, target).Loss.Data[0] * 30,
            Is.EqualTo(SummedSquaredError.Forward(output, target)).Within(1e-12));
    }

    [TestCase(Reduction.Mean)]
    [TestCase(Reduction.Sum)]
    [TestCase(Reduction.None)]
    public void MseGradientsMatchCentralDifferences(Reduction reduction)
    {
        var rng = new Random(9 + (int)reduction);
        var x = GradCheck.RandomTensor(rng, [3, 4]);
        var y = GradCheck.RandomTensor(rng, [3, 4]);
        var (loss, cache) = MseLoss.Forward(x, y, reduction);
        var dl = GradCheck.RandomTensor(rng, loss.Shape);
        var g = MseLoss.Backward(dl, cache);
        double F() => GradCheck.Dot(MseLoss.Forward(x, y, reduction).Loss.Data, dl.Data);
        GradCheck.Check($"MseLoss dInput ({reduction})", F, x.Data, g.dInput.Data);
        GradCheck.Check($"MseLoss dTarget ({reduction})", F, y.Data, g.dTarget.Data);
    }

    [Test]
    public void SummedSquaredErrorGradientsMatchCentralDifferences()
    {
        var rng = new Random(4);
        var output = GradCheck.RandomTensor(rng, [6, 2]);
        var target = GradCheck.RandomTensor(rng, [6, 2]);
        var g = SummedSquaredError.Backward(0.7, output, target);
        double F() => 0.7 * SummedSquaredError.Forward(output, target);
        GradCheck.Check("SummedSquaredError dOutput", F, output.Data, g.dInput.Data);
        GradCheck.Check("SummedSquaredError dTarget", F, target.Data, g.dTarget.Data);
    }

    [Test]
    public void RejectsMismatchedShapesAndBadReductions()
    {
        var e = Assert.Throws<ArgumentException>(() => MseLoss.Forward(Tensor.Zeros(3), Tensor.Zeros(3, 1)))!;
        Assert.That(e.Message, Does.Contain("target is [3, 1]").And.Contain("input is [3]"));
        e = Assert.Throws<ArgumentException>(() => SummedSquaredError.Forward(Tensor.Zeros(2, 2), Tensor.Zeros(4)))!;
        Assert.That(e.Message, Does.Contain("target is [4]").And.Contain("output is [2, 2]"));
        var (_, cache) = MseLoss.Forward(Tensor.Zeros(3), Tensor.Zeros(3));
        e = Assert.Throws<ArgumentException>(() => MseLoss.Backward(Tensor.Zeros(3), cache))!;
        Assert.That(e.Message, Does.Contain("dLoss is [3]").And.Contain("[] was expected"));
        e = Assert.Throws<ArgumentException>(() => Reductions.Parse("average"))!;
        Assert.That(e.Message, Does.Contain("\"average\"").And.Contain("\"mean\", \"sum\" or \"none\""));
        Assert.Throws<ArgumentException>(() => MseLoss.Forward(Tensor.Zeros(3), Tensor.Zeros(3), (Reduction)7));
    }
}
