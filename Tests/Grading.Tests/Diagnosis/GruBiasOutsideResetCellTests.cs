// The GRU with b_hn outside the reset product (grading/Grading/Diagnosis/GruBiasOutsideResetCell.cs,
// mistake "gru-bias-outside-reset"): central-difference gradient checks through the public
// GradientCheck (one step, and a whole sequence through GatedRnnUnderMistake), a step worked by
// hand, and FsCheck properties of where it coincides with other forms (b_hn = 0: PyTorch's GRU;
// H = 1: the reset-before GRU) and that each batch row is computed as if alone. Sizes are
// bounded; FsCheck prints the replay seed of any failure.
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Rnn.Grading.Diagnosis;
using Rnn.Reference.Checking;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using static Rnn.Grading.Tests.Diagnosis.GruCellChecks;

namespace Rnn.Grading.Tests.Diagnosis;

public sealed class GruBiasOutsideResetCellTests
{
    [TestCase(1, 1)]
    [TestCase(2, 3)]
    [TestCase(3, 2)]
    public void StepBackwardIsTheGradientOfStepForward(int B, int H)
    {
        var rng = new SeededRandom((ulong)(300 * B + H));
        var xProj = Random(rng, B * 3 * H);
        var hPrev = Random(rng, B * H);
        var Whh = Random(rng, 3 * H * H);
        var bhh = Random(rng, 3 * H);
        var dh = Random(rng, B * H);                              // upstream gradient: L = Σ h ⊙ dh

        double Loss()
        {
            var h = new double[B * H];
            GruBiasOutsideResetCell.StepForward(xProj, hPrev, Whh, bhh, B, H, new double[B * 3 * H], new double[B * H], h);
            return Dot(h, dh);
        }

        var gates = new double[B * 3 * H];
        var hhN = new double[B * H];
        GruBiasOutsideResetCell.StepForward(xProj, hPrev, Whh, bhh, B, H, gates, hhN, new double[B * H]);
        var dxProj = new double[B * 3 * H];
        var dhPrev = new double[B * H];
        var dWhh = new double[3 * H * H];
        var dbhh = new double[3 * H];
        GruBiasOutsideResetCell.StepBackward(dh, gates, hhN, hPrev, Whh, B, H, dxProj, dhPrev, dWhh, dbhh);

        var analytic = Set(("xProj", dxProj), ("hPrev", dhPrev), ("Whh", dWhh), ("bhh", dbhh));
        var report = GradientCheck.Check(Loss, Set(("xProj", xProj), ("hPrev", hPrev), ("Whh", Whh), ("bhh", bhh)), analytic,
            new GradientCheckOptions(Step: 1e-5));
        AssertGradients($"GRU b_hn outside step B={B} H={H}", report, analytic);
    }

    [TestCase(4, 2, 3, 3, true)]
    [TestCase(3, 3, 2, 2, false)]
    public void SequenceBackwardIsTheGradientOfTheSequence(int T, int B, int I, int H, bool bias) =>
        AssertSequenceGradients(GatedCellForm.GruBiasOutsideReset, "GRU b_hn outside", T, B, I, H, bias, seed: (ulong)(2000 * T + 100 * B + 10 * I + H));

