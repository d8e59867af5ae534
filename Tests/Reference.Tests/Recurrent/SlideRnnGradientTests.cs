// Central-difference gradient checks of the slides' two RNNs:
//   SlideReluRnn (95-865): W, U, b, the input sequence and h0, for both upstream forms the
//     slides use: a loss on every step's output (Backward) and on the last step's output
//     only (BackwardLastStep), with and without h0;
//   SlideTanhRnn (STATS 507 / MATH80629): Wxh, Whh, Why, the input and h0, with upstream
//     gradients on every y_t and on h_n, on either alone, and on both.
// As for RecurrentLayer, L = sum(output * upstream) for fixed random upstream tensors and every
// tensor must agree to a relative error of 1e-7 or better.
using NUnit.Framework;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Recurrent.Support;

namespace Rnn.Reference.Tests.Recurrent;

public sealed class SlideRnnGradientTests
{
    private static readonly GradientAssert.Tally Worst = new();

    [OneTimeTearDown]
    public void PrintWorst() => Worst.Print();

    // ---- slide ReLU RNN ----------------------------------------------------------------------

    private static readonly (string Label, SlideReluCase Case)[] ReluShapes =
    [
        ("T1_I1_H1", new SlideReluCase(T: 1, B: 1, I: 1, H: 1, Unbatched: true)),
        ("T4_I3_H3", new SlideReluCase(T: 4, B: 1, I: 3, H: 3, Unbatched: true)),
        ("T1_B1_I2_H2", new SlideReluCase(T: 1, B: 1, I: 2, H: 2)),
        ("T4_B3_I2_H3", new SlideReluCase(T: 4, B: 3, I: 2, H: 3)),
    ];

    private static IEnumerable<TestCaseData> ReluCases()
    {
        foreach (bool lastStepOnly in new[] { false, true })
            foreach (bool withH0 in new[] { false, true })
                foreach (var (label, shape) in ReluShapes)
                    yield return new TestCaseData(shape with { WithH0 = withH0 }, lastStepOnly)
                        .SetArgDisplayNames(label, withH0 ? "h0" : "zero_state", lastStepOnly ? "BackwardLastStep" : "Backward");
    }

    [TestCaseSource(nameof(ReluCases))]
    public void SlideReluRnnGradientsMatchCentralDifferences(SlideReluCase shape, bool lastStepOnly)
    {
        // with T = 1 and a zero initial state U multiplies only zeros: dU is exactly 0
        string[] expectedZero = shape.T == 1 && !shape.WithH0 ? ["U"] : [];
        var (c, d) = UsableReluCase(shape, lastStepOnly, expectedZero);
        TestContext.Out.WriteLine(c);

        double Loss()
        {
            var outputs = SlideReluRnn.Forward(d.W, d.U, d.b, d.Input, d.H0);
            return lastStepOnly ? TestTensors.Dot(SlideReluRnn.LastOutput(outputs), d.dLast) : TestTensors.Dot(outputs, d.dOutputs);
        }

        var analytic = ReluAnalytic(d, lastStepOnly);
        GradientAssert.CheckAll(Worst, lastStepOnly ? "SlideReluRnn.BackwardLastStep" : "SlideReluRnn.Backward",
            Loss, ReluVariables(d), analytic, expectedZero);
    }

    private static NamedTensors ReluVariables(ReluRnnData d)
    {
        var v = new NamedTensors { { "W", d.W }, { "U", d.U }, { "b", d.b }, { "inputSequence", d.Input } };
        if (d.H0 is not null) v.Add("h0", d.H0);
        return v;
    }

    private static NamedTensors ReluAnalytic(ReluRnnData d, bool lastStepOnly)
    {
        var outputs = SlideReluRnn.Forward(d.W, d.U, d.b, d.Input, d.H0);
        var g = lastStepOnly
            ? SlideReluRnn.BackwardLastStep(d.W, d.U, d.b, d.Input, outputs, d.dLast, d.H0)
            : SlideReluRnn.Backward(d.W, d.U, d.b, d.Input, outputs, d.dOutputs, d.H0);
        var a = new NamedTensors { { "W", g.dW }, { "U", g.dU }, { "b", g.db }, { "inputSequence", g.dInput } };
        if (d.H0 is not null) a.Add("h0", g.dH0);
        return a;
    }

