// The same function given in every convention: PyTorch-form parameters drawn once, converted to
// each convention (FromPyTorch), run through the convention (ToPyTorch, the stack, and
// GradientsFromPyTorch) must give PyTorch's outputs and input / state gradients, and the
// convention's parameter gradients must be PyTorch's mapped by GradientsFromPyTorch. The
// convention's gradients are also checked by central differences of the function of the
// convention's own tensors, so the mapping of gradients (a merged bias gets dL/dbias_ih, Ng's
// Wu and bu the negated z gradients) is measured, not assumed.
using NUnit.Framework;
using Rnn.Reference.Conventions;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Recurrent.Support;

namespace Rnn.Reference.Tests.Conventions;

public sealed class SameFunctionTests
{
    private static readonly GradientAssert.Tally Worst = new();

    [OneTimeTearDown]
    public void PrintWorst() => Worst.Print();

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (convention, kind, bias) in ConventionRun.SupportedPairs())
        {
            yield return Case(convention, new RecurrentConfig(kind, 3, 2, Bias: bias), "one_layer");
            yield return Case(convention, new RecurrentConfig(kind, 2, 2, NumLayers: 2, Bidirectional: true, Bias: bias), "two_layers_bidirectional");
        }
        yield return Case(ConventionRegistry.Get("keras"), new RecurrentConfig(CellKind.Lstm, 2, 1, BatchFirst: true), "batch_first_H1");
    }

    private static TestCaseData Case(Convention c, RecurrentConfig config, string label) =>
        new TestCaseData(c.Name, config).SetArgDisplayNames(c.Name, config.Kind.ToString(), config.Bias ? "bias" : "no_bias", label);

    [TestCaseSource(nameof(Cases))]
    public void EveryConventionComputesPyTorchsFunction(string name, RecurrentConfig config)
    {
        var convention = ConventionRegistry.Get(name);
        var d = Draw(config, seed: 5);
        var reference = RecurrentLayer.Forward(config, d.Parameters, d.Input, d.H0, d.C0);
        var referenceGrads = RecurrentLayer.Backward(reference.Cache, d.dOutput, d.dHN, d.dCN);

        var mine = convention.FromPyTorch(config, d.Parameters);
        var r = ConventionRun.Run(convention, config, mine, d.Input, d.H0, d.C0, d.dOutput, d.dHN, d.dCN);

        // a merged bias sums b_ih + b_hh before the cell instead of inside it: equal up to rounding
        const double tol = 1e-14;
        TestTensors.RequireClose(r.Forward.Output, reference.Output, tol, "output");
        TestTensors.RequireClose(r.Forward.HN, reference.HN, tol, "h_n");
        if (reference.CN is not null) TestTensors.RequireClose(r.Forward.CN!, reference.CN, tol, "c_n");
        TestTensors.RequireClose(r.Gradients.dInput, referenceGrads.dInput, tol, "dinput");
        TestTensors.RequireClose(r.Gradients.dH0, referenceGrads.dH0, tol, "dh0");
        if (referenceGrads.dC0 is not null) TestTensors.RequireClose(r.Gradients.dC0!, referenceGrads.dC0, tol, "dc0");
        var mapped = convention.GradientsFromPyTorch(config, referenceGrads.dParameters);
        Assert.That(r.dParams.Names, Is.EqualTo(mine.Names));
        foreach (var n in mine.Names) TestTensors.RequireClose(r.dParams[n], mapped[n], tol, $"d{n}");

        if (config.Kind == CellKind.RnnRelu) return;   // ReLU's kink and dead units: its layout is the tanh RNN's, checked there
        GradientAssert.CheckAll(Worst, $"{name} {config.Kind}",
            () => Loss(ConventionRun.Run(convention, config, mine, d.Input, d.H0, d.C0, null, null, null).Forward, d),
            mine, r.dParams);
    }

    private static double Loss(RecurrentOutput o, LayerData d) => LayerCase.Loss(o, d);

    private static LayerData Draw(RecurrentConfig config, ulong seed)
    {
        var c = new LayerCase(config.Kind, T: 3, B: 2, I: config.InputSize, H: config.HiddenSize, Layers: config.NumLayers,
            Bidirectional: config.Bidirectional, BatchFirst: config.BatchFirst, Bias: config.Bias, Seed: seed);
        return c.Draw();
    }
}
