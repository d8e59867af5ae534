"""Answer an rnn-reference case file with the functions in rnn_student.py.

    python3 runner.py CASES_FILE ANSWERS_FILE

Reads the cases (format "rnn-reference/cases@1": inputs, params, upstream gradients and
config of every case; Spec/formats.md), calls your functions for each case and writes your
outputs and gradients to ANSWERS_FILE (format "rnn-reference/results@1"), named as the
oracle names them. Gradients are computed only for cases that give upstream gradients
(grad_outputs); a forward-only case is answered with its outputs. A case whose function raises gets {"id", "error": "Type: message"}
and the other cases still run; the traceback goes to standard error. The answers file is
rewritten after every case, so whatever was answered survives a later crash or timeout.
Exit code: 0 when every case was answered, 1 when some case has an error (the answers file
still holds every case), 2 for a wrong command line, 3 when CASES_FILE is not a case file.
(The grader looks only at the answers, never at the exit code.)

Only json and numpy are used. The grader runs its own copy of this file: changes to it
do not change your grade.

Ops and the functions they call:
    relu_rnn_slide   relu_rnn_forward / relu_rnn_backward
    tanh_rnn_slide   tanh_rnn_forward / tanh_rnn_backward
    lstm             lstm_forward / lstm_backward       (one layer, one direction, no lengths)
    gru              gru_forward / gru_backward         (one layer, one direction, no lengths)
    clip_grad_norm   clip_grad_norm                     (mode "pytorch")
    optimizer        adam_step                          (name "adam")
"""
import json
import math
import os
import sys
import traceback

import numpy as np

CASES_FORMAT = "rnn-reference/cases@1"
RESULTS_FORMAT = "rnn-reference/results@1"


class CaseNotSupported(Exception):
    """The case asks for something this assignment does not cover."""


# ---- arrays in the case and answer files --------------------------------------------

def load_array(a):
    """{"shape": [...], "data": [...]} -> float64 array; "NaN", "Infinity", "-Infinity" allowed."""
    data = [float(v) for v in a["data"]]  # float("NaN"), float("Infinity") parse the strings
    return np.array(data, dtype=np.float64).reshape(a["shape"])


