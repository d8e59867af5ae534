// RecurrentLayer.Backward(..., recordSteps: true): the per-step record of the reversed loop.
// dH[t] = ∂L/∂h_t and dC[t] = ∂L/∂c_t (through the carry alone) are checked against central
// differences of the loss as a function of the state at step t: the run is cut after step t
// and restarted from the perturbed state, so
//     L(h) = sum_{s<=t} dOut[s]·output[s] + (the rest of the run from state h) + dHN·h_n (+ dCN·c_n)
// where only output[t] = h_t depends on h among the first t+1 steps (one layer, one direction).
using NUnit.Framework;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Recurrent.Support;

namespace Rnn.Reference.Tests.Recurrent;

public sealed class StepGradientsTests
{
    private static IEnumerable<TestCaseData> Kinds() =>
        Enum.GetValues<CellKind>().Select(k => new TestCaseData(k).SetArgDisplayNames(k.ToString()));

    [TestCaseSource(nameof(Kinds))]
    public void GradientReachingEachStateMatchesCentralDifferences(CellKind kind)
    {
        var c = new LayerCase(kind, T: 4, B: 2, I: 3, H: 3, Seed: 5);
        var d = c.Draw();
        var forward = c.Run(d);
        var steps = RecurrentLayer.Backward(forward.Cache, d.dOutput, d.dHN, d.dCN, recordSteps: true).Steps!;
        Assert.That(steps, Has.Count.EqualTo(1));
        var record = steps[0];
        var cache = forward.Cache.Directions[0];
        int B = c.B, H = c.H, T = c.T;
        const double eps = 1e-6;
        double worst = 0;
        for (int t = 0; t < T; t++)
            for (int k = 0; k < B * H; k++)
            {
                var h = cache.H.AsSpan((t + 1) * B * H, B * H).ToArray();      // h_t
                var cs = kind == CellKind.Lstm ? cache.C.AsSpan((t + 1) * B * H, B * H).ToArray() : null;
                double Numeric(double[] state, bool carry)
                {
                    double saved = state[k];
                    state[k] = saved + eps;
                    double plus = LossFrom(c, d, t, h, cs);
                    state[k] = saved - eps;
                    double minus = LossFrom(c, d, t, h, cs);
                    state[k] = saved;
                    return (plus - minus) / (2 * eps);
                }
                worst = Math.Max(worst, RelativeError(record.dH[t * B * H + k], Numeric(h, false)));
                if (cs is not null) worst = Math.Max(worst, RelativeError(record.dC[t * B * H + k], Numeric(cs, true)));
            }
        TestContext.Out.WriteLine($"{kind}: worst relative error of dH, dC: {worst:E2}");
        Assert.That(worst, Is.LessThan(1e-7));
    }

    [TestCaseSource(nameof(Kinds))]
    public void RecordingChangesNothingAndAddsUpToTheTotals(CellKind kind)
    {
        var c = new LayerCase(kind, T: 4, B: 3, I: 2, H: 2, Layers: 2, Bidirectional: true, Lengths: [4, 2, 3], Seed: 9);
        var d = c.Draw();
        var forward = c.Run(d);
        var plain = RecurrentLayer.Backward(forward.Cache, d.dOutput, d.dHN, d.dCN);
        var recorded = RecurrentLayer.Backward(forward.Cache, d.dOutput, d.dHN, d.dCN, recordSteps: true);
        Assert.That(plain.Steps, Is.Null);
        Assert.That(recorded.Steps, Has.Count.EqualTo(4));
        foreach (var (name, g) in plain.dParameters)
            Assert.That(recorded.dParameters[name].Data, Is.EqualTo(g.Data), name);
        Assert.That(recorded.dInput.Data, Is.EqualTo(plain.dInput.Data));
        foreach (var s in recorded.Steps!)
        {
            string suffix = RecurrentConfig.Suffix(s.Layer, s.Direction);
            int GH = s.G * s.H;
            // after the last backward step, the running dW_hh and db_hh are the totals
            Assert.That(s.dWhhSoFar.AsSpan((s.T - 1) * GH * s.H).ToArray(), Is.EqualTo(plain.dParameters["weight_hh" + suffix].Data), suffix);
            Assert.That(s.dbhhSoFar.AsSpan((s.T - 1) * GH).ToArray(), Is.EqualTo(plain.dParameters["bias_hh" + suffix].Data), suffix);
            // db_ih = sum over steps and batch of the pre-activation gradients
            var dbih = new double[GH];
            for (int r = 0; r < s.T * s.B; r++)
                for (int g = 0; g < GH; g++) dbih[g] += s.dGates[r * GH + g];
            Assert.That(dbih, Is.EqualTo(plain.dParameters["bias_ih" + suffix].Data).Within(1e-12), suffix);
        }
    }

    /// <summary>The loss with the state after step t replaced by (h, c): the first t steps' outputs, then the run from that state.</summary>
    private static double LossFrom(LayerCase c, LayerData d, int t, double[] h, double[]? cState)
    {
        int B = c.B, H = c.H, T = c.T, I = c.I;
        var full = c.Run(d);
        double loss = 0;
        for (int s = 0; s < t; s++)
            for (int k = 0; k < B * H; k++) loss += d.dOutput.Data[s * B * H + k] * full.Output.Data[s * B * H + k];
        for (int k = 0; k < B * H; k++) loss += d.dOutput.Data[t * B * H + k] * h[k];      // output[t] = h_t
        if (t == T - 1)
        {
            for (int k = 0; k < B * H; k++) loss += d.dHN.Data[k] * h[k];
            if (cState is not null) for (int k = 0; k < B * H; k++) loss += d.dCN!.Data[k] * cState[k];
            return loss;
        }
        int rest = T - 1 - t;
        var input = new Tensor([rest, B, I], d.Input.Data.AsSpan((t + 1) * B * I, rest * B * I).ToArray());
        var after = RecurrentLayer.Forward(c.Config, d.Parameters, input,
            new Tensor([1, B, H], (double[])h.Clone()), cState is null ? null : new Tensor([1, B, H], (double[])cState.Clone()));
        for (int k = 0; k < rest * B * H; k++) loss += d.dOutput.Data[(t + 1) * B * H + k] * after.Output.Data[k];
        for (int k = 0; k < B * H; k++) loss += d.dHN.Data[k] * after.HN.Data[k];
        if (after.CN is not null) for (int k = 0; k < B * H; k++) loss += d.dCN!.Data[k] * after.CN.Data[k];
        return loss;
    }

    private static double RelativeError(double a, double n) => Math.Abs(a - n) / Math.Max(1e-8, Math.Abs(a) + Math.Abs(n));
}
