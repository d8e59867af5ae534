// copy-of: Reference/Recurrent/RecurrentLayer.cs sha256:03d2a67d69b0a44790824919f513780aa7f538021030f86e41d6146191182c99
// A deliberate copy of RecurrentLayer.DirectionForward / DirectionBackward (the time loop of
// one layer and direction, and its reverse), cut down to one layer, one direction and no
// lengths (so without the "past an element's length" passes), with the mistakes written in:
//   forward   int from = mistake == NotCarried ? 0 : t   RecurrentLayer: always the previous step's state
//             two more cells in the switch (LstmWithoutCellTanh, GruBiasOutsideResetCell, the mistaken
//             cells); GruResetBeforeCell is in both
//   backward  (dh, dc) = mistake switch ...              RecurrentLayer: dh = dhNext + dOutput[t], dc = dcNext
//             NotCarried adds every step's dhPrev, dcPrev to dH0, dC0, and the state's gradient is
//             not carried; NoBpttThroughState drops dhNext
// When RecurrentLayer.cs changes, carry the change over (the time loops; the stack, batch_first,
// lengths and the per-step record of Backward(..., recordSteps) are not copied) and record its
// new hash (DeliberateCopyTests).
//
// One LSTM or GRU layer (one direction, no lengths) run the way an implementation with a known
// mistake runs it: with a mistaken cell (the table's h = o ⊙ c, the reset-before GRU, b_hn
// outside the reset product) and/or a
// mistake in how the state moves between steps. With GatedCellForm.Lstm / Gru and
// StateMistake.None it computes exactly what RecurrentLayer computes (a test holds that).
// Readable first: plain loops over the reference's own step functions.
//
// T = steps, B = batch, I = input size, H = hidden size, G = gate blocks (LSTM 4, GRU 3);
// every buffer is row-major and time-major.
using Rnn.Reference.Numerics;
using Rnn.Reference.Recurrent;

namespace Rnn.Grading.Diagnosis;

/// <summary>Which cell the layer runs.</summary>
public enum GatedCellForm
{
    /// <summary>PyTorch's LSTM (LstmCell).</summary>
    Lstm,

    /// <summary>The LSTM with h = o ⊙ c (LstmWithoutCellTanh).</summary>
    LstmWithoutCellTanh,

    /// <summary>PyTorch's GRU, reset after the product (GruCell).</summary>
    Gru,

    /// <summary>The GRU with the reset gate before the product (GruResetBeforeCell).</summary>
    GruResetBefore,

    /// <summary>The GRU with b_hn outside the reset product: r ⊙ (h W_hnᵀ) + b_hn (GruBiasOutsideResetCell).</summary>
    GruBiasOutsideReset,
}

/// <summary>How a mistaken implementation moves the state (and its gradient) between steps.</summary>
public enum StateMistake
{
    /// <summary>The state is carried forward and its gradient carried back (BPTT).</summary>
    None,

    /// <summary>
    /// Every step starts from the initial state (h0, and c0 for an LSTM) instead of the previous
    /// step's. The backward pass is this function's exact gradient: nothing flows between steps,
    /// and every step's gradient of its starting state adds to dh0 (dc0).
    /// </summary>
    NotCarried,

    /// <summary>
    /// The forward pass is right; the backward pass drops dh_next: the gradient reaching h_t is
    /// only dOutput[t] (so the gradient of h_n, which enters through dh_next, is lost too); the
    /// gradient of h_{t-1} computed at step t is thrown away, except at t = 0 where it is
    /// returned as dh0. An LSTM's carry gradient dc still flows back (from dc_n) as in BPTT.
    /// </summary>
    NoBpttThroughState,
}

/// <summary>
/// One layer's inputs, time-major: X [T, B, I], H0 and C0 [B, H] (C0 ignored by a GRU),
/// Wih [G*H, I], Whh [G*H, H], Bih and Bhh [G*H] (empty arrays when the layer has no bias).
/// </summary>
public sealed record GatedLayerInput(
    GatedCellForm Cell, int T, int B, int I, int H,
    double[] X, double[] H0, double[] C0,
    double[] Wih, double[] Whh, double[] Bih, double[] Bhh)
{
    public bool IsLstm => Cell is GatedCellForm.Lstm or GatedCellForm.LstmWithoutCellTanh;

    public int Gates => IsLstm ? 4 : 3;

    /// <summary>Throws ArgumentException naming the first array whose length does not fit the sizes.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Cell)) throw new ArgumentException($"Cell {(int)Cell} is not a GatedCellForm", nameof(Cell));
        if (T < 1 || B < 1 || I < 1 || H < 1)
            throw new ArgumentException($"sizes T={T}, B={B}, I={I}, H={H} must all be at least 1", nameof(T));
        int GH = Gates * H;
        Expect(X, nameof(X), T * B * I, $"[T, B, I] = [{T}, {B}, {I}]");
        Expect(H0, nameof(H0), B * H, $"[B, H] = [{B}, {H}]");
        if (IsLstm) Expect(C0, nameof(C0), B * H, $"[B, H] = [{B}, {H}]");
        Expect(Wih, nameof(Wih), GH * I, $"[G*H, I] = [{GH}, {I}]");
        Expect(Whh, nameof(Whh), GH * H, $"[G*H, H] = [{GH}, {H}]");
        if (Bih.Length != 0 || Bhh.Length != 0)
        {
            Expect(Bih, nameof(Bih), GH, $"[G*H] = [{GH}] (or both biases empty)");
            Expect(Bhh, nameof(Bhh), GH, $"[G*H] = [{GH}] (or both biases empty)");
        }
    }

    internal static void Expect(double[] a, string name, int length, string shape)
    {
        ArgumentNullException.ThrowIfNull(a, name);
        if (a.Length != length)
            throw new ArgumentException($"{name} has {a.Length} elements but {shape} needs {length}", name);
    }
}

