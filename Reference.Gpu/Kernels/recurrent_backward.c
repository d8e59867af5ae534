// The fused pointwise kernels of one backward time step. The host runs the steps in reverse; after
// each of these it adds dhPrev += dGh[s] W_hh with gemm, and after the loop it forms the weight
// gradients as single products over all steps (dW_hh = dGh^T hs[0..T-1], dW_ih = dGx^T x) and the
// bias gradients with column_sum. One work-item per run of neighbouring hidden units of a batch row,
// as in the forward kernels. Same equations as the reference cells' StepBackward
// (Reference/Recurrent/*Cell.cs); the forward line is repeated above its derivative.
//
//   dOut   [T, B, D*H]  upstream gradient of the layer's output (columns col0 .. col0 + H - 1)
//   dhNext, dcNext [B, H]  gradient reaching the state after this step (from step s+1, or dh_n / dc_n)
//   dhPrev, dcPrev [B, H]  written: the pointwise part of the gradient of the state before this step
//   dGx    [T, B, G*H]  written at time t: dL/d(x W_ih^T + b_ih), for dW_ih, dx and db_ih
//   dGh    [T, B, G*H]  written at step s: dL/d(hPrev W_hh^T + b_hh), for dhPrev, dW_hh and db_hh
//                       (the same values as dGx except the GRU's n block, which r multiplies)
// Past an element's length the gradient reaching h and c passes straight to the previous state.
// As in the forward kernels, every choice is a ?: between computed values and tanh is portable.h's
// call-free form, so that a CPU device can vectorise the loop over a run; every load is unconditional.

// mirrors RnnCell.StepBackward (Reference/Recurrent/RnnCell.cs)
KERNEL void rnn_step_backward(int B, int H, int run, int t, int step, int relu, int DH, int col0,
                              GLOBAL const REAL* RESTRICT dOut, GLOBAL const REAL* RESTRICT dhNext,
                              GLOBAL const REAL* RESTRICT hs, GLOBAL const int* RESTRICT lengths,
                              GLOBAL REAL* RESTRICT dGx, GLOBAL REAL* RESTRICT dGh, GLOBAL REAL* RESTRICT dhPrev)
{
    // batch row b, hidden units j0 .. j1-1
    const StepUnits u = step_units(B, H, run);
    if (!u.in_range) return;
    const int b = u.b, j0 = u.j0, j1 = u.j1;
    const int valid = t < lengths[b];
    for (int j = j0; j < j1; j++)
    {
        const int k = b * H + j;
        const REAL dhIn = dhNext[k] + dOut[(t * B + b) * DH + col0 + j];   // from step s+1 and from the output
        const REAL dh = valid ? dhIn : R(0);
        const REAL h = hs[(step + 1) * B * H + k];
        // forward: h = act(a); relu'(a) = 1 where h > 0 else 0, tanh'(a) = 1 - h^2
        const REAL da = dh * (relu ? (h <= R(0) ? R(0) : R(1)) : R(1) - h * h);   // a select, no branch
        dGx[t * B * H + k] = da;
        dGh[step * B * H + k] = da;
        dhPrev[k] = valid ? R(0) : dhNext[k];
    }
}

