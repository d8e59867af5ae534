// The names a trace prints, PyTorch's beside the slides'. LSTM: the STATS 507 table writes
// Andrew Ng's notation (Gamma_u for the input gate i, Gamma_f, Gamma_o, c~<t> for the candidate
// g, a<t> for h_t); GRU: Gamma_r = r, and Ng's Gamma_u = 1 - z (his c<t> = Gamma_u c~ +
// (1 - Gamma_u) c<t-1>, PyTorch's h = (1 - z) n + z h), c~<t> = n (the reset-before GRU: the
// same names, other equations); the 95-865 ReLU RNN: linear, output, current_state; the
// STATS 507 tanh cell: h_t, x_t. The backward pass's names are in
// BackwardNames: the gates' gradients after the nonlinearity in the same notation (the slides
// write no backward pass, so dL/dGamma_u is the Gamma table's name with dL/d in front).
using Rnn.Reference.Recurrent;

namespace Rnn.Grading.Teaching.Trace;

public sealed record Names(
    string X, string XSlide, string HPrevSlide, string HSlide,
    string[] PreActivations, string[] PreActivationSlides, string[] Gates, string[] GateSlides,
    string WihSlide, string WhhSlide, string BihSlide, bool ShowBhh, string[] Equations)
{
    /// <summary>The names of the backward pass's values for the same cell.</summary>
    public BackwardNames Backward { get; init; } = BackwardNames.None;

    /// <summary>The gate blocks' one-letter names in PyTorch's order (i, f, g, o; r, z, n), or null for an RNN.</summary>
    public string[]? GateNames => Gates.Length == 0 ? null : [.. Gates.Select(g => g[..1])];

    public static Names For(CellKind kind, bool slideRelu, bool tanhSlide = false) =>
        Forward(kind, slideRelu, tanhSlide) with { Backward = BackwardNames.For(kind, slideRelu, tanhSlide) };

    private static Names Forward(CellKind kind, bool slideRelu, bool tanhSlide) => kind switch
    {
        CellKind.Lstm => new("x_t", "x<t>", "a<t-1>", "a<t> = h_t",
            ["a_i", "a_f", "a_g", "a_o"], ["", "", "", ""],
            ["i = sigmoid(a_i)", "f = sigmoid(a_f)", "g = tanh(a_g)", "o = sigmoid(a_o)"],
            ["Gamma_u (update)", "Gamma_f (forget)", "c~<t> (candidate)", "Gamma_o (output)"],
            "", "", "", true,
            [
                "[a_i a_f a_g a_o] = x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh   (gate order i, f, g, o)",
                "i = sigmoid(a_i), f = sigmoid(a_f), g = tanh(a_g), o = sigmoid(a_o)",
                "c_t = f * c_(t-1) + i * g; h_t = o * tanh(c_t)",
                "slides (STATS 507, Ng): c<t> = Gamma_u * c~<t> + Gamma_f * c<t-1>, a<t> = Gamma_o * tanh(c<t>)",
            ]),
        CellKind.Gru => new("x_t", "x<t>", "c<t-1> = a<t-1>", "c<t> = a<t> = h_t",
            ["a_r", "a_z", "a_n"], ["", "", ""],
            ["r = sigmoid(a_r)", "z = sigmoid(a_z)", "n = tanh(a_n)"],
            ["Gamma_r (relevance)", "1 - Gamma_u (Ng's update gate is 1 - z)", "c~<t> (candidate)"],
            "", "", "", true,
            [
                "r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)   (gate order r, z, n)",
                "z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)",
                "n = tanh(x W_in^T + b_in + r * (h_(t-1) W_hn^T + b_hn))   (reset after the product)",
                "h_t = (1 - z) * n + z * h_(t-1)",
                "slides (STATS 507, Ng): c<t> = Gamma_u * c~<t> + (1 - Gamma_u) * c<t-1>, so Gamma_u = 1 - z",
            ]),
        // the reset-before GRU: nn.GRU's names; its candidate is the slides' own (Ng: c~ = tanh(W_c[Gamma_r * c<t-1>, x<t>] + b_c))
        CellKind.GruResetBefore => Forward(CellKind.Gru, slideRelu, tanhSlide) with
        {
            Equations =
            [
                "r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)   (gate order r, z, n)",
                "z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)",
                "n = tanh(x W_in^T + b_in + (r * h_(t-1)) W_hn^T + b_hn)   (reset before the product)",
                "h_t = (1 - z) * n + z * h_(t-1)",
                "slides (STATS 507, Ng): c~<t> = tanh(W_c[Gamma_r * c<t-1>, x<t>] + b_c),",
                "c<t> = Gamma_u * c~<t> + (1 - Gamma_u) * c<t-1>, so Gamma_u = 1 - z",
            ],
        },
        _ when slideRelu => new("input", "input_sequence[t]", "current_state", "output = current_state",
            ["linear"], ["np.dot(input, W.T) + b + np.dot(current_state, U.T)"], [], [],
            "dW", "dU", "db", false, []),
        _ when tanhSlide => new("x_t", "", "", "",
            ["a"], ["W_hh^T h_(t-1) + W_xh^T x_t"], [], [], "dWxh", "dWhh", "", false, []),
        _ => new("x_t", "input", "current_state", "output",
            ["a"], ["linear"], [], [], "", "", "", true,
            [
                kind == CellKind.RnnRelu
                    ? "h_t = relu(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh)"
                    : "h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh)",
                "(slides: output = activation(np.dot(W, input) + np.dot(U, current_state) + b))",
            ]),
    };
}

