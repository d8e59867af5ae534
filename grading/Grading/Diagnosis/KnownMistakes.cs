// The catalog of known mistakes (Spec/diagnosis.md has the same table, with where each comes
// from). Each entry says what the student is told and how the oracle re-evaluates a case
// under that mistake: by evaluating an edited case (rearranged parameters, a zeroed state,
// another clipping mode or optimizer) and mapping the gradients back, or by running a
// mistaken driver (SlideRnnUnderMistake, GatedRnnUnderMistake, ClipUnderMistake,
// AdamUnderMistake). The order is the order of preference when two mistakes explain an
// answer equally well.
using System.Text.Json.Nodes;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Diagnosis;

public static class KnownMistakes
{
    public const string LstmGateOrderIfog = "lstm-gate-order-ifog";
    public const string LstmNoTanhOnCell = "lstm-no-tanh-on-cell";
    public const string SecondBiasMissing = "second-bias-missing";
    public const string RecurrentWeightUntransposed = "recurrent-weight-untransposed";
    public const string GruUpdateGateReversed = "gru-update-gate-reversed";
    public const string GruResetBeforeMatmul = "gru-reset-before-matmul";
    public const string GruBiasOutsideReset = "gru-bias-outside-reset";
    public const string StateNotCarried = "state-not-carried";
    public const string NoBpttThroughState = "no-bptt-through-state";
    public const string InitialStateIgnored = "initial-state-ignored";
    public const string WrongNonlinearity = "wrong-nonlinearity";
    public const string ClipSquaredNorm = "clip-squared-norm";
    public const string ClipPerTensor = "clip-per-tensor";
    public const string ClipAlwaysRescales = "clip-always-rescales";
    public const string AdamNoBiasCorrection = "adam-no-bias-correction";
    public const string AdamCorrectedMomentsStored = "adam-corrected-moments-stored";
    public const string AdamDecoupledWeightDecay = "adam-decoupled-weight-decay";

    private static readonly string[] SlideOps = ["relu_rnn_slide", "tanh_rnn_slide"];
    private static readonly string[] RecurrentOps = ["relu_rnn_slide", "tanh_rnn_slide", "lstm", "gru"];

