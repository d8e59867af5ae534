"""Answers a case file (Spec/formats.md) with PyTorch itself, for every case PyTorch can compute.

    /usr/bin/python3 Tests/Fixtures/torch_cases.py CASES.json RESULTS.json

Run with Debian's Python (python3-torch, python3-numpy). Everything is float64 on the CPU.
A case is PyTorch's when its op is one of torch's (below) with PyTorch's options: no
"convention" other than "pytorch", a reset-after GRU, clip_grad_norm in mode "pytorch", a
torch.optim optimizer without Lookahead or Keras's form. Those get a result computed by torch
(outputs from the module or function, gradients by torch.autograd.grad of
sum(output * grad_output) over the outputs); every other case is left out, and its id is listed
on standard error. The slides' two cells have no torch module: their loops are written in torch
as on the slides, and autograd gives their gradients.

The conformance-vector test (Tests/Grading.Tests/Vectors/ConformanceVectorTests.cs) runs this on Spec/vectors/cases.json
and compares the answers with the committed expected results.
"""
import json
import math
import sys

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_default_dtype(torch.float64)


def load(a):
    data = [float(v) if not isinstance(v, str) else {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
            for v in a["data"]]
    return torch.tensor(data, dtype=torch.float64).reshape(a["shape"])


def dump(t):
    t = t.detach().to(torch.float64).reshape(-1).tolist()
    return [("NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")) if not math.isfinite(v) else v for v in t]


def array(t):
    return {"shape": list(t.shape), "data": dump(t)}


def leaf(t):
    return t.clone().requires_grad_(True)


def backward(outputs, grad_outputs, leaves):
    """Gradients of sum(output * grad_output) with respect to each leaf (zeros where unused)."""
    total = sum((outputs[k] * grad_outputs[k]).sum() for k in outputs if k in grad_outputs and outputs[k].requires_grad)
    names = list(leaves)
    if not torch.is_tensor(total):
        return {n: torch.zeros_like(leaves[n]) for n in names}
    grads = torch.autograd.grad(total, [leaves[n] for n in names], allow_unused=True)
    return {n: (g if g is not None else torch.zeros_like(leaves[n])) for n, g in zip(names, grads)}


# ---- the recurrent ops ---------------------------------------------------------------------

def recurrent(op, cfg, inputs, params, gouts):
    kwargs = dict(input_size=cfg["input_size"], hidden_size=cfg["hidden_size"], num_layers=cfg.get("num_layers", 1),
                  bias=cfg.get("bias", True), batch_first=cfg.get("batch_first", False),
                  bidirectional=cfg.get("bidirectional", False))
    if op == "rnn":
        module = torch.nn.RNN(nonlinearity=cfg.get("nonlinearity", "tanh"), **kwargs)
    elif op == "lstm":
        module = torch.nn.LSTM(**kwargs)
    else:
        module = torch.nn.GRU(**kwargs)
    leaves = {"input": leaf(inputs["input"])}
    for n in ("h0", "c0"):
        if n in inputs:
            leaves[n] = leaf(inputs[n])
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(params[name])
    for name, p in module.named_parameters():
        leaves[name] = p
    x = leaves["input"]
    hidden = None
    if op == "lstm" and ("h0" in leaves or "c0" in leaves):
        shape = (kwargs["num_layers"] * (2 if kwargs["bidirectional"] else 1),) + ((x.shape[1] if not kwargs["batch_first"] else x.shape[0],) if x.dim() == 3 else ()) + (kwargs["hidden_size"],)
        hidden = (leaves.get("h0", torch.zeros(shape)), leaves.get("c0", torch.zeros(shape)))
    elif "h0" in leaves:
        hidden = leaves["h0"]
    if "lengths" in inputs:
        T = x.shape[1] if kwargs["batch_first"] else x.shape[0]
        packed = pack_padded_sequence(x, inputs["lengths"].to(torch.int64), batch_first=kwargs["batch_first"], enforce_sorted=False)
        out, hid = module(packed, hidden)
        out, _ = pad_packed_sequence(out, batch_first=kwargs["batch_first"], total_length=T)
    else:
        out, hid = module(x, hidden)
    outputs = {"output": out}
    if op == "lstm":
        outputs["h_n"], outputs["c_n"] = hid
    else:
        outputs["h_n"] = hid
    return outputs, backward(outputs, gouts, leaves)


