"""Recurrent networks from the slides, in NumPy: a correct submission.

This is the kit's rnn_student.py filled in the way a careful student would: plain loops
over the time steps, the forward pass keeping what the backward pass needs, and the
backward pass walking the steps in reverse, each line the derivative of a forward line.
The grading tests run it through runner.py and compare every output and gradient with the
oracle (Tests/Grading.Tests/Diagnosis). Each submission under grading/examples/mistakes/
is this file with one mistake patched in.

Shape letters: T = time steps, B = batch, I = input size, H = hidden size, O = output size.
"""
import numpy as np


def sigmoid(a):
    """1 / (1 + exp(-a)), computed without overflow: exp is only taken of numbers <= 0."""
    out = np.empty_like(a)
    positive = a >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-a[positive]))
    e = np.exp(a[~positive])
    out[~positive] = e / (1.0 + e)
    return out


# --------------------------------------------------------------------------------------
# 95-865 "Vanilla ReLU RNN" (George Chen's slides), in the slide's NumPy form
# --------------------------------------------------------------------------------------

def relu_rnn_forward(input_sequence, W, U, b, h0):
    """The slide's ReLU RNN over a whole sequence.

    Slide:
        current_state = np.zeros(num_nodes)
        for input in input_sequence:
            linear = np.dot(input, W.T) + b + np.dot(current_state, U.T)
            output = np.maximum(0, linear) # ReLU
            outputs.append(output)
            current_state = output

    input_sequence: [T, B, I]
    W: [H, I]   U: [H, H]   b: [H]
    h0: [B, H]  the initial current_state (zeros, as on the slide, when the case gives none)
    Returns (outputs, cache):
        outputs: [T, B, H]  the output at every time step (the runner takes outputs[T-1]
                 as "the very last time step's output")
        cache: anything relu_rnn_backward needs
    """
    current_state = h0
    outputs = []
    for input in input_sequence:
        linear = np.dot(input, W.T) + b + np.dot(current_state, U.T)
        output = np.maximum(0, linear)  # ReLU
        outputs.append(output)
        current_state = output
    outputs = np.array(outputs)                                  # [T, B, H]
    cache = (input_sequence, W, U, h0, outputs)
    return outputs, cache


def relu_rnn_backward(doutputs, cache):
    """Back-propagation through time for relu_rnn_forward.

    doutputs: [T, B, H]  dL/d outputs[t] for every step (the gradient of the last output
              is already added to doutputs[T-1])
    Returns (dinput_sequence [T, B, I], dh0 [B, H], dW [H, I], dU [H, H], db [H]).
    The derivative of np.maximum(0, linear) is taken as 0 where linear <= 0.
    """
    input_sequence, W, U, h0, outputs = cache
    dinput_sequence = np.zeros_like(input_sequence)
    dW = np.zeros_like(W)
    dU = np.zeros_like(U)
    db = np.zeros(W.shape[0])
    dstate_next = np.zeros_like(h0)                              # dL/d current_state, from step t+1
    for t in reversed(range(len(input_sequence))):
        previous_state = outputs[t - 1] if t > 0 else h0
        # output = np.maximum(0, linear); the state after step t is this output
        dlinear = (doutputs[t] + dstate_next) * (outputs[t] > 0)
        # linear = np.dot(input, W.T) + b + np.dot(current_state, U.T)
        dW += np.dot(dlinear.T, input_sequence[t])
        db += dlinear.sum(axis=0)
        dU += np.dot(dlinear.T, previous_state)
        dinput_sequence[t] = np.dot(dlinear, W)
        dstate_next = np.dot(dlinear, U)
    dh0 = dstate_next
    return dinput_sequence, dh0, dW, dU, db


# --------------------------------------------------------------------------------------
# STATS 507 "RNNs from Scratch": the tanh cell with Wxh, Whh, Why and no biases
# (MATH80629 writes the same cell h_t = tanh(U x_t + W h_{t-1}), y_t = V h_t)
# --------------------------------------------------------------------------------------

