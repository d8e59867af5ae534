// The backward records of the cells (LstmBackwardRecord, GruBackwardRecord, RnnBackwardRecord):
// what StepBackward computes inside a step, between dL/dh_t and the pre-activation gradients.
//  - hand-derived values for one step of a tiny cell (LSTM, GRU in both forms, RNN), with the arithmetic written out (the
//    gates are chosen as sigmoid(0) = 0.5, tanh(0) = 0, tanh(atanh(0.5)) = 0.5, so most of it
//    is exact);
//  - central differences of the step's loss with respect to a perturbation injected at a gate's
//    output (through the library's StepForward: the gate's pre-activation is moved by
//    logit(p + e) - logit(p), or atanh(p + e) - atanh(p), which moves the gate's output by e);
//  - dL/dc_t = the part through the carry + the part through h_t, exactly;
//  - a record changes nothing a caller gets, and a record of the wrong size is refused by name.
// The step's loss is L = sum(h_t * dh) (+ sum(c_t * dc) for an LSTM), so dh and dc are the
// gradients StepBackward is given.
using NUnit.Framework;
using Rnn.Reference.Recurrent;
using static System.Math;

namespace Rnn.Reference.Tests.Recurrent;

public sealed class CellBackwardRecordTests
{
    private const double Tol = 1e-15;
    private const double Eps = 1e-6;
    private static readonly double A = Atanh(0.5);                       // tanh(A) = 0.5, A = ln(3)/2 = 0.549306...

    private static double Logit(double p) => Log(p / (1 - p));

