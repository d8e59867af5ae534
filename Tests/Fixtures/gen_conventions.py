"""Known values for the conventions (Reference/Conventions, Spec/conventions.md), each computed
from that framework's own equations in its own layout.

Run from the repository root with Debian's Python (python3-numpy):
    /usr/bin/python3 Tests/Fixtures/gen_conventions.py [OUTDIR]
It writes OUTDIR/conventions.json (default OUTDIR: Tests/Fixtures/conventions).

How each example is made:
- Keras (SimpleRNN, LSTM, GRU with reset_after True and False): a line-by-line NumPy
  transcription of the cells' call() in keras/src/layers/rnn/simple_rnn.py, lstm.py and gru.py
  (Keras 3; implementation 2, the fused matrices; no dropout), driven over a batch-major
  [B, T, I] sequence as keras.layers.RNN does with return_sequences=True, return_state=True.
  TensorFlow is not installable here (no Debian package, PyPI unreachable), so Keras itself
  cannot be run; the transcription follows the source.
- CS231n: rnn_step_forward / rnn_forward and lstm_step_forward / lstm_forward as the assignment
  states them (a = x.dot(Wx) + prev_h.dot(Wh) + b split as a_i, a_f, a_o, a_g; the LSTM sequence
  starts from c = 0). Its notebook's printed values are checked in the C# tests directly.
- d2l: the "from scratch" rnn, lstm and gru functions (row vectors, X @ W_x* + H @ W_h* + b_*).
- Ng: rnn_cell_forward and lstm_cell_forward of "Building your Recurrent Neural Network - Step by
  Step" (column vectors, concat = [a_prev; xt], biases [n_a, 1]; the LSTM sequence starts from
  c = 0) and the lecture's GRU (Γu, Γr on [c_prev, x], c̃ = tanh(Wc[Γr * c_prev, x] + bc),
  c = Γu * c̃ + (1 - Γu) * c_prev). The notebook's own seed-1 draws are written out as well, for
  the C# tests to compare with the values the notebook prints.
- 95-865: the slide's loop (linear = np.dot(input, W.T) + b + np.dot(current_state, U.T);
  output = np.maximum(0, linear)) over one unbatched sequence from current_state = 0.
- STATS 507: the slide's SimpleRNNCell (h = tanh(x @ Wxh.t() + h @ Whh.t())) from h = 0.

Every example stores its parameters under the framework's names and shapes, and its input,
initial state and upstream gradients in the oracle's layout (time-major [T, B, I], states
[1, B, H]; unbatched [T, I] and [1, H] for 95-865). "expected" holds the framework's outputs
converted to the oracle's layout (output [T, B, H], h_n, c_n [1, B, H]); "grads" holds the
gradient of L = sum(output * grad_output) + sum(h_n * grad_h_n) (+ sum(c_n * grad_c_n)) with
respect to every parameter (under the framework's names and shapes), the input, h0 and c0,
by central differences of the framework's forward (step 1e-6, float64: about 1e-9 accurate).
Parameters and inputs are uniform in [-1, 1] (states [-0.5, 0.5]) from a fixed seed, rounded
to 4 decimals, so a rerun writes the same file.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixturelib import array, write_json  # noqa: E402

rng = np.random.default_rng(20270311)


def rand(*shape, scale=1.0):
    return np.round(rng.uniform(-scale, scale, size=shape), 4)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ---- Keras: keras/src/layers/rnn/*.py, call() of each cell (implementation 2) --------------

def keras_simple_rnn_cell(sequence, prev_output, p, activation):
    # h = ops.matmul(sequence, self.kernel); h += self.bias
    h = sequence @ p["kernel"]
    if "bias" in p:
        h = h + p["bias"]
    # output = h + ops.matmul(prev_output, self.recurrent_kernel); output = self.activation(output)
    output = h + prev_output @ p["recurrent_kernel"]
    return activation(output)


def keras_lstm_cell(inputs, h_tm1, c_tm1, p):
    # z = ops.matmul(inputs, self.kernel); z += ops.matmul(h_tm1, self.recurrent_kernel); z += self.bias
    z = inputs @ p["kernel"]
    z = z + h_tm1 @ p["recurrent_kernel"]
    if "bias" in p:
        z = z + p["bias"]
    z0, z1, z2, z3 = np.split(z, 4, axis=1)
    # _compute_carry_and_output_fused
    i = sigmoid(z0)
    f = sigmoid(z1)
    c = f * c_tm1 + i * np.tanh(z2)
    o = sigmoid(z3)
    h = o * np.tanh(c)
    return h, c


def keras_gru_cell(inputs, h_tm1, p, reset_after):
    units = h_tm1.shape[1]
    input_bias = recurrent_bias = None
    if "bias" in p:
        if not reset_after:
            input_bias, recurrent_bias = p["bias"], None
        else:
            input_bias, recurrent_bias = p["bias"][0], p["bias"][1]
    # inputs projected by all gate matrices at once
    matrix_x = inputs @ p["kernel"]
    if input_bias is not None:
        matrix_x = matrix_x + input_bias   # biases: bias_z_i, bias_r_i, bias_h_i
    x_z, x_r, x_h = np.split(matrix_x, 3, axis=-1)
    if reset_after:
        matrix_inner = h_tm1 @ p["recurrent_kernel"]
        if recurrent_bias is not None:
            matrix_inner = matrix_inner + recurrent_bias
    else:
        matrix_inner = h_tm1 @ p["recurrent_kernel"][:, : 2 * units]
    recurrent_z = matrix_inner[:, :units]
    recurrent_r = matrix_inner[:, units: units * 2]
    recurrent_h = matrix_inner[:, units * 2:]
    z = sigmoid(x_z + recurrent_z)
    r = sigmoid(x_r + recurrent_r)
    if reset_after:
        recurrent_h = r * recurrent_h
    else:
        recurrent_h = (r * h_tm1) @ p["recurrent_kernel"][:, 2 * units:]
    hh = np.tanh(x_h + recurrent_h)
    # previous and candidate state mixed by update gate
    return z * h_tm1 + (1 - z) * hh


def keras_layer(kind, p, x_btf, h0_bh, c0_bh):
    """keras.layers.RNN(cell, return_sequences=True, return_state=True) over x [B, T, I]."""
    B, T, _ = x_btf.shape
    h, c = h0_bh, c0_bh
    outputs = []
    for t in range(T):
        x = x_btf[:, t, :]
        if kind in ("rnn_tanh", "rnn_relu"):
            h = keras_simple_rnn_cell(x, h, p, np.tanh if kind == "rnn_tanh" else (lambda a: np.maximum(0, a)))
        elif kind == "lstm":
            h, c = keras_lstm_cell(x, h, c, p)
        else:
            h = keras_gru_cell(x, h, p, reset_after=(kind == "gru"))
        outputs.append(h)
    return np.stack(outputs, axis=1), h, c     # [B, T, H], [B, H], [B, H]


# ---- CS231n: cs231n/rnn_layers.py as the assignment states it ------------------------------

def cs231n_rnn_step_forward(x, prev_h, Wx, Wh, b):
    return np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)


def cs231n_lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    ai, af, ao, ag = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
    i, f, o, g = sigmoid(ai), sigmoid(af), sigmoid(ao), np.tanh(ag)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c


def cs231n_forward(kind, p, x_ntd, h0):
    """rnn_forward / lstm_forward: x [N, T, D], h0 [N, H] -> h [N, T, H] (the LSTM's c starts at 0)."""
    N, T, _ = x_ntd.shape
    prev_h, prev_c = h0, np.zeros_like(h0)
    hs = []
    for t in range(T):
        if kind == "rnn_tanh":
            prev_h = cs231n_rnn_step_forward(x_ntd[:, t, :], prev_h, p["Wx"], p["Wh"], p["b"])
        else:
            prev_h, prev_c = cs231n_lstm_step_forward(x_ntd[:, t, :], prev_h, prev_c, p["Wx"], p["Wh"], p["b"])
        hs.append(prev_h)
    return np.stack(hs, axis=1), prev_h, prev_c


# ---- d2l: the from-scratch rnn, lstm, gru (row vectors) -------------------------------------

def d2l_forward(kind, p, inputs, H, C):
    """inputs [T, B, I] (d2l iterates `for X in inputs`); returns [T, B, H], H, C."""
    outputs = []
    for X in inputs:
        if kind == "rnn_tanh":
            H = np.tanh(X @ p["W_xh"] + H @ p["W_hh"] + p["b_h"])
        elif kind == "lstm":
            I = sigmoid((X @ p["W_xi"]) + (H @ p["W_hi"]) + p["b_i"])
            F = sigmoid((X @ p["W_xf"]) + (H @ p["W_hf"]) + p["b_f"])
            O = sigmoid((X @ p["W_xo"]) + (H @ p["W_ho"]) + p["b_o"])
            C_tilda = np.tanh((X @ p["W_xc"]) + (H @ p["W_hc"]) + p["b_c"])
            C = F * C + I * C_tilda
            H = O * np.tanh(C)
        else:
            Z = sigmoid((X @ p["W_xz"]) + (H @ p["W_hz"]) + p["b_z"])
            R = sigmoid((X @ p["W_xr"]) + (H @ p["W_hr"]) + p["b_r"])
            H_tilda = np.tanh((X @ p["W_xh"]) + ((R * H) @ p["W_hh"]) + p["b_h"])
            H = Z * H + (1 - Z) * H_tilda
        outputs.append(H)
    return np.stack(outputs), H, C


# ---- Ng: Building your RNN step by step (column vectors), and the lecture's GRU --------------

def ng_rnn_cell_forward(xt, a_prev, p):
    return np.tanh(np.dot(p["Wax"], xt) + np.dot(p["Waa"], a_prev) + p["ba"])


def ng_lstm_cell_forward(xt, a_prev, c_prev, p):
    n_a = a_prev.shape[0]
    n_x, m = xt.shape
    concat = np.zeros((n_a + n_x, m))
    concat[:n_a, :] = a_prev
    concat[n_a:, :] = xt
    ft = sigmoid(np.dot(p["Wf"], concat) + p["bf"])
    it = sigmoid(np.dot(p["Wi"], concat) + p["bi"])
    cct = np.tanh(np.dot(p["Wc"], concat) + p["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(p["Wo"], concat) + p["bo"])
    a_next = ot * np.tanh(c_next)
    return a_next, c_next


def ng_gru_cell_forward(xt, c_prev, p):
    concat = np.concatenate([c_prev, xt], axis=0)
    gamma_u = sigmoid(np.dot(p["Wu"], concat) + p["bu"])
    gamma_r = sigmoid(np.dot(p["Wr"], concat) + p["br"])
    c_tilde = np.tanh(np.dot(p["Wc"], np.concatenate([gamma_r * c_prev, xt], axis=0)) + p["bc"])
    return gamma_u * c_tilde + (1 - gamma_u) * c_prev


def ng_forward(kind, p, x, a0):
    """x [n_x, m, T_x], a0 [n_a, m] -> a [n_a, m, T_x], a_T, c_T (the LSTM's c starts at 0)."""
    n_x, m, T_x = x.shape
    a_next, c_next = a0, np.zeros_like(a0)
    a = np.zeros((a0.shape[0], m, T_x))
    for t in range(T_x):
        if kind == "rnn_tanh":
            a_next = ng_rnn_cell_forward(x[:, :, t], a_next, p)
        elif kind == "lstm":
            a_next, c_next = ng_lstm_cell_forward(x[:, :, t], a_next, c_next, p)
        else:
            a_next = ng_gru_cell_forward(x[:, :, t], a_next, p)
        a[:, :, t] = a_next
    return a, a_next, c_next


# ---- the slides --------------------------------------------------------------------------

def slide_95865_forward(p, input_sequence):
    current_state = np.zeros(p["U"].shape[0])
    outputs = []
    for input in input_sequence:
        linear = np.dot(input, p["W"].T) + p["b"] + np.dot(current_state, p["U"].T)
        output = np.maximum(0, linear)  # ReLU
        outputs.append(output)
        current_state = output
    return np.stack(outputs), current_state


def slide_stats507_forward(p, xs):
    h = np.zeros((xs.shape[1], p["Whh"].shape[0]))
    outs = []
    for x in xs:
        h = np.tanh(x @ p["Wxh"].T + h @ p["Whh"].T)
        outs.append(h)
    return np.stack(outs), h


# ---- examples ------------------------------------------------------------------------------

def oracle_forward(convention, kind, p, x, h0, c0):
    """Runs the framework on the oracle-layout inputs; returns the oracle-layout outputs."""
    if convention == "keras":
        out, h, c = keras_layer(kind, p, x.transpose(1, 0, 2), h0[0], c0[0] if c0 is not None else np.zeros_like(h0[0]))
        return {"output": out.transpose(1, 0, 2), "h_n": h[None], **({"c_n": c[None]} if kind == "lstm" else {})}
    if convention == "cs231n":
        h, hT, cT = cs231n_forward(kind, p, x.transpose(1, 0, 2), h0[0])
        return {"output": h.transpose(1, 0, 2), "h_n": hT[None], **({"c_n": cT[None]} if kind == "lstm" else {})}
    if convention == "d2l":
        out, H, C = d2l_forward(kind, p, x, h0[0], c0[0] if c0 is not None else np.zeros_like(h0[0]))
        return {"output": out, "h_n": H[None], **({"c_n": C[None]} if kind == "lstm" else {})}
    if convention == "ng":
        a, aT, cT = ng_forward(kind, p, x.transpose(2, 1, 0), h0[0].T)
        return {"output": a.transpose(2, 1, 0), "h_n": aT.T[None], **({"c_n": cT.T[None]} if kind == "lstm" else {})}
    if convention == "95-865":
        out, state = slide_95865_forward(p, x)
        return {"output": out, "h_n": state[None]}
    if convention == "stats507":
        out, h = slide_stats507_forward(p, x)
        return {"output": out, "h_n": h[None]}
    raise ValueError(convention)


def numeric_grads(f, variables, eps=1e-6):
    grads = {}
    for name, v in variables.items():
        g = np.zeros_like(v)
        flat = v.reshape(-1)
        for k in range(flat.size):
            old = flat[k]
            flat[k] = old + eps
            up = f()
            flat[k] = old - eps
            down = f()
            flat[k] = old
            g.reshape(-1)[k] = (up - down) / (2 * eps)
        grads[name] = g
    return grads


def example(name, convention, kind, shapes, T, B, I, H, with_h0=True, with_c0=False, unbatched=False, bias=True):
    p = {k: rand(*s) for k, s in shapes.items()}
    x = rand(T, I) if unbatched else rand(T, B, I)
    h0 = rand(1, B, H, scale=0.5) if with_h0 else None
    c0 = rand(1, B, H, scale=0.5) if with_c0 else None
    zeros = np.zeros((1, H) if unbatched else (1, B, H))
    run = lambda: oracle_forward(convention, kind, p, x, h0 if h0 is not None else zeros, c0)
    out = run()
    upstream = {k: rand(*v.shape) for k, v in out.items()}

    def loss():
        o = run()
        return sum(float(np.sum(o[k] * upstream[k])) for k in o)

    variables = dict(p)
    variables["input"] = x
    if h0 is not None:
        variables["h0"] = h0
    if c0 is not None:
        variables["c0"] = c0
    grads = numeric_grads(loss, variables)
    e = {"name": name, "convention": convention, "cell": kind, "input_size": I, "hidden_size": H, "bias": bias,
         "params": {k: array(v) for k, v in p.items()},
         "input": array(x)}
    if h0 is not None:
        e["h0"] = array(h0)
    if c0 is not None:
        e["c0"] = array(c0)
    e["grad_outputs"] = {k: array(v) for k, v in upstream.items()}
    e["expected"] = {k: array(v) for k, v in out.items()}
    e["grads"] = {k: array(v) for k, v in grads.items()}
    return e


def examples():
    T, B, I, H = 3, 2, 3, 2
    out = []
    # Keras
    out.append(example("keras/simple_rnn", "keras", "rnn_tanh",
                       {"kernel": (I, H), "recurrent_kernel": (H, H), "bias": (H,)}, T, B, I, H))
    out.append(example("keras/simple_rnn_relu", "keras", "rnn_relu",
                       {"kernel": (I, H), "recurrent_kernel": (H, H), "bias": (H,)}, T, B, I, H))
    out.append(example("keras/lstm", "keras", "lstm",
                       {"kernel": (I, 4 * H), "recurrent_kernel": (H, 4 * H), "bias": (4 * H,)}, T, B, I, H, with_c0=True))
    out.append(example("keras/gru_reset_after", "keras", "gru",
                       {"kernel": (I, 3 * H), "recurrent_kernel": (H, 3 * H), "bias": (2, 3 * H)}, T, B, I, H))
    out.append(example("keras/gru_reset_before", "keras", "gru_reset_before",
                       {"kernel": (I, 3 * H), "recurrent_kernel": (H, 3 * H), "bias": (3 * H,)}, T, B, I, H))
    # CS231n
    out.append(example("cs231n/rnn", "cs231n", "rnn_tanh", {"Wx": (I, H), "Wh": (H, H), "b": (H,)}, T, B, I, H))
    out.append(example("cs231n/lstm", "cs231n", "lstm", {"Wx": (I, 4 * H), "Wh": (H, 4 * H), "b": (4 * H,)}, T, B, I, H))
    # d2l
    out.append(example("d2l/rnn", "d2l", "rnn_tanh", {"W_xh": (I, H), "W_hh": (H, H), "b_h": (H,)}, T, B, I, H))
    lstm = {}
    for g in "ifoc":
        lstm.update({f"W_x{g}": (I, H), f"W_h{g}": (H, H), f"b_{g}": (H,)})
    out.append(example("d2l/lstm", "d2l", "lstm", lstm, T, B, I, H, with_c0=True))
    gru = {}
    for g in "zrh":
        gru.update({f"W_x{g}": (I, H), f"W_h{g}": (H, H), f"b_{g}": (H,)})
    out.append(example("d2l/gru", "d2l", "gru_reset_before", gru, T, B, I, H))
    # Ng
    out.append(example("ng/rnn", "ng", "rnn_tanh", {"Wax": (H, I), "Waa": (H, H), "ba": (H, 1)}, T, B, I, H))
    lstm = {}
    for g in "fico":
        lstm.update({f"W{g}": (H, H + I), f"b{g}": (H, 1)})
    out.append(example("ng/lstm", "ng", "lstm", lstm, T, B, I, H))
    gru = {}
    for g in "urc":
        gru.update({f"W{g}": (H, H + I), f"b{g}": (H, 1)})
    out.append(example("ng/gru", "ng", "gru_reset_before", gru, T, B, I, H))
    # the slides
    out.append(example("95-865/relu_rnn", "95-865", "rnn_relu", {"W": (H, I), "U": (H, H), "b": (H,)},
                       T, 1, I, H, with_h0=False, unbatched=True))
    out.append(example("stats507/rnn_cell", "stats507", "rnn_tanh", {"Wxh": (H, I), "Whh": (H, H)},
                       T, B, I, H, with_h0=False, bias=False))
    return out


def ng_notebook():
    """The notebook's own draws (np.random.seed(1)) for rnn_forward and lstm_forward, whose printed values the C# tests check."""
    np.random.seed(1)
    x = np.random.randn(3, 10, 4)
    a0 = np.random.randn(5, 10)
    Waa = np.random.randn(5, 5)
    Wax = np.random.randn(5, 3)
    Wya = np.random.randn(2, 5)
    ba = np.random.randn(5, 1)
    by = np.random.randn(2, 1)
    p = {"Wax": Wax, "Waa": Waa, "ba": ba}
    a, _, _ = ng_forward("rnn_tanh", p, x, a0)
    assert np.allclose(a[4][1], [-0.99999375, 0.77911235, -0.99861469, -0.99833267], atol=1e-8), a[4][1]
    rnn = {"name": "ng/rnn_forward_notebook", "x": array(x), "a0": array(a0), "params": {k: array(v) for k, v in p.items()},
           "unused": {"Wya": array(Wya), "by": array(by)}}

    np.random.seed(1)
    x = np.random.randn(3, 10, 7)
    a0 = np.random.randn(5, 10)
    p = {}
    for g in "fioc":
        p["W" + g] = np.random.randn(5, 5 + 3)
        p["b" + g] = np.random.randn(5, 1)
    Wy = np.random.randn(2, 5)
    by = np.random.randn(2, 1)
    a, _, _ = ng_forward("lstm", p, x, a0)
    c = np.zeros((5, 10, 7))
    a_next, c_next = a0, np.zeros_like(a0)
    for t in range(7):
        a_next, c_next = ng_lstm_cell_forward(x[:, :, t], a_next, c_next, p)
        c[:, :, t] = c_next
    assert abs(a[4][3][6] - 0.172117767533) < 1e-11 and abs(c[1][2][1] - (-0.855544916718)) < 1e-11
    lstm = {"name": "ng/lstm_forward_notebook", "x": array(x), "a0": array(a0), "params": {k: array(v) for k, v in p.items()},
            "unused": {"Wy": array(Wy), "by": array(by)}}
    return [rnn, lstm]


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "conventions")
    os.makedirs(outdir, exist_ok=True)
    write_json(os.path.join(outdir, "conventions.json"),
               {"about": "written by Tests/Fixtures/gen_conventions.py; see its docstring",
                "examples": examples(), "notebooks": ng_notebook()})


if __name__ == "__main__":
    main()
