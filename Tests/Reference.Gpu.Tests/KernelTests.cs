// Each kernel alone against a plain C# loop of the same formula, in both precisions: the four gemm
// versions in every layout (x W^T with W as stored; dG W, which is also the forward's x W^T once W^T
// is stored row-major; dG^T x; versions 2 and 3 take row-major B only), at sizes that are and are not
// multiples of the tiles (13 x 97 x 290: a partial block of rows and of columns, and K over two of
// gemm_panel's k blocks and a part),
// with offsets and accumulation; column_sum (exactly equal to a sequential sum, since the order is
// fixed); transpose (exact, at sizes that are not multiples of its tile); and every fused pointwise
// kernel, forward and backward, including steps past a length.
using NUnit.Framework;
using Rnn.Reference.Gpu.Kernels;
using Rnn.Reference.Gpu.Tests.Support;
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;
using static Rnn.Reference.Gpu.Kernels.GpuKernels;

namespace Rnn.Reference.Gpu.Tests;

public sealed class KernelTests
{
    public enum Layout { XWt, DgW, DgtX }

    private static double[] Random(int n, ulong seed) => new SeededRandom(seed).UniformTensor(-1, 1, n).Data;

    private static void Near(string what, double[] expected, double[] actual, GpuPrecision precision, double scale = 1)
    {
        double tol = (precision == GpuPrecision.Float64 ? 1e-13 : 2e-6) * scale;
        for (int k = 0; k < expected.Length; k++)
            if (!(Math.Abs(actual[k] - expected[k]) <= tol * Math.Max(1, Math.Abs(expected[k]))))
                Assert.Fail($"{what}: element {k} is {actual[k]:R}, the plain loop gives {expected[k]:R} (tolerance {tol:E1})");
    }