    private static double[] Random(Random rng, int n, double scale = 1.0)
    {
        var v = new double[n];
        for (int k = 0; k < n; k++) v[k] = scale * (2 * rng.NextDouble() - 1);
        return v;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) s += a[k] * b[k];
        return s;
    }

    private static void RelativelyClose(double analytic, double numeric, string what)
    {
        double err = Abs(analytic - numeric) / Max(1e-8, Abs(analytic) + Abs(numeric));
        Assert.That(err, Is.LessThan(1e-7), $"{what}: record {analytic}, central difference {numeric}");
    }

    // ---- LSTM ----------------------------------------------------------------------------------

    [Test]
    public void LstmOneStepByHand()
    {
        // B = 1, H = 2, W_hh = 0 and no bias (h_(t-1) does not matter), so a = xProj:
        //   a_i = a_f = a_o = 0 -> i = f = o = sigmoid(0) = 0.5;  a_g = A -> g = tanh(A) = 0.5
        // unit 0: c_(t-1) = -0.5 -> c_t = 0.5 * -0.5 + 0.5 * 0.5 = 0, tanh(c_t) = 0
        // unit 1: c_(t-1) = 2A - 0.5 -> c_t = 0.5 * (2A - 0.5) + 0.25 = A, tanh(c_t) = 0.5
        const int B = 1, H = 2;
        double[] xProj = [0, 0, 0, 0, A, A, 0, 0];
        double[] cPrev = [-0.5, 2 * A - 0.5];
        double[] hPrev = [0.3, -0.7];
        var Whh = new double[4 * H * H];
        var gates = new double[4 * H];
        var c = new double[H];
        var h = new double[H];
        LstmCell.StepForward(xProj, hPrev, cPrev, Whh, [], B, H, gates, c, h);
        Assert.That(gates, Is.EqualTo(new[] { 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5 }).Within(Tol));
        Assert.That(c, Is.EqualTo(new[] { 0.0, A }).Within(Tol));

        // dh = [1, 2], dc (through the carry, from step t+1) = [0.25, 0]
        // unit 0: dL/do = dh * tanh(c_t) = 1 * 0 = 0
        //         through h_t: dh * o * (1 - tanh(c_t)^2) = 1 * 0.5 * 1 = 0.5
        //         dL/dc_t = 0.25 + 0.5 = 0.75
        //         dL/di = dL/dc_t * g = 0.375, dL/df = dL/dc_t * c_(t-1) = -0.375, dL/dg = dL/dc_t * i = 0.375
        //         dL/da_i = 0.375 * i(1 - i) = 0.375 * 0.25 = 0.09375, dL/da_f = -0.09375,
        //         dL/da_g = 0.375 * (1 - g^2) = 0.375 * 0.75 = 0.28125, dL/da_o = 0
        // unit 1: dL/do = 2 * 0.5 = 1
        //         through h_t: 2 * 0.5 * (1 - 0.25) = 0.75;  dL/dc_t = 0 + 0.75 = 0.75
        //         dL/di = 0.375, dL/df = 0.75 * (2A - 0.5) = 1.5A - 0.375, dL/dg = 0.375
        //         dL/da_i = 0.09375, dL/da_f = (1.5A - 0.375) * 0.25, dL/da_g = 0.28125, dL/da_o = 1 * 0.25 = 0.25
        double[] dh = [1, 2], dc = [0.25, 0];
        var record = new LstmBackwardRecord(B, H);
        var dxProj = new double[4 * H];
        LstmCell.StepBackward(dh, dc, gates, c, cPrev, hPrev, Whh, B, H, dxProj, new double[H], new double[H], new double[4 * H * H], [], record);
        Assert.Multiple(() =>
        {
            Assert.That(record.dcFromCarry, Is.EqualTo(new[] { 0.25, 0.0 }));
            Assert.That(record.dcFromH, Is.EqualTo(new[] { 0.5, 0.75 }).Within(Tol));
            Assert.That(record.dcTotal, Is.EqualTo(new[] { 0.75, 0.75 }).Within(Tol));
            Assert.That(record.dI, Is.EqualTo(new[] { 0.375, 0.375 }).Within(Tol));
            Assert.That(record.dF, Is.EqualTo(new[] { -0.375, 1.5 * A - 0.375 }).Within(Tol));
            Assert.That(record.dG, Is.EqualTo(new[] { 0.375, 0.375 }).Within(Tol));
            Assert.That(record.dO, Is.EqualTo(new[] { 0.0, 1.0 }).Within(Tol));
            Assert.That(dxProj, Is.EqualTo(new[] { 0.09375, 0.09375, -0.09375, (1.5 * A - 0.375) * 0.25, 0.28125, 0.28125, 0.0, 0.25 }).Within(Tol));
        });
    }

    /// <summary>L = sum(h_t * dh) + sum(c_t * dc) after the library's StepForward, with the pre-activation of gate block g, unit k moved by delta.</summary>
    private static double LstmLoss(double[] xProj, double[] hPrev, double[] cPrev, double[] Whh, double[] bhh, int B, int H,
        double[] dh, double[] dc, int block, int k, double delta, bool withCarry = true)
    {
        var xp = (double[])xProj.Clone();
        if (block >= 0) xp[(k / H) * 4 * H + block * H + k % H] += delta;
        var c = new double[B * H];
        var h = new double[B * H];
        LstmCell.StepForward(xp, hPrev, cPrev, Whh, bhh, B, H, new double[B * 4 * H], c, h);
        return Dot(h, dh) + (withCarry ? Dot(c, dc) : 0.0);
    }

    [Test]
    public void LstmRecordIsTheGradientAtEachGatesOutput()
    {
        const int B = 2, H = 3;
        var rng = new Random(14);
        var xProj = Random(rng, B * 4 * H); var hPrev = Random(rng, B * H); var cPrev = Random(rng, B * H);
        var Whh = Random(rng, 4 * H * H, 0.5); var bhh = Random(rng, 4 * H, 0.5);
        var dh = Random(rng, B * H); var dc = Random(rng, B * H);
        var gates = new double[B * 4 * H]; var c = new double[B * H]; var h = new double[B * H];
        LstmCell.StepForward(xProj, hPrev, cPrev, Whh, bhh, B, H, gates, c, h);
        var record = new LstmBackwardRecord(B, H);
        LstmCell.StepBackward(dh, dc, gates, c, cPrev, hPrev, Whh, B, H, new double[B * 4 * H], new double[B * H], new double[B * H],
            new double[4 * H * H], new double[4 * H], record);

        double[][] byGate = [record.dI, record.dF, record.dG, record.dO];
        string[] names = ["dL/di", "dL/df", "dL/dg", "dL/do"];
        for (int k = 0; k < B * H; k++)
        {
            for (int g = 0; g < 4; g++)
            {
                // move the gate's output p by +-Eps: the pre-activation moves by inverse(p +- Eps) - inverse(p)
                double p = gates[(k / H) * 4 * H + g * H + k % H];
                Func<double, double> inverse = g == 2 ? Atanh : Logit;
                double up = LstmLoss(xProj, hPrev, cPrev, Whh, bhh, B, H, dh, dc, g, k, inverse(p + Eps) - inverse(p));
                double down = LstmLoss(xProj, hPrev, cPrev, Whh, bhh, B, H, dh, dc, g, k, inverse(p - Eps) - inverse(p));
                RelativelyClose(byGate[g][k], (up - down) / (2 * Eps), $"{names[g]}[{k}]");
            }

            // c_t = f * c_(t-1) + i * g: moving c_(t-1) by Eps / f moves c_t by Eps
            double f = gates[(k / H) * 4 * H + H + k % H];
            double LossAtC(double e, bool withCarry)
            {
                var cp = (double[])cPrev.Clone();
                cp[k] += e / f;
                return LstmLoss(xProj, hPrev, cp, Whh, bhh, B, H, dh, dc, -1, k, 0, withCarry);
            }
            RelativelyClose(record.dcTotal[k], (LossAtC(Eps, true) - LossAtC(-Eps, true)) / (2 * Eps), $"dL/dc_t[{k}]");
            // the part through h_t is the derivative of sum(h_t * dh) alone
            RelativelyClose(record.dcFromH[k], (LossAtC(Eps, false) - LossAtC(-Eps, false)) / (2 * Eps), $"dL/dc_t through h_t[{k}]");
            Assert.That(record.dcFromCarry[k], Is.EqualTo(dc[k]), "the carry's part is the dc given");
            Assert.That(record.dcTotal[k], Is.EqualTo(record.dcFromCarry[k] + record.dcFromH[k]), "dL/dc_t = carry part + h_t part");
        }
    }

    // ---- GRU -----------------------------------------------------------------------------------

    [Test]
    public void GruOneStepByHand()
    {
        // B = 1, H = 1: h_(t-1) = 1, W_hh = [0, 0, 2] (r, z, n), no bias, so h W_hh^T = [0, 0, 2]
        //   r = sigmoid(0 + 0) = 0.5, z = sigmoid(0 + 0) = 0.5
        //   n = tanh(x_n + r * 2) = tanh(-1 + 1) = tanh(0) = 0
        //   h_t = (1 - z) * n + z * h_(t-1) = 0.5
        const int B = 1, H = 1;
        double[] xProj = [0, 0, -1];
        double[] hPrev = [1];
        double[] Whh = [0, 0, 2];
        var gates = new double[3]; var hhN = new double[1]; var h = new double[1];
        GruCell.StepForward(xProj, hPrev, Whh, [], B, H, gates, hhN, h);
        Assert.That(gates, Is.EqualTo(new[] { 0.5, 0.5, 0.0 }));
        Assert.That(h, Is.EqualTo(new[] { 0.5 }));

        // dh = 1:
        //   dL/dn = dh * (1 - z) = 0.5,  dL/dz = dh * (h_(t-1) - n) = 1,  dL/dh_(t-1) gets dh * z = 0.5 directly
        //   dL/da_n = dL/dn * (1 - n^2) = 0.5,  dL/dr = dL/da_n * (h W_hn^T + b_hn) = 0.5 * 2 = 1
        //   dL/da_r = dL/dr * r(1 - r) = 0.25,  dL/da_z = dL/dz * z(1 - z) = 0.25
        //   Ng's Gamma_u = 1 - z: dL/dGamma_u = -dL/dz = -1
        var record = new GruBackwardRecord(B, H);
        var dxProj = new double[3];
        var dhPrev = new double[1];
        GruCell.StepBackward([1.0], gates, hhN, hPrev, Whh, B, H, dxProj, dhPrev, new double[3], [], record);
        Assert.Multiple(() =>
        {
            Assert.That(record.dR, Is.EqualTo(new[] { 1.0 }));
            Assert.That(record.dZ, Is.EqualTo(new[] { 1.0 }));
            Assert.That(record.dN, Is.EqualTo(new[] { 0.5 }));
            Assert.That(dxProj, Is.EqualTo(new[] { 0.25, 0.25, 0.5 }));
            // dL/dh_(t-1) = 0.5 (direct) + [da_r, da_z, r * da_n] . W_hh = 0.5 + 0.25*0 + 0.25*0 + 0.25*2 = 1
            Assert.That(dhPrev, Is.EqualTo(new[] { 1.0 }));
        });
    }

    [Test]
    public void ResetBeforeGruOneStepByHand()
    {
        // the reset-before form (Cho v3, d2l, Ng, Keras reset_after=False): n = tanh(x_n + (r * h_(t-1)) W_hn^T + b_hn)
        // B = 1, H = 1: h_(t-1) = 1, W_hh = [0, 0, 2], b_hh = [0, 0, 1], x W_ih^T + b_ih = [0, 0, -2]
        //   r = sigmoid(0) = 0.5, z = sigmoid(0) = 0.5
        //   n = tanh(-2 + (0.5 * 1) * 2 + 1) = tanh(0) = 0       (reset after the product it would be tanh(-2 + 0.5 * 3) = tanh(-0.5))
        //   h_t = 0.5 * 0 + 0.5 * 1 = 0.5
        const int B = 1, H = 1;
        double[] xProj = [0, 0, -2], hPrev = [1], Whh = [0, 0, 2], bhh = [0, 0, 1];
        var gates = new double[3]; var h = new double[1];
        GruResetBeforeCell.StepForward(xProj, hPrev, Whh, bhh, B, H, gates, h);
        Assert.That(gates, Is.EqualTo(new[] { 0.5, 0.5, 0.0 }));
        Assert.That(h, Is.EqualTo(new[] { 0.5 }));

        // dh = 1:
        //   dL/dn = 1 * (1 - z) = 0.5, dL/dz = 1 * (h_(t-1) - n) = 1, dL/da_n = 0.5 * (1 - 0^2) = 0.5
        //   dL/d(r * h_(t-1)) = dL/da_n * W_hn = 0.5 * 2 = 1, so dL/dr = 1 * h_(t-1) = 1
        //   dL/da_r = 1 * 0.25 = 0.25, dL/da_z = 1 * 0.25 = 0.25
        //   dL/dh_(t-1) = dh * z + dL/d(r h) * r + [da_r, da_z] . [W_hr, W_hz] = 0.5 + 0.5 + 0 = 1
        var record = new GruBackwardRecord(B, H);
        var dxProj = new double[3];
        var dhPrev = new double[1];
        GruResetBeforeCell.StepBackward([1.0], gates, hPrev, Whh, B, H, dxProj, dhPrev, new double[3], new double[3], record);
        Assert.Multiple(() =>
        {
            Assert.That(record.dR, Is.EqualTo(new[] { 1.0 }));
            Assert.That(record.dZ, Is.EqualTo(new[] { 1.0 }));
            Assert.That(record.dN, Is.EqualTo(new[] { 0.5 }));
            Assert.That(dxProj, Is.EqualTo(new[] { 0.25, 0.25, 0.5 }));
            Assert.That(dhPrev, Is.EqualTo(new[] { 1.0 }));
        });
    }

    /// <summary>GRU step forward, either form, writing the activated gates (and, reset after, hhN) and h.</summary>
    private static void GruForward(bool resetBefore, double[] xProj, double[] hPrev, double[] Whh, double[] bhh, int B, int H,
        double[] gates, double[] hhN, double[] h)
    {
        if (resetBefore) GruResetBeforeCell.StepForward(xProj, hPrev, Whh, bhh, B, H, gates, h);
        else GruCell.StepForward(xProj, hPrev, Whh, bhh, B, H, gates, hhN, h);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void GruRecordIsTheGradientAtEachGatesOutput(bool resetBefore)
    {
        const int B = 2, H = 3;
        var rng = new Random(resetBefore ? 42 : 41);
        var xProj = Random(rng, B * 3 * H); var hPrev = Random(rng, B * H);
        var Whh = Random(rng, 3 * H * H, 0.5); var bhh = Random(rng, 3 * H, 0.5);
        var dh = Random(rng, B * H);
        var gates = new double[B * 3 * H]; var hhN = new double[B * H];
        GruForward(resetBefore, xProj, hPrev, Whh, bhh, B, H, gates, hhN, new double[B * H]);
        var record = new GruBackwardRecord(B, H);
        if (resetBefore)
            GruResetBeforeCell.StepBackward(dh, gates, hPrev, Whh, B, H, new double[B * 3 * H], new double[B * H], new double[3 * H * H], new double[3 * H], record);
        else
            GruCell.StepBackward(dh, gates, hhN, hPrev, Whh, B, H, new double[B * 3 * H], new double[B * H], new double[3 * H * H], new double[3 * H], record);

        // L = sum(h_t * dh) with the pre-activation of gate block g, unit k moved by delta
        double Loss(int block, int k, double delta)
        {
            var xp = (double[])xProj.Clone();
            xp[(k / H) * 3 * H + block * H + k % H] += delta;
            var h = new double[B * H];
            GruForward(resetBefore, xp, hPrev, Whh, bhh, B, H, new double[B * 3 * H], new double[B * H], h);
            return Dot(h, dh);
        }
        double[][] byGate = [record.dR, record.dZ, record.dN];
        string[] names = ["dL/dr", "dL/dz", "dL/dn"];
        for (int k = 0; k < B * H; k++)
            for (int g = 0; g < 3; g++)
            {
                // moving r's own pre-activation moves r by Eps, and n follows as in the cell
                double p = gates[(k / H) * 3 * H + g * H + k % H];
                Func<double, double> inverse = g == 2 ? Atanh : Logit;
                double up = Loss(g, k, inverse(p + Eps) - inverse(p)), down = Loss(g, k, inverse(p - Eps) - inverse(p));
                RelativelyClose(byGate[g][k], (up - down) / (2 * Eps), $"{(resetBefore ? "reset-before " : "")}{names[g]}[{k}]");
            }
    }

    // ---- RNN -----------------------------------------------------------------------------------

    [Test]
    public void RnnOneStepByHandTanhAndRelu()
    {
        // B = 1, H = 2, W_hh = 0, no bias, so a = xProj.
        // tanh: a = [0, A] -> h = [0, 0.5], tanh'(a) = 1 - h^2 = [1, 0.75];
        //       dh = [1, 2] (after the nonlinearity) -> dL/da = dh * tanh'(a) = [1, 1.5] (before it)
        var record = new RnnBackwardRecord(1, 2);
        var h = new double[2];
        RnnCell.StepForward([0, A], [0.3, -0.2], new double[4], [], false, 1, 2, h);
        Assert.That(h, Is.EqualTo(new[] { 0.0, 0.5 }).Within(Tol));
        var dxProj = new double[2];
        RnnCell.StepBackward([1, 2], h, [0.3, -0.2], new double[4], false, 1, 2, dxProj, new double[2], new double[4], [], record);
        Assert.That(record.ActGrad, Is.EqualTo(new[] { 1.0, 0.75 }).Within(Tol));
        Assert.That(dxProj, Is.EqualTo(new[] { 1.0, 1.5 }).Within(Tol));

        // relu: a = [-1, 2] -> h = [0, 2], relu'(a) = [0, 1]; dh = [3, 2] -> dL/da = [0, 2]
        RnnCell.StepForward([-1, 2], [0.3, -0.2], new double[4], [], true, 1, 2, h);
        Assert.That(h, Is.EqualTo(new[] { 0.0, 2.0 }));
        RnnCell.StepBackward([3, 2], h, [0.3, -0.2], new double[4], true, 1, 2, dxProj, new double[2], new double[4], [], record);
        Assert.That(record.ActGrad, Is.EqualTo(new[] { 0.0, 1.0 }));
        Assert.That(dxProj, Is.EqualTo(new[] { 0.0, 2.0 }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void RnnRecordIsTheSlopeOfTheNonlinearity(bool relu)
    {
        const int B = 2, H = 3;
        var rng = new Random(relu ? 7 : 8);
        var xProj = Random(rng, B * H); var hPrev = Random(rng, B * H);
        var Whh = Random(rng, H * H, 0.5); var bhh = Random(rng, H, 0.5);
        // keep a ReLU's pre-activations away from its kink at 0
        for (int k = 0; k < B * H; k++) xProj[k] += xProj[k] >= 0 ? 2 : -2;
        var h = new double[B * H];
        RnnCell.StepForward(xProj, hPrev, Whh, bhh, relu, B, H, h);
        var record = new RnnBackwardRecord(B, H);
        RnnCell.StepBackward(Random(rng, B * H), h, hPrev, Whh, relu, B, H, new double[B * H], new double[B * H], new double[H * H], new double[H], record);
        for (int k = 0; k < B * H; k++)
        {
            double Out(double e)
            {
                var xp = (double[])xProj.Clone();
                xp[k] += e;
                var hOut = new double[B * H];
                RnnCell.StepForward(xp, hPrev, Whh, bhh, relu, B, H, hOut);
                return hOut[k];
            }
            double numeric = (Out(Eps) - Out(-Eps)) / (2 * Eps);
            Assert.That(record.ActGrad[k], Is.EqualTo(numeric).Within(1e-8), $"act'(a)[{k}]");
        }
    }

    // ---- a record changes nothing ---------------------------------------------------------------

    [Test]
    public void ARecordChangesNothingTheStepReturns()
    {
        const int B = 2, H = 3;
        double[] Run(bool record, string cell)
        {
            var r = new Random(5);
            var dh = Random(r, B * H); var dc = Random(r, B * H); var hPrev = Random(r, B * H); var cPrev = Random(r, B * H);
            var outs = new List<double>();
            switch (cell)
            {
                case "lstm":
                {
                    var xProj = Random(r, B * 4 * H); var Whh = Random(r, 4 * H * H); var bhh = Random(r, 4 * H);
                    var gates = new double[B * 4 * H]; var c = new double[B * H];
                    LstmCell.StepForward(xProj, hPrev, cPrev, Whh, bhh, B, H, gates, c, new double[B * H]);
                    var dxProj = new double[B * 4 * H]; var dhPrev = Random(r, B * H); var dcPrev = Random(r, B * H);
                    var dWhh = Random(r, 4 * H * H); var dbhh = Random(r, 4 * H);
                    LstmCell.StepBackward(dh, dc, gates, c, cPrev, hPrev, Whh, B, H, dxProj, dhPrev, dcPrev, dWhh, dbhh,
                        record ? new LstmBackwardRecord(B, H) : null);
                    outs.AddRange([.. dxProj, .. dhPrev, .. dcPrev, .. dWhh, .. dbhh]);
                    break;
                }
                case "gru-before":
                {
                    var xProj = Random(r, B * 3 * H); var Whh = Random(r, 3 * H * H); var bhh = Random(r, 3 * H);
                    var gates = new double[B * 3 * H];
                    GruResetBeforeCell.StepForward(xProj, hPrev, Whh, bhh, B, H, gates, new double[B * H]);
                    var dxProj = new double[B * 3 * H]; var dhPrev = Random(r, B * H); var dWhh = Random(r, 3 * H * H); var dbhh = Random(r, 3 * H);
                    GruResetBeforeCell.StepBackward(dh, gates, hPrev, Whh, B, H, dxProj, dhPrev, dWhh, dbhh, record ? new GruBackwardRecord(B, H) : null);
                    outs.AddRange([.. dxProj, .. dhPrev, .. dWhh, .. dbhh]);
                    break;
                }
                case "gru":
                {
                    var xProj = Random(r, B * 3 * H); var Whh = Random(r, 3 * H * H); var bhh = Random(r, 3 * H);
                    var gates = new double[B * 3 * H]; var hhN = new double[B * H];
                    GruCell.StepForward(xProj, hPrev, Whh, bhh, B, H, gates, hhN, new double[B * H]);
                    var dxProj = new double[B * 3 * H]; var dhPrev = Random(r, B * H); var dWhh = Random(r, 3 * H * H); var dbhh = Random(r, 3 * H);
                    GruCell.StepBackward(dh, gates, hhN, hPrev, Whh, B, H, dxProj, dhPrev, dWhh, dbhh, record ? new GruBackwardRecord(B, H) : null);
                    outs.AddRange([.. dxProj, .. dhPrev, .. dWhh, .. dbhh]);
                    break;
                }
                default:
                {
                    var xProj = Random(r, B * H); var Whh = Random(r, H * H); var bhh = Random(r, H);
                    var h = new double[B * H];
                    RnnCell.StepForward(xProj, hPrev, Whh, bhh, false, B, H, h);
                    var dxProj = new double[B * H]; var dhPrev = Random(r, B * H); var dWhh = Random(r, H * H); var dbhh = Random(r, H);
                    RnnCell.StepBackward(dh, h, hPrev, Whh, false, B, H, dxProj, dhPrev, dWhh, dbhh, record ? new RnnBackwardRecord(B, H) : null);
                    outs.AddRange([.. dxProj, .. dhPrev, .. dWhh, .. dbhh]);
                    break;
                }
            }
            return [.. outs];
        }
        foreach (var cell in new[] { "lstm", "gru", "gru-before", "rnn" })
        {
            var without = Run(false, cell);
            Assert.That(without.Any(v => v != 0), Is.True, cell);
            Assert.That(Run(true, cell), Is.EqualTo(without), $"{cell}: the same bits with a record and without");
        }
    }

    [Test]
    public void ARecordOfAnotherSizeIsRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => LstmCell.StepBackward(new double[2], new double[2], new double[8], new double[2], new double[2],
            new double[2], new double[16], 1, 2, new double[8], new double[2], new double[2], new double[16], [], new LstmBackwardRecord(1, 3)))!;
        Assert.That(e.ParamName, Is.EqualTo("record"));
        Assert.That(e.Message, Does.Contain("LstmBackwardRecord for B = 1, H = 3 but the step has B = 1, H = 2"));
        var g = Assert.Throws<ArgumentException>(() => GruCell.StepBackward(new double[2], new double[6], new double[2], new double[2], new double[3],
            2, 1, new double[6], new double[2], new double[3], [], new GruBackwardRecord(1, 1)))!;
        Assert.That(g.Message, Does.Contain("GruBackwardRecord for B = 1, H = 1 but the step has B = 2, H = 1"));
        var r = Assert.Throws<ArgumentException>(() => RnnCell.StepBackward(new double[1], new double[1], new double[1], new double[1], false,
            1, 1, new double[1], new double[1], new double[1], [], new RnnBackwardRecord(2, 1)))!;
        Assert.That(r.Message, Does.Contain("RnnBackwardRecord for B = 2, H = 1 but the step has B = 1, H = 1"));
    }
}
