// The fused pointwise kernels of one forward time step (Appleyard et al.'s "one fused kernel per
// step"): the host has already computed, with gemm, the input projection xProj = x W_ih^T for all
// steps and, for this step, hh = hPrev W_hh^T. One work-item per run of `run` neighbouring hidden
// units j of one batch row b (GpuDevice.PointwiseRun: 16 on a CPU device, 1 on a GPU).
// The equations are those of Reference/Recurrent/RnnCell.cs, LstmCell.cs and GruCell.cs.
//
// B = batch, H = hidden size, G = gate blocks (1, 4, 3), D = directions.
//   xProj  [T, B, G*H]  by time t            hh     [B, G*H]  this step only
//   bih, bhh [G*H]      read when hasBias     lengths [B]      valid steps per batch element
//   hs, cs [T+1, B, H]  by step s: hs[s] is the state before step s, hs[s+1] is written
//   gates  [T, B, G*H]  by step, activated gates (LSTM i, f, g, o; GRU r, z, n)
//   hhN    [T, B, H]    by step, GRU only: hPrev W_hn^T + b_hn
//   out    [T, B, D*H]  the layer's output; this direction writes columns col0 .. col0 + H - 1
// Past an element's length (t >= lengths[b]) the cell is still evaluated (so every cache entry is
// defined) but the state is carried unchanged and the output is zero, as in the reference.
// Every choice below (bias or not, relu or tanh, past the length or not) is a ?: between values
// already computed, and the activations are portable.h's call-free forms, so that a CPU device can
// vectorise the loop over a run (Spec/gpu.md, "Pointwise kernels on a CPU device"). The pointers are
// RESTRICT: the host never passes one buffer twice.
// Without bias the host passes a zero-filled bih and bhh of G*H elements, so the loads are always in
// range.

// mirrors RnnCell.StepForward (Reference/Recurrent/RnnCell.cs)
KERNEL void rnn_step_forward(int B, int H, int run, int t, int step, int relu, int hasBias, int DH, int col0,
                             GLOBAL const REAL* RESTRICT xProj, GLOBAL const REAL* RESTRICT hh,
                             GLOBAL const REAL* RESTRICT bih, GLOBAL const REAL* RESTRICT bhh, GLOBAL const int* RESTRICT lengths,
                             GLOBAL REAL* RESTRICT hs, GLOBAL REAL* RESTRICT out)
{
    // batch row b, hidden units j0 .. j1-1
    const StepUnits u = step_units(B, H, run);
    if (!u.in_range) return;
    const int b = u.b, j0 = u.j0, j1 = u.j1;
    const int valid = t < lengths[b];
    for (int j = j0; j < j1; j++)
    {
        const int k = b * H + j;
        const REAL hPrev = hs[step * B * H + k];
        // h = act(x W_ih^T + b_ih + hPrev W_hh^T + b_hh)
        const REAL bias = bih[j] + bhh[j];
        const REAL a = xProj[t * B * H + k] + hh[k] + (hasBias ? bias : R(0));
        const REAL h = relu ? relu_r(a) : tanh_r(a);
        out[(t * B + b) * DH + col0 + j] = valid ? h : R(0);
        hs[(step + 1) * B * H + k] = valid ? h : hPrev;
    }
}

