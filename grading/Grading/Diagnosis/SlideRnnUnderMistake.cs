// copy-of: Reference/Recurrent/SlideReluRnn.cs sha256:4e9c61ca45665d24d53ba574cd55a9129d2008d37325aaa970d8a2537c3940d5
// copy-of: Reference/Recurrent/SlideTanhRnn.cs sha256:9e614ef7714370985a66409a55b888e7b62a6fe31520264e33579fc2be3a53c9
// A deliberate copy of the time loops of SlideReluRnn.Forward / Backward and SlideTanhRnn's
// StepForward / StepBackward / Backward, merged into one Elman loop (the ReLU RNN is the loop
// without Why, the tanh cell the loop with Why and no bias), with the mistakes written in:
//   the activation is chosen (Tanh), so either slide's RNN can run with the other's    reference: fixed per file
//   int from = mistake == NotCarried ? 0 : t                                           reference: the previous step's state
//   dh[k] += mistake switch (NotCarried: dHN at the last step only; NoBpttThroughState: nothing)   reference: dhNext
//   NotCarried adds every step's dhPrev to dH0
// When either reference file changes, carry the change over and record its new hash
// (DeliberateCopyTests).
//
// The slides' two plain RNNs, run the way an implementation with a known mistake runs them.
// Both are one loop:
//   95-865 ReLU RNN:   linear = np.dot(input, W.T) + b + np.dot(current_state, U.T)
//                      output = np.maximum(0, linear); current_state = output
//   STATS 507 cell:    h = tanh(x Wxhᵀ + h Whhᵀ); y = h Whyᵀ
// i.e. h_t = act(x_t Wᵀ + b + h_{t-1} Uᵀ) with y_t = h_t (ReLU RNN, W U b) or y_t = h_t Whyᵀ
// (tanh cell, W = Wxh, U = Whh, no b). The mistakes: the other activation, and the state
// mistakes of GatedRnnUnderMistake (not carried; dh_next dropped). With the slide's own
// activation and StateMistake.None this computes exactly what SlideReluRnn / SlideTanhRnn
// compute (a test holds that). Readable first: plain loops.
//
// T = steps, B = batch, I = input size, H = hidden size, O = output size; time-major.
using Rnn.Reference.Numerics;

namespace Rnn.Grading.Diagnosis;

/// <summary>
/// X [T, B, I], H0 [B, H], W [H, I], U [H, H], Bias [H] (empty: none), Why [O, H] (empty: the
/// output is the state, O = H). Tanh picks the activation: tanh when true, ReLU when false.
/// </summary>
public sealed record ElmanInput(
    bool Tanh, int T, int B, int I, int H, int O,
    double[] X, double[] H0, double[] W, double[] U, double[] Bias, double[] Why)
{
    /// <summary>Throws ArgumentException naming the first array whose length does not fit the sizes.</summary>
    public void Validate()
    {
        if (T < 1 || B < 1 || I < 1 || H < 1 || O < 1)
            throw new ArgumentException($"sizes T={T}, B={B}, I={I}, H={H}, O={O} must all be at least 1", nameof(T));
        GatedLayerInput.Expect(X, nameof(X), T * B * I, $"[T, B, I] = [{T}, {B}, {I}]");
        GatedLayerInput.Expect(H0, nameof(H0), B * H, $"[B, H] = [{B}, {H}]");
        GatedLayerInput.Expect(W, nameof(W), H * I, $"[H, I] = [{H}, {I}]");
        GatedLayerInput.Expect(U, nameof(U), H * H, $"[H, H] = [{H}, {H}]");
        if (Bias.Length != 0) GatedLayerInput.Expect(Bias, nameof(Bias), H, $"[H] = [{H}] (or empty)");
        if (Why.Length != 0) GatedLayerInput.Expect(Why, nameof(Why), O * H, $"[O, H] = [{O}, {H}] (or empty)");
        else if (O != H) throw new ArgumentException($"O is {O} but without Why the output is the state, so O must be H = {H}", nameof(O));
    }
}

/// <summary>Y [T, B, O]; Hs [T+1, B, H] with Hs[0] = h0 and Hs[t+1] the state after step t.</summary>
public sealed record ElmanForward(double[] Y, double[] Hs);

/// <summary>Gradients shaped as ElmanInput's arrays (dBias, dWhy empty when those are).</summary>
public sealed record ElmanGradients(double[] dX, double[] dH0, double[] dW, double[] dU, double[] dBias, double[] dWhy);

