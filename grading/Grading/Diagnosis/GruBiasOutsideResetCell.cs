// copy-of: Reference/Recurrent/GruCell.cs sha256:17bcef518244d1b0cc0eb1a717d3291a998495bc76bf6534913e5b97fd011107
// A deliberate copy of GruCell with one mistake written in: the reset gate multiplies the hidden
// product h W_hnᵀ only, and b_hn is added outside it. Beside its comments, class name and
// namespace, it differs from GruCell.cs only in:
//   StepForward   hh = hPrev W_hhᵀ (no bias), and each gate adds its b_hh element itself:
//                 r = σ(x_r + hh_r + b_hr), z = σ(x_z + hh_z + b_hz)       GruCell: hh = hPrev W_hhᵀ + b_hh
//                 n = tanh(x_n + r ⊙ hh_n + b_hn)                          GruCell: tanh(x_n + r ⊙ hh_n)
//                 hhN holds h_{t-1} W_hnᵀ (no b_hn)                        GruCell: h_{t-1} W_hnᵀ + b_hn
//   StepBackward  MatMul.Backward without dbias; dbhh += dxProj            GruCell: dbhh from MatMul (n block da_n ⊙ r)
// GruCell.StepBackward's optional record of the step's values (for the trace) is not copied.
// When GruCell.cs changes, carry the change over and record its new hash
// (Tests/Grading.Tests/Diagnosis/DeliberateCopyTests.cs fails until then).
//
// The GRU step with b_hn outside the reset product:
//
//   r = σ(x W_irᵀ + b_ir + h_{t-1} W_hrᵀ + b_hr)
//   z = σ(x W_izᵀ + b_iz + h_{t-1} W_hzᵀ + b_hz)
//   n = tanh(x W_inᵀ + b_in + r ⊙ (h_{t-1} W_hnᵀ) + b_hn)      (PyTorch: r ⊙ (h_{t-1} W_hnᵀ + b_hn))
//   h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
//
// No framework computes this form; it is what an implementation computes that writes the
// reset-after product from the equation without PyTorch's b_hn inside (mistake
// "gru-bias-outside-reset", Spec/diagnosis.md). It is PyTorch's GRU when b_hn = 0 (or there is
// no bias), and with H = 1 it is the reset-before GRU (GruResetBeforeCell): r (h w) = (r h) w
// for numbers. Same parameters (gate order r, z, n; weights [3H, *]; both biases), signatures
// and cache as GruCell.
//
// B = batch, H = hidden size. gates is [B, 3H] holding the activated r, z, n blocks;
// hhN is [B, H] holding h_{t-1} W_hnᵀ (needed by the backward pass). Span lengths are
// checked first.
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Diagnosis;

/// <summary>The GRU step with b_hn added outside the reset product; the same contract as GruCell.</summary>
public static class GruBiasOutsideResetCell
{
    /// <summary>
    /// One step: n = tanh(x W_inᵀ + b_in + r ⊙ (h_{t-1} W_hnᵀ) + b_hn); otherwise GruCell.StepForward.
    /// Writes gates [B, 3H] (activated r, z, n), hhN [B, H] (h_{t-1} W_hnᵀ) and h [B, H].
    /// </summary>
    public static void StepForward(
        ReadOnlySpan<double> xProj,   // [B, 3H]  x_t W_ihᵀ + b_ih
        ReadOnlySpan<double> hPrev,   // [B, H]
        ReadOnlySpan<double> Whh,     // [3H, H]
        ReadOnlySpan<double> bhh,     // [3H] or empty
        int B, int H,
        Span<double> gates,           // [B, 3H] activated r, z, n (written)
        Span<double> hhN,             // [B, H]  h_{t-1} W_hnᵀ (written)
        Span<double> h)               // [B, H]  h_t (written)
    {
        Require.Size(B, nameof(B)); Require.Size(H, nameof(H));
        Require.Length(xProj, nameof(xProj), "B*3H", B, 3 * H);
        Require.Length(hPrev, nameof(hPrev), "B*H", B, H);
        Require.Length(Whh, nameof(Whh), "3H*H", 3 * H, H);
        Require.LengthOrEmpty(bhh, nameof(bhh), "3H", 3 * H);
        Require.Length(gates, nameof(gates), "B*3H", B, 3 * H);
        Require.Length(hhN, nameof(hhN), "B*H", B, H);
        Require.Length(h, nameof(h), "B*H", B, H);

        // hh = hPrev W_hhᵀ, all three blocks; the biases are added gate by gate below
        var hh = new double[B * 3 * H];                          // [B, 3H]
        MatMul.Forward(hPrev, Whh, ReadOnlySpan<double>.Empty, B, H, 3 * H, hh);
        for (int b = 0; b < B; b++)
        {
            var xp = xProj.Slice(b * 3 * H, 3 * H);
            var hb = hh.AsSpan(b * 3 * H, 3 * H);
            var gt = gates.Slice(b * 3 * H, 3 * H);
            for (int j = 0; j < H; j++)
            {
                double bhr = bhh.IsEmpty ? 0.0 : bhh[j];
                double bhz = bhh.IsEmpty ? 0.0 : bhh[H + j];
                double bhn = bhh.IsEmpty ? 0.0 : bhh[2 * H + j];
                double r = Activations.Sigmoid(xp[j] + hb[j] + bhr);
                double z = Activations.Sigmoid(xp[H + j] + hb[H + j] + bhz);
                // the mistake: n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ) + b_hn)
                //   (PyTorch: n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)))
                double n = Activations.Tanh(xp[2 * H + j] + r * hb[2 * H + j] + bhn);
                gt[j] = r; gt[H + j] = z; gt[2 * H + j] = n;
                hhN[b * H + j] = hb[2 * H + j];

                // h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
                h[b * H + j] = (1.0 - z) * n + z * hPrev[b * H + j];
            }
        }
    }