// mirrors LstmCell.StepForward (Reference/Recurrent/LstmCell.cs)
KERNEL void lstm_step_forward(int B, int H, int run, int t, int step, int hasBias, int DH, int col0,
                              GLOBAL const REAL* RESTRICT xProj, GLOBAL const REAL* RESTRICT hh,
                              GLOBAL const REAL* RESTRICT bih, GLOBAL const REAL* RESTRICT bhh, GLOBAL const int* RESTRICT lengths,
                              GLOBAL REAL* RESTRICT hs, GLOBAL REAL* RESTRICT cs, GLOBAL REAL* RESTRICT gates, GLOBAL REAL* RESTRICT out)
{
    const int G = 4 * H;
    // batch row b, hidden units j0 .. j1-1
    const StepUnits u = step_units(B, H, run);
    if (!u.in_range) return;
    const int b = u.b, j0 = u.j0, j1 = u.j1;
    const int valid = t < lengths[b];
    const int x0 = (t * B + b) * G, h0 = b * G;
    for (int j = j0; j < j1; j++)
    {
        const int k = b * H + j;
        // a = x W_ih^T + b_ih + hPrev W_hh^T + b_hh, for each gate block
        const REAL bi = bih[j] + bhh[j], bf = bih[H + j] + bhh[H + j];
        const REAL bg = bih[2 * H + j] + bhh[2 * H + j], bo = bih[3 * H + j] + bhh[3 * H + j];
        const REAL ai = xProj[x0 + j] + hh[h0 + j] + (hasBias ? bi : R(0));
        const REAL af = xProj[x0 + H + j] + hh[h0 + H + j] + (hasBias ? bf : R(0));
        const REAL ag = xProj[x0 + 2 * H + j] + hh[h0 + 2 * H + j] + (hasBias ? bg : R(0));
        const REAL ao = xProj[x0 + 3 * H + j] + hh[h0 + 3 * H + j] + (hasBias ? bo : R(0));
        // i = sigma(a_i), f = sigma(a_f), g = tanh(a_g), o = sigma(a_o)
        const REAL i = sigmoid_r(ai), f = sigmoid_r(af), g = tanh_r(ag), og = sigmoid_r(ao);
        const int gs = (step * B + b) * G;
        gates[gs + j] = i; gates[gs + H + j] = f; gates[gs + 2 * H + j] = g; gates[gs + 3 * H + j] = og;
        const REAL hPrev = hs[step * B * H + k], cPrev = cs[step * B * H + k];
        // c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
        const REAL c = f * cPrev + i * g;
        const REAL h = og * tanh_r(c);
        out[(t * B + b) * DH + col0 + j] = valid ? h : R(0);
        hs[(step + 1) * B * H + k] = valid ? h : hPrev;
        cs[(step + 1) * B * H + k] = valid ? c : cPrev;
    }
}

// mirrors GruCell.StepForward (Reference/Recurrent/GruCell.cs), PyTorch's reset-after form
KERNEL void gru_step_forward(int B, int H, int run, int t, int step, int hasBias, int DH, int col0,
                             GLOBAL const REAL* RESTRICT xProj, GLOBAL const REAL* RESTRICT hh,
                             GLOBAL const REAL* RESTRICT bih, GLOBAL const REAL* RESTRICT bhh, GLOBAL const int* RESTRICT lengths,
                             GLOBAL REAL* RESTRICT hs, GLOBAL REAL* RESTRICT gates, GLOBAL REAL* RESTRICT hhN, GLOBAL REAL* RESTRICT out)
{
    const int G = 3 * H;
    // batch row b, hidden units j0 .. j1-1
    const StepUnits u = step_units(B, H, run);
    if (!u.in_range) return;
    const int b = u.b, j0 = u.j0, j1 = u.j1;
    const int valid = t < lengths[b];
    const int x0 = (t * B + b) * G, h0 = b * G;
    for (int j = j0; j < j1; j++)
    {
        const int k = b * H + j;
        // x_* = x W_i*^T + b_i*,  h_* = hPrev W_h*^T + b_h*
        const REAL bir = bih[j], biz = bih[H + j], bin = bih[2 * H + j];
        const REAL bhr = bhh[j], bhz = bhh[H + j], bhn = bhh[2 * H + j];
        const REAL xr = xProj[x0 + j] + (hasBias ? bir : R(0));
        const REAL xz = xProj[x0 + H + j] + (hasBias ? biz : R(0));
        const REAL xn = xProj[x0 + 2 * H + j] + (hasBias ? bin : R(0));
        const REAL hr = hh[h0 + j] + (hasBias ? bhr : R(0));
        const REAL hz = hh[h0 + H + j] + (hasBias ? bhz : R(0));
        const REAL hn = hh[h0 + 2 * H + j] + (hasBias ? bhn : R(0));
        // r = sigma(x_r + h_r), z = sigma(x_z + h_z), n = tanh(x_n + r * (hPrev W_hn^T + b_hn))
        const REAL r = sigmoid_r(xr + hr), z = sigmoid_r(xz + hz);
        const REAL n = tanh_r(xn + r * hn);
        const int gs = (step * B + b) * G;
        gates[gs + j] = r; gates[gs + H + j] = z; gates[gs + 2 * H + j] = n;
        hhN[step * B * H + k] = hn;
        const REAL hPrev = hs[step * B * H + k];
        // h_t = (1 - z) * n + z * h_{t-1}
        const REAL h = (R(1) - z) * n + z * hPrev;
        out[(t * B + b) * DH + col0 + j] = valid ? h : R(0);
        hs[(step + 1) * B * H + k] = valid ? h : hPrev;
    }
}