/// <param name="DhSlide">the slides' name of dL/dh_t, or ""</param>
/// <param name="DcSlide">the slides' name of dL/dc_t (LSTM), or ""</param>
/// <param name="GateGradients">dL/d of each gate after its nonlinearity (LSTM dL/di .. dL/do, GRU dL/dr dL/dz dL/dn; none for an RNN)</param>
/// <param name="GateGradientSlides">the slides' names beside them</param>
/// <param name="ActGrad">RNN: the slope of the nonlinearity between dL/dh_t (after it) and dL/da (before it); "" for the gated cells</param>
/// <param name="Equations">the backward pass's equations, printed above its steps</param>
public sealed record BackwardNames(string DhSlide, string DcSlide, string[] GateGradients, string[] GateGradientSlides, string ActGrad, string[] Equations)
{
    public static readonly BackwardNames None = new("", "", [], [], "", []);

    public static BackwardNames For(CellKind kind, bool slideRelu, bool tanhSlide = false) => kind switch
    {
        CellKind.Lstm => new("dL/da<t>", "dL/dc<t>",
            ["dL/di", "dL/df", "dL/dg", "dL/do"], ["dL/dGamma_u", "dL/dGamma_f", "dL/dc~<t>", "dL/dGamma_o"], "",
            [
                "dL/dh_t = grad_output[t] + (from step t+1) [dL/da_i dL/da_f dL/da_g dL/da_o](t+1) W_hh",
                "dL/dc_t = (from step t+1) dL/dc_(t+1) * f(t+1) + (through h_t) dL/dh_t * o * (1 - tanh(c_t)^2)",
                "at the last step grad_h_n and grad_c_n stand for what comes from step t+1",
                "after the nonlinearities: dL/di = dL/dc_t * g, dL/df = dL/dc_t * c_(t-1),",
                "                          dL/dg = dL/dc_t * i, dL/do = dL/dh_t * tanh(c_t)",
                "before them: dL/da_i = dL/di * i(1 - i), dL/da_f = dL/df * f(1 - f),",
                "             dL/da_g = dL/dg * (1 - g^2), dL/da_o = dL/do * o(1 - o)",
                "with da = [dL/da_i dL/da_f dL/da_g dL/da_o]: dW_ih += da^T x_t, dW_hh += da^T h_(t-1), db += da",
            ]),
        CellKind.Gru => new("dL/da<t>", "",
            ["dL/dr", "dL/dz", "dL/dn"], ["dL/dGamma_r", "-dL/dGamma_u", "dL/dc~<t>"], "",
            [
                "dL/dh_t = grad_output[t] + (from step t+1) dL/dh_(t+1) * z(t+1) + [dL/da_r dL/da_z r*dL/da_n](t+1) W_hh",
                "at the last step grad_h_n stands for what comes from step t+1",
                "after the nonlinearities: dL/dn = dL/dh_t * (1 - z), dL/dz = dL/dh_t * (h_(t-1) - n),",
                "                          dL/dr = dL/da_n * (h_(t-1) W_hn^T + b_hn)",
                "before them: dL/da_n = dL/dn * (1 - n^2), dL/da_z = dL/dz * z(1 - z), dL/da_r = dL/dr * r(1 - r)",
                "with da = [dL/da_r dL/da_z dL/da_n]: dW_ih += da^T x_t, db_ih += da",
                "with da_hh = [dL/da_r dL/da_z r*dL/da_n]: dW_hh += da_hh^T h_(t-1), db_hh += da_hh",
                "slides: Gamma_u = 1 - z, so dL/dGamma_u = -dL/dz",
            ]),
        CellKind.GruResetBefore => For(CellKind.Gru, slideRelu, tanhSlide) with
        {
            Equations =
            [
                "dL/dh_t = grad_output[t] + (from step t+1) dL/dh_(t+1) * z(t+1) + [dL/da_r dL/da_z](t+1) [W_hr W_hz]",
                "          + r(t+1) * (dL/da_n(t+1) W_hn)",
                "at the last step grad_h_n stands for what comes from step t+1",
                "after the nonlinearities: dL/dn = dL/dh_t * (1 - z), dL/dz = dL/dh_t * (h_(t-1) - n),",
                "                          dL/dr = (dL/da_n W_hn) * h_(t-1)",
                "before them: dL/da_n = dL/dn * (1 - n^2), dL/da_z = dL/dz * z(1 - z), dL/da_r = dL/dr * r(1 - r)",
                "with da = [dL/da_r dL/da_z dL/da_n]: dW_ih += da^T x_t, db_ih += da, db_hh += da,",
                "dW_hr and dW_hz += [dL/da_r dL/da_z]^T h_(t-1), dW_hn += dL/da_n^T (r * h_(t-1))",
                "slides: Gamma_u = 1 - z, so dL/dGamma_u = -dL/dz",
            ],
        },
        _ when slideRelu => new("dL/doutput", "",
            [], [], "relu'(linear)",
            [
                "dL/dh_t = grad_output[t] + (from step t+1) dL/dlinear(t+1) U   (the gradient after the nonlinearity)",
                "dL/dlinear = dL/dh_t * relu'(linear)   (the gradient before it)",
                "relu'(linear) = 1 where linear > 0, else 0 (also at 0)",
                "dW += dL/dlinear^T input, dU += dL/dlinear^T current_state, db += dL/dlinear",
            ]),
        _ => new(tanhSlide ? "" : "dL/doutput", "",
            [], [], kind == CellKind.RnnRelu ? "relu'(a)" : "tanh'(a) = 1 - h_t^2",
            [
                tanhSlide
                    ? "dL/dh_t = dy_t Why + (from step t+1) dL/da(t+1) W_hh   (after the nonlinearity; dy_t = grad_output[t])"
                    : "dL/dh_t = grad_output[t] + (from step t+1) dL/da(t+1) W_hh   (the gradient after the nonlinearity)",
                "at the last step grad_h_n stands for what comes from step t+1",
                kind == CellKind.RnnRelu
                    ? "dL/da = dL/dh_t * relu'(a), relu'(a) = 1 where a > 0, else 0 (also at 0)   (the gradient before it)"
                    : "dL/da = dL/dh_t * tanh'(a), tanh'(a) = 1 - h_t^2   (the gradient before it)",
                tanhSlide ? "dWxh += dL/da^T x_t, dWhh += dL/da^T h_(t-1); dWhy = sum over t of dy_t^T h_t"
                    : "dW_ih += dL/da^T x_t, dW_hh += dL/da^T h_(t-1), db_ih and db_hh += dL/da",
            ]),
    };
}
