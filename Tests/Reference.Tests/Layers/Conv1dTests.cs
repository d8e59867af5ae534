using NUnit.Framework;
using Rnn.Reference.Layers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Layers;

public sealed class Conv1dTests
{
    // x [1, 1, 5] = [1, 2, 3, 4, 5], W [1, 1, 2] = [2, 1], b = [0.5]
    private static Tensor X() => new([1, 1, 5], [1, 2, 3, 4, 5]);
    private static Tensor W() => new([1, 1, 2], [2, 1]);
    private static Tensor B() => new([1], [0.5]);

    [Test]
    public void KnownValuesPlain()
    {
        // Lout = (5 - 1*(2-1) - 1)/1 + 1 = 4;  out[t] = 2*x[t] + 1*x[t+1] + 0.5
        //   t0: 2*1 + 2 + .5 = 4.5   t1: 2*2 + 3 + .5 = 7.5   t2: 2*3 + 4 + .5 = 10.5   t3: 2*4 + 5 + .5 = 13.5
        var (y, _) = Conv1d.Forward(X(), W(), B());
        Assert.That(y.Shape, Is.EqualTo(new[] { 1, 1, 4 }));
        Assert.That(y.Data, Is.EqualTo(new[] { 4.5, 7.5, 10.5, 13.5 }));
    }

    [Test]
    public void KnownValuesStrideAndPadding()
    {
        // stride 2, padding 1: Lout = (5 + 2 - 1 - 1)/2 + 1 = 3; out[t] = 2*x[2t - 1] + x[2t] + 0.5, x[-1] = 0
        //   t0: 2*0 + 1 + .5 = 1.5   t1: 2*2 + 3 + .5 = 7.5   t2: 2*4 + 5 + .5 = 13.5
        var (y, _) = Conv1d.Forward(X(), W(), B(), stride: 2, padding: 1);
        Assert.That(y.Data, Is.EqualTo(new[] { 1.5, 7.5, 13.5 }));
    }

    [Test]
    public void KnownValuesDilationForwardAndBackward()
    {
        // dilation 2: Lout = (5 - 2*(2-1) - 1)/1 + 1 = 3; out[t] = 2*x[t] + x[t+2] + 0.5
        //   t0: 2*1 + 3 + .5 = 5.5   t1: 2*2 + 4 + .5 = 8.5   t2: 2*3 + 5 + .5 = 11.5
        var (y, cache) = Conv1d.Forward(X(), W(), B(), dilation: 2);
        Assert.That(y.Data, Is.EqualTo(new[] { 5.5, 8.5, 11.5 }));
        // dy = [1, 1, 1]:
        //   dW[0] = x0 + x1 + x2 = 6;  dW[1] = x2 + x3 + x4 = 12;  db = 3
        //   dx[p] = sum of W[k] over (t, k) with t + 2k = p:
        //     p0: (0,0) -> 2   p1: (1,0) -> 2   p2: (2,0) + (0,1) -> 2 + 1 = 3   p3: (1,1) -> 1   p4: (2,1) -> 1
        var g = Conv1d.Backward(new Tensor([1, 1, 3], [1, 1, 1]), cache);
        Assert.That(g.dWeight.Data, Is.EqualTo(new double[] { 6, 12 }));
        Assert.That(g.dBias!.Data, Is.EqualTo(new double[] { 3 }));
        Assert.That(g.dInput.Data, Is.EqualTo(new double[] { 2, 2, 3, 1, 1 }));
    }

    [Test]
    public void KnownValuesTwoInputChannels()
    {
        // x[0] = [1, 2, 3], x[1] = [0, 1, 0]; W[0] = [[1, 1], [2, 0]] (Cout 1, Cin 2, K 2), no bias
        //   out[t] = x0[t] + x0[t+1] + 2*x1[t]:  t0: 1 + 2 + 0 = 3   t1: 2 + 3 + 2 = 7
        var (y, _) = Conv1d.Forward(new Tensor([1, 2, 3], [1, 2, 3, 0, 1, 0]), new Tensor([1, 2, 2], [1, 1, 2, 0]), null);
        Assert.That(y.Data, Is.EqualTo(new double[] { 3, 7 }));
    }

