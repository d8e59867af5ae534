// The conventions' dense (output) layers: Keras Dense kernel [in, out], CS231n affine w [D, M],
// d2l W_hq [H, Q], Ng Wy [n_y, n_a] with a column bias, STATS 507 Why [O, H] without bias.
using NUnit.Framework;
using Rnn.Reference.Conventions;
using Rnn.Reference.Layers;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Recurrent.Support;

namespace Rnn.Reference.Tests.Conventions;

public sealed class LinearConventionTests
{
    private static IEnumerable<TestCaseData> WithLinear() =>
        ConventionRegistry.All.Where(c => c.Linear is not null)
            .SelectMany(c => new[] { true, false }.Where(b => !b || c.Linear!.Bias is not null)
                .Select(b => new TestCaseData(c.Name, b).SetArgDisplayNames(c.Name, b ? "bias" : "no_bias")));

    [Test]
    public void KerasDenseByHand()
    {
        // keras.layers.Dense: outputs = inputs @ kernel + bias
        // x = [1, 2], kernel = [[1, 2, 3], [4, 5, 6]], bias = [0.5, 0, -1]
        // y = [1*1 + 2*4 + 0.5, 1*2 + 2*5 + 0, 1*3 + 2*6 - 1] = [9.5, 12, 14]
        var keras = new NamedTensors();
        keras.Add("kernel", new Tensor([2, 3], [1, 2, 3, 4, 5, 6]));
        keras.Add("bias", new Tensor([3], [0.5, 0, -1]));
        var convention = ConventionRegistry.Get("keras");
        var (In, Out) = convention.LinearSizes(keras);
        Assert.That((In, Out), Is.EqualTo((2, 3)));
        var p = convention.LinearToPyTorch(In, Out, true, keras);
        var (y, _) = Dense.Forward(new Tensor([1, 2], [1, 2]), p["weight"], p["bias"]);
        Assert.That(y.Data, Is.EqualTo(new double[] { 9.5, 12, 14 }));
    }

    [TestCaseSource(nameof(WithLinear))]
    public void RoundTripsAreBitForBitAndTheFunctionIsNnLinears(string name, bool bias)
    {
        var convention = ConventionRegistry.Get(name);
        int In = 3, Out = 2;
        var layout = convention.LinearLayout(In, Out, bias);
        var mine = ConventionArbitraries.Draw(layout.Select(t => (t.Name, t.Shape)), 11);
        RoundTripTests.RequireSameBits(convention.LinearFromPyTorch(In, Out, bias, convention.LinearToPyTorch(In, Out, bias, mine)), mine, name);

        var rng = new SeededRandom(3);
        var pytorch = new NamedTensors();
        pytorch.Add("weight", TestTensors.Random(rng, 1, Out, In));
        if (bias) pytorch.Add("bias", TestTensors.Random(rng, 1, Out));
        var theirs = convention.LinearFromPyTorch(In, Out, bias, pytorch);
        Assert.That(convention.LinearSizes(theirs), Is.EqualTo((In, Out)));
        RoundTripTests.RequireSameBits(convention.LinearToPyTorch(In, Out, bias, theirs), pytorch, name);

        // gradients map as values do: check the mapped gradient by central differences of the convention's tensors
        var x = TestTensors.Random(rng, 1, 4, In);
        var dy = TestTensors.Random(rng, 1, 4, Out);
        double Loss()
        {
            var p = convention.LinearToPyTorch(In, Out, bias, theirs);
            return TestTensors.Dot(Dense.Forward(x, p["weight"], bias ? p["bias"] : null).Output, dy);
        }
        var q = convention.LinearToPyTorch(In, Out, bias, theirs);
        var (_, cache) = Dense.Forward(x, q["weight"], bias ? q["bias"] : null);
        var g = Dense.Backward(dy, cache);
        var dTorch = new NamedTensors();
        dTorch.Add("weight", g.dWeight);
        if (bias) dTorch.Add("bias", g.dBias!);
        GradientAssert.CheckAll(new GradientAssert.Tally(), name, Loss, theirs, convention.LinearFromPyTorch(In, Out, bias, dTorch));
    }

    [Test]
    public void ConventionsWithoutSuchALayerSaySo()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => ConventionRegistry.Get("95-865").LinearLayout(3, 2, true))!.Message,
            Is.EqualTo("convention \"95-865\": 95-865 slides (vanilla ReLU RNN in NumPy: W, U, b) names no dense layer; give it in PyTorch's layout (weight, bias)"));
        Assert.That(Assert.Throws<ArgumentException>(() => ConventionRegistry.Get("stats507").LinearLayout(3, 2, true))!.Message,
            Is.EqualTo("convention \"stats507\": the STATS 507 output layer (Why) has no bias; bias must be false"));
        var ng = new NamedTensors();
        ng.Add("Wy", Tensor.Zeros(2, 3));
        ng.Add("by", Tensor.Zeros(2));
        Assert.That(Assert.Throws<ArgumentException>(() => ConventionRegistry.Get("ng").LinearToPyTorch(3, 2, true, ng))!.Message,
            Does.StartWith("convention \"ng\": params['by'] is [2] but a Ng output layer with in_features 3, out_features 2 takes [2, 1]"));
    }
}