def tanh_rnn_forward(x, h0, Wxh, Whh, Why):
    """The slide's SimpleRNNCell run over a sequence.

    Slide:
        self.h = torch.tanh(x @ self.Wxh.t() + self.h @ self.Whh.t())
        output = F.linear(self.h, self.Why)          # y = h @ Why.T

    x: [T, B, I]   h0: [B, H]
    Wxh: [H, I]   Whh: [H, H]   Why: [O, H]
    Returns (y, h_n, cache):
        y: [T, B, O]   the output at every step
        h_n: [B, H]    the state after the last step
        cache: anything tanh_rnn_backward needs
    """
    h = h0
    ys = []
    states = []                                                  # (h_{t-1}, h_t) for every step
    for t in range(len(x)):
        h_prev = h
        h = np.tanh(x[t] @ Wxh.T + h @ Whh.T)
        ys.append(h @ Why.T)
        states.append((h_prev, h))
    cache = (x, Wxh, Whh, Why, states)
    return np.array(ys), h, cache


def tanh_rnn_backward(dy, dh_n, cache):
    """Back-propagation through time for tanh_rnn_forward.

    Slide (STATS 507, "Backpropagation through time"): the gradient with respect to a
    weight is the sum over the time steps of its gradient at each step.

    dy: [T, B, O]   dL/dy[t] for every step
    dh_n: [B, H]    dL/dh_n
    Returns (dx [T, B, I], dh0 [B, H], dWxh [H, I], dWhh [H, H], dWhy [O, H]).
    """
    x, Wxh, Whh, Why, states = cache
    dx = np.zeros_like(x)
    dWxh = np.zeros_like(Wxh)
    dWhh = np.zeros_like(Whh)
    dWhy = np.zeros_like(Why)
    dh_next = dh_n.copy()                                        # dL/dh_t from later steps
    for t in reversed(range(len(x))):
        h_prev, h = states[t]
        # y = h @ Why.T
        dWhy += dy[t].T @ h
        dh = dy[t] @ Why + dh_next
        # h = tanh(a), a = x[t] @ Wxh.T + h_prev @ Whh.T
        da = dh * (1 - h ** 2)
        dWxh += da.T @ x[t]
        dWhh += da.T @ h_prev
        dx[t] = da @ Wxh
        dh_next = da @ Whh
    return dx, dh_next, dWxh, dWhh, dWhy


# --------------------------------------------------------------------------------------
# LSTM, PyTorch's nn.LSTM (the "carry" state c of the 95-865 slides)
# --------------------------------------------------------------------------------------

def lstm_forward(x, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh):
    """One LSTM layer over a sequence, as torch.nn.LSTM computes it.

        [a_i a_f a_g a_o] = x[t] @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh
        i = sigmoid(a_i)   f = sigmoid(a_f)   g = tanh(a_g)   o = sigmoid(a_o)
        c = f * c + i * g
        h = o * tanh(c)

    Gate blocks in PyTorch's order i, f, g, o: rows 0..H-1 of weight_ih are i, H..2H-1 f,
    2H..3H-1 g, 3H..4H-1 o (the same blocks in weight_hh, bias_ih, bias_hh).

    x: [T, B, I]   h0, c0: [B, H]
    weight_ih: [4H, I]   weight_hh: [4H, H]   bias_ih, bias_hh: [4H]
    Returns (output, h_n, c_n, cache):
        output: [T, B, H]   h at every step
        h_n, c_n: [B, H]    h and c after the last step
    """
    H = h0.shape[1]
    h, c = h0, c0
    output = []
    steps = []                                                   # what the backward pass needs, per step
    for t in range(len(x)):
        a = np.dot(x[t], weight_ih.T) + bias_ih + np.dot(h, weight_hh.T) + bias_hh   # [B, 4H]
        i = sigmoid(a[:, 0 * H:1 * H])
        f = sigmoid(a[:, 1 * H:2 * H])
        g = np.tanh(a[:, 2 * H:3 * H])
        o = sigmoid(a[:, 3 * H:4 * H])
        c_next = f * c + i * g
        h_next = o * np.tanh(c_next)
        steps.append((h, c, i, f, g, o, c_next))
        h, c = h_next, c_next
        output.append(h)
    cache = (x, weight_ih, weight_hh, steps)
    return np.array(output), h, c, cache