def relu_rnn_slide(cfg, inputs, params, gouts):
    leaves = {"input": leaf(inputs["input"])}
    if "h0" in inputs:
        leaves["h0"] = leaf(inputs["h0"])
    for n in ("W", "U", "b"):
        leaves[n] = leaf(params[n])
    W, U, b = leaves["W"], leaves["U"], leaves["b"]
    x = leaves["input"]
    state = leaves["h0"].reshape(x.shape[1:-1] + (W.shape[0],)) if "h0" in leaves else torch.zeros(x.shape[1:-1] + (W.shape[0],))
    outs = []
    for input in x:
        linear = input @ W.T + b + state @ U.T
        output = torch.relu(linear)
        outs.append(output)
        state = output
    output = torch.stack(outs)
    outputs = {"output": output, "last_output": output[-1]}
    return outputs, backward(outputs, gouts, leaves)


def tanh_rnn_slide(cfg, inputs, params, gouts):
    leaves = {"input": leaf(inputs["input"])}
    if "h0" in inputs:
        leaves["h0"] = leaf(inputs["h0"])
    for n in ("Wxh", "Whh", "Why"):
        leaves[n] = leaf(params[n])
    x = leaves["input"]
    H = leaves["Whh"].shape[0]
    h = leaves["h0"].reshape(x.shape[1:-1] + (H,)) if "h0" in leaves else torch.zeros(x.shape[1:-1] + (H,))
    ys = []
    for xt in x:
        h = torch.tanh(xt @ leaves["Wxh"].t() + h @ leaves["Whh"].t())
        ys.append(F.linear(h, leaves["Why"]))
    outputs = {"output": torch.stack(ys), "h_n": h}
    return outputs, backward(outputs, gouts, leaves)


# ---- layers and losses -----------------------------------------------------------------------

def functional(fn, float_inputs):
    """An op y = fn(**tensors) whose float inputs and params get gradients."""
    def run(cfg, inputs, params, gouts):
        leaves = {}
        tensors = {}
        for n, t in list(inputs.items()) + list(params.items()):
            if n in float_inputs or n in params:
                leaves[n] = leaf(t)
                tensors[n] = leaves[n]
            else:
                tensors[n] = t
        outputs = fn(cfg, **tensors)
        if not isinstance(outputs, dict):
            outputs = {"output": outputs}
        grads = backward({k: v for k, v in outputs.items() if k == "output"}, gouts, leaves)
        return outputs, grads
    return run


def max_pool1d(cfg, input):
    out = F.max_pool1d(input, cfg["kernel_size"], cfg.get("stride") or cfg["kernel_size"], cfg.get("padding", 0),
                       cfg.get("dilation", 1), cfg.get("ceil_mode", False), return_indices=True)
    result = {"output": out[0]}
    if cfg.get("return_indices", False):
        result["indices"] = out[1].to(torch.float64)
    return result


OPS = {
    "rnn": lambda *a: recurrent("rnn", *a),
    "lstm": lambda *a: recurrent("lstm", *a),
    "gru": lambda *a: recurrent("gru", *a),
    "relu_rnn_slide": relu_rnn_slide,
    "tanh_rnn_slide": tanh_rnn_slide,
    "linear": functional(lambda cfg, input, weight, bias=None: F.linear(input, weight, bias), {"input"}),
    "embedding": functional(lambda cfg, input, weight: F.embedding(input.to(torch.int64), weight, padding_idx=cfg.get("padding_idx")), set()),
    "conv1d": functional(lambda cfg, input, weight, bias=None: F.conv1d(input, weight, bias, cfg.get("stride", 1), cfg.get("padding", 0),
                                                                        cfg.get("dilation", 1), cfg.get("groups", 1)), {"input"}),
    "max_pool1d": functional(max_pool1d, {"input"}),
    "avg_pool1d": functional(lambda cfg, input: F.avg_pool1d(input, cfg["kernel_size"], cfg.get("stride") or cfg["kernel_size"], cfg.get("padding", 0),
                                                              cfg.get("ceil_mode", False), cfg.get("count_include_pad", True)), {"input"}),
    "relu": functional(lambda cfg, input: torch.relu(input), {"input"}),
    "tanh": functional(lambda cfg, input: torch.tanh(input), {"input"}),
    "sigmoid": functional(lambda cfg, input: torch.sigmoid(input), {"input"}),
    "softmax": functional(lambda cfg, input: torch.softmax(input, cfg["dim"]), {"input"}),
    "cross_entropy": functional(lambda cfg, input, target, weight=None: F.cross_entropy(
        input, target.to(torch.int64), weight=weight, reduction=cfg.get("reduction", "mean"), ignore_index=cfg.get("ignore_index", -100)), {"input"}),
    "binary_cross_entropy_with_logits": functional(lambda cfg, input, target, weight=None, pos_weight=None: F.binary_cross_entropy_with_logits(
        input, target, weight=weight, pos_weight=pos_weight, reduction=cfg.get("reduction", "mean")), {"input", "target"}),
    "mse_loss": functional(lambda cfg, input, target: F.mse_loss(input, target, reduction=cfg.get("reduction", "mean")), {"input", "target"}),
}


