// Central-difference gradient checks of RecurrentLayer's hand-written BPTT: every parameter,
// the input, h0 and c0, for RNN tanh, RNN relu, LSTM and GRU, on shapes that cover T = 1,
// B = 1, H = 1, two layers, both directions, batch_first, unbatched input, no bias and
// length-masked batches. The loss is
//     L = sum(output * dOut) + sum(h_n * dHn) (+ sum(c_n * dCn))
// for fixed random dOut, dHn, dCn, so dL/dx is exactly what Backward returns for those
// upstream gradients. Every tensor must agree to a relative error of 1e-7 or better. Every case
// runs on the plain loops and on the fast path (Compute.Fast, Spec/performance.md).
using NUnit.Framework;
using Rnn.Reference.Checking;
using Rnn.Reference.Numerics;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tests.Recurrent.Support;

namespace Rnn.Reference.Tests.Recurrent;

public sealed class RecurrentLayerGradientTests
{
    private static readonly GradientAssert.Tally Worst = new();

    [OneTimeTearDown]
    public void PrintWorst() => Worst.Print();

    private static readonly (string Label, LayerCase Case)[] Shapes =
    [
        ("T1_B1_I1_H1", new LayerCase(CellKind.RnnTanh, T: 1, B: 1, I: 1, H: 1)),
        ("T4_B3_I3_H3", new LayerCase(CellKind.RnnTanh, T: 4, B: 3, I: 3, H: 3)),
        ("zero_initial_state", new LayerCase(CellKind.RnnTanh, T: 3, B: 2, I: 2, H: 2, WithInitialState: false)),
        ("two_layers", new LayerCase(CellKind.RnnTanh, T: 3, B: 2, I: 2, H: 3, Layers: 2)),
        ("bidirectional", new LayerCase(CellKind.RnnTanh, T: 3, B: 2, I: 3, H: 2, Bidirectional: true)),
        ("two_layers_bidirectional", new LayerCase(CellKind.RnnTanh, T: 3, B: 2, I: 2, H: 2, Layers: 2, Bidirectional: true)),
        ("batch_first", new LayerCase(CellKind.RnnTanh, T: 3, B: 2, I: 3, H: 2, BatchFirst: true)),
        ("unbatched", new LayerCase(CellKind.RnnTanh, T: 3, B: 1, I: 2, H: 3, Layers: 2, Bidirectional: true, Unbatched: true)),
        ("no_bias", new LayerCase(CellKind.RnnTanh, T: 3, B: 2, I: 2, H: 2, Layers: 2, Bias: false)),
        ("lengths", new LayerCase(CellKind.RnnTanh, T: 4, B: 3, I: 2, H: 2, Layers: 2, Bidirectional: true, Lengths: [4, 1, 2])),
        ("lengths_batch_first_no_bias_zero_state", new LayerCase(CellKind.RnnTanh, T: 4, B: 3, I: 2, H: 3,
            Bidirectional: true, BatchFirst: true, Bias: false, Lengths: [2, 4, 3], WithInitialState: false)),
        // H = 9: two full vectors of the fast path's gate kernels and a scalar tail
        ("vector_lanes", new LayerCase(CellKind.RnnTanh, T: 3, B: 2, I: 3, H: 9, Layers: 2, Bidirectional: true, Lengths: [3, 2])),
    ];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var compute in new[] { Compute.Plain, Compute.Fast(2) })
            foreach (var kind in Enum.GetValues<CellKind>())
                foreach (var (label, shape) in Shapes)
                    yield return new TestCaseData(shape with { Kind = kind, Compute = compute })
                        .SetArgDisplayNames(kind.ToString(), label, compute.IsFast ? "fast" : "plain");
    }

    [TestCaseSource(nameof(Cases))]
    public void EveryGradientMatchesCentralDifferences(LayerCase shape)
    {
        var (c, d) = UsableCase(shape);
        TestContext.Out.WriteLine(c);
        var analytic = LayerCase.Analytic(LayerCase.Backward(c.Run(d), d), d);
        GradientAssert.CheckAll(Worst, c.Kind.ToString(), () => LayerCase.Loss(c.Run(d), d), LayerCase.Variables(d), analytic);
    }

    [Test]
    public void TheCheckerFlagsOneWrongAnalyticEntry()
    {
        var c = new LayerCase(CellKind.Lstm, T: 3, B: 2, I: 2, H: 2, Layers: 2, Bidirectional: true, Lengths: [3, 2]);
        var d = c.Draw();
        var analytic = LayerCase.Analytic(LayerCase.Backward(c.Run(d), d), d);
        double right = analytic["weight_hh_l1_reverse"].Data[5];
        analytic["weight_hh_l1_reverse"].Data[5] = right + 1e-4;   // one entry off by 1e-4

        var report = GradientCheck.Check(() => LayerCase.Loss(c.Run(d), d), LayerCase.Variables(d), analytic);
        TestContext.Out.WriteLine(report);
        var wrong = report.Tensors.Single(t => t.Name == "weight_hh_l1_reverse");
        Assert.Multiple(() =>
        {
            Assert.That(wrong.RelativeError, Is.GreaterThan(1e-6), "a 1e-4 error in one entry must stand out");
            Assert.That(wrong.WorstIndex, Is.EqualTo(5));
            Assert.That(wrong.WorstAnalytic, Is.EqualTo(right + 1e-4));
            Assert.That(wrong.MaxAbsDifference, Is.EqualTo(1e-4).Within(1e-7));
            Assert.That(wrong.WithinGradcheckTolerance, Is.False);
            Assert.That(report.AllWithinGradcheckTolerance, Is.False);
            Assert.That(report.WorstRelativeError, Is.EqualTo(wrong.RelativeError));
            foreach (var t in report.Tensors.Where(t => t.Name != "weight_hh_l1_reverse"))
                Assert.That(t.RelativeError, Is.LessThanOrEqualTo(GradientAssert.Tolerance), t.ToString());
        });
    }

    [Test]
    public void TheCheckerFlagsAGradientWithTheWrongSign()
    {
        var c = new LayerCase(CellKind.Gru, T: 3, B: 2, I: 2, H: 2);
        var d = c.Draw();
        var analytic = LayerCase.Analytic(LayerCase.Backward(c.Run(d), d), d);
        var dh0 = analytic["h0"].Data;
        for (int k = 0; k < dh0.Length; k++) dh0[k] = -dh0[k];

        var report = GradientCheck.Check(() => LayerCase.Loss(c.Run(d), d), LayerCase.Variables(d), analytic);
        // |a - n| = 2|n| and |a| + |n| = 2|n| at the worst entry: the relative error is 1
        Assert.That(report.Tensors.Single(t => t.Name == "h0").RelativeError, Is.EqualTo(1.0).Within(1e-6));
    }

    /// <summary>
    /// The case itself for smooth cells. For RnnRelu the first seed from the case's own on whose
    /// pre-activations all stay at least 1e-4 away from the kink at 0 (the checker's step is 1e-6,
    /// so no perturbation can cross it; at the kink the one-sided slopes differ and a central
    /// difference would measure their average, not the derivative), and on which every tensor has
    /// a gradient entry above 1e-3 (a unit that is never active would make a whole tensor's check
    /// vacuous, and a nearly dead chain would make it measure rounding noise: see
    /// GradientAssert.SmallGradients). The seed used is printed with the case.
    /// </summary>
    private static (LayerCase Case, LayerData Data) UsableCase(LayerCase shape)
    {
        for (ulong seed = shape.Seed; seed < shape.Seed + 200; seed++)
        {
            var c = shape with { Seed = seed };
            var d = c.Draw();
            var o = c.Run(d);
            if (c.Kind != CellKind.RnnRelu) return (c, d);
            double margin = LayerCase.SmallestPreActivation(o);
            if (margin < 1e-4) continue;
            if (GradientAssert.SmallGradients(LayerCase.Analytic(LayerCase.Backward(o, d), d), 1e-3).Count > 0) continue;
            TestContext.Out.WriteLine($"relu pre-activations are at least {margin:E2} from 0");
            return (c, d);
        }
        Assert.Fail($"no seed in 200 from {shape.Seed} keeps every relu pre-activation 1e-4 from 0 with every gradient nonzero");
        throw new InvalidOperationException();
    }
}