    public static IReadOnlyList<KnownMistake> All { get; } =
    [
        new(LstmGateOrderIfog,
            "Your LSTM reads the gate blocks in the order i, f, o, g (CS231n's order). PyTorch's weight_ih, " +
            "weight_hh and biases stack them as i, f, g, o: rows 2H..3H-1 are the cell candidate g (tanh) and " +
            "rows 3H..4H-1 the output gate o (sigmoid). Swap your g and o slices, in the forward and the backward pass.",
            ["lstm"],
            "the oracle on the case with blocks g and o (rows 2H..3H-1 and 3H..4H-1) of every weight and bias swapped; the gradients swapped back",
            "CS231n's lstm_step_forward (a = x Wx + h Wh + b split as i, f, o, g)",
            c => [Rearranged(c, t => CaseEdits.SwapBlocks(t, 4, 2, 3), t => CaseEdits.SwapBlocks(t, 4, 2, 3))]),

        new(LstmNoTanhOnCell,
            "Your LSTM computes h = o * c. The STATS 507 table writes a<t> = Γo ⋆ c<t>, but the LSTM (PyTorch, Keras, " +
            "the 95-865 carry-state slides) squashes the cell first: h = o * tanh(c). In the backward pass that makes " +
            "do = dh * tanh(c) and adds dh * o * (1 - tanh(c)**2) to dc.",
            ["lstm"],
            "the LSTM with h_t = o ⊙ c_t (LstmWithoutCellTanh) and its exact gradient",
            "STATS 507 Week13-1 gated-cell table, LSTM column: a<t> = Γo ⋆ c<t>",
            c => [Gated(c, GatedCellForm.LstmWithoutCellTanh, StateMistake.None)]),

        new(SecondBiasMissing,
            "Your cell leaves out the second bias bias_hh. PyTorch's RNN, LSTM and GRU add both bias_ih and bias_hh " +
            "(the 95-865 slide: \"PyTorch's RNN class uses an extra bias vector\"): add + bias_hh to the hidden projection " +
            "(in the GRU's candidate it sits inside: r * (h @ W_hn.T + b_hn)).",
            ["lstm", "gru"],
            "the oracle on the case with every bias_hh set to zero; its gradients as returned, or with the bias_hh gradient zero",
            "95-865 \"Warning: PyTorch's implementation of a vanilla RNN is different\" (the cuDNN-compatible second bias)",
            SecondBiasForms),

        new(RecurrentWeightUntransposed,
            "You multiply the state by the recurrent weight without transposing it (state @ U instead of state @ U.T). " +
            "U (Whh) is stored [H_out, H_in] like W, and the slides write np.dot(current_state, U.T) and self.h @ self.Whh.t(). " +
            "In the backward pass dU = dlinear.T @ state and dstate = dlinear @ U.",
            SlideOps,
            "the oracle on the case with U (Whh) transposed; its gradient transposed back",
            "95-865 NumPy RNN (np.dot(current_state, U.T)); STATS 507 cell (self.h @ self.Whh.t())",
            c => [Untransposed(c)]),

        new(GruUpdateGateReversed,
            "Your GRU gives z to the new candidate and 1 - z to the old state: h = z * n + (1 - z) * h_prev. In PyTorch's " +
            "GRU z keeps the old state: h = (1 - z) * n + z * h_prev. (Andrew Ng's update gate Γu, as in the STATS 507 table, " +
            "is 1 - z: that is where the swap usually comes from.)",
            ["gru"],
            "the oracle on the case with the z blocks (rows H..2H-1) of every weight and bias negated, since 1 - σ(a) = σ(-a); the gradients negated back",
            "Andrew Ng's GRU c<t> = Γu ⋆ c̃<t> + (1 - Γu) ⋆ c<t-1> (STATS 507 table)",
            c => [Rearranged(c, t => CaseEdits.NegateBlock(t, 3, 1), t => CaseEdits.NegateBlock(t, 3, 1))]),

        new(GruResetBeforeMatmul,
            "Your GRU applies the reset gate before the matrix product: n = tanh(x @ W_in.T + b_in + (r * h) @ W_hn.T + b_hn), " +
            "the form of Cho et al. (arXiv v3), d2l and Keras's reset_after=False. PyTorch applies it after the product: " +
            "n = tanh(x @ W_in.T + b_in + r * (h @ W_hn.T + b_hn)).",
            ["gru"],
            "the GRU with the reset gate before the product (Reference GruResetBeforeCell) and its exact gradient",
            "Cho et al. 2014 (arXiv 1406.1078v3), d2l, Keras GRU(reset_after=False), Ng's tanh(W_c[Γr ⋆ c<t-1>, x<t>] + b_c)",
            c => [Gated(c, GatedCellForm.GruResetBefore, StateMistake.None)]),

        new(GruBiasOutsideReset,
            "Your GRU adds b_hn outside the reset product: n = tanh(x @ W_in.T + b_in + r * (h @ W_hn.T) + b_hn). " +
            "PyTorch's b_hn sits inside it, so the reset gate scales it too: n = tanh(x @ W_in.T + b_in + r * (h @ W_hn.T + b_hn)). " +
            "In the backward pass that makes d b_hn = sum of da_n * r (not da_n), and dr = da_n * (h @ W_hn.T + b_hn).",
            ["gru"],
            "the GRU with n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ) + b_hn) (GruBiasOutsideResetCell) and its exact gradient",
            "the r and z lines' pattern (+ h W_hᵀ + b_h) carried into n with r on the product only; nn.GRU documents r ⊙ (W_hn h + b_hn)",
            c => [Gated(c, GatedCellForm.GruBiasOutsideReset, StateMistake.None)]),

        new(StateNotCarried,
            "Every step of your RNN starts from the initial state instead of the previous step's state. The slides' loop " +
            "carries it: current_state = output at the end of each step (an LSTM carries both h and c).",
            RecurrentOps,
            "every step computed from h0 (and c0) instead of the previous state, with that function's exact gradient",
            "95-865 \"current_state = output\" (memory stored in the current_state variable)",
            c => [StateSlip(c, StateMistake.NotCarried)]),

        new(NoBpttThroughState,
            "Your gradients stop at each step: the gradient reaching h_t is only that step's output gradient, and dh_next " +
            "(the gradient flowing back from step t+1, which also carries the gradient of h_n) is dropped. Back-propagation " +
            "through time adds it: dh = doutput[t] + dh_next, where dh_next is the gradient of h_t computed at step t+1.",
            RecurrentOps,
            "the right forward pass; backward with dh_t = doutput[t] only (dh_n lost; an LSTM's dc still flows), dh0 the gradient of h_{-1} from step 0",
            "STATS 507 \"Backpropagation through time\" (the derivative sums over every earlier step)",
            c => [StateSlip(c, StateMistake.NoBpttThroughState)]),

        new(InitialStateIgnored,
            "Your RNN starts from zeros although the case gives an initial state h0 (and c0 for an LSTM). Start from the " +
            "given state; the slide's current_state = np.zeros(num_nodes) is only the default when there is none.",
            RecurrentOps,
            "the oracle on the case with h0 and c0 (or only one of them) set to zero",
            "95-865 \"current_state = np.zeros(num_nodes)\"; PyTorch's h0 and c0 default to zeros",
            InitialStateForms),

        new(WrongNonlinearity,
            "Your cell uses the other nonlinearity: the 95-865 RNN applies ReLU (np.maximum(0, linear)) and the STATS 507 " +
            "cell applies tanh. Check the activation and its derivative (ReLU: 1 where the output is > 0, else 0; tanh: 1 - h**2).",
            SlideOps,
            "the slide's RNN with tanh in place of ReLU (relu_rnn_slide) or ReLU in place of tanh (tanh_rnn_slide), with its exact gradient",
            "95-865 \"output = np.maximum(0, linear) # ReLU\"; STATS 507 h_t = tanh(W_hhᵀ h_{t-1} + W_xhᵀ x_t)",
            c => [OtherNonlinearity(c)]),

        new(ClipSquaredNorm,
            "You compare the squared norm (np.sum(grad * grad), no square root) with max_norm, as the MATH80629 slide's " +
            "code does. clip_grad_norm measures the norm itself: total_norm = sqrt(sum of g**2 over all gradients), and " +
            "multiplies every gradient by max_norm / (total_norm + 1e-6) when that is below 1.",
            ["clip_grad_norm"],
            "the oracle in mode slide_squared (if Σg² > max_norm: g *= max_norm / Σg²), or PyTorch's rule on Σg²; total_norm reported as Σg²",
            "MATH80629 Week 6 \"grad_norm = np.sum(grad * grad)\"",
            c => [InMode(c, "slide_squared"), ClipUnderMistake.SquaredNormWithEpsilon(c)]),

        new(ClipPerTensor,
            "You clip each gradient tensor by its own norm (Keras's clipnorm). clip_grad_norm computes one norm over all " +
            "the tensors together and multiplies every tensor by the same factor, which keeps the direction of the whole gradient.",
            ["clip_grad_norm"],
            "the oracle in mode per_tensor (g *= max_norm / max(||g||, max_norm) per tensor), or PyTorch's rule per tensor; total_norm the global norm",
            "Keras optimizer clipnorm (per variable); calling clip_grad_norm_ once per tensor",
            c => [InMode(c, "per_tensor"), ClipUnderMistake.PerTensorWithEpsilon(c)]),

        new(ClipAlwaysRescales,
            "You rescale the gradients even when their norm is already below max_norm, which scales small gradients up. " +
            "Clipping only ever shrinks: multiply by max_norm / (total_norm + 1e-6) only when that is below 1.",
            ["clip_grad_norm"],
            "every gradient times max_norm / (total_norm + 1e-6) (or max_norm / total_norm), clipping or not",
            "torch.nn.utils.clip_grad_norm_ (clip_coef clamped to at most 1)",
            c => [ClipUnderMistake.AlwaysRescale(c, epsilon: true), ClipUnderMistake.AlwaysRescale(c, epsilon: false)]),

        new(AdamNoBiasCorrection,
            "Your Adam has no bias correction. Divide the moments before the update: m_hat = m / (1 - beta1**t) and " +
            "v_hat = v / (1 - beta2**t), with t = 1 at the first step, then param -= lr * m_hat / (sqrt(v_hat) + eps). " +
            "Without it m and v are biased toward their zero start, and the early steps are off by the factor " +
            "(1 - beta1**t) / sqrt(1 - beta2**t) (about 3.2 times too large at t = 1 with the default betas).",
            ["optimizer"],
            "Adam with param -= lr * m / (sqrt(v) + eps) (AdamUnderMistake NoBiasCorrection)",
            "Kingma & Ba 2014, Algorithm 1; torch.optim.Adam",
            c => [AdamUnderMistake.Run(c, AdamSlip.NoBiasCorrection)]),

        new(AdamCorrectedMomentsStored,
            "You keep the bias-corrected m_hat and v_hat as the running moments, so the correction compounds from step to " +
            "step. Keep m and v uncorrected (they are what the next step updates and what adam_step returns) and correct " +
            "copies: m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t).",
            ["optimizer"],
            "Adam whose m and v are overwritten by m / (1 - beta1^t) and v / (1 - beta2^t) (AdamUnderMistake CorrectedMomentsStored)",
            "Kingma & Ba 2014, Algorithm 1 (m̂, v̂ are separate from m, v)",
            c => [AdamUnderMistake.Run(c, AdamSlip.CorrectedMomentsStored)]),

        new(AdamDecoupledWeightDecay,
            "You apply weight decay the AdamW way (param *= 1 - lr * weight_decay, gradient untouched). torch.optim.Adam's " +
            "weight_decay is an L2 penalty added to the gradient before the moments: grad = grad + weight_decay * param.",
            ["optimizer"],
            "the oracle's adamw with the case's lr, betas, eps and weight_decay",
            "Loshchilov & Hutter 2019 (AdamW, decoupled decay) versus torch.optim.Adam's L2 weight_decay",
            c => [AsAdamW(c)]),
    ];

