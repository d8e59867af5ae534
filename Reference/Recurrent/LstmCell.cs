// Reference LSTM cell with its carry state c, PyTorch's nn.LSTM form (gate order i, f, g, o).
// Readable first: plain loops, no threads. Equations in Spec/lstm.md.
//
// The slides: the 95-865 lecture ("A Little Bit More Detail", Chollet's figures 6.14-6.15) says
// "Introduce a “carry” state for tracking longer term memory" and "LSTM: figure out how to
// update “carry” state": the carry state is c. The STATS 507 Week13-1 slide "LSTM" writes the
// cell in Andrew Ng's Γ notation, Γ_u = i, Γ_f = f, Γ_o = o, c̃ = g, a = h; its lines are
// quoted over the lines that compute them below, with where the slide differs.
//
//   [a_i a_f a_g a_o] = x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh      (4H pre-activations)
//   i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
//   c_t = f ⊙ c_{t-1} + i ⊙ g
//   h_t = o ⊙ tanh(c_t)
//
// B = batch, H = hidden size. gates is [B, 4H] holding the activated i, f, g, o blocks
// side by side in each row; h and c buffers are [B, H]. Span lengths are checked first.
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Recurrent;

/// <summary>PyTorch's LSTM cell with its carry state c (gates i, f, g, o), one step forward and backward (Spec/lstm.md).</summary>
public static class LstmCell
{
    /// <summary>One step for B rows: c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t). Writes gates [B, 4H] (activated i, f, g, o), c [B, H] and h [B, H].</summary>
    public static void StepForward(
        ReadOnlySpan<double> xProj,   // [B, 4H]  x_t W_ihᵀ + b_ih
        ReadOnlySpan<double> hPrev,   // [B, H]
        ReadOnlySpan<double> cPrev,   // [B, H]
        ReadOnlySpan<double> Whh,     // [4H, H]
        ReadOnlySpan<double> bhh,     // [4H] or empty
        int B, int H,
        Span<double> gates,           // [B, 4H]  activated i, f, g, o (written)
        Span<double> c,               // [B, H]   c_t (written)
        Span<double> h)               // [B, H]   h_t (written)
    {
        Require.Size(B, nameof(B)); Require.Size(H, nameof(H));
        Require.Length(xProj, nameof(xProj), "B*4H", B, 4 * H);
        Require.Length(hPrev, nameof(hPrev), "B*H", B, H);
        Require.Length(cPrev, nameof(cPrev), "B*H", B, H);
        Require.Length(Whh, nameof(Whh), "4H*H", 4 * H, H);
        Require.LengthOrEmpty(bhh, nameof(bhh), "4H", 4 * H);
        Require.Length(gates, nameof(gates), "B*4H", B, 4 * H);
        Require.Length(c, nameof(c), "B*H", B, H);
        Require.Length(h, nameof(h), "B*H", B, H);

        // a = xProj + hPrev W_hhᵀ + b_hh
        MatMul.Forward(hPrev, Whh, bhh, B, H, 4 * H, gates);
        for (int b = 0; b < B; b++)
        {
            var a = gates.Slice(b * 4 * H, 4 * H);               // gates[b, :]
            var xp = xProj.Slice(b * 4 * H, 4 * H);
            for (int j = 0; j < H; j++)
            {
                // i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
                // slide (STATS 507): c̃<t> = tanh(W_c[Γ_r ⋆ a<t-1>, x<t>] + b_c)   (c̃ = g; the slide's LSTM
                //   column has a relevance gate Γ_r here, an LSTM has none: PyTorch, Keras and Ng's lecture use a<t-1>)
                double i = Activations.Sigmoid(xp[j] + a[j]);
                double f = Activations.Sigmoid(xp[H + j] + a[H + j]);
                double g = Activations.Tanh(xp[2 * H + j] + a[2 * H + j]);
                double o = Activations.Sigmoid(xp[3 * H + j] + a[3 * H + j]);
                a[j] = i; a[H + j] = f; a[2 * H + j] = g; a[3 * H + j] = o;

                // slide (95-865): LSTM: figure out how to update “carry” state
                // slide (STATS 507): c<t> = Γ_u ⋆ c̃<t> + Γ_f ⋆ c<t-1>   (Γ_u = i, Γ_f = f, c̃ = g)
                // c_t = f ⊙ c_{t-1} + i ⊙ g
                double ct = f * cPrev[b * H + j] + i * g;
                c[b * H + j] = ct;
                // slide (STATS 507): a<t> = Γ_o ⋆ c<t>   (Γ_o = o, a = h; the slide has no tanh on c<t>:
                //   PyTorch, Keras and Ng's lecture have it, and so does this line; Spec/lstm.md)
                // h_t = o ⊙ tanh(c_t)
                h[b * H + j] = o * Activations.Tanh(ct);
            }
        }
    }

