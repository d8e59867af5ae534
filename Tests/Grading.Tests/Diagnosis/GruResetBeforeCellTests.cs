// The reset-before GRU (Reference/Recurrent/GruResetBeforeCell.cs), a named variant of
// PyTorch's GRU: central-difference gradient checks through the public GradientCheck (one
// step, and a whole sequence through GatedRnnUnderMistake), a step worked by hand, and FsCheck
// properties (with r = 1 it is PyTorch's GRU; with z = 1 it copies the state; each batch row
// is computed as if alone). Sizes are bounded; FsCheck prints the replay seed of any failure.
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

public sealed class GruResetBeforeCellTests
{
    [TestCase(1, 1)]
    [TestCase(2, 3)]
    [TestCase(3, 2)]
    public void StepBackwardIsTheGradientOfStepForward(int B, int H)
    {
        var rng = new SeededRandom((ulong)(100 * B + H));
        var xProj = Random(rng, B * 3 * H);
        var hPrev = Random(rng, B * H);
        var Whh = Random(rng, 3 * H * H);
        var bhh = Random(rng, 3 * H);
        var dh = Random(rng, B * H);                              // upstream gradient: L = Σ h ⊙ dh

        double Loss()
        {
            var gates = new double[B * 3 * H];
            var h = new double[B * H];
            GruResetBeforeCell.StepForward(xProj, hPrev, Whh, bhh, B, H, gates, h);
            return Dot(h, dh);
        }

        var gatesCache = new double[B * 3 * H];
        var hOut = new double[B * H];
        GruResetBeforeCell.StepForward(xProj, hPrev, Whh, bhh, B, H, gatesCache, hOut);
        var dxProj = new double[B * 3 * H];
        var dhPrev = new double[B * H];
        var dWhh = new double[3 * H * H];
        var dbhh = new double[3 * H];
        GruResetBeforeCell.StepBackward(dh, gatesCache, hPrev, Whh, B, H, dxProj, dhPrev, dWhh, dbhh);

        var analytic = Set(("xProj", dxProj), ("hPrev", dhPrev), ("Whh", dWhh), ("bhh", dbhh));
        var report = GradientCheck.Check(Loss, Set(("xProj", xProj), ("hPrev", hPrev), ("Whh", Whh), ("bhh", bhh)), analytic,
            new GradientCheckOptions(Step: 1e-5));
        AssertGradients($"GRU reset-before step B={B} H={H}", report, analytic);
    }

    [TestCase(1, 1, 1, 1, true)]
    [TestCase(4, 2, 3, 3, true)]
    [TestCase(3, 3, 2, 2, false)]
    public void SequenceBackwardIsTheGradientOfTheSequence(int T, int B, int I, int H, bool bias) =>
        AssertSequenceGradients(GatedCellForm.GruResetBefore, "GRU reset-before", T, B, I, H, bias, seed: (ulong)(1000 * T + 100 * B + 10 * I + H));

    [Test]
    public void OneStepWorkedByHand()
    {
        // H = 1, B = 1. x-projection [a_r, a_z, a_n] = [0, 0, 0.5]; h_{t-1} = 0.5;
        // W_hh = [W_hr, W_hz, W_hn] = [0, 0, 2]; b_hh = [0, 0, 0.1].
        //   r = σ(0 + 0) = 0.5,  z = σ(0 + 0) = 0.5
        //   reset before: n = tanh(0.5 + (0.5 · 0.5) · 2 + 0.1) = tanh(1.1)
        //   h = (1 - 0.5) · tanh(1.1) + 0.5 · 0.5 = 0.5 tanh(1.1) + 0.25
        //   (PyTorch's reset after: n = tanh(0.5 + 0.5 · (0.5 · 2 + 0.1)) = tanh(1.05))
        double[] xProj = [0, 0, 0.5], hPrev = [0.5], Whh = [0, 0, 2], bhh = [0, 0, 0.1];
        var gates = new double[3];
        var h = new double[1];
        GruResetBeforeCell.StepForward(xProj, hPrev, Whh, bhh, 1, 1, gates, h);
        Assert.That(gates, Is.EqualTo(new[] { 0.5, 0.5, Math.Tanh(1.1) }).Within(1e-15));
        Assert.That(h[0], Is.EqualTo(0.5 * Math.Tanh(1.1) + 0.25).Within(1e-15));

        var after = new double[1];
        GruCell.StepForward(xProj, hPrev, Whh, bhh, 1, 1, new double[3], new double[1], after);
        Assert.That(after[0], Is.EqualTo(0.5 * Math.Tanh(1.05) + 0.25).Within(1e-15));

        // backward with dh = 1: dn = 1 - z = 0.5, da_n = 0.5 (1 - tanh²(1.1)), dz = h_{t-1} - n = 0.5 - tanh(1.1)
        //   d(r h) = da_n · W_hn = 2 da_n;  dr = d(r h) · h_{t-1} = da_n;  da_r = dr · 0.25
        //   dh_{t-1} = z + d(r h) · r + da_r W_hr + da_z W_hz = 0.5 + da_n
        //   dW_hn = da_n · (r h_{t-1}) = 0.25 da_n;  db_hn = da_n;  dW_hr = da_r · h_{t-1}
        double n = Math.Tanh(1.1), daN = 0.5 * (1 - n * n), daZ = (0.5 - n) * 0.25, daR = daN * 0.25;
        var dxProj = new double[3];
        var dhPrev = new double[1];
        var dWhh = new double[3];
        var dbhh = new double[3];
        GruResetBeforeCell.StepBackward([1.0], gates, hPrev, Whh, 1, 1, dxProj, dhPrev, dWhh, dbhh);
        Assert.That(dxProj, Is.EqualTo(new[] { daR, daZ, daN }).Within(1e-15));
        Assert.That(dhPrev[0], Is.EqualTo(0.5 + daN).Within(1e-15));
        Assert.That(dWhh, Is.EqualTo(new[] { daR * 0.5, daZ * 0.5, 0.25 * daN }).Within(1e-15));
        Assert.That(dbhh, Is.EqualTo(new[] { daR, daZ, daN }).Within(1e-15));
    }

