// FsCheck properties of the cells' backward records on bounded random steps (B 1..3, H 1..4,
// values on a grid of 1e-3): whatever the numbers, a record splits StepBackward's chain rule into
// links that multiply back to its outputs, bit for bit, and changes none of them.
//   LSTM: dL/dc_t = its carry part + its h_t part, the carry part is the dc given, and
//         dL/da_i = dL/di * i(1 - i) (and so on for f, g, o), dL/do = dh * tanh(c_t);
//   GRU:  dL/da_r = dL/dr * r(1 - r), dL/da_z = dL/dz * z(1 - z), dL/da_n = dL/dn * (1 - n^2),
//         and with z = 1 nothing reaches n (dL/dn = 0);
//   RNN:  dL/da = dL/dh_t * act'(a).
// On failure FsCheck prints the counterexample and the seed to replay it with [Property(Replay = "...")].
using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using Rnn.Reference.Numerics;
using Rnn.Reference.Recurrent;

namespace Rnn.Reference.Tests.Recurrent;

public sealed class CellBackwardRecordPropertyTests
{
    /// <summary>One step's sizes and its numbers, drawn from a seed so a counterexample prints short.</summary>
    public sealed record StepCase(int B, int H, int Seed)
    {
        public double[] Draw(int n, double scale = 1.0)
        {
            var rng = new Random(Seed + 7919 * n);
            var v = new double[n];
            for (int k = 0; k < n; k++) v[k] = Math.Round(scale * (2 * rng.NextDouble() - 1), 3);
            return v;
        }
    }

    private static Arbitrary<StepCase> Steps() =>
        (from B in Gen.Choose(1, 3)
         from H in Gen.Choose(1, 4)
         from seed in Gen.Choose(0, 1_000_000)
         select new StepCase(B, H, seed)).ToArbitrary();

    [Property(MaxTest = 100)]
    public Property LstmRecordMultipliesBackToTheStepsOutputs() =>
        Prop.ForAll(Steps(), s =>
        {
            int B = s.B, H = s.H;
            var xProj = s.Draw(B * 4 * H, 3); var hPrev = s.Draw(B * H); var cPrev = s.Draw(B * H, 2);
            var Whh = s.Draw(4 * H * H); var bhh = s.Draw(4 * H); var dh = s.Draw(B * H); var dc = s.Draw(B * H);
            var gates = new double[B * 4 * H]; var c = new double[B * H];
            LstmCell.StepForward(xProj, hPrev, cPrev, Whh, bhh, B, H, gates, c, new double[B * H]);
            double[] Backward(LstmBackwardRecord? record)
            {
                var dxProj = new double[B * 4 * H]; var dhPrev = new double[B * H]; var dcPrev = new double[B * H];
                var dWhh = new double[4 * H * H]; var dbhh = new double[4 * H];
                LstmCell.StepBackward(dh, dc, gates, c, cPrev, hPrev, Whh, B, H, dxProj, dhPrev, dcPrev, dWhh, dbhh, record);
                return [.. dxProj, .. dhPrev, .. dcPrev, .. dWhh, .. dbhh];
            }
            var r = new LstmBackwardRecord(B, H);
            var with = Backward(r);
            if (!with.SequenceEqual(Backward(null))) return false;
            for (int b = 0; b < B; b++)
                for (int j = 0; j < H; j++)
                {
                    int k = b * H + j, row = b * 4 * H;
                    double i = gates[row + j], f = gates[row + H + j], g = gates[row + 2 * H + j], o = gates[row + 3 * H + j];
                    if (r.dcFromCarry[k] != dc[k] || r.dcTotal[k] != r.dcFromCarry[k] + r.dcFromH[k]) return false;
                    if (r.dO[k] != dh[k] * Activations.Tanh(c[k])) return false;
                    // dxProj is the first B*4H entries of `with`
                    if (with[row + j] != r.dI[k] * Activations.SigmoidGradFromOutput(i)) return false;
                    if (with[row + H + j] != r.dF[k] * Activations.SigmoidGradFromOutput(f)) return false;
                    if (with[row + 2 * H + j] != r.dG[k] * Activations.TanhGradFromOutput(g)) return false;
                    if (with[row + 3 * H + j] != r.dO[k] * Activations.SigmoidGradFromOutput(o)) return false;
                }
            return true;
        });

