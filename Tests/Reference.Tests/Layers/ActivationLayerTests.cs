using NUnit.Framework;
using Rnn.Reference.Layers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Layers;

public sealed class ActivationLayerTests
{
    [Test]
    public void ReluKnownValuesAndZeroDerivativeAtExactlyZero()
    {
        // relu([-1, 0, 2]) = [0, 0, 2]; with dy = [5, 5, 5] the gradient is [0, 0, 5]:
        // at exactly x = 0 the derivative is taken as 0
        var x = new Tensor([3], [-1, 0, 2]);
        Assert.That(Relu.Forward(x).Data, Is.EqualTo(new double[] { 0, 0, 2 }));
        Assert.That(Relu.Backward(new Tensor([3], [5, 5, 5]), x).Data, Is.EqualTo(new double[] { 0, 0, 5 }));
    }

    [Test]
    public void ReluPropagatesNaNAsNumPyMaximumDoes()
    {
        // np.maximum(0, nan) = nan and torch.relu(nan) = nan; PyTorch passes the gradient at NaN
        var x = new Tensor([1], [double.NaN]);
        Assert.That(double.IsNaN(Relu.Forward(x).Data[0]));
        Assert.That(Relu.Backward(new Tensor([1], [2]), x).Data[0], Is.EqualTo(2.0));
    }

    [Test]
    public void TanhKnownValues()
    {
        // x = ln(3)/2: e^{2x} = 3, tanh = (3 - 1)/(3 + 1) = 0.5, derivative 1 - 0.25 = 0.75; tanh(0) = 0, derivative 1
        var x = new Tensor([2], [Math.Log(3) / 2, 0]);
        var y = Tanh.Forward(x);
        Assert.That(y.Data[0], Is.EqualTo(0.5).Within(1e-15));
        Assert.That(y.Data[1], Is.EqualTo(0.0));
        var dx = Tanh.Backward(new Tensor([2], [1, 1]), y);
        Assert.That(dx.Data[0], Is.EqualTo(0.75).Within(1e-15));
        Assert.That(dx.Data[1], Is.EqualTo(1.0));
    }

    [Test]
    public void SigmoidKnownValuesAndStability()
    {
        // sigmoid(0) = 1/2, derivative 1/4; sigmoid(ln 3) = 1/(1 + 1/3) = 3/4, derivative 3/4 * 1/4 = 3/16
        var y = Sigmoid.Forward(new Tensor([2], [0, Math.Log(3)]));
        Assert.That(y.Data[0], Is.EqualTo(0.5));
        Assert.That(y.Data[1], Is.EqualTo(0.75).Within(1e-15));
        var dx = Sigmoid.Backward(new Tensor([2], [1, 1]), y);
        Assert.That(dx.Data[1], Is.EqualTo(3.0 / 16).Within(1e-15));
        // sigmoid(-800) = e^-800 / (1 + e^-800): 0 in double, no overflow, never NaN; sigmoid(800) = 1
        var extreme = Sigmoid.Forward(new Tensor([2], [-800, 800])).Data;
        Assert.That(extreme, Is.EqualTo(new[] { 0.0, 1.0 }));
    }

    [Test]
    public void SoftmaxKnownValuesAndBackward()
    {
        // x = [0, ln 2, ln 5]: e^x = [1, 2, 5], sum 8 -> y = [1/8, 2/8, 5/8]
        var x = new Tensor([1, 3], [0, Math.Log(2), Math.Log(5)]);
        var y = Softmax.Forward(x, 1);
        Assert.That(y.Data[0], Is.EqualTo(0.125).Within(1e-15));
        Assert.That(y.Data[1], Is.EqualTo(0.25).Within(1e-15));
        Assert.That(y.Data[2], Is.EqualTo(0.625).Within(1e-15));
        // dy = [1, 0, 0]: sum dy*y = 1/8; dx = y * (dy - 1/8) = [1/8 * 7/8, 2/8 * -1/8, 5/8 * -1/8] = [7, -2, -5]/64
        var dx = Softmax.Backward(new Tensor([1, 3], [1, 0, 0]), y, 1);
        Assert.That(dx.Data[0], Is.EqualTo(7.0 / 64).Within(1e-15));
        Assert.That(dx.Data[1], Is.EqualTo(-2.0 / 64).Within(1e-15));
        Assert.That(dx.Data[2], Is.EqualTo(-5.0 / 64).Within(1e-15));
    }