    /// <summary>
    /// The first seed from the case's own whose pre-activations all stay at least 1e-4 from the
    /// ReLU's kink at 0 (the checker's step is 1e-6, so no perturbation crosses it) and on which
    /// every gradient except the expected zero ones has an entry above 1e-3 (so that no check
    /// measures only rounding noise: see GradientAssert.SmallGradients). The seed is printed with the case.
    /// </summary>
    private static (SlideReluCase, ReluRnnData) UsableReluCase(SlideReluCase shape, bool lastStepOnly, string[] expectedZero)
    {
        for (ulong seed = shape.Seed; seed < shape.Seed + 200; seed++)
        {
            var c = shape with { Seed = seed };
            var d = c.Draw();
            double margin = c.SmallestPreActivation(d, SlideReluRnn.Forward(d.W, d.U, d.b, d.Input, d.H0));
            if (margin < 1e-4) continue;
            var zero = GradientAssert.SmallGradients(ReluAnalytic(d, lastStepOnly), 1e-3);
            if (!zero.ToHashSet().SetEquals(expectedZero)) continue;
            TestContext.Out.WriteLine($"relu pre-activations are at least {margin:E2} from 0");
            return (c, d);
        }
        Assert.Fail($"no seed in 200 from {shape.Seed} keeps every pre-activation 1e-4 from 0 with the expected gradients nonzero");
        throw new InvalidOperationException();
    }

    // ---- slide tanh RNN ----------------------------------------------------------------------

    public enum Upstream { DYAndDHN, DYOnly, DHNOnly }

    private static readonly (string Label, SlideTanhCase Case)[] TanhShapes =
    [
        ("T1_I1_H1_O1", new SlideTanhCase(T: 1, B: 1, I: 1, H: 1, O: 1, Unbatched: true)),
        ("T4_I3_H3_O2", new SlideTanhCase(T: 4, B: 1, I: 3, H: 3, O: 2, Unbatched: true)),
        ("T1_B1_I2_H2_O2", new SlideTanhCase(T: 1, B: 1, I: 2, H: 2, O: 2)),
        ("T4_B3_I2_H3_O2", new SlideTanhCase(T: 4, B: 3, I: 2, H: 3, O: 2)),
    ];

    private static IEnumerable<TestCaseData> TanhCases()
    {
        foreach (var upstream in Enum.GetValues<Upstream>())
            foreach (bool withH0 in new[] { false, true })
                foreach (var (label, shape) in TanhShapes)
                    yield return new TestCaseData(shape with { WithH0 = withH0 }, upstream)
                        .SetArgDisplayNames(label, withH0 ? "h0" : "zero_state", upstream.ToString());
    }

    [TestCaseSource(nameof(TanhCases))]
    public void SlideTanhRnnGradientsMatchCentralDifferences(SlideTanhCase c, Upstream upstream)
    {
        TestContext.Out.WriteLine(c);
        var d = c.Draw();
        Tensor? dY = upstream == Upstream.DHNOnly ? null : d.dY;
        Tensor? dHN = upstream == Upstream.DYOnly ? null : d.dHN;

        double Loss()
        {
            var f = SlideTanhRnn.Forward(d.Wxh, d.Whh, d.Why, d.Input, d.H0);
            return (dY is null ? 0.0 : TestTensors.Dot(f.Y, dY)) + (dHN is null ? 0.0 : TestTensors.Dot(f.HN, dHN));
        }

        var forward = SlideTanhRnn.Forward(d.Wxh, d.Whh, d.Why, d.Input, d.H0);
        var g = SlideTanhRnn.Backward(d.Wxh, d.Whh, d.Why, d.Input, forward, dY, dHN);
        var variables = new NamedTensors { { "Wxh", d.Wxh }, { "Whh", d.Whh }, { "Why", d.Why }, { "input", d.Input } };
        var analytic = new NamedTensors { { "Wxh", g.dWxh }, { "Whh", g.dWhh }, { "Why", g.dWhy }, { "input", g.dInput } };
        if (d.H0 is not null)
        {
            variables.Add("h0", d.H0);
            analytic.Add("h0", g.dH0);
        }

        var expectedZero = new List<string>();
        if (upstream == Upstream.DHNOnly) expectedZero.Add("Why");                 // no y_t reaches the loss
        if (c.T == 1 && !c.WithH0) expectedZero.Add("Whh");                         // Whh multiplies only h0 = 0
        GradientAssert.CheckAll(Worst, "SlideTanhRnn", Loss, variables, analytic, [.. expectedZero]);
    }
}