    [Property(MaxTest = 100)]
    public Property GruRecordMultipliesBackToTheStepsOutputs() =>
        Prop.ForAll(Steps(), s =>
        {
            int B = s.B, H = s.H;
            var xProj = s.Draw(B * 3 * H, 3); var hPrev = s.Draw(B * H); var Whh = s.Draw(3 * H * H); var bhh = s.Draw(3 * H);
            var dh = s.Draw(B * H);
            var gates = new double[B * 3 * H]; var hhN = new double[B * H];
            GruCell.StepForward(xProj, hPrev, Whh, bhh, B, H, gates, hhN, new double[B * H]);
            double[] Backward(GruBackwardRecord? record)
            {
                var dxProj = new double[B * 3 * H]; var dhPrev = new double[B * H]; var dWhh = new double[3 * H * H]; var dbhh = new double[3 * H];
                GruCell.StepBackward(dh, gates, hhN, hPrev, Whh, B, H, dxProj, dhPrev, dWhh, dbhh, record);
                return [.. dxProj, .. dhPrev, .. dWhh, .. dbhh];
            }
            var r = new GruBackwardRecord(B, H);
            var with = Backward(r);
            if (!with.SequenceEqual(Backward(null))) return false;
            for (int b = 0; b < B; b++)
                for (int j = 0; j < H; j++)
                {
                    int k = b * H + j, row = b * 3 * H;
                    double rr = gates[row + j], z = gates[row + H + j], n = gates[row + 2 * H + j];
                    if (with[row + j] != r.dR[k] * Activations.SigmoidGradFromOutput(rr)) return false;
                    if (with[row + H + j] != r.dZ[k] * Activations.SigmoidGradFromOutput(z)) return false;
                    if (with[row + 2 * H + j] != r.dN[k] * Activations.TanhGradFromOutput(n)) return false;
                    if (r.dZ[k] != dh[k] * (hPrev[k] - n)) return false;
                }
            return true;
        });

    [Property(MaxTest = 50)]
    public Property AGruWithZOneLetsNothingReachN() =>
        Prop.ForAll(Steps(), s =>
        {
            int B = s.B, H = s.H;
            var xProj = s.Draw(B * 3 * H, 3);
            for (int b = 0; b < B; b++)
                for (int j = 0; j < H; j++) xProj[b * 3 * H + H + j] = 100;   // z = sigmoid(100 + h W_hz^T + b_hz), |h W_hz^T + b_hz| <= H + 1: z = 1 exactly
            var hPrev = s.Draw(B * H); var Whh = s.Draw(3 * H * H); var bhh = s.Draw(3 * H); var dh = s.Draw(B * H);
            var gates = new double[B * 3 * H]; var hhN = new double[B * H];
            GruCell.StepForward(xProj, hPrev, Whh, bhh, B, H, gates, hhN, new double[B * H]);
            var r = new GruBackwardRecord(B, H);
            GruCell.StepBackward(dh, gates, hhN, hPrev, Whh, B, H, new double[B * 3 * H], new double[B * H], new double[3 * H * H], new double[3 * H], r);
            return r.dN.All(v => v == 0) && r.dR.All(v => v == 0);
        });

    [Property(MaxTest = 100)]
    public Property RnnRecordIsTheSlopeBetweenAfterAndBefore() =>
        Prop.ForAll(Steps(), Gen.Elements(false, true).ToArbitrary(), (s, relu) =>
        {
            int B = s.B, H = s.H;
            var xProj = s.Draw(B * H, 3); var hPrev = s.Draw(B * H); var Whh = s.Draw(H * H); var bhh = s.Draw(H); var dh = s.Draw(B * H);
            var h = new double[B * H];
            RnnCell.StepForward(xProj, hPrev, Whh, bhh, relu, B, H, h);
            var r = new RnnBackwardRecord(B, H);
            var dxProj = new double[B * H];
            RnnCell.StepBackward(dh, h, hPrev, Whh, relu, B, H, dxProj, new double[B * H], new double[H * H], new double[H], r);
            for (int k = 0; k < B * H; k++)
            {
                if (dxProj[k] != dh[k] * r.ActGrad[k]) return false;
                if (relu ? r.ActGrad[k] != (h[k] > 0 ? 1 : 0) : r.ActGrad[k] != 1 - h[k] * h[k]) return false;
            }
            return true;
        });
}
