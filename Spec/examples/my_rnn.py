"""An example implementation answering the op relu_rnn_slide: the 95-865 slide's ReLU RNN in
NumPy, with back-propagation through time. Inputs are one sequence [T, I] (no batch axis).
It also answers lstm (PyTorch's nn.LSTM, one layer and direction, time-major batches)."""
import numpy as np


def relu_rnn_slide(config, inputs, params, grad_outputs):
    W, U, b = params["W"], params["U"], params["b"]
    input_sequence = inputs["input"]
    if input_sequence.ndim != 2:
        raise NotImplementedError("this example takes one sequence [T, I]")
    current_state = inputs.get("h0", np.zeros(W.shape[0]))
    h0 = current_state
    outputs = []
    for input in input_sequence:
        linear = np.dot(input, W.T) + b + np.dot(current_state, U.T)
        output = np.maximum(0, linear)  # ReLU
        outputs.append(output)
        current_state = output
    outputs = np.array(outputs)

    d_outputs = grad_outputs.get("output", np.zeros_like(outputs)).copy()
    d_outputs[-1] += grad_outputs.get("last_output", np.zeros_like(outputs[-1]))
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    d_input = np.zeros_like(input_sequence)
    d_next = np.zeros_like(b)
    for t in reversed(range(len(input_sequence))):
        d_linear = (d_outputs[t] + d_next) * (outputs[t] > 0)
        previous = outputs[t - 1] if t > 0 else h0
        dW += np.outer(d_linear, input_sequence[t])
        dU += np.outer(d_linear, previous)
        db += d_linear
        d_input[t] = d_linear @ W
        d_next = d_linear @ U
    grads = {"input": d_input, "W": dW, "U": dU, "b": db}
    if "h0" in inputs:
        grads["h0"] = d_next
    return {"output": outputs, "last_output": outputs[-1]}, grads


OPS = {"relu_rnn_slide": relu_rnn_slide}


def sigmoid(a):
    return 0.5 * (1 + np.tanh(0.5 * a))  # = 1 / (1 + exp(-a)), without overflow


def lstm(config, inputs, params, grad_outputs):
    """PyTorch's nn.LSTM, one layer, one direction, input [T, B, I] (time-major), gates i, f, g, o."""
    if config.get("num_layers", 1) != 1 or config.get("bidirectional") or config.get("batch_first") \
            or "lengths" in inputs or "convention" in config or not config.get("bias", True) or inputs["input"].ndim != 3:
        raise NotImplementedError("this example LSTM takes one layer, one direction, time-major batches, PyTorch's names")
    x = inputs["input"]
    Wih, Whh = params["weight_ih_l0"], params["weight_hh_l0"]
    b = params["bias_ih_l0"] + params["bias_hh_l0"]
    T, B, _ = x.shape
    H = Whh.shape[1]
    h = [inputs.get("h0", np.zeros((1, B, H)))[0]]
    c = [inputs.get("c0", np.zeros((1, B, H)))[0]]
    gates = []
    for t in range(T):
        a = x[t] @ Wih.T + h[-1] @ Whh.T + b                      # [B, 4H]
        i, f, g, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
        c.append(f * c[-1] + i * g)
        h.append(o * np.tanh(c[-1]))
        gates.append((i, f, g, o))
    output = np.array(h[1:])

    d_output = grad_outputs.get("output", np.zeros_like(output))
    dh_next = grad_outputs.get("h_n", np.zeros((1, B, H)))[0].copy()
    dc_next = grad_outputs.get("c_n", np.zeros((1, B, H)))[0].copy()
    dWih, dWhh, db, dx = np.zeros_like(Wih), np.zeros_like(Whh), np.zeros_like(b), np.zeros_like(x)
    for t in reversed(range(T)):
        i, f, g, o = gates[t]
        dh = d_output[t] + dh_next
        tanh_c = np.tanh(c[t + 1])
        dc = dc_next + dh * o * (1 - tanh_c ** 2)               # h = o * tanh(c)
        da = np.concatenate([dc * g * i * (1 - i),               # c = f * c_prev + i * g
                             dc * c[t] * f * (1 - f),
                             dc * i * (1 - g ** 2),
                             dh * tanh_c * o * (1 - o)], axis=1)
        dWih += da.T @ x[t]
        dWhh += da.T @ h[t]
        db += da.sum(axis=0)
        dx[t] = da @ Wih
        dh_next = da @ Whh
        dc_next = dc * f
    grads = {"input": dx, "weight_ih_l0": dWih, "weight_hh_l0": dWhh, "bias_ih_l0": db, "bias_hh_l0": db.copy()}
    if "h0" in inputs:
        grads["h0"] = dh_next[None]
    if "c0" in inputs:
        grads["c0"] = dc_next[None]
    return {"output": output, "h_n": h[-1][None], "c_n": c[-1][None]}, grads


OPS["lstm"] = lstm
