// GRU cell with the reset gate applied BEFORE the hidden matrix product: the form of Cho et al.
// 2014 (arXiv 1406.1078v3), d2l (H̃ = tanh(X W_xh + (R ⊙ H) W_hh + b_h)), Andrew Ng's
// c̃ = tanh(W_c[Γ_r ⋆ c<t-1>, x<t>] + b_c) in the STATS 507 table, and Keras's
// GRU(reset_after=False). PyTorch's nn.GRU (GruCell) applies the gate after the product.
// This cell takes PyTorch's GRU parameters unchanged (gate order r, z, n; weights [3H, *];
// both biases), so the two forms can be run on the same weights and compared; only the
// candidate n differs. Readable first: plain loops. Spec/gru.md, "Reset before or after
// the product".
//
//   r   = σ(x W_irᵀ + b_ir + h_{t-1} W_hrᵀ + b_hr)
//   z   = σ(x W_izᵀ + b_iz + h_{t-1} W_hzᵀ + b_hz)
//   n   = tanh(x W_inᵀ + b_in + (r ⊙ h_{t-1}) W_hnᵀ + b_hn)
//   h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
//
// B = batch, H = hidden size. gates is [B, 3H] holding the activated r, z, n blocks (all
// the backward pass needs besides h_{t-1}: r ⊙ h_{t-1} is recomputed from them). Span
// lengths are checked first. The STATS 507 table's GRU lines are quoted where they are
// computed, with Γ_r = r, c̃ = n, c = a = h and Γ_u = 1 - z (Spec/gru.md).
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Recurrent;

