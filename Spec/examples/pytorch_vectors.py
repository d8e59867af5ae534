"""Run the conformance vectors through PyTorch's own nn.RNN / nn.LSTM / nn.GRU and check the answers.

    python3 pytorch_vectors.py VECTORS_DIR ANSWERS.json RNN_GRADING...

As numpy_vectors.py, with a PyTorch module in place of the NumPy code: every rnn, lstm and gru
case in PyTorch's names (no "convention", the reset-after GRU) is answered by the module, in
float64, with autograd for the gradients; check then compares the rnn, lstm and gru cases."""
import json, subprocess, sys
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_default_dtype(torch.float64)
def load(a): return torch.tensor([float(v) for v in a["data"]]).reshape(a["shape"])
def dump(t): return {"shape": list(t.shape), "data": t.detach().reshape(-1).tolist()}

def answer(op, cfg, inputs, params, gouts):
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[op]
    kwargs = {k: cfg[k] for k in ("num_layers", "bias", "batch_first", "bidirectional") if k in cfg}
    if op == "rnn":
        kwargs["nonlinearity"] = cfg.get("nonlinearity", "tanh")
    m = module(cfg["input_size"], cfg["hidden_size"], **kwargs)
    with torch.no_grad():
        for name, p in m.named_parameters():
            p.copy_(params[name])
    x = inputs["input"].clone().requires_grad_(True)
    state = [inputs[k].clone().requires_grad_(True) for k in ("h0", "c0") if k in inputs]
    hx = None if not state else (tuple(state) if op == "lstm" else state[0])
    if "lengths" in inputs:
        T = x.shape[1 if m.batch_first else 0]
        packed = pack_padded_sequence(x, inputs["lengths"].long(), batch_first=m.batch_first, enforce_sorted=False)
        out, last = m(packed, hx)
        out, _ = pad_packed_sequence(out, batch_first=m.batch_first, total_length=T)
    else:
        out, last = m(x, hx)
    outs = {"output": out}
    outs.update({"h_n": last[0], "c_n": last[1]} if op == "lstm" else {"h_n": last})
    loss = sum((outs[k] * gouts[k]).sum() for k in outs if k in gouts)
    leaves = {"input": x, **{k: s for k, s in zip(("h0", "c0"), state)}, **dict(m.named_parameters())}
    grads = torch.autograd.grad(loss, list(leaves.values()), allow_unused=True)
    return outs, {k: (g if g is not None else torch.zeros_like(leaves[k])) for k, g in zip(leaves, grads)}

vectors, answers, program = sys.argv[1], sys.argv[2], sys.argv[3:]
results = []
for c in json.load(open(f"{vectors}/cases.json"))["cases"]:
    cfg = c.get("config", {})
    if c["op"] not in ("rnn", "lstm", "gru") or "convention" in cfg or cfg.get("reset_after", True) is False:
        continue
    get = lambda part: {name: load(a) for name, a in c.get(part, {}).items()}
    outs, grads = answer(c["op"], cfg, get("inputs"), get("params"), get("grad_outputs"))
    results.append({"id": c["id"], "outputs": {k: dump(v) for k, v in outs.items()}, "grads": {k: dump(v) for k, v in grads.items()}})
json.dump({"format": "rnn-reference/results@1", "results": results}, open(answers, "w"))
sys.exit(subprocess.run(program + ["check", f"{vectors}/cases.json", answers, "--only", "rnn,lstm,gru", "--skip-missing"]).returncode)
