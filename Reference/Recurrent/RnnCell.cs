// Reference Elman RNN cell, PyTorch's nn.RNN form. Readable first: plain loops, no threads.
// Equations in Spec/rnn.md.
//
//   h_t = act(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh),   act = tanh or relu
//
// B = batch, H = hidden size; every buffer is row-major [B, H]; span lengths are checked first.
// The input projection xProj = x_t W_ihᵀ + b_ih does not depend on the state, so the
// sequence driver (RecurrentLayer) computes it for all steps before the time loop; a step
// only adds the recurrent part.
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Recurrent;

/// <summary>PyTorch's Elman RNN cell, h_t = act(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh) with act tanh or relu, one step forward and backward (Spec/rnn.md).</summary>
public static class RnnCell
{
    /// <summary>One step for B rows: h = act(xProj + hPrev W_hhᵀ + b_hh).</summary>
    public static void StepForward(
        ReadOnlySpan<double> xProj,   // [B, H]  x_t W_ihᵀ + b_ih
        ReadOnlySpan<double> hPrev,   // [B, H]  h_{t-1}
        ReadOnlySpan<double> Whh,     // [H, H]
        ReadOnlySpan<double> bhh,     // [H], or empty when the layer has no bias
        bool relu,
        int B, int H,
        Span<double> h)               // [B, H]  h_t (written)
    {
        Require.Size(B, nameof(B)); Require.Size(H, nameof(H));
        Require.Length(xProj, nameof(xProj), "B*H", B, H);
        Require.Length(hPrev, nameof(hPrev), "B*H", B, H);
        Require.Length(Whh, nameof(Whh), "H*H", H, H);
        Require.LengthOrEmpty(bhh, nameof(bhh), "H", H);
        Require.Length(h, nameof(h), "B*H", B, H);

        // slide (95-865 lecture, SimpleRNN): output = activation(np.dot(W, input) + np.dot(U, current_state) + b)
        //   (W = W_ih, U = W_hh, b = b_ih + b_hh: PyTorch's "Second bias vector included for CuDNN
        //   compatibility. Only one bias vector is needed in standard definition.", 95-865 recitation)
        // a = hPrev W_hhᵀ + b_hh
        MatMul.Forward(hPrev, Whh, bhh, B, H, H, h);
        for (int k = 0; k < B * H; k++)
        {
            double a = xProj[k] + h[k];
            h[k] = relu ? Activations.Relu(a) : Activations.Tanh(a);
        }
    }

    /// <summary>
    /// Backward of one step. Given dh = dL/dh_t, writes dxProj = dL/d(pre-activation) (which is also
    /// the step's contribution to db_ih and db_hh) and accumulates dhPrev, dWhh, dbhh. dh is the
    /// gradient after the nonlinearity, dxProj the one before it; a record, when given, receives the
    /// slope act'(a) between them.
    /// </summary>
    public static void StepBackward(
        ReadOnlySpan<double> dh,      // [B, H]  dL/dh_t
        ReadOnlySpan<double> h,       // [B, H]  h_t from the forward step
        ReadOnlySpan<double> hPrev,   // [B, H]  h_{t-1}
        ReadOnlySpan<double> Whh,     // [H, H]
        bool relu,
        int B, int H,
        Span<double> dxProj,          // [B, H]  dL/da (written)
        Span<double> dhPrev,          // [B, H]  += dL/dh_{t-1}
        Span<double> dWhh,            // [H, H]  +=
        Span<double> dbhh,            // [H]     += (empty when no bias)
        RnnBackwardRecord? record = null)  // written when given
    {
        Require.Size(B, nameof(B)); Require.Size(H, nameof(H));
        Require.Length(dh, nameof(dh), "B*H", B, H);
        Require.Length(h, nameof(h), "B*H", B, H);
        Require.Length(hPrev, nameof(hPrev), "B*H", B, H);
        Require.Length(Whh, nameof(Whh), "H*H", H, H);
        Require.Length(dxProj, nameof(dxProj), "B*H", B, H);
        Require.Length(dhPrev, nameof(dhPrev), "B*H", B, H);
        Require.Length(dWhh, nameof(dWhh), "H*H", H, H);
        Require.LengthOrEmpty(dbhh, nameof(dbhh), "H", H);
        record?.RequireSizes(B, H);

        // forward: h = act(a)
        // relu'(a) = 1 where a > 0, else 0 (also at a = 0 exactly); h = a where a > 0, so test h.
        // tanh'(a) = 1 - h^2
        for (int k = 0; k < B * H; k++)
        {
            double actGrad = relu ? Activations.ReluGrad(h[k]) : Activations.TanhGradFromOutput(h[k]);
            dxProj[k] = dh[k] * actGrad;
            if (record is not null) record.ActGrad[k] = actGrad;
        }

        // forward: a = xProj + hPrev W_hhᵀ + b_hh
        MatMul.Backward(dxProj, hPrev, Whh, B, H, H, dhPrev, dWhh, dbhh);
    }
}