/// <summary>The GRU with the reset gate before the product, n = tanh(x W_inᵀ + b_in + (r ⊙ h) W_hnᵀ + b_hn), on PyTorch's GRU parameters (Spec/gru.md).</summary>
public static class GruResetBeforeCell
{
    /// <summary>One step for B rows. Writes gates [B, 3H] (activated r, z, n) and h [B, H].</summary>
    public static void StepForward(
        ReadOnlySpan<double> xProj,   // [B, 3H]  x_t W_ihᵀ + b_ih
        ReadOnlySpan<double> hPrev,   // [B, H]
        ReadOnlySpan<double> Whh,     // [3H, H]
        ReadOnlySpan<double> bhh,     // [3H] or empty
        int B, int H,
        Span<double> gates,           // [B, 3H] activated r, z, n (written)
        Span<double> h)               // [B, H]  h_t (written)
    {
        Require.Size(B, nameof(B)); Require.Size(H, nameof(H));
        Require.Length(xProj, nameof(xProj), "B*3H", B, 3 * H);
        Require.Length(hPrev, nameof(hPrev), "B*H", B, H);
        Require.Length(Whh, nameof(Whh), "3H*H", 3 * H, H);
        Require.LengthOrEmpty(bhh, nameof(bhh), "3H", 3 * H);
        Require.Length(gates, nameof(gates), "B*3H", B, 3 * H);
        Require.Length(h, nameof(h), "B*H", B, H);

        var WhRz = Whh[..(2 * H * H)];                           // [2H, H] rows of r and z
        var WhN = Whh[(2 * H * H)..];                            // [H, H]  rows of n
        var bhRz = bhh.IsEmpty ? bhh : bhh[..(2 * H)];
        var bhN = bhh.IsEmpty ? bhh : bhh[(2 * H)..];

        // hhRz = h_{t-1} [W_hr W_hz]ᵀ + [b_hr b_hz]
        var hhRz = new double[B * 2 * H];                        // [B, 2H]
        MatMul.Forward(hPrev, WhRz, bhRz, B, H, 2 * H, hhRz);
        var rh = new double[B * H];                              // [B, H]  r ⊙ h_{t-1}
        for (int b = 0; b < B; b++)
        {
            var xp = xProj.Slice(b * 3 * H, 3 * H);
            var gt = gates.Slice(b * 3 * H, 3 * H);
            for (int j = 0; j < H; j++)
            {
                double r = Activations.Sigmoid(xp[j] + hhRz[b * 2 * H + j]);
                double z = Activations.Sigmoid(xp[H + j] + hhRz[b * 2 * H + H + j]);
                gt[j] = r; gt[H + j] = z;
                rh[b * H + j] = r * hPrev[b * H + j];
            }
        }

        // slide (STATS 507): c̃<t> = tanh(W_c[Γ_r ⋆ a<t-1>, x<t>] + b_c)   (Γ_r = r, a = h, c̃ = n)
        // hhN = (r ⊙ h_{t-1}) W_hnᵀ + b_hn: the reset gate scales the state before the product
        var hhN = new double[B * H];                             // [B, H]
        MatMul.Forward(rh, WhN, bhN, B, H, H, hhN);
        for (int b = 0; b < B; b++)
        {
            var xp = xProj.Slice(b * 3 * H, 3 * H);
            var gt = gates.Slice(b * 3 * H, 3 * H);
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                // n = tanh(x W_inᵀ + b_in + (r ⊙ h_{t-1}) W_hnᵀ + b_hn)
                double n = Activations.Tanh(xp[2 * H + j] + hhN[k]);
                gt[2 * H + j] = n;
                double z = gt[H + j];
                // slide (STATS 507): c<t> = Γ_u ⋆ c̃<t> + (1 - Γ_u) ⋆ c<t-1>;  a<t> = c<t>   (Γ_u = 1 - z, c = a = h)
                // h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
                h[k] = (1.0 - z) * n + z * hPrev[k];
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
        Require.Length(hPrev, nameof(hPrev), "B*H", B, H);
        Require.Length(Whh, nameof(Whh), "3H*H", 3 * H, H);
        Require.Length(dxProj, nameof(dxProj), "B*3H", B, 3 * H);
        Require.Length(dhPrev, nameof(dhPrev), "B*H", B, H);
        Require.Length(dWhh, nameof(dWhh), "3H*H", 3 * H, H);
        Require.LengthOrEmpty(dbhh, nameof(dbhh), "3H", 3 * H);
        record?.RequireSizes(B, H);

        var WhRz = Whh[..(2 * H * H)];
        var WhN = Whh[(2 * H * H)..];
        var dWhRz = dWhh[..(2 * H * H)];
        var dWhN = dWhh[(2 * H * H)..];
        var dbhRz = dbhh.IsEmpty ? dbhh : dbhh[..(2 * H)];
        var dbhN = dbhh.IsEmpty ? dbhh : dbhh[(2 * H)..];

        var daN = new double[B * H];                             // [B, H] dL/d(pre-activation of n)
        var rh = new double[B * H];                              // [B, H] r ⊙ h_{t-1}, as in forward
        for (int b = 0; b < B; b++)
        {
            var gt = gates.Slice(b * 3 * H, 3 * H);
            var dxp = dxProj.Slice(b * 3 * H, 3 * H);
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                double r = gt[j], z = gt[H + j], n = gt[2 * H + j];
                // forward: h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
                double dN = dh[k] * (1.0 - z);
                double dZ = dh[k] * (hPrev[k] - n);
                dhPrev[k] += dh[k] * z;
                // forward: n = tanh(x_n + hhN)
                daN[k] = dN * Activations.TanhGradFromOutput(n);
                // forward: z = σ(a_z)
                dxp[H + j] = dZ * Activations.SigmoidGradFromOutput(z);
                dxp[2 * H + j] = daN[k];
                rh[k] = r * hPrev[k];
                if (record is not null) { record.dZ[k] = dZ; record.dN[k] = dN; }
            }
        }

        // forward: hhN = (r ⊙ h_{t-1}) W_hnᵀ + b_hn
        var dRh = new double[B * H];                             // [B, H] dL/d(r ⊙ h_{t-1})
        MatMul.Backward(daN, rh, WhN, B, H, H, dRh, dWhN, dbhN);

        var dhhRz = new double[B * 2 * H];                       // [B, 2H] dL/d(h_{t-1} [W_hr W_hz]ᵀ + [b_hr b_hz])
        for (int b = 0; b < B; b++)
        {
            var gt = gates.Slice(b * 3 * H, 3 * H);
            var dxp = dxProj.Slice(b * 3 * H, 3 * H);
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                double r = gt[j];
                // forward: rh = r ⊙ h_{t-1}
                double dR = dRh[k] * hPrev[k];
                dhPrev[k] += dRh[k] * r;
                // forward: r = σ(a_r)
                double daR = dR * Activations.SigmoidGradFromOutput(r);
                if (record is not null) record.dR[k] = dR;
                dxp[j] = daR;
                dhhRz[b * 2 * H + j] = daR;
                dhhRz[b * 2 * H + H + j] = dxp[H + j];           // da_z reaches both projections
            }
        }

        // forward: hhRz = h_{t-1} [W_hr W_hz]ᵀ + [b_hr b_hz]
        MatMul.Backward(dhhRz, hPrev, WhRz, B, H, 2 * H, dhPrev, dWhRz, dbhRz);
    }
}