    [Test]
    public void OneStepWorkedByHand()
    {
        // H = 2, B = 1.
        // x-projection [a_r0, a_r1, a_z0, a_z1, a_n0, a_n1] = [0, 0, 0, 0, 0.5, -0.5]; h_{t-1} = [0.5, -1];
        // W_hr = W_hz = 0; W_hn = [[2, 0], [1, 1]]; b_hh = [0, 0, 0, 0, 0.1, 0.3].
        //   r = σ(0) = [0.5, 0.5],  z = σ(0) = [0.5, 0.5]
        //   h W_hnᵀ = [2·0.5 + 0·(-1), 1·0.5 + 1·(-1)] = [1, -0.5]
        //   b_hn outside: n = tanh([0.5 + 0.5·1 + 0.1, -0.5 + 0.5·(-0.5) + 0.3]) = tanh([1.1, -0.45])
        //   PyTorch:      n = tanh([0.5 + 0.5·1.1,     -0.5 + 0.5·(-0.2)])     = tanh([1.05, -0.6])
        //   (with r the same for every unit, r ⊙ (h W_hnᵀ) = (r ⊙ h) W_hnᵀ: where this form and the reset-before
        //   one part is left to the properties below)
        //   h = 0.5 n + 0.5 h_{t-1}
        double[] xProj = [0, 0, 0, 0, 0.5, -0.5], hPrev = [0.5, -1], Whh = [0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 1], bhh = [0, 0, 0, 0, 0.1, 0.3];
        var gates = new double[6];
        var hhN = new double[2];
        var h = new double[2];
        GruBiasOutsideResetCell.StepForward(xProj, hPrev, Whh, bhh, 1, 2, gates, hhN, h);
        Assert.That(gates, Is.EqualTo(new[] { 0.5, 0.5, 0.5, 0.5, Math.Tanh(1.1), Math.Tanh(-0.45) }).Within(1e-15));
        Assert.That(hhN, Is.EqualTo(new[] { 1.0, -0.5 }).Within(1e-15));
        Assert.That(h, Is.EqualTo(new[] { 0.5 * Math.Tanh(1.1) + 0.25, 0.5 * Math.Tanh(-0.45) - 0.5 }).Within(1e-15));
        var pytorch = new double[2];
        GruCell.StepForward(xProj, hPrev, Whh, bhh, 1, 2, new double[6], new double[2], pytorch);
        Assert.That(pytorch, Is.EqualTo(new[] { 0.5 * Math.Tanh(1.05) + 0.25, 0.5 * Math.Tanh(-0.6) - 0.5 }).Within(1e-15));

        // backward with dh = [1, 0]: only unit 0 receives a gradient
        //   dn0 = 1 - z0 = 0.5, da_n0 = 0.5 (1 - tanh²(1.1)), dz0 = h0 - n0 = 0.5 - tanh(1.1), da_z0 = dz0 · 0.25
        //   dr0 = da_n0 · (h W_hnᵀ)[0] = da_n0 · 1, da_r0 = dr0 · 0.25
        //   db_hn = [da_n0, 0]  (PyTorch: da_n0 · r0),  dW_hn row 0 = da_n0 · r0 · h_{t-1} = 0.5 da_n0 · [0.5, -1]
        //   dh_{t-1} = z ⊙ dh + (da_n0 r0) · W_hn row 0 (W_hr = W_hz = 0) = [0.5 + 0.5 da_n0 · 2, 0]
        double n0 = Math.Tanh(1.1), daN = 0.5 * (1 - n0 * n0), daZ = (0.5 - n0) * 0.25, daR = daN * 0.25;
        var dxProj = new double[6];
        var dhPrev = new double[2];
        var dWhh = new double[12];
        var dbhh = new double[6];
        GruBiasOutsideResetCell.StepBackward([1.0, 0.0], gates, hhN, hPrev, Whh, 1, 2, dxProj, dhPrev, dWhh, dbhh);
        Assert.That(dxProj, Is.EqualTo(new[] { daR, 0, daZ, 0, daN, 0 }).Within(1e-15));
        Assert.That(dbhh, Is.EqualTo(new[] { daR, 0, daZ, 0, daN, 0 }).Within(1e-15));
        Assert.That(dhPrev, Is.EqualTo(new[] { 0.5 + daN, 0 }).Within(1e-15));
        Assert.That(dWhh, Is.EqualTo(new[] { daR * 0.5, -daR, 0, 0, daZ * 0.5, -daZ, 0, 0, 0.25 * daN, -0.5 * daN, 0, 0 }).Within(1e-15));
    }

    private static Gen<(int B, int H, int Seed)> Sizes =>
        from b in Gen.Choose(1, 3) from h in Gen.Choose(1, 4) from seed in Gen.Choose(0, 1_000_000) select (b, h, seed);

