// Reference GRU cell, PyTorch's nn.GRU form (gate order r, z, n; the reset gate multiplies
// the hidden projection after the matrix product, b_hn inside). Readable first: plain loops.
// Equations in Spec/gru.md.
//
// The slides: the GRU column of the STATS 507 Week13-1 table (Andrew Ng's notation), quoted over
// the lines that compute it below, with Γ_r = r, c̃ = n, c = a = h and Γ_u = 1 - z: Ng's update
// gate weights the new candidate, PyTorch's z the old state. The slide's candidate applies Γ_r
// before the product (GruResetBeforeCell); this cell is PyTorch's reset-after form.
//
//   r = σ(x W_irᵀ + b_ir + h_{t-1} W_hrᵀ + b_hr)
//   z = σ(x W_izᵀ + b_iz + h_{t-1} W_hzᵀ + b_hz)
//   n = tanh(x W_inᵀ + b_in + r ⊙ (h_{t-1} W_hnᵀ + b_hn))
//   h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
//
// B = batch, H = hidden size. gates is [B, 3H] holding the activated r, z, n blocks;
// hhN is [B, H] holding h_{t-1} W_hnᵀ + b_hn (needed by the backward pass). Span lengths are
// checked first.
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Recurrent;

/// <summary>PyTorch's GRU cell (gates r, z, n; r multiplies h W_hnᵀ + b_hn), one step forward and backward (Spec/gru.md).</summary>
public static class GruCell
{
    /// <summary>One step for B rows: r, z, n and h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}. Writes gates [B, 3H] (activated r, z, n), hhN [B, H] (h_{t-1} W_hnᵀ + b_hn) and h [B, H].</summary>
    public static void StepForward(
        ReadOnlySpan<double> xProj,   // [B, 3H]  x_t W_ihᵀ + b_ih
        ReadOnlySpan<double> hPrev,   // [B, H]
        ReadOnlySpan<double> Whh,     // [3H, H]
        ReadOnlySpan<double> bhh,     // [3H] or empty
        int B, int H,
        Span<double> gates,           // [B, 3H] activated r, z, n (written)
        Span<double> hhN,             // [B, H]  h_{t-1} W_hnᵀ + b_hn (written)
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

        // hh = hPrev W_hhᵀ + b_hh, all three blocks
        var hh = new double[B * 3 * H];                          // [B, 3H]
        MatMul.Forward(hPrev, Whh, bhh, B, H, 3 * H, hh);
        for (int b = 0; b < B; b++)
        {
            var xp = xProj.Slice(b * 3 * H, 3 * H);
            var hb = hh.AsSpan(b * 3 * H, 3 * H);
            var gt = gates.Slice(b * 3 * H, 3 * H);
            for (int j = 0; j < H; j++)
            {
                double r = Activations.Sigmoid(xp[j] + hb[j]);
                double z = Activations.Sigmoid(xp[H + j] + hb[H + j]);
                // slide (STATS 507): c̃<t> = tanh(W_c[Γ_r ⋆ a<t-1>, x<t>] + b_c)   (c̃ = n, Γ_r = r; the slide
                //   resets a<t-1> before the product, PyTorch the product: GruResetBeforeCell is the slide's form)
                // n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))
                double n = Activations.Tanh(xp[2 * H + j] + r * hb[2 * H + j]);
                gt[j] = r; gt[H + j] = z; gt[2 * H + j] = n;
                hhN[b * H + j] = hb[2 * H + j];

                // slide (STATS 507): c<t> = Γ_u ⋆ c̃<t> + (1 - Γ_u) ⋆ c<t-1>;  a<t> = c<t>   (Γ_u = 1 - z, c = a = h)
                // h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
                h[b * H + j] = (1.0 - z) * n + z * hPrev[b * H + j];
            }
        }
    }

    /// <summary>
    /// Backward of one step. Given dh = dL/dh_t, writes dxProj = dL/d(x W_ihᵀ + b_ih) and
    /// accumulates dhPrev, dWhh, dbhh. A record, when given, receives dL/dr, dL/dz, dL/dn (the
    /// gradients after the nonlinearities; dxProj holds those before them).
    /// </summary>
    public static void StepBackward(
        ReadOnlySpan<double> dh,      // [B, H]
        ReadOnlySpan<double> gates,   // [B, 3H] activated r, z, n
        ReadOnlySpan<double> hhN,     // [B, H]  h_{t-1} W_hnᵀ + b_hn
        ReadOnlySpan<double> hPrev,   // [B, H]
        ReadOnlySpan<double> Whh,     // [3H, H]
        int B, int H,
        Span<double> dxProj,          // [B, 3H] (written)
        Span<double> dhPrev,          // [B, H]  +=
        Span<double> dWhh,            // [3H, H] +=
        Span<double> dbhh,            // [3H]    += (empty when no bias)
        GruBackwardRecord? record = null)  // written when given
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
        record?.RequireSizes(B, H);

        var dhh = new double[B * 3 * H];                         // [B, 3H] dL/d(h W_hhᵀ + b_hh)
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

                // forward: n = tanh(xn + r ⊙ hhN)
                double daN = dN * Activations.TanhGradFromOutput(n);
                double dR = daN * hhN[k];

                // forward: r = σ(x_r + hh_r), z = σ(x_z + hh_z)
                double daR = dR * Activations.SigmoidGradFromOutput(r);
                double daZ = dZ * Activations.SigmoidGradFromOutput(z);

                if (record is not null) { record.dR[k] = dR; record.dZ[k] = dZ; record.dN[k] = dN; }

                dxp[j] = daR; dxp[H + j] = daZ; dxp[2 * H + j] = daN;
                dhb[j] = daR; dhb[H + j] = daZ; dhb[2 * H + j] = daN * r;   // r multiplies h W_hnᵀ + b_hn
            }
        }

        // forward: hh = hPrev W_hhᵀ + b_hh
        MatMul.Backward(dhh, hPrev, Whh, B, H, 3 * H, dhPrev, dWhh, dbhh);
    }
}