    [Test]
    public void GemmEqualsTheTripleLoop(
        [Values] GemmVersion version, [Values] Layout layout, [Values] GpuPrecision precision, [Values(false, true)] bool accumulate,
        [Values(new[] { 1, 1, 1 }, new[] { 3, 5, 7 }, new[] { 8, 16, 4 }, new[] { 64, 64, 16 }, new[] { 65, 63, 17 }, new[] { 130, 70, 33 }, new[] { 13, 97, 290 })] int[] mnk)
    {
        int M = mnk[0], N = mnk[1], K = mnk[2], offA = 3, offB = 5, offC = 2;
        var dev = Pocl.Device(precision);
        using var scope = new BufferScope(dev);
        var a = Random(offA + M * K, 1);
        var b = Random(offB + K * N, 2);
        var c0 = Random(offC + M * N, 3);
        // A(m, k) and B(k, n) as each layout stores them
        bool aTransposed = layout == Layout.DgtX, bTransposed = layout == Layout.XWt;
        var A = aTransposed ? MatrixView.Transposed(scope.Upload(a), M, offA) : MatrixView.RowMajor(scope.Upload(a), K, offA);
        var B = bTransposed ? MatrixView.Transposed(scope.Upload(b), K, offB) : MatrixView.RowMajor(scope.Upload(b), N, offB);
        double Aat(int m, int k) => aTransposed ? a[offA + k * M + m] : a[offA + m * K + k];   // A = G^T with G [K, M]
        double Bat(int k, int n) => bTransposed ? b[offB + n * K + k] : b[offB + k * N + n];   // B = W^T with W [N, K]
        var C = scope.Upload(c0);
        if (version is GemmVersion.RowBlock or GemmVersion.Panel && bTransposed && K != 1)   // with K = 1, W^T is row-major too; versions 1 and 4 take any layout
        {
            var e = Assert.Throws<ArgumentException>(() => Gemm(dev, M, N, K, A, B, C, offC, N, accumulate, version))!;
            Assert.That(e.Message, Does.StartWith($"{KernelName(version)} needs B row-major (column stride 1) but its column stride is {K}"));
            return;
        }
        Gemm(dev, M, N, K, A, B, C, offC, N, accumulate, version);
        var actual = dev.Download(C, 0, c0.Length);

        var expected = (double[])c0.Clone();
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++)
            {
                double sum = 0;
                for (int k = 0; k < K; k++) sum += Aat(m, k) * Bat(k, n);
                expected[offC + m * N + n] = (accumulate ? c0[offC + m * N + n] : 0) + sum;
            }
        Near($"gemm {layout} {M}x{N}x{K}", expected, actual, precision, scale: K);
    }

    [Test]
    public void ColumnSumAddsTheRowsInOrder([Values] GpuPrecision precision, [Values(1, 7, 300)] int rows, [Values(1, 65, 200)] int N,
        [Values(false, true)] bool accumulate)
    {
        var dev = Pocl.Device(precision);
        using var scope = new BufferScope(dev);
        int ldg = N + 3, off = 4;
        var g = Random(off + rows * ldg, 7);
        var o = Random(2 + N, 8);
        var G = scope.Upload(g);
        var O = scope.Upload(o);
        ColumnSum(dev, rows, N, G, off, ldg, O, 2, accumulate);
        var actual = dev.Download(O, 0, o.Length);
        // the same sum in the same order in the kernel's precision: equal bit for bit
        var expected = (double[])o.Clone();
        for (int j = 0; j < N; j++)
        {
            if (precision == GpuPrecision.Float64)
            {
                double s = 0;
                for (int r = 0; r < rows; r++) s += g[off + r * ldg + j];
                expected[2 + j] = accumulate ? o[2 + j] + s : s;
            }
            else
            {
                float s = 0;
                for (int r = 0; r < rows; r++) s += (float)g[off + r * ldg + j];
                expected[2 + j] = accumulate ? (float)o[2 + j] + s : s;
            }
        }
        if (precision == GpuPrecision.Float32)
            for (int k = 0; k < 2; k++) expected[k] = (float)expected[k];
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void TransposeMovesEveryElement([Values] GpuPrecision precision, [Values(new[] { 1, 1 }, new[] { 1, 37 }, new[] { 16, 16 }, new[] { 70, 33 }, new[] { 129, 65 })] int[] mn)
    {
        int M = mn[0], N = mn[1], offIn = 3, offOut = 2;
        var dev = Pocl.Device(precision);
        using var scope = new BufferScope(dev);
        var a = Random(offIn + M * N, 9);
        var o = Random(offOut + N * M + 4, 10);   // the elements around the transpose stay as they were
        var O = scope.Upload(o);
        Transpose(dev, M, N, scope.Upload(a), offIn, O, offOut);
        var expected = o.Select(v => precision == GpuPrecision.Float32 ? (float)v : v).ToArray();
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++) expected[offOut + n * M + m] = precision == GpuPrecision.Float32 ? (float)a[offIn + m * N + n] : a[offIn + m * N + n];
        Assert.That(dev.Download(O, 0, o.Length), Is.EqualTo(expected));
    }

    // ---- the fused pointwise kernels: one step, every (b, j), with lengths that end before t ----

    private const int B = 3, H = 5, T = 4, t = 2, step = 1, DH = 2 * H, col0 = H;
    private static readonly int[] Lengths = [4, 2, 3];   // element 1 is past its length at t = 2

    private static double Sig(double x) => Activations.Sigmoid(x);

    [Test]
    public void RnnStepForwardEqualsTheLoop([Values] GpuPrecision precision, [Values(false, true)] bool relu, [Values(false, true)] bool bias)
    {
        var dev = Pocl.Device(precision);
        using var s = new BufferScope(dev);
        var xProj = Random(T * B * H, 11); var hh = Random(B * H, 12); var bih = Random(H, 13); var bhh = Random(H, 14);
        var hs = Random((T + 1) * B * H, 15); var output = Random(T * B * DH, 16);
        var hsB = s.Upload(hs); var outB = s.Upload(output);
        RnnStepForward(dev, new StepArgs(B, H, t, step, DH, col0), relu, bias, s.Upload(xProj), s.Upload(hh), s.Upload(bih), s.Upload(bhh),
            s.UploadInts(Lengths), hsB, outB);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                double a = xProj[t * B * H + k] + hh[k] + (bias ? bih[j] + bhh[j] : 0);
                double h = relu ? Activations.Relu(a) : Math.Tanh(a);
                bool valid = t < Lengths[b];
                hs[(step + 1) * B * H + k] = valid ? h : hs[step * B * H + k];
                output[(t * B + b) * DH + col0 + j] = valid ? h : 0;
            }
        Near("hs", hs, dev.Download(hsB, 0, hs.Length), precision);
        Near("output", output, dev.Download(outB, 0, output.Length), precision);
    }

    [Test]
    public void LstmStepForwardEqualsTheLoop([Values] GpuPrecision precision, [Values(false, true)] bool bias)
    {
        var dev = Pocl.Device(precision);
        using var s = new BufferScope(dev);
        int G = 4 * H;
        var xProj = Random(T * B * G, 21); var hh = Random(B * G, 22); var bih = Random(G, 23); var bhh = Random(G, 24);
        var hs = Random((T + 1) * B * H, 25); var cs = Random((T + 1) * B * H, 26);
        var gates = Random(T * B * G, 27); var output = Random(T * B * DH, 28);
        var hsB = s.Upload(hs); var csB = s.Upload(cs); var gB = s.Upload(gates); var outB = s.Upload(output);
        LstmStepForward(dev, new StepArgs(B, H, t, step, DH, col0), bias, s.Upload(xProj), s.Upload(hh), s.Upload(bih), s.Upload(bhh),
            s.UploadInts(Lengths), hsB, csB, gB, outB);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                double A(int q) => xProj[(t * B + b) * G + q * H + j] + hh[b * G + q * H + j] + (bias ? bih[q * H + j] + bhh[q * H + j] : 0);
                double i = Sig(A(0)), f = Sig(A(1)), g = Math.Tanh(A(2)), o = Sig(A(3));
                int gs = (step * B + b) * G;
                gates[gs + j] = i; gates[gs + H + j] = f; gates[gs + 2 * H + j] = g; gates[gs + 3 * H + j] = o;
                double c = f * cs[step * B * H + k] + i * g, h = o * Math.Tanh(c);
                bool valid = t < Lengths[b];
                hs[(step + 1) * B * H + k] = valid ? h : hs[step * B * H + k];
                cs[(step + 1) * B * H + k] = valid ? c : cs[step * B * H + k];
                output[(t * B + b) * DH + col0 + j] = valid ? h : 0;
            }
        Near("hs", hs, dev.Download(hsB, 0, hs.Length), precision);
        Near("cs", cs, dev.Download(csB, 0, cs.Length), precision);
        Near("gates", gates, dev.Download(gB, 0, gates.Length), precision);
        Near("output", output, dev.Download(outB, 0, output.Length), precision);
    }

    [Test]
    public void GruStepForwardEqualsTheLoop([Values] GpuPrecision precision, [Values(false, true)] bool bias)
    {
        var dev = Pocl.Device(precision);
        using var s = new BufferScope(dev);
        int G = 3 * H;
        var xProj = Random(T * B * G, 31); var hh = Random(B * G, 32); var bih = Random(G, 33); var bhh = Random(G, 34);
        var hs = Random((T + 1) * B * H, 35); var gates = Random(T * B * G, 36); var hhN = Random(T * B * H, 37);
        var output = Random(T * B * DH, 38);
        var hsB = s.Upload(hs); var gB = s.Upload(gates); var nB = s.Upload(hhN); var outB = s.Upload(output);
        GruStepForward(dev, new StepArgs(B, H, t, step, DH, col0), bias, s.Upload(xProj), s.Upload(hh), s.Upload(bih), s.Upload(bhh),
            s.UploadInts(Lengths), hsB, gB, nB, outB);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                double X(int q) => xProj[(t * B + b) * G + q * H + j] + (bias ? bih[q * H + j] : 0);
                double Hh(int q) => hh[b * G + q * H + j] + (bias ? bhh[q * H + j] : 0);
                double r = Sig(X(0) + Hh(0)), z = Sig(X(1) + Hh(1)), n = Math.Tanh(X(2) + r * Hh(2));
                int gs = (step * B + b) * G;
                gates[gs + j] = r; gates[gs + H + j] = z; gates[gs + 2 * H + j] = n;
                hhN[step * B * H + k] = Hh(2);
                double hPrev = hs[step * B * H + k], h = (1 - z) * n + z * hPrev;
                bool valid = t < Lengths[b];
                hs[(step + 1) * B * H + k] = valid ? h : hPrev;
                output[(t * B + b) * DH + col0 + j] = valid ? h : 0;
            }
        Near("hs", hs, dev.Download(hsB, 0, hs.Length), precision);
        Near("gates", gates, dev.Download(gB, 0, gates.Length), precision);
        Near("hhN", hhN, dev.Download(nB, 0, hhN.Length), precision);
        Near("output", output, dev.Download(outB, 0, output.Length), precision);
    }

    [Test]
    public void RnnStepBackwardEqualsTheLoop([Values] GpuPrecision precision, [Values(false, true)] bool relu)
    {
        var dev = Pocl.Device(precision);
        using var s = new BufferScope(dev);
        var dOut = Random(T * B * DH, 41); var dhNext = Random(B * H, 42); var hs = Random((T + 1) * B * H, 43);
        if (relu) for (int k = 0; k < hs.Length; k += 3) hs[k] = 0;   // relu'(0) = 0: h == 0 exactly at some units
        var dGx = Random(T * B * H, 44); var dGh = Random(T * B * H, 45);
        var dGxB = s.Upload(dGx); var dGhB = s.Upload(dGh); var dhPrevB = s.Allocate(B * H);
        RnnStepBackward(dev, new StepArgs(B, H, t, step, DH, col0), relu, s.Upload(dOut), s.Upload(dhNext), s.Upload(hs),
            s.UploadInts(Lengths), dGxB, dGhB, dhPrevB);
        var dhPrev = new double[B * H];
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                bool valid = t < Lengths[b];
                double dh = valid ? dhNext[k] + dOut[(t * B + b) * DH + col0 + j] : 0;
                double h = hs[(step + 1) * B * H + k];
                double da = dh * (relu ? Activations.ReluGrad(h) : Activations.TanhGradFromOutput(h));
                dGx[t * B * H + k] = da;
                dGh[step * B * H + k] = da;
                dhPrev[k] = valid ? 0 : dhNext[k];
            }
        Near("dGx", dGx, dev.Download(dGxB, 0, dGx.Length), precision);
        Near("dGh", dGh, dev.Download(dGhB, 0, dGh.Length), precision);
        Near("dhPrev", dhPrev, dev.Download(dhPrevB, 0, dhPrev.Length), precision);
    }

    [Test]
    public void LstmStepBackwardEqualsTheLoop([Values] GpuPrecision precision)
    {
        var dev = Pocl.Device(precision);
        using var s = new BufferScope(dev);
        int G = 4 * H;
        var dOut = Random(T * B * DH, 51); var dhNext = Random(B * H, 52); var dcNext = Random(B * H, 53);
        var hs = Random((T + 1) * B * H, 54); var cs = Random((T + 1) * B * H, 55);
        var gates = Random(T * B * G, 56).Select(v => 0.5 + 0.4 * v).ToArray();   // activated gates lie in (0, 1)
        var dGx = Random(T * B * G, 57); var dGh = Random(T * B * G, 58);
        var dGxB = s.Upload(dGx); var dGhB = s.Upload(dGh); var dhPrevB = s.Allocate(B * H); var dcPrevB = s.Allocate(B * H);
        LstmStepBackward(dev, new StepArgs(B, H, t, step, DH, col0), s.Upload(dOut), s.Upload(dhNext), s.Upload(dcNext), s.Upload(hs),
            s.Upload(cs), s.Upload(gates), s.UploadInts(Lengths), dGxB, dGhB, dhPrevB, dcPrevB);
        var dhPrev = new double[B * H];
        var dcPrev = new double[B * H];
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j, gs = (step * B + b) * G, xt = (t * B + b) * G;
                bool valid = t < Lengths[b];
                double dh = valid ? dhNext[k] + dOut[(t * B + b) * DH + col0 + j] : 0, dc = valid ? dcNext[k] : 0;
                double i = gates[gs + j], f = gates[gs + H + j], g = gates[gs + 2 * H + j], o = gates[gs + 3 * H + j];
                double tc = Math.Tanh(cs[(step + 1) * B * H + k]);
                double dcTotal = dc + dh * o * (1 - tc * tc);
                double[] da =
                [
                    dcTotal * g * i * (1 - i), dcTotal * cs[step * B * H + k] * f * (1 - f),
                    dcTotal * i * (1 - g * g), dh * tc * o * (1 - o),
                ];
                for (int q = 0; q < 4; q++) { dGx[xt + q * H + j] = da[q]; dGh[gs + q * H + j] = da[q]; }
                dcPrev[k] = dcTotal * f + (valid ? 0 : dcNext[k]);
                dhPrev[k] = valid ? 0 : dhNext[k];
            }
        Near("dGx", dGx, dev.Download(dGxB, 0, dGx.Length), precision);
        Near("dGh", dGh, dev.Download(dGhB, 0, dGh.Length), precision);
        Near("dhPrev", dhPrev, dev.Download(dhPrevB, 0, dhPrev.Length), precision);
        Near("dcPrev", dcPrev, dev.Download(dcPrevB, 0, dcPrev.Length), precision);
    }

    [Test]
    public void GruStepBackwardEqualsTheLoop([Values] GpuPrecision precision)
    {
        var dev = Pocl.Device(precision);
        using var s = new BufferScope(dev);
        int G = 3 * H;
        var dOut = Random(T * B * DH, 61); var dhNext = Random(B * H, 62); var hs = Random((T + 1) * B * H, 63);
        var gates = Random(T * B * G, 64).Select(v => 0.5 + 0.4 * v).ToArray();
        var hhN = Random(T * B * H, 65);
        var dGx = Random(T * B * G, 66); var dGh = Random(T * B * G, 67);
        var dGxB = s.Upload(dGx); var dGhB = s.Upload(dGh); var dhPrevB = s.Allocate(B * H);
        GruStepBackward(dev, new StepArgs(B, H, t, step, DH, col0), s.Upload(dOut), s.Upload(dhNext), s.Upload(hs), s.Upload(gates),
            s.Upload(hhN), s.UploadInts(Lengths), dGxB, dGhB, dhPrevB);
        var dhPrev = new double[B * H];
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j, gs = (step * B + b) * G, xt = (t * B + b) * G;
                bool valid = t < Lengths[b];
                double dh = valid ? dhNext[k] + dOut[(t * B + b) * DH + col0 + j] : 0;
                double r = gates[gs + j], z = gates[gs + H + j], n = gates[gs + 2 * H + j], hPrev = hs[step * B * H + k];
                double daN = dh * (1 - z) * (1 - n * n);
                double daR = daN * hhN[step * B * H + k] * r * (1 - r), daZ = dh * (hPrev - n) * z * (1 - z);
                dGx[xt + j] = daR; dGx[xt + H + j] = daZ; dGx[xt + 2 * H + j] = daN;
                dGh[gs + j] = daR; dGh[gs + H + j] = daZ; dGh[gs + 2 * H + j] = daN * r;
                dhPrev[k] = dh * z + (valid ? 0 : dhNext[k]);
            }
        Near("dGx", dGx, dev.Download(dGxB, 0, dGx.Length), precision);
        Near("dGh", dGh, dev.Download(dGhB, 0, dGh.Length), precision);
        Near("dhPrev", dhPrev, dev.Download(dhPrevB, 0, dhPrev.Length), precision);
    }
}