    [Test]
    public void SoftmaxOfHugeLogitsIsFiniteBecauseTheMaxIsSubtracted()
    {
        // exp(1000) overflows to +inf; after subtracting the max the exponents are [0 - ln 5, ln 2 - ln 5, 0]
        var y = Softmax.Forward(new Tensor([3], [1000, 1000 + Math.Log(2), 1000 + Math.Log(5)]), -1);
        Assert.That(double.IsInfinity(Math.Exp(1000)), "the case would overflow without the shift");
        Assert.That(y.Data[0], Is.EqualTo(0.125).Within(1e-12));
        Assert.That(y.Data[2], Is.EqualTo(0.625).Within(1e-12));
    }

    [Test]
    public void SoftmaxOverAMiddleAxis()
    {
        // shape [1, 2, 2], dim 1: groups are (x[0,0,i], x[0,1,i]); x = [[0, 5], [0, 5]] gives 1/2 everywhere
        var y = Softmax.Forward(new Tensor([1, 2, 2], [0, 5, 0, 5]), 1);
        Assert.That(y.Data, Is.EqualTo(new[] { 0.5, 0.5, 0.5, 0.5 }));
        // dim 2 (the last): groups are rows [0, 5]: e^0/(1 + e^5) and e^5/(1 + e^5)
        var z = Softmax.Forward(new Tensor([1, 2, 2], [0, 5, 0, 5]), 2);
        Assert.That(z.Data[0], Is.EqualTo(1 / (1 + Math.Exp(5))).Within(1e-15));
    }

    [Test]
    public void GradientsMatchCentralDifferences()
    {
        var rng = new Random(3);
        // relu: inputs kept at least 0.05 away from the kink at 0
        var x = GradCheck.RandomTensor(rng, [3, 4]);
        for (int i = 0; i < x.Length; i++) x.Data[i] += x.Data[i] >= 0 ? 0.05 : -0.05;
        var dy = GradCheck.RandomTensor(rng, [3, 4]);
        GradCheck.Check("Relu dInput", () => GradCheck.Dot(Relu.Forward(x).Data, dy.Data), x.Data, Relu.Backward(dy, x).Data);

        var t = GradCheck.RandomTensor(rng, [3, 4], 3);
        GradCheck.Check("Tanh dInput", () => GradCheck.Dot(Tanh.Forward(t).Data, dy.Data), t.Data, Tanh.Backward(dy, Tanh.Forward(t)).Data);

        var s = GradCheck.RandomTensor(rng, [3, 4], 5);
        GradCheck.Check("Sigmoid dInput", () => GradCheck.Dot(Sigmoid.Forward(s).Data, dy.Data), s.Data,
            Sigmoid.Backward(dy, Sigmoid.Forward(s)).Data);

        foreach (int dim in new[] { 0, 1, -1 })
        {
            var z = GradCheck.RandomTensor(rng, [2, 3, 4], 3);
            var dz = GradCheck.RandomTensor(rng, [2, 3, 4]);
            GradCheck.Check($"Softmax dInput (dim {dim})", () => GradCheck.Dot(Softmax.Forward(z, dim).Data, dz.Data), z.Data,
                Softmax.Backward(dz, Softmax.Forward(z, dim), dim).Data);
        }
    }

    [Test]
    public void RejectsWrongShapesAndDims()
    {
        var e = Assert.Throws<ArgumentException>(() => Relu.Backward(Tensor.Zeros(2), Tensor.Zeros(3)))!;
        Assert.That(e.Message, Does.Contain("dOutput is [2]").And.Contain("[3]"));
        e = Assert.Throws<ArgumentException>(() => Tanh.Backward(Tensor.Zeros(2, 1), Tensor.Zeros(2)))!;
        Assert.That(e.Message, Does.Contain("dOutput is [2, 1]"));
        e = Assert.Throws<ArgumentException>(() => Sigmoid.Backward(Tensor.Zeros(1), Tensor.Zeros(2)))!;
        Assert.That(e.Message, Does.Contain("dOutput is [1]"));
        e = Assert.Throws<ArgumentException>(() => Softmax.Forward(Tensor.Zeros(2, 3), 2))!;
        Assert.That(e.Message, Does.Contain("dim is 2").And.Contain("[-2, 1]").And.Contain("[2, 3]"));
        e = Assert.Throws<ArgumentException>(() => Softmax.Forward(Tensor.Zeros(2, 3), -3))!;
        Assert.That(e.ParamName, Is.EqualTo("dim"));
        e = Assert.Throws<ArgumentException>(() => Softmax.Backward(Tensor.Zeros(3, 2), Tensor.Zeros(2, 3), 1))!;
        Assert.That(e.Message, Does.Contain("dOutput is [3, 2]"));
    }
}