def lstm_backward(doutput, dh_n, dc_n, cache):
    """Back-propagation through time for lstm_forward.

    doutput: [T, B, H]   dh_n, dc_n: [B, H]
    Returns (dx [T, B, I], dh0 [B, H], dc0 [B, H],
             dweight_ih [4H, I], dweight_hh [4H, H], dbias_ih [4H], dbias_hh [4H]).
    """
    x, weight_ih, weight_hh, steps = cache
    dx = np.zeros_like(x)
    dweight_ih = np.zeros_like(weight_ih)
    dweight_hh = np.zeros_like(weight_hh)
    dbias_ih = np.zeros(weight_ih.shape[0])
    dbias_hh = np.zeros(weight_hh.shape[0])
    dh_next = dh_n.copy()                                        # dL/dh_t from later steps
    dc_next = dc_n.copy()                                        # dL/dc_t from later steps
    for t in reversed(range(len(x))):
        h_prev, c_prev, i, f, g, o, c = steps[t]
        dh = doutput[t] + dh_next
        # h = o * tanh(c)
        tanh_c = np.tanh(c)
        do = dh * tanh_c
        dc = dc_next + dh * o * (1 - tanh_c ** 2)
        # c = f * c_prev + i * g
        di = dc * g
        df = dc * c_prev
        dg = dc * i
        # i, f, o = sigmoid(a_i, a_f, a_o), g = tanh(a_g)
        da_i = di * i * (1 - i)
        da_f = df * f * (1 - f)
        da_g = dg * (1 - g ** 2)
        da_o = do * o * (1 - o)
        da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)   # [B, 4H]
        # a = x[t] @ weight_ih.T + bias_ih + h_prev @ weight_hh.T + bias_hh
        dweight_ih += np.dot(da.T, x[t])
        dweight_hh += np.dot(da.T, h_prev)
        dbias_ih += da.sum(axis=0)
        dbias_hh += da.sum(axis=0)
        dx[t] = np.dot(da, weight_ih)
        dh_next = np.dot(da, weight_hh)
        dc_next = dc * f
    return dx, dh_next, dc_next, dweight_ih, dweight_hh, dbias_ih, dbias_hh


# --------------------------------------------------------------------------------------
# GRU, PyTorch's nn.GRU
# --------------------------------------------------------------------------------------

