// The fused pointwise kernels of one forward time step (Appleyard et al.'s "one fused kernel per
// step"): the host has already computed, with gemm, the input projection xProj = x W_ih^T for all
// steps and, for this step, hh = hPrev W_hh^T. One work-item per (b, j), b < B, j < H.
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

KERNEL void rnn_step_forward(int B, int H, int t, int step, int relu, int hasBias, int DH, int col0,
                             GLOBAL const REAL* xProj, GLOBAL const REAL* hh,
                             GLOBAL const REAL* bih, GLOBAL const REAL* bhh, GLOBAL const int* lengths,
                             GLOBAL REAL* hs, GLOBAL REAL* out)
{
    const int k = GLOBAL_ID_X;
    if (k >= B * H) return;
    const int b = k / H, j = k % H;
    const REAL hPrev = hs[step * B * H + k];
    // h = act(x W_ih^T + b_ih + hPrev W_hh^T + b_hh)
    REAL a = xProj[t * B * H + k] + hh[k];
    if (hasBias) a += bih[j] + bhh[j];
    REAL h = relu ? relu_r(a) : R_TANH(a);
    const int o = (t * B + b) * DH + col0 + j;
    if (t < lengths[b]) out[o] = h;
    else { h = hPrev; out[o] = R(0); }
    hs[(step + 1) * B * H + k] = h;
}

KERNEL void lstm_step_forward(int B, int H, int t, int step, int hasBias, int DH, int col0,
                              GLOBAL const REAL* xProj, GLOBAL const REAL* hh,
                              GLOBAL const REAL* bih, GLOBAL const REAL* bhh, GLOBAL const int* lengths,
                              GLOBAL REAL* hs, GLOBAL REAL* cs, GLOBAL REAL* gates, GLOBAL REAL* out)
{
    const int k = GLOBAL_ID_X;
    if (k >= B * H) return;
    const int b = k / H, j = k % H, G = 4 * H;
    const int x0 = (t * B + b) * G, h0 = b * G;
    REAL ai = xProj[x0 + j] + hh[h0 + j];
    REAL af = xProj[x0 + H + j] + hh[h0 + H + j];
    REAL ag = xProj[x0 + 2 * H + j] + hh[h0 + 2 * H + j];
    REAL ao = xProj[x0 + 3 * H + j] + hh[h0 + 3 * H + j];
    if (hasBias)
    {
        ai += bih[j] + bhh[j];
        af += bih[H + j] + bhh[H + j];
        ag += bih[2 * H + j] + bhh[2 * H + j];
        ao += bih[3 * H + j] + bhh[3 * H + j];
    }
    // i = sigma(a_i), f = sigma(a_f), g = tanh(a_g), o = sigma(a_o)
    const REAL i = sigmoid_r(ai), f = sigmoid_r(af), g = R_TANH(ag), og = sigmoid_r(ao);
    const int gs = (step * B + b) * G;
    gates[gs + j] = i; gates[gs + H + j] = f; gates[gs + 2 * H + j] = g; gates[gs + 3 * H + j] = og;
    const REAL hPrev = hs[step * B * H + k], cPrev = cs[step * B * H + k];
    // c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
    REAL c = f * cPrev + i * g;
    REAL h = og * R_TANH(c);
    const int o = (t * B + b) * DH + col0 + j;
    if (t < lengths[b]) out[o] = h;
    else { h = hPrev; c = cPrev; out[o] = R(0); }
    hs[(step + 1) * B * H + k] = h;
    cs[(step + 1) * B * H + k] = c;
}

KERNEL void gru_step_forward(int B, int H, int t, int step, int hasBias, int DH, int col0,
                             GLOBAL const REAL* xProj, GLOBAL const REAL* hh,
                             GLOBAL const REAL* bih, GLOBAL const REAL* bhh, GLOBAL const int* lengths,
                             GLOBAL REAL* hs, GLOBAL REAL* gates, GLOBAL REAL* hhN, GLOBAL REAL* out)
{
    const int k = GLOBAL_ID_X;
    if (k >= B * H) return;
    const int b = k / H, j = k % H, G = 3 * H;
    const int x0 = (t * B + b) * G, h0 = b * G;
    REAL xr = xProj[x0 + j], xz = xProj[x0 + H + j], xn = xProj[x0 + 2 * H + j];
    REAL hr = hh[h0 + j], hz = hh[h0 + H + j], hn = hh[h0 + 2 * H + j];
    if (hasBias)
    {
        xr += bih[j]; xz += bih[H + j]; xn += bih[2 * H + j];
        hr += bhh[j]; hz += bhh[H + j]; hn += bhh[2 * H + j];
    }
    // r = sigma(x_r + h_r), z = sigma(x_z + h_z), n = tanh(x_n + r * (hPrev W_hn^T + b_hn))
    const REAL r = sigmoid_r(xr + hr), z = sigmoid_r(xz + hz);
    const REAL n = R_TANH(xn + r * hn);
    const int gs = (step * B + b) * G;
    gates[gs + j] = r; gates[gs + H + j] = z; gates[gs + 2 * H + j] = n;
    hhN[step * B * H + k] = hn;
    const REAL hPrev = hs[step * B * H + k];
    // h_t = (1 - z) * n + z * h_{t-1}
    REAL h = (R(1) - z) * n + z * hPrev;
    const int o = (t * B + b) * DH + col0 + j;
    if (t < lengths[b]) out[o] = h;
    else { h = hPrev; out[o] = R(0); }
    hs[(step + 1) * B * H + k] = h;
}