    private static (double[] XProj, double[] HPrev, double[] Whh, double[] Bhh) Step(int B, int H, int seed)
    {
        var rng = new SeededRandom((ulong)seed);
        return (Random(rng, B * 3 * H), Random(rng, B * H), Random(rng, 3 * H * H), Random(rng, 3 * H));
    }

    private static double[] Run(int B, int H, double[] xProj, double[] hPrev, double[] Whh, double[] bhh)
    {
        var h = new double[B * H];
        GruBiasOutsideResetCell.StepForward(xProj, hPrev, Whh, bhh, B, H, new double[B * 3 * H], new double[B * H], h);
        return h;
    }

    [Property(MaxTest = 100)]
    public Property WithoutBhnItIsPyTorchsGru() =>
        Prop.ForAll(Sizes.ToArbitrary(), s =>
        {
            var (B, H, seed) = s;
            var (xProj, hPrev, Whh, bhh) = Step(B, H, seed);
            for (int j = 2 * H; j < 3 * H; j++) bhh[j] = 0;
            var pytorch = new double[B * H];
            GruCell.StepForward(xProj, hPrev, Whh, bhh, B, H, new double[B * 3 * H], new double[B * H], pytorch);
            // the biases are added in another order: equal up to rounding
            return Run(B, H, xProj, hPrev, Whh, bhh).Zip(pytorch).All(p => Math.Abs(p.First - p.Second) <= 1e-14);
        });

    [Property(MaxTest = 100)]
    public Property WithOneUnitItIsTheResetBeforeGru() =>
        Prop.ForAll(Gen.Choose(1, 3).SelectMany(b => Gen.Choose(0, 1_000_000).Select(seed => (b, seed))).ToArbitrary(), s =>
        {
            var (B, seed) = s;
            var (xProj, hPrev, Whh, bhh) = Step(B, 1, seed);
            var before = new double[B];
            GruResetBeforeCell.StepForward(xProj, hPrev, Whh, bhh, B, 1, new double[B * 3], before);
            // r (h w) = (r h) w: equal up to rounding
            return Run(B, 1, xProj, hPrev, Whh, bhh).Zip(before).All(p => Math.Abs(p.First - p.Second) <= 1e-14);
        });

    [Property(MaxTest = 100)]
    public Property WithSeveralUnitsAndBhnItIsNeitherOtherForm() =>
        Prop.ForAll(Sizes.Where(s => s.H >= 2).ToArbitrary(), s =>
        {
            var (B, H, seed) = s;
            var (xProj, hPrev, Whh, bhh) = Step(B, H, seed);
            var mine = Run(B, H, xProj, hPrev, Whh, bhh);
            var pytorch = new double[B * H];
            var before = new double[B * H];
            GruCell.StepForward(xProj, hPrev, Whh, bhh, B, H, new double[B * 3 * H], new double[B * H], pytorch);
            GruResetBeforeCell.StepForward(xProj, hPrev, Whh, bhh, B, H, new double[B * 3 * H], before);
            static double Gap(double[] a, double[] b) => a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
            return Gap(mine, pytorch) > 1e-6 && Gap(mine, before) > 1e-6;
        });

    [Property(MaxTest = 100)]
    public Property EachBatchRowIsComputedAsIfAlone() =>
        Prop.ForAll(Sizes.ToArbitrary(), s =>
        {
            var (B, H, seed) = s;
            var (xProj, hPrev, Whh, bhh) = Step(B, H, seed);
            var h = Run(B, H, xProj, hPrev, Whh, bhh);
            for (int b = 0; b < B; b++)
            {
                var alone = Run(1, H, xProj[(b * 3 * H)..((b + 1) * 3 * H)], hPrev[(b * H)..((b + 1) * H)], Whh, bhh);
                if (!alone.AsSpan().SequenceEqual(h.AsSpan(b * H, H))) return false;
            }
            return true;
        });
}