    private static Gen<(int B, int H, int Seed)> Sizes =>
        from b in Gen.Choose(1, 3) from h in Gen.Choose(1, 4) from seed in Gen.Choose(0, 1_000_000) select (b, h, seed);

    [Property(MaxTest = 100)]
    public Property WithTheResetGateOpenItIsPyTorchsGru() =>
        Prop.ForAll(Sizes.ToArbitrary(), s =>
        {
            var (B, H, seed) = s;
            var rng = new SeededRandom((ulong)seed);
            var xProj = Random(rng, B * 3 * H);
            for (int b = 0; b < B; b++)
                for (int j = 0; j < H; j++) xProj[b * 3 * H + j] = 60;  // a_r ≈ 60: σ = 1 exactly in double
            var hPrev = Random(rng, B * H);
            var Whh = Random(rng, 3 * H * H);
            var bhh = Random(rng, 3 * H);
            var before = new double[B * H];
            var after = new double[B * H];
            GruResetBeforeCell.StepForward(xProj, hPrev, Whh, bhh, B, H, new double[B * 3 * H], before);
            GruCell.StepForward(xProj, hPrev, Whh, bhh, B, H, new double[B * 3 * H], new double[B * H], after);
            // (1 ⊙ h) W_hnᵀ + b_hn and 1 ⊙ (h W_hnᵀ + b_hn) differ only in rounding
            return before.Zip(after).All(p => Math.Abs(p.First - p.Second) <= 1e-14);
        });

    [Property(MaxTest = 100)]
    public Property WithTheUpdateGateClosedItCopiesTheState() =>
        Prop.ForAll(Sizes.ToArbitrary(), s =>
        {
            var (B, H, seed) = s;
            var rng = new SeededRandom((ulong)seed);
            var xProj = Random(rng, B * 3 * H);
            for (int b = 0; b < B; b++)
                for (int j = 0; j < H; j++) xProj[b * 3 * H + H + j] = 60;  // z = 1
            var hPrev = Random(rng, B * H);
            var h = new double[B * H];
            GruResetBeforeCell.StepForward(xProj, hPrev, Random(rng, 3 * H * H), Random(rng, 3 * H), B, H, new double[B * 3 * H], h);
            return h.SequenceEqual(hPrev);
        });

    [Property(MaxTest = 100)]
    public Property EachBatchRowIsComputedAsIfAlone() =>
        Prop.ForAll(Sizes.ToArbitrary(), s =>
        {
            var (B, H, seed) = s;
            var rng = new SeededRandom((ulong)seed);
            var xProj = Random(rng, B * 3 * H);
            var hPrev = Random(rng, B * H);
            var Whh = Random(rng, 3 * H * H);
            var bhh = Random(rng, 3 * H);
            var h = new double[B * H];
            GruResetBeforeCell.StepForward(xProj, hPrev, Whh, bhh, B, H, new double[B * 3 * H], h);
            for (int b = 0; b < B; b++)
            {
                var alone = new double[H];
                GruResetBeforeCell.StepForward(xProj.AsSpan(b * 3 * H, 3 * H), hPrev.AsSpan(b * H, H), Whh, bhh, 1, H,
                    new double[3 * H], alone);
                if (!alone.AsSpan().SequenceEqual(h.AsSpan(b * H, H))) return false;
            }
            return true;
        });
}