    // ---- re-evaluations ----------------------------------------------------------------

    /// <summary>The oracle on the case with every gate-stacked weight and bias edited; the same edit maps the gradients back.</summary>
    private static CaseResult? Rearranged(Case c, Func<Tensor, Tensor> edit, Func<Tensor, Tensor> editGradientBack)
    {
        if (Evaluator.Evaluate(c).Error is not null) return null;
        var edited = CaseEdits.WithParams(c, (name, t) => CaseEdits.IsGateStacked(name) ? edit(t) : t);
        return CaseEdits.WithGrads(Evaluator.Evaluate(edited), (name, g) => CaseEdits.IsGateStacked(name) ? editGradientBack(g) : g);
    }

    private static CaseResult? Gated(Case c, GatedCellForm cell, StateMistake mistake) =>
        GatedRnnCase.Read(c, cell) is { } layout ? GatedRnnCase.Answer(c, layout, mistake) : null;

    private static CaseResult? OtherNonlinearity(Case c) =>
        SlideRnnCase.Read(c, tanh: c.Op == "relu_rnn_slide") is { } p ? SlideRnnCase.Answer(c, p, StateMistake.None) : null;

    private static CaseResult? StateSlip(Case c, StateMistake mistake)
    {
        if (SlideRnnCase.Read(c) is { } slide) return SlideRnnCase.Answer(c, slide, mistake);
        if (GatedRnnCase.Read(c) is { } gated) return GatedRnnCase.Answer(c, gated, mistake);
        return null;
    }