    /// <summary>
    /// Backward of one step. dh and dc are the total gradients reaching h_t and c_t (from the
    /// output at t, from step t+1, and from h_n / c_n at the last step). Writes dxProj = dL/da
    /// (the 4H pre-activation gradients) and accumulates dhPrev, dcPrev, dWhh, dbhh. A record, when
    /// given, receives the values on the way (dL/di, dL/df, dL/dg, dL/do and dL/dc_t in its two parts).
    /// </summary>
    public static void StepBackward(
        ReadOnlySpan<double> dh,      // [B, H]
        ReadOnlySpan<double> dc,      // [B, H]
        ReadOnlySpan<double> gates,   // [B, 4H] activated i, f, g, o
        ReadOnlySpan<double> c,       // [B, H]  c_t
        ReadOnlySpan<double> cPrev,   // [B, H]  c_{t-1}
        ReadOnlySpan<double> hPrev,   // [B, H]  h_{t-1}
        ReadOnlySpan<double> Whh,     // [4H, H]
        int B, int H,
        Span<double> dxProj,          // [B, 4H] dL/da (written)
        Span<double> dhPrev,          // [B, H]  +=
        Span<double> dcPrev,          // [B, H]  +=
        Span<double> dWhh,            // [4H, H] +=
        Span<double> dbhh,            // [4H]    += (empty when no bias)
        LstmBackwardRecord? record = null)  // written when given
    {
        Require.Size(B, nameof(B)); Require.Size(H, nameof(H));
        Require.Length(dh, nameof(dh), "B*H", B, H);
        Require.Length(dc, nameof(dc), "B*H", B, H);
        Require.Length(gates, nameof(gates), "B*4H", B, 4 * H);
        Require.Length(c, nameof(c), "B*H", B, H);
        Require.Length(cPrev, nameof(cPrev), "B*H", B, H);
        Require.Length(hPrev, nameof(hPrev), "B*H", B, H);
        Require.Length(Whh, nameof(Whh), "4H*H", 4 * H, H);
        Require.Length(dxProj, nameof(dxProj), "B*4H", B, 4 * H);
        Require.Length(dhPrev, nameof(dhPrev), "B*H", B, H);
        Require.Length(dcPrev, nameof(dcPrev), "B*H", B, H);
        Require.Length(dWhh, nameof(dWhh), "4H*H", 4 * H, H);
        Require.LengthOrEmpty(dbhh, nameof(dbhh), "4H", 4 * H);
        record?.RequireSizes(B, H);

        for (int b = 0; b < B; b++)
        {
            var gt = gates.Slice(b * 4 * H, 4 * H);
            var da = dxProj.Slice(b * 4 * H, 4 * H);
            for (int j = 0; j < H; j++)
            {
                int k = b * H + j;
                double i = gt[j], f = gt[H + j], g = gt[2 * H + j], o = gt[3 * H + j];
                double tc = Activations.Tanh(c[k]);

                // forward: h_t = o ⊙ tanh(c_t)
                double dO = dh[k] * tc;
                double dcFromH = dh[k] * o * (1.0 - tc * tc);
                double dcTotal = dc[k] + dcFromH;

                // forward: c_t = f ⊙ c_{t-1} + i ⊙ g
                double dI = dcTotal * g;
                double dF = dcTotal * cPrev[k];
                double dG = dcTotal * i;
                dcPrev[k] += dcTotal * f;

                if (record is not null)
                {
                    record.dI[k] = dI; record.dF[k] = dF; record.dG[k] = dG; record.dO[k] = dO;
                    record.dcFromCarry[k] = dc[k]; record.dcFromH[k] = dcFromH; record.dcTotal[k] = dcTotal;
                }

                // forward: i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
                da[j] = dI * Activations.SigmoidGradFromOutput(i);
                da[H + j] = dF * Activations.SigmoidGradFromOutput(f);
                da[2 * H + j] = dG * Activations.TanhGradFromOutput(g);
                da[3 * H + j] = dO * Activations.SigmoidGradFromOutput(o);
            }
        }

        // forward: a = xProj + hPrev W_hhᵀ + b_hh
        MatMul.Backward(dxProj, hPrev, Whh, B, H, 4 * H, dhPrev, dWhh, dbhh);
    }
}
