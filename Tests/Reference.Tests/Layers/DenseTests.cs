using NUnit.Framework;
using Rnn.Reference.Layers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Layers;

public sealed class DenseTests
{
    [Test]
    public void KnownValues()
    {
        // x = [1, 2], W = [[1, 0], [2, -1], [0.5, 0.5]], b = [0.5, -1, 0]
        //   y0 = 1*1 + 2*0    + 0.5 =  1.5
        //   y1 = 1*2 + 2*(-1) - 1   = -1
        //   y2 = 1*0.5 + 2*0.5 + 0  =  1.5
        var x = new Tensor([1, 2], [1, 2]);
        var W = new Tensor([3, 2], [1, 0, 2, -1, 0.5, 0.5]);
        var b = new Tensor([3], [0.5, -1, 0]);
        var (y, cache) = Dense.Forward(x, W, b);
        Assert.That(y.Shape, Is.EqualTo(new[] { 1, 3 }));
        Assert.That(y.Data, Is.EqualTo(new[] { 1.5, -1, 1.5 }));

        // dy = [1, 2, -1]
        //   dx = dy . W  = [1*1 + 2*2 + (-1)*0.5, 1*0 + 2*(-1) + (-1)*0.5] = [4.5, -2.5]
        //   dW[o, i] = dy[o] * x[i] = [[1, 2], [2, 4], [-1, -2]];  db = dy
        var g = Dense.Backward(new Tensor([1, 3], [1, 2, -1]), cache);
        Assert.That(g.dInput.Data, Is.EqualTo(new[] { 4.5, -2.5 }));
        Assert.That(g.dWeight.Data, Is.EqualTo(new double[] { 1, 2, 2, 4, -1, -2 }));
        Assert.That(g.dBias!.Data, Is.EqualTo(new double[] { 1, 2, -1 }));
    }

    [Test]
    public void OneDimensionalInputAndNoBias()
    {
        // x = [3], W = [[2], [-1]]: y = [6, -3]; no bias, so dBias is null
        var (y, cache) = Dense.Forward(new Tensor([1], [3]), new Tensor([2, 1], [2, -1]), null);
        Assert.That(y.Shape, Is.EqualTo(new[] { 2 }));
        Assert.That(y.Data, Is.EqualTo(new double[] { 6, -3 }));
        Assert.That(Dense.Backward(new Tensor([2], [1, 1]), cache).dBias, Is.Null);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void GradientsMatchCentralDifferences(bool withBias)
    {
        var rng = new Random(11);
        var x = GradCheck.RandomTensor(rng, [2, 3, 4]);           // [B, T, In] with two leading axes
        var W = GradCheck.RandomTensor(rng, [5, 4]);
        var b = withBias ? GradCheck.RandomTensor(rng, [5]) : null;
        var dy = GradCheck.RandomTensor(rng, [2, 3, 5]);
        var (_, cache) = Dense.Forward(x, W, b);
        var g = Dense.Backward(dy, cache);
        double F() => GradCheck.Dot(Dense.Forward(x, W, b).Output.Data, dy.Data);
        GradCheck.Check("Dense dInput", F, x.Data, g.dInput.Data);
        GradCheck.Check("Dense dWeight", F, W.Data, g.dWeight.Data);
        if (b is not null) GradCheck.Check("Dense dBias", F, b.Data, g.dBias!.Data);
    }

    [Test]
    public void SpanBackwardAccumulates()
    {
        // two calls with the same dy add up: dW after two calls is twice dW after one
        double[] x = [1, 2], W = [3, 4], dy = [1];
        var dW = new double[2];
        Dense.Backward(dy, x, W, 1, 2, 1, [], dW, []);
        Dense.Backward(dy, x, W, 1, 2, 1, [], dW, []);
        Assert.That(dW, Is.EqualTo(new double[] { 2, 4 }));
    }

    [Test]
    public void RejectsWrongShapes()
    {
        var W = Tensor.Zeros(3, 4);
        var e = Assert.Throws<ArgumentException>(() => Dense.Forward(Tensor.Zeros(2, 5), W, null))!;
        Assert.That(e.Message, Does.Contain("input is [2, 5]").And.Contain("[..., 4]"));
        Assert.That(e.ParamName, Is.EqualTo("input"));
        e = Assert.Throws<ArgumentException>(() => Dense.Forward(Tensor.Zeros(2, 4), W, Tensor.Zeros(4)))!;
        Assert.That(e.Message, Does.Contain("bias is [4]").And.Contain("[3]"));
        e = Assert.Throws<ArgumentException>(() => Dense.Forward(Tensor.Zeros(2, 4), Tensor.Zeros(3, 4, 1), null))!;
        Assert.That(e.Message, Does.Contain("weight is [3, 4, 1]"));
        e = Assert.Throws<ArgumentException>(() => Dense.Forward(Tensor.Zeros(2, 0), Tensor.Zeros(3, 0), null))!;
        Assert.That(e.Message, Does.Contain("in_features").And.Contain("0"));
        var (_, cache) = Dense.Forward(Tensor.Zeros(2, 4), W, null);
        e = Assert.Throws<ArgumentException>(() => Dense.Backward(Tensor.Zeros(2, 4), cache))!;
        Assert.That(e.Message, Does.Contain("dOutput is [2, 4]").And.Contain("[2, 3]"));
    }
}