    private static IEnumerable<CaseResult?> SecondBiasForms(Case c)
    {
        if (Evaluator.Evaluate(c).Error is not null) yield break;
        static bool IsHiddenBias(string name) => name.StartsWith("bias_hh", StringComparison.Ordinal);
        var withoutBias = Evaluator.Evaluate(CaseEdits.WithParams(c, (name, t) => IsHiddenBias(name) ? Tensor.Zeros(t.Shape) : t));
        // the backward pass left as written: d bias_hh = the sum of the gradient reaching the hidden projection
        yield return withoutBias;
        // or bias_hh dropped from the backward pass too: its gradient is zero
        yield return CaseEdits.WithGrads(withoutBias, (name, g) => IsHiddenBias(name) ? Tensor.Zeros(g.Shape) : g);
    }

    private static CaseResult? Untransposed(Case c)
    {
        if (Evaluator.Evaluate(c).Error is not null) return null;
        string U = c.Op == "relu_rnn_slide" ? "U" : "Whh";
        // state @ U = state @ (Uᵀ)ᵀ: the reference with Uᵀ in place of U; dL/dU = (dL/dUᵀ)ᵀ
        var edited = CaseEdits.WithParams(c, (name, t) => name == U ? CaseEdits.Transpose(t) : t);
        return CaseEdits.WithGrads(Evaluator.Evaluate(edited), (name, g) => name == U ? CaseEdits.Transpose(g) : g);
    }

    private static IEnumerable<CaseResult?> InitialStateForms(Case c)
    {
        if (Evaluator.Evaluate(c).Error is not null) yield break;
        bool hasH0 = c.Inputs.Contains("h0"), hasC0 = c.Inputs.Contains("c0");
        if (!hasH0 && !hasC0) yield break;
        yield return Evaluator.Evaluate(ZeroInputs(c, "h0", "c0"));
        if (hasH0 && hasC0)
        {
            yield return Evaluator.Evaluate(ZeroInputs(c, "h0"));
            yield return Evaluator.Evaluate(ZeroInputs(c, "c0"));
        }
    }

    private static Case ZeroInputs(Case c, params string[] names) =>
        CaseEdits.WithInputs(c, (name, t) => Array.IndexOf(names, name) >= 0 ? Tensor.Zeros(t.Shape) : t);

    private static CaseResult? InMode(Case c, string mode) =>
        ClipUnderMistake.AsksPyTorchRule(c, l2Only: true) ? Evaluator.Evaluate(CaseEdits.WithConfig(c, "mode", mode)) : null;

    private static CaseResult? AsAdamW(Case c)
    {
        if (!AdamUnderMistake.AsksAdam(c)) return null;
        // AdamW's default weight_decay is 0.01, Adam's 0: state the case's value explicitly
        double wd = ConfigReader.Double(c.Config, "weight_decay", 0.0);
        var config = (JsonObject)c.Config.DeepClone();
        config.Remove("form");
        config["name"] = CaseEdits.Json("adamw");
        config["weight_decay"] = CaseEdits.Json(wd);
        return Evaluator.Evaluate(c with { Config = config });
    }
}
