// Vectorised pointwise gate kernels of the fast recurrent path (FastRecurrentDirection). Their
// meaning is the scalar loops of the cells: each kernel below names the loop it computes, and
// computes it element by element in the same formulas, eight elements at a time (Vector512) where
// the CPU runs Vector512 natively, then four at a time (Vector256), the remainder with the scalar
// Activations. The two vector widths do the same operations in each lane, so they give the same
// bits; the forward kernels and the LSTM's backward (which evaluates tanh(c)) have the Vector512
// loop, the others are plain multiplies and adds. The matrix products around them (h W_hhᵀ, dh W_hh) are
// not here: the fast path does them with Gemm.
//
//   sigmoid(x) = 1 / (1 + e^-x)                 e^-x = +inf for x << 0 gives 0, as the scalar form
//   tanh(x)    = sign(x) (1 - 2 / (e^(2|x|) + 1))  never overflows; absolute error about 1e-16 (near
//                                                x = 0 the relative error is larger than Math.Tanh's)
//
// with e^x from VectorExp (within 2 units in the last place of Math.Exp).
// Every element's result depends only on that element's inputs, so the kernels give the same bits
// however the work around them is split. B = batch, H = hidden size; buffers are row-major.
// Span lengths are checked up front, as the cells check theirs.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Fast;

/// <summary>Vectorised pointwise gate kernels of the fast recurrent path; each computes the cell loop it names, element by element.</summary>
public static class GateKernels
{
    private static readonly int W = Vector256<double>.Count;

    // Eight lanes at a time first where the CPU runs Vector512 natively (0: never), then four.
    private static readonly int W8 = Vector512.IsHardwareAccelerated ? Vector512<double>.Count : int.MaxValue / 2;

    /// <summary>Vector sigmoid 1 / (1 + e^-x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sigmoid(Vector256<double> x) =>
        Vector256<double>.One / (Vector256<double>.One + VectorExp.Exp(-x));

    /// <summary>Vector tanh: sign(x) (1 - 2 / (e^(2|x|) + 1)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Tanh(Vector256<double> x)
    {
        var ax = Vector256.Abs(x);
        var e = VectorExp.Exp(ax + ax);
        var t = Vector256<double>.One - Vector256.Create(2.0) / (e + Vector256<double>.One);
        return Vector256.CopySign(t, x);
    }

    /// <summary>Vector512 sigmoid, lane for lane the Vector256 form's operations (so the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sigmoid(Vector512<double> x) =>
        Vector512<double>.One / (Vector512<double>.One + VectorExp.Exp(-x));

    /// <summary>Vector512 tanh, lane for lane the Vector256 form's operations (so the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Tanh(Vector512<double> x)
    {
        var ax = Vector512.Abs(x);
        var e = VectorExp.Exp(ax + ax);
        var t = Vector512<double>.One - Vector512.Create(2.0) / (e + Vector512<double>.One);
        return Vector512.CopySign(t, x);
    }

    private static Vector256<double> Load(ReadOnlySpan<double> s, int at) => Vector256.Create(s.Slice(at, W));

    private static void Store(Vector256<double> v, Span<double> s, int at) => v.CopyTo(s.Slice(at, W));

    private static Vector512<double> Load8(ReadOnlySpan<double> s, int at) => Vector512.Create(s.Slice(at, W8));

    private static void Store(Vector512<double> v, Span<double> s, int at) => v.CopyTo(s.Slice(at, W8));

    /// <summary>
    /// RnnCell.StepForward after its product: h[k] = act(xProj[k] + h[k]), where h holds
    /// hPrev W_hhᵀ + b_hh on entry; act = relu or tanh.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RnnForward(ReadOnlySpan<double> xProj, bool relu, Span<double> h)
    {
        Require.Length(xProj, nameof(xProj), "len(h)", h.Length);
        int n = h.Length, k = 0;
        for (; k <= n - W8; k += W8)
        {
            // the Vector256 loop below, eight lanes at a time
            var a = Load8(xProj, k) + Load8(h, k);
            var act = relu ? Vector512.ConditionalSelect(Vector512.LessThanOrEqual(a, Vector512<double>.Zero), Vector512<double>.Zero, a) : Tanh(a);
            Store(act, h, k);
        }
        for (; k <= n - W; k += W)
        {
            var a = Load(xProj, k) + Load(h, k);
            // max(0, a) as Activations.Relu: a <= 0 gives 0, NaN stays NaN
            var act = relu ? Vector256.ConditionalSelect(Vector256.LessThanOrEqual(a, Vector256<double>.Zero), Vector256<double>.Zero, a) : Tanh(a);
            Store(act, h, k);
        }
        for (; k < n; k++)
        {
            double a = xProj[k] + h[k];
            h[k] = relu ? Activations.Relu(a) : Activations.Tanh(a);
        }
    }

