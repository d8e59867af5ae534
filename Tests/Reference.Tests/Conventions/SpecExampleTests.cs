// The worked examples of Spec/conventions.md, recomputed: the tensors each convention holds for
// the page's LSTM, the step's h and c in every convention, and the GRU's reset-after /
// reset-before values and Ng's Γ_u = 1 - z. The expected numbers are the page's (hand arithmetic
// with 10 decimals).
using NUnit.Framework;
using Rnn.Reference.Conventions;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Conventions;

public sealed class SpecExampleTests
{
    private static NamedTensors PyTorch(double[] wih, double[] whh, double[] bih, double[] bhh)
    {
        var p = new NamedTensors();
        p.Add("weight_ih_l0", new Tensor([wih.Length, 1], wih));
        p.Add("weight_hh_l0", new Tensor([whh.Length, 1], whh));
        p.Add("bias_ih_l0", new Tensor([bih.Length], bih));
        p.Add("bias_hh_l0", new Tensor([bhh.Length], bhh));
        return p;
    }

    private static readonly RecurrentConfig Lstm = new(CellKind.Lstm, 1, 1);

    private static NamedTensors LstmExample() =>
        PyTorch([0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8], [0.01, 0.02, 0.03, 0.04], [0.1, 0.2, 0.3, 0.4]);

    [TestCase("keras", "kernel", new[] { 0.1, 0.2, 0.3, 0.4 })]
    [TestCase("keras", "recurrent_kernel", new[] { 0.5, 0.6, 0.7, 0.8 })]
    [TestCase("keras", "bias", new[] { 0.11, 0.22, 0.33, 0.44 })]
    [TestCase("cs231n", "Wx", new[] { 0.1, 0.2, 0.4, 0.3 })]
    [TestCase("cs231n", "Wh", new[] { 0.5, 0.6, 0.8, 0.7 })]
    [TestCase("cs231n", "b", new[] { 0.11, 0.22, 0.44, 0.33 })]
    [TestCase("d2l", "W_xo", new[] { 0.4 })]
    [TestCase("d2l", "W_hc", new[] { 0.7 })]
    [TestCase("d2l", "b_f", new[] { 0.22 })]
    [TestCase("ng", "Wf", new[] { 0.6, 0.2 })]
    [TestCase("ng", "Wc", new[] { 0.7, 0.3 })]
    [TestCase("ng", "bo", new[] { 0.44 })]
    public void TheLstmsTensorsAreThePages(string convention, string name, double[] expected)
    {
        var mine = ConventionRegistry.Get(convention).FromPyTorch(Lstm, LstmExample());
        Assert.That(mine[name].Data, Is.EqualTo(expected).Within(1e-15));
    }

    [TestCase("pytorch")]
    [TestCase("keras")]
    [TestCase("cs231n")]
    [TestCase("d2l")]
    [TestCase("ng")]
    public void TheLstmStepIsThePagesInEveryConvention(string convention)
    {
        var c = ConventionRegistry.Get(convention);
        var back = c.ToPyTorch(Lstm, c.FromPyTorch(Lstm, LstmExample()));
        var f = RecurrentLayer.Forward(Lstm, back, new Tensor([1, 1, 1], [1.0]),
            new Tensor([1, 1, 1], [0.5]), new Tensor([1, 1, 1], [0.25]));
        Assert.That(f.CN!.Data[0], Is.EqualTo(0.6297918295).Within(5e-11));
        Assert.That(f.HN.Data[0], Is.EqualTo(0.4326940330).Within(5e-11));
    }

    private static NamedTensors GruExample() => PyTorch([0.5, -1.0, 0.8], [0.3, 0.4, 0.6], [0, 0.2, 0.1], [0, 0.1, 0.05]);

    [TestCase(CellKind.Gru, 0.6935869699)]
    [TestCase(CellKind.GruResetBefore, 0.6971902203)]
    public void TheGruStepIsThePages(CellKind kind, double h)
    {
        var config = new RecurrentConfig(kind, 1, 1);
        var f = RecurrentLayer.Forward(config, GruExample(), new Tensor([1, 1, 1], [1.0]), new Tensor([1, 1, 1], [0.5]));
        Assert.That(f.HN.Data[0], Is.EqualTo(h).Within(5e-11));
    }

    [Test]
    public void NgsUpdateGateIsOneMinusZ()
    {
        var config = new RecurrentConfig(CellKind.GruResetBefore, 1, 1);
        var ng = ConventionRegistry.Get("ng").FromPyTorch(config, GruExample());
        Assert.That(ng["Wu"].Data, Is.EqualTo(new[] { -0.4, 1.0 }));
        Assert.That(ng["bu"].Data[0], Is.EqualTo(-0.3).Within(1e-15));
        // Γ_u = σ(Wu·[h_prev; x] + bu) = σ(0.5) = 1 - z
        double gammaU = 1 / (1 + Math.Exp(-(ng["Wu"].Data[0] * 0.5 + ng["Wu"].Data[1] * 1.0 + ng["bu"].Data[0])));
        Assert.That(gammaU, Is.EqualTo(0.6224593312).Within(5e-11));
        Assert.That(1 - gammaU, Is.EqualTo(0.3775406688).Within(5e-11), "z");
        var f = RecurrentLayer.Forward(config, ConventionRegistry.Get("ng").ToPyTorch(config, ng), new Tensor([1, 1, 1], [1.0]), new Tensor([1, 1, 1], [0.5]));
        Assert.That(f.HN.Data[0], Is.EqualTo(0.6971902203).Within(5e-11));
    }
}