    [TestCase(1, 0, 1)]
    [TestCase(2, 1, 1)]
    [TestCase(1, 2, 3)]
    [TestCase(3, 3, 2)]
    public void GradientsMatchCentralDifferences(int stride, int padding, int dilation)
    {
        var rng = new Random(100 * stride + 10 * padding + dilation);
        var x = GradCheck.RandomTensor(rng, [2, 3, 9]);
        var W = GradCheck.RandomTensor(rng, [4, 3, 3]);
        var b = GradCheck.RandomTensor(rng, [4]);
        var (y, cache) = Conv1d.Forward(x, W, b, stride, padding, dilation);
        var dy = GradCheck.RandomTensor(rng, y.Shape);
        var g = Conv1d.Backward(dy, cache);
        double F() => GradCheck.Dot(Conv1d.Forward(x, W, b, stride, padding, dilation).Output.Data, dy.Data);
        string cfg = $"(stride {stride}, padding {padding}, dilation {dilation})";
        GradCheck.Check($"Conv1d dInput {cfg}", F, x.Data, g.dInput.Data);
        GradCheck.Check($"Conv1d dWeight {cfg}", F, W.Data, g.dWeight.Data);
        GradCheck.Check($"Conv1d dBias {cfg}", F, b.Data, g.dBias!.Data);
    }

    [TestCase(5, 2, 1, 0, 1, 4)]
    [TestCase(5, 2, 2, 1, 1, 3)]
    [TestCase(5, 2, 1, 0, 2, 3)]
    [TestCase(10, 3, 3, 2, 2, 4)]    // (10 + 4 - 4 - 1)/3 + 1 = 9/3 + 1 = 4
    [TestCase(3, 3, 1, 0, 1, 1)]     // the kernel fits exactly once
    public void OutputLengthFormula(int L, int K, int s, int p, int d, int expected) =>
        Assert.That(Conv1d.OutputLength(L, K, s, p, d), Is.EqualTo(expected));

    [Test]
    public void RejectsBadArguments()
    {
        var e = Assert.Throws<ArgumentException>(() => Conv1d.Forward(Tensor.Zeros(1, 1, 2), Tensor.Zeros(1, 1, 3), null))!;
        Assert.That(e.Message, Does.Contain("input length 2").And.Contain("spans 3"));
        e = Assert.Throws<ArgumentException>(() => Conv1d.Forward(Tensor.Zeros(1, 2, 5), Tensor.Zeros(1, 3, 2), null))!;
        Assert.That(e.Message, Does.Contain("input is [1, 2, 5]").And.Contain("in_channels 3"));
        e = Assert.Throws<ArgumentException>(() => Conv1d.Forward(Tensor.Zeros(2, 5), Tensor.Zeros(1, 2, 2), null))!;
        Assert.That(e.Message, Does.Contain("input is [2, 5]").And.Contain("rank-3"));
        e = Assert.Throws<ArgumentException>(() => Conv1d.Forward(Tensor.Zeros(1, 2, 5), Tensor.Zeros(1, 2, 2), Tensor.Zeros(2)))!;
        Assert.That(e.Message, Does.Contain("bias is [2]").And.Contain("[1]"));
        e = Assert.Throws<ArgumentException>(() => Conv1d.Forward(Tensor.Zeros(1, 2, 5), Tensor.Zeros(2, 1, 2), null, groups: 2))!;
        Assert.That(e.Message, Does.Contain("groups is 2").And.Contain("groups = 1"));
        e = Assert.Throws<ArgumentException>(() => Conv1d.Forward(X(), W(), null, stride: 0))!;
        Assert.That(e.Message, Does.Contain("stride must be at least 1 but is 0"));
        e = Assert.Throws<ArgumentException>(() => Conv1d.Forward(X(), W(), null, dilation: -1))!;
        Assert.That(e.Message, Does.Contain("dilation"));
        e = Assert.Throws<ArgumentException>(() => Conv1d.Forward(X(), W(), null, padding: -1))!;
        Assert.That(e.Message, Does.Contain("padding must be at least 0 but is -1"));
        var (_, cache) = Conv1d.Forward(X(), W(), null);
        e = Assert.Throws<ArgumentException>(() => Conv1d.Backward(Tensor.Zeros(1, 1, 5), cache))!;
        Assert.That(e.Message, Does.Contain("dOutput is [1, 1, 5]").And.Contain("[1, 1, 4]"));
    }
}