def number(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def dump_array(x):
    """An answer as {"shape", "data"}; non-finite numbers become the strings JSON needs."""
    a = np.asarray(x, dtype=np.float64)
    return {"shape": list(a.shape), "data": [number(v) for v in a.reshape(-1).tolist()]}


def fresh(a):
    """A private copy, so a function that writes into its arguments cannot touch another call's."""
    return np.array(a, dtype=np.float64, copy=True)


def drop_axis(a, axis):
    """Removes a size-1 axis added for the student's functions; leaves a wrong shape alone for the grader to report."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim > axis and a.shape[axis] == 1:
        return np.squeeze(a, axis=axis)
    return a


def unpack(result, count, function):
    """The tuple a student function returned, checked for its length."""
    if not isinstance(result, (tuple, list)) or len(result) != count:
        got = f"a {type(result).__name__} of length {len(result)}" if isinstance(result, (tuple, list)) else type(result).__name__
        raise TypeError(f"{function} must return {count} values but returned {got}")
    return result


# ---- one function per op -------------------------------------------------------------

def run_relu_rnn_slide(student, config, inputs, params, grad_outputs, want_grads):
    x = inputs["input"]
    batched = x.ndim == 3
    xb = x if batched else x[:, None, :]
    H = params["W"].shape[0]
    h0 = inputs.get("h0")
    h0b = np.zeros((xb.shape[1], H)) if h0 is None else (h0 if batched else h0[None, :])
    outputs, cache = unpack(student.relu_rnn_forward(
        fresh(xb), fresh(params["W"]), fresh(params["U"]), fresh(params["b"]), fresh(h0b)), 2, "relu_rnn_forward")
    outputs = np.asarray(outputs, dtype=np.float64)
    out = {"output": outputs if batched else drop_axis(outputs, 1)}
    out["last_output"] = out["output"][-1]
    if not want_grads:
        return out, {}

    # last_output is outputs[T-1]: its gradient adds to that step's
    T, B = xb.shape[0], xb.shape[1]
    doutputs = grad_outputs.get("output", np.zeros((T, B, H) if batched else (T, H)))
    doutputs = fresh(doutputs if batched else doutputs[:, None, :])
    if "last_output" in grad_outputs:
        dlast = grad_outputs["last_output"]
        doutputs[-1] += dlast if batched else dlast[None, :]
    dinput, dh0, dW, dU, db = unpack(student.relu_rnn_backward(doutputs, cache), 5, "relu_rnn_backward")

    grads = {"input": dinput if batched else drop_axis(dinput, 1)}
    if h0 is not None:
        grads["h0"] = dh0 if batched else drop_axis(dh0, 0)
    grads.update({"W": dW, "U": dU, "b": db})
    return out, grads


def run_tanh_rnn_slide(student, config, inputs, params, grad_outputs, want_grads):
    x = inputs["input"]
    batched = x.ndim == 3
    xb = x if batched else x[:, None, :]
    T, B = xb.shape[0], xb.shape[1]
    H, O = params["Whh"].shape[0], params["Why"].shape[0]
    h0 = inputs.get("h0")
    h0b = np.zeros((B, H)) if h0 is None else (h0 if batched else h0[None, :])
    y, h_n, cache = unpack(student.tanh_rnn_forward(
        fresh(xb), fresh(h0b), fresh(params["Wxh"]), fresh(params["Whh"]), fresh(params["Why"])), 3, "tanh_rnn_forward")
    out = {"output": y if batched else drop_axis(y, 1), "h_n": h_n if batched else drop_axis(h_n, 0)}
    if not want_grads:
        return out, {}

    dy = grad_outputs.get("output", np.zeros((T, B, O) if batched else (T, O)))
    dh_n = grad_outputs.get("h_n", np.zeros((B, H) if batched else (H,)))
    dy = dy if batched else dy[:, None, :]
    dh_n = dh_n if batched else dh_n[None, :]
    dx, dh0, dWxh, dWhh, dWhy = unpack(student.tanh_rnn_backward(fresh(dy), fresh(dh_n), cache), 5, "tanh_rnn_backward")

    grads = {"input": dx if batched else drop_axis(dx, 1)}
    if h0 is not None:
        grads["h0"] = dh0 if batched else drop_axis(dh0, 0)
    grads.update({"Wxh": dWxh, "Whh": dWhh, "Why": dWhy})
    return out, grads


def gated_layout(config, inputs, op):
    """Checks the config is one this assignment covers; returns (batched, batch_first, bias)."""
    known = {"input_size", "hidden_size", "num_layers", "bias", "batch_first", "bidirectional", "dropout"}
    if op == "lstm":
        known.add("proj_size")
    unknown = sorted(set(config) - known)
    if unknown:
        raise CaseNotSupported(f"config {', '.join(unknown)} is not an option of op {op}")
    if config.get("num_layers", 1) != 1:
        raise CaseNotSupported("num_layers must be 1 in this assignment")
    if config.get("bidirectional", False):
        raise CaseNotSupported("bidirectional layers are not part of this assignment")
    if config.get("dropout", 0) != 0 or config.get("proj_size", 0) != 0:
        raise CaseNotSupported("dropout and proj_size must be 0 in this assignment")
    if "lengths" in inputs:
        raise CaseNotSupported("variable lengths are not part of this assignment")
    batched = inputs["input"].ndim == 3
    return batched, batched and config.get("batch_first", False), config.get("bias", True)


def to_student_layout(x, state, batched, batch_first):
    """input -> [T, B, I]; a state [1, B, H] (unbatched [1, H]) -> [B, H]."""
    if not batched:
        return x[:, None, :], state  # the state [1, H] already reads as [B = 1, H]
    return (x.transpose(1, 0, 2) if batch_first else x), state[0]


def from_student_layout(seq, state, batched, batch_first):
    """[T, B, *] -> the case's layout; a state [B, H] -> [1, B, H] (unbatched [1, H])."""
    seq = np.asarray(seq, dtype=np.float64)
    state = np.asarray(state, dtype=np.float64)
    if not batched:
        return drop_axis(seq, 1), state
    return (seq.transpose(1, 0, 2) if batch_first and seq.ndim == 3 else seq), state[None]


def run_lstm(student, config, inputs, params, grad_outputs, want_grads):
    batched, batch_first, bias = gated_layout(config, inputs, "lstm")
    H = config["hidden_size"]
    x = inputs["input"]
    B = x.shape[0 if batch_first else 1] if batched else 1
    state_shape = (1, B, H) if batched else (1, H)
    h0 = inputs.get("h0", np.zeros(state_shape))
    c0 = inputs.get("c0", np.zeros(state_shape))
    xs, h0s = to_student_layout(x, h0, batched, batch_first)
    _, c0s = to_student_layout(x, c0, batched, batch_first)
    zeros = np.zeros(4 * H)
    b_ih = params["bias_ih_l0"] if bias else zeros
    b_hh = params["bias_hh_l0"] if bias else zeros
    output, h_n, c_n, cache = unpack(student.lstm_forward(
        fresh(xs), fresh(h0s), fresh(c0s), fresh(params["weight_ih_l0"]), fresh(params["weight_hh_l0"]),
        fresh(b_ih), fresh(b_hh)), 4, "lstm_forward")
    output_out, h_n_out = from_student_layout(output, h_n, batched, batch_first)
    _, c_n_out = from_student_layout(output, c_n, batched, batch_first)
    out = {"output": output_out, "h_n": h_n_out, "c_n": c_n_out}
    if not want_grads:
        return out, {}

    T = xs.shape[0]
    doutput = grad_outputs.get("output")
    doutput = np.zeros((T, xs.shape[1], H)) if doutput is None else to_student_layout(doutput, h0, batched, batch_first)[0]
    dh_n = to_student_layout(x, grad_outputs.get("h_n", np.zeros(state_shape)), batched, batch_first)[1]
    dc_n = to_student_layout(x, grad_outputs.get("c_n", np.zeros(state_shape)), batched, batch_first)[1]
    dx, dh0, dc0, dw_ih, dw_hh, db_ih, db_hh = unpack(
        student.lstm_backward(fresh(doutput), fresh(dh_n), fresh(dc_n), cache), 7, "lstm_backward")

    dx_out, dh0_out = from_student_layout(dx, dh0, batched, batch_first)
    _, dc0_out = from_student_layout(dx, dc0, batched, batch_first)
    grads = {"input": dx_out}
    if "h0" in inputs:
        grads["h0"] = dh0_out
    if "c0" in inputs:
        grads["c0"] = dc0_out
    grads["weight_ih_l0"] = dw_ih
    grads["weight_hh_l0"] = dw_hh
    if bias:
        grads["bias_ih_l0"] = db_ih
        grads["bias_hh_l0"] = db_hh
    return out, grads


def run_gru(student, config, inputs, params, grad_outputs, want_grads):
    batched, batch_first, bias = gated_layout(config, inputs, "gru")
    H = config["hidden_size"]
    x = inputs["input"]
    B = x.shape[0 if batch_first else 1] if batched else 1
    state_shape = (1, B, H) if batched else (1, H)
    h0 = inputs.get("h0", np.zeros(state_shape))
    xs, h0s = to_student_layout(x, h0, batched, batch_first)
    zeros = np.zeros(3 * H)
    b_ih = params["bias_ih_l0"] if bias else zeros
    b_hh = params["bias_hh_l0"] if bias else zeros
    output, h_n, cache = unpack(student.gru_forward(
        fresh(xs), fresh(h0s), fresh(params["weight_ih_l0"]), fresh(params["weight_hh_l0"]),
        fresh(b_ih), fresh(b_hh)), 3, "gru_forward")
    output_out, h_n_out = from_student_layout(output, h_n, batched, batch_first)
    out = {"output": output_out, "h_n": h_n_out}
    if not want_grads:
        return out, {}

    T = xs.shape[0]
    doutput = grad_outputs.get("output")
    doutput = np.zeros((T, xs.shape[1], H)) if doutput is None else to_student_layout(doutput, h0, batched, batch_first)[0]
    dh_n = to_student_layout(x, grad_outputs.get("h_n", np.zeros(state_shape)), batched, batch_first)[1]
    dx, dh0, dw_ih, dw_hh, db_ih, db_hh = unpack(
        student.gru_backward(fresh(doutput), fresh(dh_n), cache), 6, "gru_backward")

    dx_out, dh0_out = from_student_layout(dx, dh0, batched, batch_first)
    grads = {"input": dx_out}
    if "h0" in inputs:
        grads["h0"] = dh0_out
    grads["weight_ih_l0"] = dw_ih
    grads["weight_hh_l0"] = dw_hh
    if bias:
        grads["bias_ih_l0"] = db_ih
        grads["bias_hh_l0"] = db_hh
    return out, grads


def run_clip_grad_norm(student, config, inputs, params, grad_outputs, want_grads):
    unknown = sorted(set(config) - {"max_norm", "norm_type", "mode", "error_if_nonfinite"})
    if unknown:
        raise CaseNotSupported(f"config {', '.join(unknown)} is not an option of op clip_grad_norm")
    if config.get("mode", "pytorch") != "pytorch":
        raise CaseNotSupported("only mode \"pytorch\" (torch.nn.utils.clip_grad_norm_) is part of this assignment")
    if config.get("error_if_nonfinite", False):
        raise CaseNotSupported("error_if_nonfinite is not part of this assignment")
    norm_type = config.get("norm_type", 2.0)
    norm_type = np.inf if norm_type in ("inf", "Infinity") else float(norm_type)
    names = list(inputs)
    clipped, total_norm = unpack(student.clip_grad_norm(
        [fresh(inputs[n]) for n in names], float(config["max_norm"]), norm_type), 2, "clip_grad_norm")
    if len(clipped) != len(names):
        raise TypeError(f"clip_grad_norm returned {len(clipped)} gradients for {len(names)}")
    out = {n: g for n, g in zip(names, clipped)}
    out["total_norm"] = np.asarray(total_norm, dtype=np.float64).reshape(())
    return out, {}


def run_optimizer(student, config, inputs, params, grad_outputs, want_grads):
    if config.get("name") != "adam":
        raise CaseNotSupported(f"optimizer {config.get('name')!r} is not part of this assignment (only \"adam\")")
    unknown = sorted(set(config) - {"name", "lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "form"})
    if unknown:
        raise CaseNotSupported(f"config {', '.join(unknown)} is not part of this assignment's Adam")
    if config.get("amsgrad", False) or config.get("maximize", False) or config.get("form", "pytorch") != "pytorch":
        raise CaseNotSupported("amsgrad, maximize and the Keras form are not part of this assignment")
    lr = float(config.get("lr", 1e-3))
    betas = tuple(float(b) for b in config.get("betas", [0.9, 0.999]))
    eps = float(config.get("eps", 1e-8))
    weight_decay = float(config.get("weight_decay", 0.0))

    out = {}
    for name, value in inputs.items():
        if name.endswith(".grad"):
            continue
        grads = inputs[name + ".grad"]  # [steps, *shape]
        param, m, v = fresh(value), np.zeros_like(value), np.zeros_like(value)
        after = []
        for s in range(grads.shape[0]):
            param, m, v = unpack(student.adam_step(fresh(param), fresh(grads[s]), fresh(m), fresh(v), s + 1,
                                                   lr=lr, betas=betas, eps=eps, weight_decay=weight_decay), 3, "adam_step")
            after.append(np.asarray(param, dtype=np.float64))
        out[name] = np.array(after)
    return out, {}


OPS = {
    "relu_rnn_slide": run_relu_rnn_slide,
    "tanh_rnn_slide": run_tanh_rnn_slide,
    "lstm": run_lstm,
    "gru": run_gru,
    "clip_grad_norm": run_clip_grad_norm,
    "optimizer": run_optimizer,
}


# ---- the loop over cases -------------------------------------------------------------

def describe(e):
    message = str(e)
    return f"{type(e).__name__}: {message}" if message else type(e).__name__


def write_answers(path, results):
    """Writes the whole answers file to a temporary file, then renames it into place."""
    tmp = path + ".partial"
    with open(tmp, "w") as f:
        json.dump({"format": RESULTS_FORMAT, "results": results}, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    os.replace(tmp, path)


def answer(student, case):
    op = case.get("op")
    if op not in OPS:
        raise CaseNotSupported(f"op {op!r} is not part of this assignment; the ops are {', '.join(OPS)}")
    get = lambda part: {name: load_array(a) for name, a in case.get(part, {}).items()}
    # Gradients are computed when the case gives upstream gradients: a forward-only case
    # (no grad_outputs) is answered with outputs alone, so it passes before backward is written.
    want_grads = bool(case.get("grad_outputs"))
    outputs, grads = OPS[op](student, case.get("config", {}), get("inputs"), get("params"), get("grad_outputs"), want_grads)
    return {"id": case["id"],
            "outputs": {k: dump_array(v) for k, v in outputs.items()},
            "grads": {k: dump_array(v) for k, v in grads.items()}}


def main(argv):
    if len(argv) != 3:
        print("usage: python3 runner.py CASES_FILE ANSWERS_FILE", file=sys.stderr)
        return 2
    cases_path, answers_path = argv[1], argv[2]
    with open(cases_path) as f:
        case_file = json.load(f)
    if case_file.get("format") != CASES_FORMAT:
        print(f"{cases_path}: format must be {CASES_FORMAT!r}", file=sys.stderr)
        return 3
    cases = case_file.get("cases", [])

    results = []
    failed = 0
    write_answers(answers_path, results)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        import rnn_student as student
        import_error = None
    except BaseException as e:  # a syntax error or a crash at import time fails every case, not the runner
        traceback.print_exc()
        student, import_error = None, f"could not import rnn_student.py: {describe(e)}"

    for case in cases:
        case_id = case.get("id", "?")
        try:
            if import_error is not None:
                raise ImportError(import_error)
            result = answer(student, case)
            print(f"{case_id}: answered")
        except BaseException as e:  # never let one case (or sys.exit in student code) stop the others
            if isinstance(e, KeyboardInterrupt):
                raise
            if not isinstance(e, CaseNotSupported):
                traceback.print_exc()
            result = {"id": case_id, "error": describe(e)}
            failed += 1
            print(f"{case_id}: error: {result['error']}")
        results.append(result)
        write_answers(answers_path, results)
    if failed:
        print(f"{failed} of {len(cases)} cases have an error", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
