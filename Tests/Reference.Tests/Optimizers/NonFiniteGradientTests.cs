// A NaN gradient: like PyTorch, no optimizer checks its gradients, so a NaN element makes that
// parameter element NaN (and, through the running averages, keeps it NaN); the other elements
// are untouched by it. Tested for every optimizer; the parity fixture checks the same against
// PyTorch for Adam and SGD with momentum.
using NUnit.Framework;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Optimizers;

public sealed class NonFiniteGradientTests
{
    private static IEnumerable<TestCaseData> Optimizers()
    {
        yield return new TestCaseData((Func<IOptimizer>)(() => new Sgd(new SgdOptions(0.1) { Momentum = 0.9 }))).SetName("Sgd");
        yield return new TestCaseData((Func<IOptimizer>)(() => new Adam(new AdamOptions()))).SetName("Adam");
        yield return new TestCaseData((Func<IOptimizer>)(() => new Adam(AdamOptions.Keras))).SetName("AdamKeras");
        yield return new TestCaseData((Func<IOptimizer>)(() => new AdamW(new AdamWOptions { Amsgrad = true }))).SetName("AdamW");
        yield return new TestCaseData((Func<IOptimizer>)(() => new RmsProp(new RmsPropOptions { Centered = true, Momentum = 0.5 }))).SetName("RmsProp");
        yield return new TestCaseData((Func<IOptimizer>)(() => new RmsProp(RmsPropOptions.Keras))).SetName("RmsPropKeras");
        yield return new TestCaseData((Func<IOptimizer>)(() => new Adagrad(new AdagradOptions()))).SetName("Adagrad");
        yield return new TestCaseData((Func<IOptimizer>)(() => new Adadelta(new AdadeltaOptions()))).SetName("Adadelta");
        yield return new TestCaseData((Func<IOptimizer>)(() => new Lookahead(new Adam(new AdamOptions()), new LookaheadOptions { K = 2 }))).SetName("Lookahead");
    }

    [TestCaseSource(nameof(Optimizers))]
    public void NaNGradientPropagatesIntoItsElementOnly(Func<IOptimizer> build)
    {
        var optimizer = build();
        var p = new NamedTensors { { "weight", new Tensor([3], [0.5, -0.5, 1.0]) }, { "bias", new Tensor([1], [0.2]) } };
        optimizer.Step(p, new NamedTensors { { "weight", new Tensor([3], [0.1, double.NaN, -0.3]) }, { "bias", new Tensor([1], [0.4]) } });
        for (int s = 0; s < 3; s++) // later finite gradients do not wash it out
            optimizer.Step(p, new NamedTensors { { "weight", new Tensor([3], [0.1, 0.2, -0.3]) }, { "bias", new Tensor([1], [0.4]) } });
        Assert.That(double.IsNaN(p["weight"].Data[1]), "the element with the NaN gradient is NaN");
        Assert.That(double.IsFinite(p["weight"].Data[0]) && double.IsFinite(p["weight"].Data[2]), "its neighbours are finite");
        Assert.That(double.IsFinite(p["bias"].Data[0]), "other parameters are finite");
    }
}