// mirrors LstmCell.StepBackward (Reference/Recurrent/LstmCell.cs)
KERNEL void lstm_step_backward(int B, int H, int run, int t, int step, int DH, int col0,
                               GLOBAL const REAL* RESTRICT dOut, GLOBAL const REAL* RESTRICT dhNext, GLOBAL const REAL* RESTRICT dcNext,
                               GLOBAL const REAL* RESTRICT hs, GLOBAL const REAL* RESTRICT cs, GLOBAL const REAL* RESTRICT gates,
                               GLOBAL const int* RESTRICT lengths,
                               GLOBAL REAL* RESTRICT dGx, GLOBAL REAL* RESTRICT dGh, GLOBAL REAL* RESTRICT dhPrev, GLOBAL REAL* RESTRICT dcPrev)
{
    const int G = 4 * H;
    // batch row b, hidden units j0 .. j1-1
    const StepUnits u = step_units(B, H, run);
    if (!u.in_range) return;
    const int b = u.b, j0 = u.j0, j1 = u.j1;
    const int valid = t < lengths[b];
    for (int j = j0; j < j1; j++)
    {
        const int k = b * H + j;
        const REAL dhIn = dhNext[k] + dOut[(t * B + b) * DH + col0 + j];   // from step s+1 and from the output
        const REAL dh = valid ? dhIn : R(0);
        const REAL dcIn = dcNext[k];
        const REAL dc = valid ? dcIn : R(0);
        const int gs = (step * B + b) * G;
        const REAL i = gates[gs + j], f = gates[gs + H + j], g = gates[gs + 2 * H + j], og = gates[gs + 3 * H + j];
        const REAL c = cs[(step + 1) * B * H + k], cPrev = cs[step * B * H + k];
        const REAL tc = tanh_r(c);
        // forward: h_t = o * tanh(c_t)
        const REAL dO = dh * tc;
        const REAL dcTotal = dc + dh * og * (R(1) - tc * tc);
        // forward: c_t = f * c_{t-1} + i * g
        const REAL dI = dcTotal * g, dF = dcTotal * cPrev, dG = dcTotal * i;
        dcPrev[k] = dcTotal * f + (valid ? R(0) : dcIn);
        // forward: i = sigma(a_i), f = sigma(a_f), g = tanh(a_g), o = sigma(a_o)
        const REAL dai = dI * i * (R(1) - i), daf = dF * f * (R(1) - f);
        const REAL dag = dG * (R(1) - g * g), dao = dO * og * (R(1) - og);
        const int xt = (t * B + b) * G;
        dGx[xt + j] = dai; dGx[xt + H + j] = daf; dGx[xt + 2 * H + j] = dag; dGx[xt + 3 * H + j] = dao;
        dGh[gs + j] = dai; dGh[gs + H + j] = daf; dGh[gs + 2 * H + j] = dag; dGh[gs + 3 * H + j] = dao;
        dhPrev[k] = valid ? R(0) : dhNext[k];
    }
}

// mirrors GruCell.StepBackward (Reference/Recurrent/GruCell.cs), PyTorch's reset-after form
KERNEL void gru_step_backward(int B, int H, int run, int t, int step, int DH, int col0,
                              GLOBAL const REAL* RESTRICT dOut, GLOBAL const REAL* RESTRICT dhNext,
                              GLOBAL const REAL* RESTRICT hs, GLOBAL const REAL* RESTRICT gates, GLOBAL const REAL* RESTRICT hhN,
                              GLOBAL const int* RESTRICT lengths,
                              GLOBAL REAL* RESTRICT dGx, GLOBAL REAL* RESTRICT dGh, GLOBAL REAL* RESTRICT dhPrev)
{
    const int G = 3 * H;
    // batch row b, hidden units j0 .. j1-1
    const StepUnits u = step_units(B, H, run);
    if (!u.in_range) return;
    const int b = u.b, j0 = u.j0, j1 = u.j1;
    const int valid = t < lengths[b];
    for (int j = j0; j < j1; j++)
    {
        const int k = b * H + j;
        const REAL dhIn = dhNext[k] + dOut[(t * B + b) * DH + col0 + j];   // from step s+1 and from the output
        const REAL dh = valid ? dhIn : R(0);
        const int gs = (step * B + b) * G;
        const REAL r = gates[gs + j], z = gates[gs + H + j], n = gates[gs + 2 * H + j];
        const REAL hn = hhN[step * B * H + k], hPrev = hs[step * B * H + k];
        // forward: h_t = (1 - z) * n + z * h_{t-1}
        const REAL dN = dh * (R(1) - z), dZ = dh * (hPrev - n);
        // forward: n = tanh(x_n + r * hn)
        const REAL daN = dN * (R(1) - n * n);
        const REAL dR = daN * hn;
        // forward: r = sigma(x_r + h_r), z = sigma(x_z + h_z)
        const REAL daR = dR * r * (R(1) - r), daZ = dZ * z * (R(1) - z);
        const int xt = (t * B + b) * G;
        dGx[xt + j] = daR; dGx[xt + H + j] = daZ; dGx[xt + 2 * H + j] = daN;
        dGh[gs + j] = daR; dGh[gs + H + j] = daZ; dGh[gs + 2 * H + j] = daN * r;   // r multiplies hPrev W_hn^T + b_hn
        dhPrev[k] = dh * z + (valid ? R(0) : dhNext[k]);
    }
}
