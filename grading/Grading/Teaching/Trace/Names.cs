// The names a trace prints, PyTorch's beside the slides'. LSTM: the STATS 507 table writes
// Andrew Ng's notation (Gamma_u for the input gate i, Gamma_f, Gamma_o, c~<t> for the candidate
// g, a<t> for h_t); GRU: Gamma_r = r, and Ng's Gamma_u = 1 - z (his c<t> = Gamma_u c~ +
// (1 - Gamma_u) c<t-1>, PyTorch's h = (1 - z) n + z h), c~<t> = n; the 95-865 ReLU RNN: linear,
// output, current_state; the STATS 507 tanh cell: h_t, x_t.
using Rnn.Reference.Recurrent;

namespace Rnn.Grading.Teaching.Trace;

public sealed record Names(
    string X, string XSlide, string HPrevSlide, string HSlide,
    string[] PreActivations, string[] PreActivationSlides, string[] Gates, string[] GateSlides,
    string WihSlide, string WhhSlide, string BihSlide, bool ShowBhh, string[] Equations)
{
    public static Names For(CellKind kind, bool slideRelu, bool tanhSlide = false) => kind switch
    {
        CellKind.Lstm => new("x_t", "x<t>", "a<t-1>", "a<t> = h_t",
            ["a_i", "a_f", "a_g", "a_o"], ["", "", "", ""],
            ["i = sigmoid(a_i)", "f = sigmoid(a_f)", "g = tanh(a_g)", "o = sigmoid(a_o)"],
            ["Gamma_u (update)", "Gamma_f (forget)", "c~<t> (candidate)", "Gamma_o (output)"],
            "", "", "", true,
            [
                "[a_i a_f a_g a_o] = x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh   (gate order i, f, g, o)",
                "i = sigmoid(a_i), f = sigmoid(a_f), g = tanh(a_g), o = sigmoid(a_o); c_t = f * c_(t-1) + i * g; h_t = o * tanh(c_t)",
                "slides (STATS 507, Ng): c<t> = Gamma_u * c~<t> + Gamma_f * c<t-1>, a<t> = Gamma_o * tanh(c<t>)",
            ]),
        CellKind.Gru => new("x_t", "x<t>", "c<t-1> = a<t-1>", "c<t> = a<t> = h_t",
            ["a_r", "a_z", "a_n"], ["", "", ""],
            ["r = sigmoid(a_r)", "z = sigmoid(a_z)", "n = tanh(a_n)"],
            ["Gamma_r (relevance)", "1 - Gamma_u (Ng's update gate is 1 - z)", "c~<t> (candidate)"],
            "", "", "", true,
            [
                "r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr), z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)   (gate order r, z, n)",
                "n = tanh(x W_in^T + b_in + r * (h_(t-1) W_hn^T + b_hn)); h_t = (1 - z) * n + z * h_(t-1)   (reset after the product)",
                "slides (STATS 507, Ng): c<t> = Gamma_u * c~<t> + (1 - Gamma_u) * c<t-1>, so Gamma_u = 1 - z",
            ]),
        _ when slideRelu => new("input", "input_sequence[t]", "current_state", "output = current_state",
            ["linear"], ["np.dot(input, W.T) + b + np.dot(current_state, U.T)"], [], [],
            "dW", "dU", "db", false, []),
        _ when tanhSlide => new("x_t", "", "", "",
            ["a"], ["W_hh^T h_(t-1) + W_xh^T x_t"], [], [], "dWxh", "dWhh", "", false, []),
        _ => new("x_t", "input", "current_state", "output",
            ["a"], ["linear"], [], [], "", "", "", true,
            [kind == CellKind.RnnRelu
                ? "h_t = relu(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh)   (slides: output = activation(np.dot(W, input) + np.dot(U, current_state) + b))"
                : "h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh)   (slides: output = activation(np.dot(W, input) + np.dot(U, current_state) + b))"]),
    };
}