# ---- clipping and optimizers (no gradients) ------------------------------------------------

def clip_grad_norm(cfg, inputs, params, gouts):
    ps = []
    for n, g in inputs.items():
        p = torch.zeros_like(g, requires_grad=True)
        p.grad = g.clone()
        ps.append((n, p))
    norm_type = cfg.get("norm_type", 2.0)
    norm_type = math.inf if norm_type in ("inf", "Infinity") else float(norm_type)
    total = torch.nn.utils.clip_grad_norm_([p for _, p in ps], cfg["max_norm"], norm_type=norm_type,
                                           error_if_nonfinite=cfg.get("error_if_nonfinite", False))
    outputs = {n: p.grad for n, p in ps}
    outputs["total_norm"] = total.reshape(())
    return outputs, {}


def clip_grad_value(cfg, inputs, params, gouts):
    ps = []
    for n, g in inputs.items():
        p = torch.zeros_like(g, requires_grad=True)
        p.grad = g.clone()
        ps.append((n, p))
    torch.nn.utils.clip_grad_value_([p for _, p in ps], cfg["clip_value"])
    return {n: p.grad for n, p in ps}, {}


OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "rmsprop": torch.optim.RMSprop,
              "adagrad": torch.optim.Adagrad, "adadelta": torch.optim.Adadelta}


def optimizer(cfg, inputs, params, gouts):
    names = [n for n in inputs if not n.endswith(".grad")]
    ps = {n: inputs[n].clone().requires_grad_(True) for n in names}
    hyper = {k: (tuple(v) if k == "betas" else v) for k, v in cfg.items() if k not in ("name", "form")}
    opt = OPTIMIZERS[cfg["name"]]([ps[n] for n in names], foreach=False, **hyper)
    steps = inputs[names[0] + ".grad"].shape[0]
    history = {n: [] for n in names}
    for s in range(steps):
        for n in names:
            ps[n].grad = inputs[n + ".grad"][s].clone()
        opt.step()
        for n in names:
            history[n].append(ps[n].detach().clone())
    return {n: torch.stack(history[n]) for n in names}, {}


OPS.update({"clip_grad_norm": clip_grad_norm, "clip_grad_value": clip_grad_value, "optimizer": optimizer})


def pytorch_form(case):
    cfg = case.get("config", {})
    if cfg.get("convention", "pytorch") != "pytorch" or case["op"] not in OPS:
        return False
    if case["op"] == "gru" and not cfg.get("reset_after", True):
        return False
    if case["op"] == "clip_grad_norm" and cfg.get("mode", "pytorch") != "pytorch":
        return False
    if case["op"] == "optimizer" and (cfg.get("form", "pytorch") != "pytorch" or "lookahead" in cfg):
        return False
    return True


def main():
    cases = json.load(open(sys.argv[1]))["cases"]
    results, skipped = [], []
    for case in cases:
        if not pytorch_form(case):
            skipped.append(case["id"])
            continue
        cfg = {k: v for k, v in case.get("config", {}).items() if k != "convention"}
        get = lambda part: {n: load(a) for n, a in case.get(part, {}).items()}
        outputs, grads = OPS[case["op"]](cfg, get("inputs"), get("params"), get("grad_outputs"))
        results.append({"id": case["id"], "outputs": {k: array(v) for k, v in outputs.items()},
                        "grads": {k: array(v) for k, v in grads.items()}})
    with open(sys.argv[2], "w") as f:
        json.dump({"format": "rnn-reference/results@1", "results": results}, f)
    print(f"{len(results)} cases answered by torch {torch.__version__}; {len(skipped)} not PyTorch's: {' '.join(skipped)}", file=sys.stderr)


if __name__ == "__main__":
    main()