def gru_forward(x, h0, weight_ih, weight_hh, bias_ih, bias_hh):
    """One GRU layer over a sequence, as torch.nn.GRU computes it.

        r = sigmoid(x[t] @ W_ir.T + b_ir + h @ W_hr.T + b_hr)
        z = sigmoid(x[t] @ W_iz.T + b_iz + h @ W_hz.T + b_hz)
        n = tanh(x[t] @ W_in.T + b_in + r * (h @ W_hn.T + b_hn))
        h = (1 - z) * n + z * h

    Gate blocks in PyTorch's order r, z, n: rows 0..H-1 of weight_ih are r (W_ir),
    H..2H-1 z (W_iz), 2H..3H-1 n (W_in); likewise weight_hh, bias_ih, bias_hh.
    Note that r multiplies (h @ W_hn.T + b_hn): the reset gate acts after the product.

    x: [T, B, I]   h0: [B, H]
    weight_ih: [3H, I]   weight_hh: [3H, H]   bias_ih, bias_hh: [3H]
    Returns (output, h_n, cache): output [T, B, H] (h at every step), h_n [B, H].
    """
    H = h0.shape[1]
    h = h0
    output = []
    steps = []
    for t in range(len(x)):
        gx = np.dot(x[t], weight_ih.T) + bias_ih                # [B, 3H] input parts of r, z, n
        gh = np.dot(h, weight_hh.T) + bias_hh                   # [B, 3H] hidden parts of r, z, n
        r = sigmoid(gx[:, 0:H] + gh[:, 0:H])
        z = sigmoid(gx[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gx[:, 2 * H:3 * H] + r * gh[:, 2 * H:3 * H])
        h_next = (1 - z) * n + z * h
        steps.append((h, r, z, n, gh[:, 2 * H:3 * H]))
        h = h_next
        output.append(h)
    cache = (x, weight_ih, weight_hh, steps)
    return np.array(output), h, cache


def gru_backward(doutput, dh_n, cache):
    """Back-propagation through time for gru_forward.

    doutput: [T, B, H]   dh_n: [B, H]
    Returns (dx [T, B, I], dh0 [B, H],
             dweight_ih [3H, I], dweight_hh [3H, H], dbias_ih [3H], dbias_hh [3H]).
    """
    x, weight_ih, weight_hh, steps = cache
    dx = np.zeros_like(x)
    dweight_ih = np.zeros_like(weight_ih)
    dweight_hh = np.zeros_like(weight_hh)
    dbias_ih = np.zeros(weight_ih.shape[0])
    dbias_hh = np.zeros(weight_hh.shape[0])
    dh_next = dh_n.copy()                                        # dL/dh_t from later steps
    for t in reversed(range(len(x))):
        h_prev, r, z, n, hn = steps[t]                           # hn = h_prev @ W_hn.T + b_hn
        dh = doutput[t] + dh_next
        # h = (1 - z) * n + z * h_prev
        dn = dh * (1 - z)
        dz = dh * (h_prev - n)
        dh_prev = dh * z
        # n = tanh(gx_n + r * hn)
        da_n = dn * (1 - n ** 2)
        dr = da_n * hn
        # r = sigmoid(gx_r + gh_r), z = sigmoid(gx_z + gh_z)
        da_r = dr * r * (1 - r)
        da_z = dz * z * (1 - z)
        dgx = np.concatenate([da_r, da_z, da_n], axis=1)         # [B, 3H]
        dgh = np.concatenate([da_r, da_z, da_n * r], axis=1)     # [B, 3H]
        # gx = x[t] @ weight_ih.T + bias_ih, gh = h_prev @ weight_hh.T + bias_hh
        dweight_ih += np.dot(dgx.T, x[t])
        dbias_ih += dgx.sum(axis=0)
        dweight_hh += np.dot(dgh.T, h_prev)
        dbias_hh += dgh.sum(axis=0)
        dx[t] = np.dot(dgx, weight_ih)
        dh_next = dh_prev + np.dot(dgh, weight_hh)
    return dx, dh_next, dweight_ih, dweight_hh, dbias_ih, dbias_hh


# --------------------------------------------------------------------------------------
# Gradient clipping, torch.nn.utils.clip_grad_norm_
# --------------------------------------------------------------------------------------

def clip_grad_norm(grads, max_norm, norm_type=2.0):
    """Clip gradients by their total norm, as torch.nn.utils.clip_grad_norm_ does.

    STATS 507: "Gradient clipping to scale big gradients". PyTorch's rule:
        total_norm = the norm_type-norm of all gradients together, as one long vector
                     (norm_type = np.inf: the largest |g|)
        clip_coef  = max_norm / (total_norm + 1e-6)
        if clip_coef < 1: multiply every gradient by clip_coef

    grads: a list of arrays (any shapes)   max_norm: float   norm_type: float (2.0 or np.inf)
    Returns (clipped, total_norm): clipped is a list of arrays shaped as grads;
    total_norm is the norm measured before clipping (a float).
    """
    if norm_type == np.inf:
        total_norm = max(np.max(np.abs(g)) for g in grads)
    else:
        total_norm = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1.0 / norm_type)
    clip_coef = max_norm / (total_norm + 1e-6)
    if clip_coef < 1:
        grads = [g * clip_coef for g in grads]
    return grads, total_norm


# --------------------------------------------------------------------------------------
# Adam, torch.optim.Adam ("Popular optimizers (e.g., Adam, RMSProp, Lookahead) are
# variants of gradient descent", 95-865)
# --------------------------------------------------------------------------------------

def adam_step(param, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """One Adam step for one parameter, as torch.optim.Adam takes it.

        grad = grad + weight_decay * param          (L2 penalty; only when weight_decay != 0)
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        m_hat = m / (1 - beta1**t)     v_hat = v / (1 - beta2**t)
        param = param - lr * m_hat / (sqrt(v_hat) + eps)

    param, grad, m, v: arrays of the same shape; m and v are zeros before the first step
    t: the number of this step, 1 for the first
    Returns (param, m, v) after the step; the runner passes m and v back at the next step.
    """
    beta1, beta2 = betas
    if weight_decay != 0:
        grad = grad + weight_decay * param
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    param = param - lr * m_hat / (np.sqrt(v_hat) + eps)
    return param, m, v