/// <summary>
/// Output [T, B, H], HN and CN [B, H]; the cache: Hs and Cs [T+1, B, H] (index s+1 is the state
/// after step s), Gates [T, B, G*H], HhN [T, B, H] (the reset-after GRUs only: h W_hnᵀ, + b_hn for Gru).
/// </summary>
public sealed record GatedLayerForward(
    double[] Output, double[] HN, double[] CN,
    double[] Hs, double[] Cs, double[] Gates, double[] HhN);

/// <summary>Gradients shaped as GatedLayerInput's arrays (dBih, dBhh empty without bias).</summary>
public sealed record GatedLayerGradients(
    double[] dX, double[] dH0, double[] dC0, double[] dWih, double[] dWhh, double[] dBih, double[] dBhh);

public static class GatedRnnUnderMistake
{
    public static GatedLayerForward Forward(GatedLayerInput p, StateMistake mistake)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        CheckMistake(mistake);
        int T = p.T, B = p.B, I = p.I, H = p.H, GH = p.Gates * H;
        var xProj = new double[T * B * GH];                                  // [T, B, G*H]
        MatMul.Forward(p.X, p.Wih, p.Bih, T * B, I, GH, xProj);

        var hs = new double[(T + 1) * B * H];                                // [T+1, B, H]
        var cs = new double[(T + 1) * B * H];                                // [T+1, B, H] (LSTM)
        var gates = new double[T * B * GH];                                  // [T, B, G*H]
        var hhN = new double[T * B * H];                                     // [T, B, H]
        p.H0.CopyTo(hs, 0);
        if (p.IsLstm) p.C0.CopyTo(cs, 0);
        for (int t = 0; t < T; t++)
        {
            // right: current_state = output after every step; NotCarried: every step starts from h0 (c0)
            int from = mistake == StateMistake.NotCarried ? 0 : t;
            var hPrev = hs.AsSpan(from * B * H, B * H);
            var cPrev = cs.AsSpan(from * B * H, B * H);
            var xp = xProj.AsSpan(t * B * GH, B * GH);
            var gt = gates.AsSpan(t * B * GH, B * GH);
            var h = hs.AsSpan((t + 1) * B * H, B * H);
            var c = cs.AsSpan((t + 1) * B * H, B * H);
            switch (p.Cell)
            {
                case GatedCellForm.Lstm:
                    LstmCell.StepForward(xp, hPrev, cPrev, p.Whh, p.Bhh, B, H, gt, c, h);
                    break;
                case GatedCellForm.LstmWithoutCellTanh:
                    LstmWithoutCellTanh.StepForward(xp, hPrev, cPrev, p.Whh, p.Bhh, B, H, gt, c, h);
                    break;
                case GatedCellForm.Gru:
                    GruCell.StepForward(xp, hPrev, p.Whh, p.Bhh, B, H, gt, hhN.AsSpan(t * B * H, B * H), h);
                    break;
                case GatedCellForm.GruResetBefore:
                    GruResetBeforeCell.StepForward(xp, hPrev, p.Whh, p.Bhh, B, H, gt, h);
                    break;
                case GatedCellForm.GruBiasOutsideReset:
                    GruBiasOutsideResetCell.StepForward(xp, hPrev, p.Whh, p.Bhh, B, H, gt, hhN.AsSpan(t * B * H, B * H), h);
                    break;
            }
        }
        var output = hs.AsSpan(B * H).ToArray();                             // [T, B, H] = hs[1..T]
        return new GatedLayerForward(output,
            hs.AsSpan(T * B * H, B * H).ToArray(), cs.AsSpan(T * B * H, B * H).ToArray(),
            hs, cs, gates, hhN);
    }

    /// <summary>dOutput [T, B, H], dHN and dCN [B, H] (dCN is ignored by a GRU).</summary>
    public static GatedLayerGradients Backward(
        GatedLayerInput p, GatedLayerForward f, StateMistake mistake,
        double[] dOutput, double[] dHN, double[] dCN)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(f);
        p.Validate();
        CheckMistake(mistake);
        int T = p.T, B = p.B, I = p.I, H = p.H, GH = p.Gates * H;
        GatedLayerInput.Expect(dOutput, nameof(dOutput), T * B * H, $"[T, B, H] = [{T}, {B}, {H}]");
        GatedLayerInput.Expect(dHN, nameof(dHN), B * H, $"[B, H] = [{B}, {H}]");
        if (p.IsLstm) GatedLayerInput.Expect(dCN, nameof(dCN), B * H, $"[B, H] = [{B}, {H}]");
        if (f.Hs.Length != (T + 1) * B * H || f.Gates.Length != T * B * GH)
            throw new ArgumentException($"f holds the cache of another layer: Hs has {f.Hs.Length} elements, [T+1, B, H] needs {(T + 1) * B * H}", nameof(f));
        var dWih = new double[p.Wih.Length];
        var dWhh = new double[p.Whh.Length];
        var dBih = new double[p.Bih.Length];
        var dBhh = new double[p.Bhh.Length];
        var dH0 = new double[B * H];
        var dC0 = new double[B * H];
        var dxProj = new double[T * B * GH];                                 // [T, B, G*H]
        var dhNext = (double[])dHN.Clone();                                  // [B, H] gradient reaching h_t from later
        var dcNext = p.IsLstm ? (double[])dCN.Clone() : new double[B * H];   // [B, H] gradient reaching c_t from later
        var dh = new double[B * H];
        var dc = new double[B * H];
        for (int t = T - 1; t >= 0; t--)
        {
            for (int k = 0; k < B * H; k++)
            {
                double dOut = dOutput[t * B * H + k];
                (dh[k], dc[k]) = mistake switch
                {
                    // every step's state reaches the loss only through its own output (and h_n, c_n at the last step)
                    StateMistake.NotCarried => (dOut + (t == T - 1 ? dHN[k] : 0.0), t == T - 1 && p.IsLstm ? dCN[k] : 0.0),
                    // dh = dOutput[t]: dh_next (and with it dh_n) is dropped; dc still flows
                    StateMistake.NoBpttThroughState => (dOut, dcNext[k]),
                    // BPTT: dh = dOutput[t] + dh_next
                    _ => (dOut + dhNext[k], dcNext[k]),
                };
            }

            int from = mistake == StateMistake.NotCarried ? 0 : t;
            var hPrev = f.Hs.AsSpan(from * B * H, B * H);
            var cPrev = f.Cs.AsSpan(from * B * H, B * H);
            var c = f.Cs.AsSpan((t + 1) * B * H, B * H);
            var gt = f.Gates.AsSpan(t * B * GH, B * GH);
            var dxp = dxProj.AsSpan(t * B * GH, B * GH);
            var dhPrev = new double[B * H];
            var dcPrev = new double[B * H];
            switch (p.Cell)
            {
                case GatedCellForm.Lstm:
                    LstmCell.StepBackward(dh, dc, gt, c, cPrev, hPrev, p.Whh, B, H, dxp, dhPrev, dcPrev, dWhh, dBhh);
                    break;
                case GatedCellForm.LstmWithoutCellTanh:
                    LstmWithoutCellTanh.StepBackward(dh, dc, gt, c, cPrev, hPrev, p.Whh, B, H, dxp, dhPrev, dcPrev, dWhh, dBhh);
                    break;
                case GatedCellForm.Gru:
                    GruCell.StepBackward(dh, gt, f.HhN.AsSpan(t * B * H, B * H), hPrev, p.Whh, B, H, dxp, dhPrev, dWhh, dBhh);
                    break;
                case GatedCellForm.GruResetBefore:
                    GruResetBeforeCell.StepBackward(dh, gt, hPrev, p.Whh, B, H, dxp, dhPrev, dWhh, dBhh);
                    break;
                case GatedCellForm.GruBiasOutsideReset:
                    GruBiasOutsideResetCell.StepBackward(dh, gt, f.HhN.AsSpan(t * B * H, B * H), hPrev, p.Whh, B, H, dxp, dhPrev, dWhh, dBhh);
                    break;
            }

            switch (mistake)
            {
                case StateMistake.NotCarried:
                    // every step read h0 (c0): its gradient of them adds up
                    for (int k = 0; k < B * H; k++) { dH0[k] += dhPrev[k]; dC0[k] += dcPrev[k]; }
                    break;
                case StateMistake.NoBpttThroughState:
                    // dh_prev is computed and dropped; after step 0 it is what comes back as dh0
                    dhNext = dhPrev;
                    dcNext = dcPrev;
                    break;
                default:
                    dhNext = dhPrev;
                    dcNext = dcPrev;
                    break;
            }
        }
        if (mistake != StateMistake.NotCarried)
        {
            dhNext.CopyTo(dH0, 0);
            if (p.IsLstm) dcNext.CopyTo(dC0, 0);
        }

        // forward: xProj = x W_ihᵀ + b_ih, for all steps at once
        var dX = new double[T * B * I];
        MatMul.Backward(dxProj, p.X, p.Wih, T * B, I, GH, dX, dWih, dBih);
        return new GatedLayerGradients(dX, dH0, p.IsLstm ? dC0 : new double[B * H], dWih, dWhh, dBih, dBhh);
    }

    internal static void CheckMistake(StateMistake mistake)
    {
        if (!Enum.IsDefined(mistake)) throw new ArgumentException($"mistake {(int)mistake} is not a StateMistake", nameof(mistake));
    }
}
