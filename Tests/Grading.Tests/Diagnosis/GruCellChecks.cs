// What the tests of the catalog's GRU cells (GruResetBeforeCellTests, GruBiasOutsideResetCellTests)
// share: drawn data, flat tensors by name, a dot product for the loss L = Σ h ⊙ dh, the
// assertion on a central-difference gradient check, and that check over a whole sequence
// through GatedRnnUnderMistake.
using NUnit.Framework;
using Rnn.Grading.Diagnosis;
using Rnn.Reference.Checking;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Diagnosis;

internal static class GruCellChecks
{
    public const double GradTolerance = 1e-7;

    public static double[] Random(SeededRandom rng, int n, double scale = 1.0) => rng.UniformTensor(-scale, scale, n).Data;

    public static NamedTensors Set(params (string Name, double[] Data)[] items)
    {
        var set = new NamedTensors();
        foreach (var (name, data) in items) set.Add(name, new Tensor([data.Length], data));
        return set;
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Fails unless every tensor's relative error is within the tolerance and some gradient is nonzero.</summary>
    public static double AssertGradients(string label, GradientCheckReport report, NamedTensors analytic)
    {
        TestContext.Out.WriteLine($"gradcheck {label}: worst relative error {report.WorstRelativeError:E2}\n{report}");
        Assert.That(analytic.ToFlat().Any(v => v != 0), $"{label}: every analytic gradient is zero, the check proves nothing");
        Assert.That(report.WorstRelativeError, Is.LessThanOrEqualTo(GradTolerance), report.ToString());
        return report.WorstRelativeError;
    }

    /// <summary>
    /// A whole sequence of the cell form through GatedRnnUnderMistake (no state mistake), with
    /// L = Σ output ⊙ dOutput + Σ h_n ⊙ dh_n: every gradient against central differences.
    /// </summary>
    public static void AssertSequenceGradients(GatedCellForm form, string label, int T, int B, int I, int H, bool bias, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var p = new GatedLayerInput(form, T, B, I, H,
            Random(rng, T * B * I), Random(rng, B * H), new double[B * H],
            Random(rng, 3 * H * I), Random(rng, 3 * H * H), bias ? Random(rng, 3 * H) : [], bias ? Random(rng, 3 * H) : []);
        var dOutput = Random(rng, T * B * H);
        var dHN = Random(rng, B * H);

        double Loss()
        {
            var f = GatedRnnUnderMistake.Forward(p, StateMistake.None);
            return Dot(f.Output, dOutput) + Dot(f.HN, dHN);
        }

        var g = GatedRnnUnderMistake.Backward(p, GatedRnnUnderMistake.Forward(p, StateMistake.None), StateMistake.None,
            dOutput, dHN, new double[B * H]);
        var variables = Set(("X", p.X), ("H0", p.H0), ("Wih", p.Wih), ("Whh", p.Whh));
        var analytic = Set(("X", g.dX), ("H0", g.dH0), ("Wih", g.dWih), ("Whh", g.dWhh));
        if (bias)
        {
            variables.Add("Bih", new Tensor([p.Bih.Length], p.Bih));
            variables.Add("Bhh", new Tensor([p.Bhh.Length], p.Bhh));
            analytic.Add("Bih", new Tensor([g.dBih.Length], g.dBih));
            analytic.Add("Bhh", new Tensor([g.dBhh.Length], g.dBhh));
        }
        var report = GradientCheck.Check(Loss, variables, analytic, new GradientCheckOptions(Step: 1e-5));
        AssertGradients($"{label} sequence T={T} B={B} I={I} H={H} bias={bias}", report, analytic);
    }
}