public static class SlideRnnUnderMistake
{
    public static ElmanForward Forward(ElmanInput p, StateMistake mistake)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        GatedRnnUnderMistake.CheckMistake(mistake);
        int T = p.T, B = p.B, I = p.I, H = p.H, O = p.O;
        var hs = new double[(T + 1) * B * H];                                // [T+1, B, H]
        double[] ys = p.Why.Length == 0 ? [] : new double[T * B * O];        // [T, B, O]
        p.H0.CopyTo(hs, 0);
        for (int t = 0; t < T; t++)
        {
            // right: current_state = output; NotCarried: every step reads h0
            int from = mistake == StateMistake.NotCarried ? 0 : t;
            var hPrev = hs.AsSpan(from * B * H, B * H);
            var h = hs.AsSpan((t + 1) * B * H, B * H);
            // linear = np.dot(input, W.T) + b + np.dot(current_state, U.T)
            MatMul.Forward(p.X.AsSpan(t * B * I, B * I), p.W, p.Bias, B, I, H, h);
            MatMul.ForwardAccumulate(hPrev, p.U, B, H, H, h);
            for (int k = 0; k < B * H; k++) h[k] = p.Tanh ? Activations.Tanh(h[k]) : Activations.Relu(h[k]);
            // y = h Whyᵀ (the tanh cell's output layer)
            if (p.Why.Length > 0) MatMul.Forward(h, p.Why, [], B, H, O, ys.AsSpan(t * B * O, B * O));
        }
        return new ElmanForward(p.Why.Length == 0 ? hs.AsSpan(B * H).ToArray() : ys, hs);
    }

    /// <summary>dY [T, B, O] (the gradient of every output); dHN [B, H] that of the last state (null: zeros).</summary>
    public static ElmanGradients Backward(ElmanInput p, ElmanForward f, StateMistake mistake, double[] dY, double[]? dHN)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(f);
        p.Validate();
        GatedRnnUnderMistake.CheckMistake(mistake);
        int T = p.T, B = p.B, I = p.I, H = p.H, O = p.O;
        GatedLayerInput.Expect(dY, nameof(dY), T * B * O, $"[T, B, O] = [{T}, {B}, {O}]");
        if (dHN is not null) GatedLayerInput.Expect(dHN, nameof(dHN), B * H, $"[B, H] = [{B}, {H}]");
        if (f.Hs.Length != (T + 1) * B * H)
            throw new ArgumentException($"f holds the states of another run: Hs has {f.Hs.Length} elements, [T+1, B, H] needs {(T + 1) * B * H}", nameof(f));
        var dX = new double[T * B * I];
        var dH0 = new double[B * H];
        var dW = new double[p.W.Length];
        var dU = new double[p.U.Length];
        var dBias = new double[p.Bias.Length];
        var dWhy = new double[p.Why.Length];
        var dhNext = dHN is null ? new double[B * H] : (double[])dHN.Clone(); // [B, H] gradient reaching h_t from later
        var da = new double[B * H];
        for (int t = T - 1; t >= 0; t--)
        {
            var h = f.Hs.AsSpan((t + 1) * B * H, B * H);
            int from = mistake == StateMistake.NotCarried ? 0 : t;
            var hPrev = f.Hs.AsSpan(from * B * H, B * H);

            // the gradient reaching h_t: from its output, and from later steps
            var dh = new double[B * H];
            if (p.Why.Length > 0)
                MatMul.Backward(dY.AsSpan(t * B * O, B * O), h, p.Why, B, H, O, dh, dWhy, []);   // y = h Whyᵀ
            else
                dY.AsSpan(t * B * H, B * H).CopyTo(dh);                                          // y = h
            for (int k = 0; k < B * H; k++)
                dh[k] += mistake switch
                {
                    StateMistake.NotCarried => t == T - 1 && dHN is not null ? dHN[k] : 0.0,
                    StateMistake.NoBpttThroughState => 0.0,                  // dh_next dropped
                    _ => dhNext[k],
                };

            // forward: h = act(linear); ReLU' = 1 where the output > 0 (0 at 0), tanh' = 1 - h^2
            for (int k = 0; k < B * H; k++)
                da[k] = dh[k] * (p.Tanh ? Activations.TanhGradFromOutput(h[k]) : Activations.ReluGrad(h[k]));

            // forward: linear = x Wᵀ + b + h_{t-1} Uᵀ
            var dhPrev = new double[B * H];
            MatMul.Backward(da, p.X.AsSpan(t * B * I, B * I), p.W, B, I, H, dX.AsSpan(t * B * I, B * I), dW, dBias);
            MatMul.Backward(da, hPrev, p.U, B, H, H, dhPrev, dU, []);
            if (mistake == StateMistake.NotCarried)
                for (int k = 0; k < B * H; k++) dH0[k] += dhPrev[k];
            dhNext = dhPrev;
        }
        if (mistake != StateMistake.NotCarried) dhNext.CopyTo(dH0, 0);
        return new ElmanGradients(dX, dH0, dW, dU, dBias, dWhy);
    }
}