    /// <summary>
    /// RnnCell.StepBackward before its product: dxProj[k] = dh[k] * act'(a), from h = act(a):
    /// relu' = 1 where h > 0 else 0, tanh' = 1 - h².
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RnnBackward(ReadOnlySpan<double> dh, ReadOnlySpan<double> h, bool relu, Span<double> dxProj)
    {
        Require.Length(dh, nameof(dh), "len(h)", h.Length);
        Require.Length(dxProj, nameof(dxProj), "len(h)", h.Length);
        int n = h.Length, k = 0;
        for (; k <= n - W; k += W)
        {
            var hv = Load(h, k);
            var grad = relu
                ? Vector256.ConditionalSelect(Vector256.LessThanOrEqual(hv, Vector256<double>.Zero), Vector256<double>.Zero, Vector256<double>.One)
                : Vector256<double>.One - hv * hv;
            Store(Load(dh, k) * grad, dxProj, k);
        }
        for (; k < n; k++)
            dxProj[k] = dh[k] * (relu ? Activations.ReluGrad(h[k]) : Activations.TanhGradFromOutput(h[k]));
    }

    /// <summary>
    /// LstmCell.StepForward after its product. gates holds hPrev W_hhᵀ + b_hh [B, 4H] on entry and the
    /// activated i, f, g, o on return; c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t).
    /// The same as adding xProj into gates and calling LstmForward(cPrev, B, H, gates, c, h).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LstmForward(ReadOnlySpan<double> xProj, ReadOnlySpan<double> cPrev, int B, int H,
        Span<double> gates, Span<double> c, Span<double> h)
    {
        Require.Size(B, nameof(B)); Require.Size(H, nameof(H));
        Require.Length(xProj, nameof(xProj), "B*4H", B, 4 * H);
        Require.Length(gates, nameof(gates), "B*4H", B, 4 * H);
        int n = gates.Length, k = 0;
        for (; k <= n - W; k += W) Store(Load(xProj, k) + Load(gates, k), gates, k);   // a = xProj + hh
        for (; k < n; k++) gates[k] = xProj[k] + gates[k];
        LstmForward(cPrev, B, H, gates, c, h);
    }

    /// <summary>
    /// LstmCell.StepForward after its products. gates holds the whole pre-activation
    /// a = x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh [B, 4H] on entry and the activated i, f, g, o on
    /// return; c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LstmForward(ReadOnlySpan<double> cPrev, int B, int H,
        Span<double> gates, Span<double> c, Span<double> h)
    {
        Require.Size(B, nameof(B)); Require.Size(H, nameof(H));
        Require.Length(cPrev, nameof(cPrev), "B*H", B, H);
        Require.Length(gates, nameof(gates), "B*4H", B, 4 * H);
        Require.Length(c, nameof(c), "B*H", B, H);
        Require.Length(h, nameof(h), "B*H", B, H);
        for (int b = 0; b < B; b++)
        {
            var a = gates.Slice(b * 4 * H, 4 * H);               // gates[b, :]
            var cp = cPrev.Slice(b * H, H);
            var cb = c.Slice(b * H, H);
            var hb = h.Slice(b * H, H);
            int j = 0;
            for (; j <= H - W8; j += W8)
            {
                // the Vector256 loop below, eight lanes at a time
                var i = Sigmoid(Load8(a, j));
                var f = Sigmoid(Load8(a, H + j));
                var g = Tanh(Load8(a, 2 * H + j));
                var o = Sigmoid(Load8(a, 3 * H + j));
                Store(i, a, j); Store(f, a, H + j); Store(g, a, 2 * H + j); Store(o, a, 3 * H + j);
                var ct = f * Load8(cp, j) + i * g;
                Store(ct, cb, j);
                Store(o * Tanh(ct), hb, j);
            }
            for (; j <= H - W; j += W)
            {
                var i = Sigmoid(Load(a, j));
                var f = Sigmoid(Load(a, H + j));
                var g = Tanh(Load(a, 2 * H + j));
                var o = Sigmoid(Load(a, 3 * H + j));
                Store(i, a, j); Store(f, a, H + j); Store(g, a, 2 * H + j); Store(o, a, 3 * H + j);
                var ct = f * Load(cp, j) + i * g;
                Store(ct, cb, j);
                Store(o * Tanh(ct), hb, j);
            }
            for (; j < H; j++)
            {
                double i = Activations.Sigmoid(a[j]);
                double f = Activations.Sigmoid(a[H + j]);
                double g = Activations.Tanh(a[2 * H + j]);
                double o = Activations.Sigmoid(a[3 * H + j]);
                a[j] = i; a[H + j] = f; a[2 * H + j] = g; a[3 * H + j] = o;
                double ct = f * cp[j] + i * g;
                cb[j] = ct;
                hb[j] = o * Activations.Tanh(ct);
            }
        }
    }

    /// <summary>
    /// LstmCell.StepBackward before its product: from dh, dc (reaching h_t, c_t) and the step's
    /// activated gates, writes dxProj = dL/da [B, 4H] and adds dcPrev += dL/dc_{t-1}.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LstmBackward(ReadOnlySpan<double> dh, ReadOnlySpan<double> dc, ReadOnlySpan<double> gates,
        ReadOnlySpan<double> c, ReadOnlySpan<double> cPrev, int B, int H,
        Span<double> dxProj, Span<double> dcPrev)
    {
        Require.Size(B, nameof(B)); Require.Size(H, nameof(H));
        Require.Length(dh, nameof(dh), "B*H", B, H);
        Require.Length(dc, nameof(dc), "B*H", B, H);
        Require.Length(gates, nameof(gates), "B*4H", B, 4 * H);
        Require.Length(c, nameof(c), "B*H", B, H);
        Require.Length(cPrev, nameof(cPrev), "B*H", B, H);
        Require.Length(dxProj, nameof(dxProj), "B*4H", B, 4 * H);
        Require.Length(dcPrev, nameof(dcPrev), "B*H", B, H);
        var one = Vector256<double>.One;
        var one8 = Vector512<double>.One;
        for (int b = 0; b < B; b++)
        {
            var gt = gates.Slice(b * 4 * H, 4 * H);
            var da = dxProj.Slice(b * 4 * H, 4 * H);
            var dhb = dh.Slice(b * H, H);
            var dcb = dc.Slice(b * H, H);
            var cb = c.Slice(b * H, H);
            var cp = cPrev.Slice(b * H, H);
            var dcp = dcPrev.Slice(b * H, H);
            int j = 0;
            for (; j <= H - W8; j += W8)
            {
                // the Vector256 loop below, eight lanes at a time
                var i = Load8(gt, j); var f = Load8(gt, H + j); var g = Load8(gt, 2 * H + j); var o = Load8(gt, 3 * H + j);
                var tc = Tanh(Load8(cb, j));
                var dhv = Load8(dhb, j);
                var dO = dhv * tc;
                var dcTotal = Load8(dcb, j) + dhv * o * (one8 - tc * tc);
                var dI = dcTotal * g;
                var dF = dcTotal * Load8(cp, j);
                var dG = dcTotal * i;
                Store(Load8(dcp, j) + dcTotal * f, dcp, j);
                Store(dI * (i * (one8 - i)), da, j);
                Store(dF * (f * (one8 - f)), da, H + j);
                Store(dG * (one8 - g * g), da, 2 * H + j);
                Store(dO * (o * (one8 - o)), da, 3 * H + j);
            }
            for (; j <= H - W; j += W)
            {
                var i = Load(gt, j); var f = Load(gt, H + j); var g = Load(gt, 2 * H + j); var o = Load(gt, 3 * H + j);
                var tc = Tanh(Load(cb, j));
                var dhv = Load(dhb, j);
                // forward: h_t = o ⊙ tanh(c_t)
                var dO = dhv * tc;
                var dcTotal = Load(dcb, j) + dhv * o * (one - tc * tc);
                // forward: c_t = f ⊙ c_{t-1} + i ⊙ g
                var dI = dcTotal * g;
                var dF = dcTotal * Load(cp, j);
                var dG = dcTotal * i;
                Store(Load(dcp, j) + dcTotal * f, dcp, j);
                // forward: i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
                Store(dI * (i * (one - i)), da, j);
                Store(dF * (f * (one - f)), da, H + j);
                Store(dG * (one - g * g), da, 2 * H + j);
                Store(dO * (o * (one - o)), da, 3 * H + j);
            }
            for (; j < H; j++)
            {
                double i = gt[j], f = gt[H + j], g = gt[2 * H + j], o = gt[3 * H + j];
                double tc = Activations.Tanh(cb[j]);
                double dO = dhb[j] * tc;
                double dcTotal = dcb[j] + dhb[j] * o * (1.0 - tc * tc);
                double dI = dcTotal * g;
                double dF = dcTotal * cp[j];
                double dG = dcTotal * i;
                dcp[j] += dcTotal * f;
                da[j] = dI * Activations.SigmoidGradFromOutput(i);
                da[H + j] = dF * Activations.SigmoidGradFromOutput(f);
                da[2 * H + j] = dG * Activations.TanhGradFromOutput(g);
                da[3 * H + j] = dO * Activations.SigmoidGradFromOutput(o);
            }
        }
    }

    /// <summary>
    /// GruCell.StepForward after its product. hh holds hPrev W_hhᵀ + b_hh [B, 3H]; writes the activated
    /// r, z, n into gates [B, 3H], hhN = hh's n block [B, H] and h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GruForward(ReadOnlySpan<double> xProj, ReadOnlySpan<double> hh, ReadOnlySpan<double> hPrev, int B, int H,
        Span<double> gates, Span<double> hhN, Span<double> h)
    {
        Require.Size(B, nameof(B)); Require.Size(H, nameof(H));
        Require.Length(xProj, nameof(xProj), "B*3H", B, 3 * H);
        Require.Length(hh, nameof(hh), "B*3H", B, 3 * H);
        Require.Length(hPrev, nameof(hPrev), "B*H", B, H);
        Require.Length(gates, nameof(gates), "B*3H", B, 3 * H);
        Require.Length(hhN, nameof(hhN), "B*H", B, H);
        Require.Length(h, nameof(h), "B*H", B, H);
        var one = Vector256<double>.One;
        var one8 = Vector512<double>.One;
        for (int b = 0; b < B; b++)
        {
            var xp = xProj.Slice(b * 3 * H, 3 * H);
            var hb = hh.Slice(b * 3 * H, 3 * H);
            var gt = gates.Slice(b * 3 * H, 3 * H);
            var hp = hPrev.Slice(b * H, H);
            var hn = hhN.Slice(b * H, H);
            var ht = h.Slice(b * H, H);
            int j = 0;
            for (; j <= H - W8; j += W8)
            {
                // the Vector256 loop below, eight lanes at a time
                var r = Sigmoid(Load8(xp, j) + Load8(hb, j));
                var z = Sigmoid(Load8(xp, H + j) + Load8(hb, H + j));
                var hnv = Load8(hb, 2 * H + j);
                var n = Tanh(Load8(xp, 2 * H + j) + r * hnv);
                Store(r, gt, j); Store(z, gt, H + j); Store(n, gt, 2 * H + j);
                Store(hnv, hn, j);
                Store((one8 - z) * n + z * Load8(hp, j), ht, j);
            }
            for (; j <= H - W; j += W)
            {
                var r = Sigmoid(Load(xp, j) + Load(hb, j));
                var z = Sigmoid(Load(xp, H + j) + Load(hb, H + j));
                var hnv = Load(hb, 2 * H + j);
                // n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))
                var n = Tanh(Load(xp, 2 * H + j) + r * hnv);
                Store(r, gt, j); Store(z, gt, H + j); Store(n, gt, 2 * H + j);
                Store(hnv, hn, j);
                // h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
                Store((one - z) * n + z * Load(hp, j), ht, j);
            }
            for (; j < H; j++)
            {
                double r = Activations.Sigmoid(xp[j] + hb[j]);
                double z = Activations.Sigmoid(xp[H + j] + hb[H + j]);
                double n = Activations.Tanh(xp[2 * H + j] + r * hb[2 * H + j]);
                gt[j] = r; gt[H + j] = z; gt[2 * H + j] = n;
                hn[j] = hb[2 * H + j];
                ht[j] = (1.0 - z) * n + z * hp[j];
            }
        }
    }

    /// <summary>
    /// GruCell.StepBackward before its product: from dh = dL/dh_t writes dxProj = dL/d(x W_ihᵀ + b_ih)
    /// and dhh = dL/d(h W_hhᵀ + b_hh) (both [B, 3H]; they differ in the n block by the factor r) and
    /// adds dhPrev += dh ⊙ z.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GruBackward(ReadOnlySpan<double> dh, ReadOnlySpan<double> gates, ReadOnlySpan<double> hhN,
        ReadOnlySpan<double> hPrev, int B, int H,
        Span<double> dxProj, Span<double> dhh, Span<double> dhPrev)
    {
        Require.Size(B, nameof(B)); Require.Size(H, nameof(H));
        Require.Length(dh, nameof(dh), "B*H", B, H);
        Require.Length(gates, nameof(gates), "B*3H", B, 3 * H);
        Require.Length(hhN, nameof(hhN), "B*H", B, H);
        Require.Length(hPrev, nameof(hPrev), "B*H", B, H);
        Require.Length(dxProj, nameof(dxProj), "B*3H", B, 3 * H);
        Require.Length(dhh, nameof(dhh), "B*3H", B, 3 * H);
        Require.Length(dhPrev, nameof(dhPrev), "B*H", B, H);
        var one = Vector256<double>.One;
        for (int b = 0; b < B; b++)
        {
            var gt = gates.Slice(b * 3 * H, 3 * H);
            var dxp = dxProj.Slice(b * 3 * H, 3 * H);
            var dhb = dhh.Slice(b * 3 * H, 3 * H);
            var dht = dh.Slice(b * H, H);
            var hn = hhN.Slice(b * H, H);
            var hp = hPrev.Slice(b * H, H);
            var dhp = dhPrev.Slice(b * H, H);
            int j = 0;
            for (; j <= H - W; j += W)
            {
                var r = Load(gt, j); var z = Load(gt, H + j); var n = Load(gt, 2 * H + j);
                var d = Load(dht, j);
                // forward: h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
                var dN = d * (one - z);
                var dZ = d * (Load(hp, j) - n);
                Store(Load(dhp, j) + d * z, dhp, j);
                // forward: n = tanh(xn + r ⊙ hhN)
                var daN = dN * (one - n * n);
                var dR = daN * Load(hn, j);
                // forward: r = σ(x_r + hh_r), z = σ(x_z + hh_z)
                var daR = dR * (r * (one - r));
                var daZ = dZ * (z * (one - z));
                Store(daR, dxp, j); Store(daZ, dxp, H + j); Store(daN, dxp, 2 * H + j);
                Store(daR, dhb, j); Store(daZ, dhb, H + j); Store(daN * r, dhb, 2 * H + j);
            }
            for (; j < H; j++)
            {
                double r = gt[j], z = gt[H + j], n = gt[2 * H + j], d = dht[j];
                double dN = d * (1.0 - z);
                double dZ = d * (hp[j] - n);
                dhp[j] += d * z;
                double daN = dN * Activations.TanhGradFromOutput(n);
                double dR = daN * hn[j];
                double daR = dR * Activations.SigmoidGradFromOutput(r);
                double daZ = dZ * Activations.SigmoidGradFromOutput(z);
                dxp[j] = daR; dxp[H + j] = daZ; dxp[2 * H + j] = daN;
                dhb[j] = daR; dhb[H + j] = daZ; dhb[2 * H + j] = daN * r;
            }
        }
    }
}
