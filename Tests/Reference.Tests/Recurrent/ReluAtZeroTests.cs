// The derivative of ReLU at exactly 0 is taken as 0 (as PyTorch's threshold_backward and the
// usual NumPy `grad * (linear > 0)` do): the gradient flows only where the pre-activation is
// strictly positive. Each test builds a pre-activation that is exactly 0 in floating point and
// contrasts it with a nearby positive one, so a wrong convention cannot pass.
using NUnit.Framework;
using Rnn.Reference.Numerics;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using static Rnn.Reference.Tests.Recurrent.Support.Small;

namespace Rnn.Reference.Tests.Recurrent;

public sealed class ReluAtZeroTests
{
    [Test]
    public void ActivationDerivativeAtZeroIsZero()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Activations.Relu(0.0), Is.EqualTo(0.0));
            Assert.That(Activations.ReluGrad(0.0), Is.EqualTo(0.0));
            Assert.That(Activations.ReluGrad(-0.0), Is.EqualTo(0.0));
            Assert.That(Activations.ReluGrad(double.Epsilon), Is.EqualTo(1.0));
            Assert.That(Activations.ReluGrad(-double.Epsilon), Is.EqualTo(0.0));
        });
    }

    [TestCase(2.0, 0.0, 0.0)]    // linear = 2*1 - 2 = 0 exactly: output 0, no gradient
    [TestCase(2.5, 0.5, 1.0)]    // linear = 2.5*1 - 2 = 0.5 > 0: output 0.5, gradient 1
    public void SlideReluRnnAtZero(double x, double expectedOutput, double slope)
    {
        // W = 1, U = 0.5, b = -2, one step, zero state
        var W = new Tensor([1, 1], [1.0]);
        var U = new Tensor([1, 1], [0.5]);
        var b = Vector(-2.0);
        var input = Sequence(x);
        var outputs = SlideReluRnn.Forward(W, U, b, input);
        Assert.That(outputs.Data, Is.EqualTo(new[] { expectedOutput }));

        var g = SlideReluRnn.Backward(W, U, b, input, outputs, new Tensor([1, 1], [1.0]));
        Assert.Multiple(() =>
        {
            Assert.That(g.dW.Data, Is.EqualTo(new[] { slope * x }));     // dlinear * x
            Assert.That(g.db.Data, Is.EqualTo(new[] { slope }));
            Assert.That(g.dInput.Data, Is.EqualTo(new[] { slope * 1.0 }));
            Assert.That(g.dH0.Data, Is.EqualTo(new[] { slope * 0.5 }));
        });
    }

    [TestCase(2.0, 0.0, 0.0)]    // a = 2*1 - 2 + 0.5*0 + 0 = 0 exactly
    [TestCase(2.5, 0.5, 1.0)]    // a = 0.5 > 0
    public void RnnReluAtZero(double x, double expectedOutput, double slope)
    {
        // weight_ih = 1, weight_hh = 0.5, bias_ih = -2, bias_hh = 0, h0 = 0
        var config = new RecurrentConfig(CellKind.RnnRelu, 1, 1);
        var p = Layer(Column(1.0), Column(0.5), Vector(-2.0), Vector(0.0));
        var o = RecurrentLayer.Forward(config, p, Sequence(x), State(0.0));
        Assert.That(o.Output.Data, Is.EqualTo(new[] { expectedOutput }));

        var g = RecurrentLayer.Backward(o.Cache, dOutput: new Tensor([1, 1], [1.0]));
        Assert.Multiple(() =>
        {
            Assert.That(g.dParameters["weight_ih_l0"].Data, Is.EqualTo(new[] { slope * x }));
            Assert.That(g.dParameters["bias_ih_l0"].Data, Is.EqualTo(new[] { slope }));
            Assert.That(g.dParameters["bias_hh_l0"].Data, Is.EqualTo(new[] { slope }));
            Assert.That(g.dInput.Data, Is.EqualTo(new[] { slope * 1.0 }));
            Assert.That(g.dH0.Data, Is.EqualTo(new[] { slope * 0.5 }));
        });
    }
}
