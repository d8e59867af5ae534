// Every cell's Step functions equal the cell's equations written here as plain scalar loops
// over (b, j) with 2-D indexing, independent of MatMul and of the spans' slicing: forward
// outputs, and backward's written and accumulated (+=) gradients starting from nonzero values.
// The equations are the ones each cell's header states (Spec/rnn.md, lstm.md, gru.md,
// tanh-rnn-slide.md). Length checks are in SpanKernelLengthTests.
using NUnit.Framework;
using Rnn.Reference.Recurrent;

namespace Rnn.Reference.Tests.Recurrent;

public sealed class CellStepScalarLoopTests
{
    private const int B = 2, H = 3, I = 4, O = 5;
    private const double Tolerance = 1e-13;

    private static double[] Random(Random rng, int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1)];

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>sum_k v[b, k] * W[row, k] for a row-major v [*, K] and W [*, K].</summary>
    private static double Dot(double[] v, int b, double[] W, int row, int K)
    {
        double s = 0;
        for (int k = 0; k < K; k++) s += v[b * K + k] * W[row * K + k];
        return s;
    }

    /// <summary>
    /// Backward of a[b, r] = sum_k v[b, k] W[r0 + r, k] (+ bias[r0 + r]) for r in 0..rows-1:
    /// dv[b, k] += sum_r da[b, r] W[r0 + r, k], dW[r0 + r, k] += sum_b da[b, r] v[b, k], dbias[r0 + r] += sum_b da[b, r].
    /// </summary>
    private static void LinearBackward(double[,] da, int rows, int r0, double[] v, int K, double[] W,
        double[] dv, double[] dW, double[]? dbias)
    {
        for (int b = 0; b < B; b++)
            for (int k = 0; k < K; k++)
                for (int r = 0; r < rows; r++)
                    dv[b * K + k] += da[b, r] * W[(r0 + r) * K + k];
        for (int r = 0; r < rows; r++)
            for (int b = 0; b < B; b++)
            {
                for (int k = 0; k < K; k++) dW[(r0 + r) * K + k] += da[b, r] * v[b * K + k];
                if (dbias is not null) dbias[r0 + r] += da[b, r];
            }
    }

    private static void AssertClose(double[] actual, double[] expected, string name)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), name);
        for (int k = 0; k < expected.Length; k++)
            Assert.That(actual[k], Is.EqualTo(expected[k]).Within(Tolerance), $"{name}[{k}]");
    }

    private static double[] Copy(double[] a) => (double[])a.Clone();

    // ---- RnnCell: h = act(xProj + hPrev W_hhᵀ + b_hh) ------------------------------------------

    [TestCase(false)]
    [TestCase(true)]
    public void RnnCellEqualsTheScalarLoops(bool relu)
    {
        var rng = new Random(1);
        var xProj = Random(rng, B * H); var hPrev = Random(rng, B * H);
        var Whh = Random(rng, H * H); var bhh = Random(rng, H);
        var h = new double[B * H];
        RnnCell.StepForward(xProj, hPrev, Whh, bhh, relu, B, H, h);

        var wantH = new double[B * H];
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                double a = xProj[b * H + j] + bhh[j] + Dot(hPrev, b, Whh, j, H);
                wantH[b * H + j] = relu ? Math.Max(0, a) : Math.Tanh(a);
            }
        AssertClose(h, wantH, "h");

        var dh = Random(rng, B * H);
        var dhPrev0 = Random(rng, B * H); var dWhh0 = Random(rng, H * H); var dbhh0 = Random(rng, H);
        var (dxProj, dhPrev, dWhh, dbhh) = (new double[B * H], Copy(dhPrev0), Copy(dWhh0), Copy(dbhh0));
        RnnCell.StepBackward(dh, h, hPrev, Whh, relu, B, H, dxProj, dhPrev, dWhh, dbhh);

        var da = new double[B, H];
        var wantDxProj = new double[B * H];
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                double y = wantH[b * H + j];
                da[b, j] = dh[b * H + j] * (relu ? (y > 0 ? 1 : 0) : 1 - y * y);
                wantDxProj[b * H + j] = da[b, j];
            }
        LinearBackward(da, H, 0, hPrev, H, Whh, dhPrev0, dWhh0, dbhh0);
        AssertClose(dxProj, wantDxProj, "dxProj");
        AssertClose(dhPrev, dhPrev0, "dhPrev");
        AssertClose(dWhh, dWhh0, "dWhh");
        AssertClose(dbhh, dbhh0, "dbhh");
    }

    // ---- LstmCell: i, f, g, o; c = f c_prev + i g; h = o tanh(c) --------------------------------

    [Test]
    public void LstmCellEqualsTheScalarLoops()
    {
        var rng = new Random(2);
        var xProj = Random(rng, B * 4 * H); var hPrev = Random(rng, B * H); var cPrev = Random(rng, B * H);
        var Whh = Random(rng, 4 * H * H); var bhh = Random(rng, 4 * H);
        var (gates, c, h) = (new double[B * 4 * H], new double[B * H], new double[B * H]);
        LstmCell.StepForward(xProj, hPrev, cPrev, Whh, bhh, B, H, gates, c, h);

        var (wantGates, wantC, wantH) = (new double[B * 4 * H], new double[B * H], new double[B * H]);
        for (int b = 0; b < B; b++)
        {
            for (int r = 0; r < 4 * H; r++)
            {
                double a = xProj[b * 4 * H + r] + bhh[r] + Dot(hPrev, b, Whh, r, H);
                wantGates[b * 4 * H + r] = r / H == 2 ? Math.Tanh(a) : Sigmoid(a);
            }
            for (int j = 0; j < H; j++)
            {
                double i = wantGates[b * 4 * H + j], f = wantGates[b * 4 * H + H + j];
                double g = wantGates[b * 4 * H + 2 * H + j], o = wantGates[b * 4 * H + 3 * H + j];
                wantC[b * H + j] = f * cPrev[b * H + j] + i * g;
                wantH[b * H + j] = o * Math.Tanh(wantC[b * H + j]);
            }
        }
        AssertClose(gates, wantGates, "gates");
        AssertClose(c, wantC, "c");
        AssertClose(h, wantH, "h");

        var dh = Random(rng, B * H); var dc = Random(rng, B * H);
        var dhPrev0 = Random(rng, B * H); var dcPrev0 = Random(rng, B * H);
        var dWhh0 = Random(rng, 4 * H * H); var dbhh0 = Random(rng, 4 * H);
        var (dxProj, dhPrev, dcPrev, dWhh, dbhh) = (new double[B * 4 * H], Copy(dhPrev0), Copy(dcPrev0), Copy(dWhh0), Copy(dbhh0));
        LstmCell.StepBackward(dh, dc, gates, c, cPrev, hPrev, Whh, B, H, dxProj, dhPrev, dcPrev, dWhh, dbhh);

        var da = new double[B, 4 * H];
        var wantDxProj = new double[B * 4 * H];
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                double i = wantGates[b * 4 * H + j], f = wantGates[b * 4 * H + H + j];
                double g = wantGates[b * 4 * H + 2 * H + j], o = wantGates[b * 4 * H + 3 * H + j];
                double tc = Math.Tanh(wantC[k]);
                double dcTotal = dc[k] + dh[k] * o * (1 - tc * tc);
                dcPrev0[k] += dcTotal * f;
                da[b, j] = dcTotal * g * i * (1 - i);
                da[b, H + j] = dcTotal * cPrev[k] * f * (1 - f);
                da[b, 2 * H + j] = dcTotal * i * (1 - g * g);
                da[b, 3 * H + j] = dh[k] * tc * o * (1 - o);
            }
        for (int b = 0; b < B; b++)
            for (int r = 0; r < 4 * H; r++) wantDxProj[b * 4 * H + r] = da[b, r];
        LinearBackward(da, 4 * H, 0, hPrev, H, Whh, dhPrev0, dWhh0, dbhh0);
        AssertClose(dxProj, wantDxProj, "dxProj");
        AssertClose(dhPrev, dhPrev0, "dhPrev");
        AssertClose(dcPrev, dcPrev0, "dcPrev");
        AssertClose(dWhh, dWhh0, "dWhh");
        AssertClose(dbhh, dbhh0, "dbhh");
    }

    // ---- GruCell (reset after the product): n = tanh(x_n + r (h W_hnᵀ + b_hn)); h = (1 - z) n + z h_prev

    [Test]
    public void GruCellEqualsTheScalarLoops()
    {
        var rng = new Random(3);
        var xProj = Random(rng, B * 3 * H); var hPrev = Random(rng, B * H);
        var Whh = Random(rng, 3 * H * H); var bhh = Random(rng, 3 * H);
        var (gates, hhN, h) = (new double[B * 3 * H], new double[B * H], new double[B * H]);
        GruCell.StepForward(xProj, hPrev, Whh, bhh, B, H, gates, hhN, h);

        var (wantGates, wantHhN, wantH) = (new double[B * 3 * H], new double[B * H], new double[B * H]);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                double r = Sigmoid(xProj[b * 3 * H + j] + bhh[j] + Dot(hPrev, b, Whh, j, H));
                double z = Sigmoid(xProj[b * 3 * H + H + j] + bhh[H + j] + Dot(hPrev, b, Whh, H + j, H));
                wantHhN[k] = bhh[2 * H + j] + Dot(hPrev, b, Whh, 2 * H + j, H);
                double n = Math.Tanh(xProj[b * 3 * H + 2 * H + j] + r * wantHhN[k]);
                (wantGates[b * 3 * H + j], wantGates[b * 3 * H + H + j], wantGates[b * 3 * H + 2 * H + j]) = (r, z, n);
                wantH[k] = (1 - z) * n + z * hPrev[k];
            }
        AssertClose(gates, wantGates, "gates");
        AssertClose(hhN, wantHhN, "hhN");
        AssertClose(h, wantH, "h");

        var dh = Random(rng, B * H);
        var dhPrev0 = Random(rng, B * H); var dWhh0 = Random(rng, 3 * H * H); var dbhh0 = Random(rng, 3 * H);
        var (dxProj, dhPrev, dWhh, dbhh) = (new double[B * 3 * H], Copy(dhPrev0), Copy(dWhh0), Copy(dbhh0));
        GruCell.StepBackward(dh, gates, hhN, hPrev, Whh, B, H, dxProj, dhPrev, dWhh, dbhh);

        var dhh = new double[B, 3 * H];                          // dL/d(h W_hhᵀ + b_hh)
        var wantDxProj = new double[B * 3 * H];
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                double r = wantGates[b * 3 * H + j], z = wantGates[b * 3 * H + H + j], n = wantGates[b * 3 * H + 2 * H + j];
                dhPrev0[k] += dh[k] * z;
                double daN = dh[k] * (1 - z) * (1 - n * n);
                double daR = daN * wantHhN[k] * r * (1 - r);
                double daZ = dh[k] * (hPrev[k] - n) * z * (1 - z);
                (wantDxProj[b * 3 * H + j], wantDxProj[b * 3 * H + H + j], wantDxProj[b * 3 * H + 2 * H + j]) = (daR, daZ, daN);
                (dhh[b, j], dhh[b, H + j], dhh[b, 2 * H + j]) = (daR, daZ, daN * r);
            }
        LinearBackward(dhh, 3 * H, 0, hPrev, H, Whh, dhPrev0, dWhh0, dbhh0);
        AssertClose(dxProj, wantDxProj, "dxProj");
        AssertClose(dhPrev, dhPrev0, "dhPrev");
        AssertClose(dWhh, dWhh0, "dWhh");
        AssertClose(dbhh, dbhh0, "dbhh");
    }

    // ---- GruResetBeforeCell: n = tanh(x_n + (r h_prev) W_hnᵀ + b_hn) ---------------------------

    [Test]
    public void GruResetBeforeCellEqualsTheScalarLoops()
    {
        var rng = new Random(4);
        var xProj = Random(rng, B * 3 * H); var hPrev = Random(rng, B * H);
        var Whh = Random(rng, 3 * H * H); var bhh = Random(rng, 3 * H);
        var (gates, h) = (new double[B * 3 * H], new double[B * H]);
        GruResetBeforeCell.StepForward(xProj, hPrev, Whh, bhh, B, H, gates, h);

        var (wantGates, wantH, rh) = (new double[B * 3 * H], new double[B * H], new double[B * H]);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                wantGates[b * 3 * H + j] = Sigmoid(xProj[b * 3 * H + j] + bhh[j] + Dot(hPrev, b, Whh, j, H));
                wantGates[b * 3 * H + H + j] = Sigmoid(xProj[b * 3 * H + H + j] + bhh[H + j] + Dot(hPrev, b, Whh, H + j, H));
                rh[b * H + j] = wantGates[b * 3 * H + j] * hPrev[b * H + j];
            }
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                double z = wantGates[b * 3 * H + H + j];
                double n = Math.Tanh(xProj[b * 3 * H + 2 * H + j] + bhh[2 * H + j] + Dot(rh, b, Whh, 2 * H + j, H));
                wantGates[b * 3 * H + 2 * H + j] = n;
                wantH[b * H + j] = (1 - z) * n + z * hPrev[b * H + j];
            }
        AssertClose(gates, wantGates, "gates");
        AssertClose(h, wantH, "h");

        var dh = Random(rng, B * H);
        var dhPrev0 = Random(rng, B * H); var dWhh0 = Random(rng, 3 * H * H); var dbhh0 = Random(rng, 3 * H);
        var (dxProj, dhPrev, dWhh, dbhh) = (new double[B * 3 * H], Copy(dhPrev0), Copy(dWhh0), Copy(dbhh0));
        GruResetBeforeCell.StepBackward(dh, gates, hPrev, Whh, B, H, dxProj, dhPrev, dWhh, dbhh);

        var daN = new double[B, H];
        var wantDxProj = new double[B * 3 * H];
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                double z = wantGates[b * 3 * H + H + j], n = wantGates[b * 3 * H + 2 * H + j];
                dhPrev0[k] += dh[k] * z;
                daN[b, j] = dh[k] * (1 - z) * (1 - n * n);
                wantDxProj[b * 3 * H + H + j] = dh[k] * (hPrev[k] - n) * z * (1 - z);
                wantDxProj[b * 3 * H + 2 * H + j] = daN[b, j];
            }
        // n's product reads r ⊙ h_prev: its gradient dRh, then through r and h_prev
        var dRh = new double[B * H];
        LinearBackward(daN, H, 2 * H, rh, H, Whh, dRh, dWhh0, dbhh0);
        var dhhRz = new double[B, 2 * H];
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                double r = wantGates[b * 3 * H + j];
                dhPrev0[k] += dRh[k] * r;
                double daR = dRh[k] * hPrev[k] * r * (1 - r);
                wantDxProj[b * 3 * H + j] = daR;
                (dhhRz[b, j], dhhRz[b, H + j]) = (daR, wantDxProj[b * 3 * H + H + j]);
            }
        LinearBackward(dhhRz, 2 * H, 0, hPrev, H, Whh, dhPrev0, dWhh0, dbhh0);
        AssertClose(dxProj, wantDxProj, "dxProj");
        AssertClose(dhPrev, dhPrev0, "dhPrev");
        AssertClose(dWhh, dWhh0, "dWhh");
        AssertClose(dbhh, dbhh0, "dbhh");
    }

    // ---- SlideTanhRnn: h = tanh(x Wxhᵀ + h_prev Whhᵀ); y = h Whyᵀ -----------------------------

    [Test]
    public void SlideTanhCellEqualsTheScalarLoops()
    {
        var rng = new Random(5);
        var x = Random(rng, B * I); var hPrev = Random(rng, B * H);
        var Wxh = Random(rng, H * I); var Whh = Random(rng, H * H); var Why = Random(rng, O * H);
        var (h, y) = (new double[B * H], new double[B * O]);
        SlideTanhRnn.StepForward(x, hPrev, Wxh, Whh, Why, B, I, H, O, h, y);

        var (wantH, wantY) = (new double[B * H], new double[B * O]);
        for (int b = 0; b < B; b++)
        {
            for (int j = 0; j < H; j++) wantH[b * H + j] = Math.Tanh(Dot(x, b, Wxh, j, I) + Dot(hPrev, b, Whh, j, H));
            for (int o = 0; o < O; o++) wantY[b * O + o] = Dot(wantH, b, Why, o, H);
        }
        AssertClose(h, wantH, "h");
        AssertClose(y, wantY, "y");

        var dy = Random(rng, B * O); var dh = Random(rng, B * H);
        var dx0 = Random(rng, B * I); var dhPrev0 = Random(rng, B * H);
        var dWxh0 = Random(rng, H * I); var dWhh0 = Random(rng, H * H); var dWhy0 = Random(rng, O * H);
        var (dx, dhPrev, dWxh, dWhh, dWhy) = (Copy(dx0), Copy(dhPrev0), Copy(dWxh0), Copy(dWhh0), Copy(dWhy0));
        SlideTanhRnn.StepBackward(dy, dh, x, h, hPrev, Wxh, Whh, Why, B, I, H, O, dx, dhPrev, dWxh, dWhh, dWhy);

        var dyRows = new double[B, O];
        for (int b = 0; b < B; b++)
            for (int o = 0; o < O; o++) dyRows[b, o] = dy[b * O + o];
        var dhTotal = Copy(dh);
        LinearBackward(dyRows, O, 0, wantH, H, Why, dhTotal, dWhy0, null);
        var da = new double[B, H];
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
                da[b, j] = dhTotal[b * H + j] * (1 - wantH[b * H + j] * wantH[b * H + j]);
        LinearBackward(da, H, 0, x, I, Wxh, dx0, dWxh0, null);
        LinearBackward(da, H, 0, hPrev, H, Whh, dhPrev0, dWhh0, null);
        AssertClose(dx, dx0, "dx");
        AssertClose(dhPrev, dhPrev0, "dhPrev");
        AssertClose(dWxh, dWxh0, "dWxh");
        AssertClose(dWhh, dWhh0, "dWhh");
        AssertClose(dWhy, dWhy0, "dWhy");
    }
}