    /// <summary>
    /// Backward of one step. Given dh = dL/dh_t, writes dxProj = dL/d(x W_ihᵀ + b_ih) and
    /// accumulates dhPrev, dWhh, dbhh; the same contract as GruCell.StepBackward, with hhN = h_{t-1} W_hnᵀ.
    /// </summary>
    public static void StepBackward(
        ReadOnlySpan<double> dh,      // [B, H]
        ReadOnlySpan<double> gates,   // [B, 3H] activated r, z, n
        ReadOnlySpan<double> hhN,     // [B, H]  h_{t-1} W_hnᵀ
        ReadOnlySpan<double> hPrev,   // [B, H]
        ReadOnlySpan<double> Whh,     // [3H, H]
        int B, int H,
        Span<double> dxProj,          // [B, 3H] (written)
        Span<double> dhPrev,          // [B, H]  +=
        Span<double> dWhh,            // [3H, H] +=
        Span<double> dbhh)            // [3H]    += (empty when no bias)
    {
        Require.Size(B, nameof(B)); Require.Size(H, nameof(H));
        Require.Length(dh, nameof(dh), "B*H", B, H);
        Require.Length(gates, nameof(gates), "B*3H", B, 3 * H);
        Require.Length(hhN, nameof(hhN), "B*H", B, H);
        Require.Length(hPrev, nameof(hPrev), "B*H", B, H);
        Require.Length(Whh, nameof(Whh), "3H*H", 3 * H, H);
        Require.Length(dxProj, nameof(dxProj), "B*3H", B, 3 * H);
        Require.Length(dhPrev, nameof(dhPrev), "B*H", B, H);
        Require.Length(dWhh, nameof(dWhh), "3H*H", 3 * H, H);
        Require.LengthOrEmpty(dbhh, nameof(dbhh), "3H", 3 * H);

        var dhh = new double[B * 3 * H];                         // [B, 3H] dL/d(h W_hhᵀ)
        for (int b = 0; b < B; b++)
        {
            var gt = gates.Slice(b * 3 * H, 3 * H);
            var dxp = dxProj.Slice(b * 3 * H, 3 * H);
            var dhb = dhh.AsSpan(b * 3 * H, 3 * H);
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                double r = gt[j], z = gt[H + j], n = gt[2 * H + j];

                // forward: h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
                double dN = dh[k] * (1.0 - z);
                double dZ = dh[k] * (hPrev[k] - n);
                dhPrev[k] += dh[k] * z;

                // forward: n = tanh(xn + r ⊙ hhN + b_hn)
                double daN = dN * Activations.TanhGradFromOutput(n);
                double dR = daN * hhN[k];

                // forward: r = σ(x_r + hh_r + b_hr), z = σ(x_z + hh_z + b_hz)
                double daR = dR * Activations.SigmoidGradFromOutput(r);
                double daZ = dZ * Activations.SigmoidGradFromOutput(z);

                dxp[j] = daR; dxp[H + j] = daZ; dxp[2 * H + j] = daN;
                dhb[j] = daR; dhb[H + j] = daZ; dhb[2 * H + j] = daN * r;   // r multiplies h W_hnᵀ only
            }
        }

        // forward: hh = hPrev W_hhᵀ
        MatMul.Backward(dhh, hPrev, Whh, B, H, 3 * H, dhPrev, dWhh, Span<double>.Empty);
        // forward: b_hr, b_hz, b_hn each added to their gate's pre-activation, as b_ih is: db_hh = Σ_b dxProj
        if (!dbhh.IsEmpty)
            for (int b = 0; b < B; b++)
                for (int k = 0; k < 3 * H; k++) dbhh[k] += dxProj[b * 3 * H + k];
    }
}
