#!/usr/bin/python3
"""PyTorch parity fixtures for the optimizers and gradient clipping.

How to run (from the repository root, with Debian's Python: python3-torch, python3-numpy):

    /usr/bin/python3 Tests/Fixtures/gen_training_optim.py

It writes, in the oracle's case/results formats (Spec/formats.md):

    Tests/Fixtures/pytorch/optim.cases.json     op "optimizer": initial parameters + gradient sequences
    Tests/Fixtures/pytorch/optim.expected.json  the parameters after every step
    Tests/Fixtures/pytorch/clip.cases.json      ops "clip_grad_norm", "clip_grad_value"
    Tests/Fixtures/pytorch/clip.expected.json   the clipped gradients (and total_norm)

and the test Tests/Grading.Tests/Parity/OptimizerParityTests.cs checks the oracle
against them (Parity.CheckFixture("optim", 1e-9), Parity.CheckFixture("clip", 1e-10)).

Where each expected value comes from:
  * sgd, adam, adamw, rmsprop, adagrad, adadelta: torch.optim (torch 1.13, float64, CPU,
    foreach=False) stepping torch parameters whose .grad is set to the given gradient.
  * lookahead: torch has none; LookaheadReference below transcribes Algorithm 1 of Zhang et
    al. 2019 (arXiv 1907.08610) around the torch.optim optimizers.
  * form "keras" (adam, rmsprop): TF/Keras is not installed, so KerasAdam / KerasRmsprop below
    transcribe keras/src/optimizers/adam.py and rmsprop.py update_step line by line in NumPy.
  * clip_grad_norm mode "pytorch", clip_grad_value: torch.nn.utils.clip_grad_norm_ /
    clip_grad_value_. mode "per_tensor": Keras's BaseOptimizer._clip_by_norm transcribed in
    NumPy. mode "slide_squared": the MATH80629 slide's three lines run verbatim in NumPy on all
    gradients concatenated. mode "no_epsilon": d2l's grad_clipping run in torch.

Deterministic: a fixed NumPy seed; inputs are rounded to 4 decimals (exact in the JSON);
expected values are written with every digit (repr round-trips a double).
"""
import os
import sys
from collections import defaultdict

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixturelib import array, write_cases, write_results  # noqa: E402

torch.set_default_dtype(torch.float64)
# OUTDIR as the first argument writes there instead (the regeneration test uses it).
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytorch")
STEPS = 20
SHAPES = {"weight": (2, 3), "bias": (2,)}
rng = np.random.RandomState(20240611)


def rounded(a):
    return np.round(np.asarray(a, dtype=np.float64), 4)


def make_sequence(scale=1.0, steps=STEPS):
    """Initial parameters and a gradient sequence [steps, ...shape] for each parameter."""
    params = {n: rounded(rng.randn(*s)) for n, s in SHAPES.items()}
    grads = {n: rounded(rng.randn(steps, *s) * scale) for n, s in SHAPES.items()}
    return params, grads


# ---------------------------------------------------------------- reference optimizers

class LookaheadReference:
    """Lookahead, Algorithm 1 of the paper: phi_0 = theta_0; after every k inner steps
    phi = phi + alpha * (theta - phi), theta = phi. inner_state "reset" gives the inner
    optimizer fresh state after each pull-back (the state dict is emptied)."""

    def __init__(self, inner, k, alpha, inner_state="keep"):
        self.inner, self.k, self.alpha, self.inner_state = inner, k, alpha, inner_state
        self.params = [p for g in inner.param_groups for p in g["params"]]
        self.slow = [p.detach().clone() for p in self.params]
        self.counter = 0

    def step(self):
        self.inner.step()
        self.counter += 1
        if self.counter < self.k:
            return
        with torch.no_grad():
            for p, phi in zip(self.params, self.slow):
                phi.add_(p - phi, alpha=self.alpha)
                p.copy_(phi)
        self.counter = 0
        if self.inner_state == "reset":
            self.inner.state = defaultdict(dict)


class KerasAdam:
    """keras/src/optimizers/adam.py update_step, transcribed to NumPy (float64)."""

    def __init__(self, params, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
        self.params, self.lr, self.b1, self.b2, self.eps, self.amsgrad = params, learning_rate, beta_1, beta_2, epsilon, amsgrad
        self.m = {n: np.zeros_like(p) for n, p in params.items()}
        self.v = {n: np.zeros_like(p) for n, p in params.items()}
        self.v_hat = {n: np.zeros_like(p) for n, p in params.items()}
        self.iterations = 0

    def step(self, grads):
        local_step = self.iterations + 1
        for n, variable in self.params.items():
            gradient = grads[n]
            beta_1_power = self.b1 ** local_step
            beta_2_power = self.b2 ** local_step
            m, v = self.m[n], self.v[n]
            alpha = self.lr * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)
            m += (gradient - m) * (1 - self.b1)
            v += (np.square(gradient) - v) * (1 - self.b2)
            if self.amsgrad:
                self.v_hat[n][...] = np.maximum(self.v_hat[n], v)
                v = self.v_hat[n]
            variable -= (m * alpha) / (np.sqrt(v) + self.eps)
        self.iterations += 1


class KerasRmsprop:
    """keras/src/optimizers/rmsprop.py update_step, transcribed to NumPy (float64)."""

    def __init__(self, params, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
        self.params, self.lr, self.rho, self.momentum, self.eps, self.centered = params, learning_rate, rho, momentum, epsilon, centered
        self.velocity = {n: np.zeros_like(p) for n, p in params.items()}
        self.mom = {n: np.zeros_like(p) for n, p in params.items()}
        self.average_grad = {n: np.zeros_like(p) for n, p in params.items()}

    def step(self, grads):
        for n, variable in self.params.items():
            gradient, rho = grads[n], self.rho
            velocity = self.velocity[n]
            velocity[...] = rho * velocity + (1 - rho) * np.square(gradient)
            if self.centered:
                average_grad = self.average_grad[n]
                average_grad[...] = rho * average_grad + (1 - rho) * gradient
                denominator = velocity - np.square(average_grad) + self.eps
            else:
                denominator = velocity + self.eps
            increment = self.lr * gradient / np.sqrt(denominator)
            if self.momentum > 0:
                momentum = self.mom[n]
                momentum[...] = self.momentum * momentum + increment
                variable -= momentum
            else:
                variable -= increment


# ---------------------------------------------------------------- optimizer cases

TORCH_OPTIMIZERS = {
    "sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop, "adagrad": torch.optim.Adagrad, "adadelta": torch.optim.Adadelta,
}


def torch_run(params, grads, config):
    """Steps a torch optimizer (optionally inside LookaheadReference) and returns the parameters after every step."""
    config = dict(config)
    name = config.pop("name")
    lookahead = config.pop("lookahead", None)
    kwargs = {k: (tuple(v) if k == "betas" else v) for k, v in config.items()}
    tensors = {n: torch.nn.Parameter(torch.tensor(p)) for n, p in params.items()}
    opt = TORCH_OPTIMIZERS[name](list(tensors.values()), foreach=False, **kwargs)
    stepper = opt
    if lookahead is not None:
        stepper = LookaheadReference(opt, lookahead["k"], lookahead["alpha"], lookahead.get("inner_state", "keep"))
    steps = next(iter(grads.values())).shape[0]
    out = {n: [] for n in params}
    for s in range(steps):
        for n, t in tensors.items():
            t.grad = torch.tensor(grads[n][s])
        stepper.step()
        for n, t in tensors.items():
            out[n].append(t.detach().clone().numpy())
    return {n: np.stack(v) for n, v in out.items()}


def keras_run(params, grads, config):
    config = dict(config)
    name = config.pop("name")
    config.pop("form")
    state = {n: p.copy() for n, p in params.items()}
    if name == "adam":
        b1, b2 = config.get("betas", (0.9, 0.999))
        opt = KerasAdam(state, learning_rate=config.get("lr", 0.001), beta_1=b1, beta_2=b2,
                        epsilon=config.get("eps", 1e-7), amsgrad=config.get("amsgrad", False))
    else:
        opt = KerasRmsprop(state, learning_rate=config.get("lr", 0.001), rho=config.get("alpha", 0.9),
                           momentum=config.get("momentum", 0.0), epsilon=config.get("eps", 1e-7),
                           centered=config.get("centered", False))
    steps = next(iter(grads.values())).shape[0]
    out = {n: [] for n in params}
    for s in range(steps):
        opt.step({n: grads[n][s] for n in params})
        for n in params:
            out[n].append(state[n].copy())
    return {n: np.stack(v) for n, v in out.items()}


OPTIMIZER_CASES = [
    # (id, config, gradient scale)
    ("sgd-plain", {"name": "sgd", "lr": 0.1}, 1.0),
    ("sgd-momentum-dampening-wd", {"name": "sgd", "lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}, 1.0),
    ("sgd-nesterov-wd", {"name": "sgd", "lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}, 1.0),
    ("sgd-maximize-momentum", {"name": "sgd", "lr": 0.02, "momentum": 0.5, "maximize": True}, 1.0),
    ("adam-defaults", {"name": "adam"}, 1.0),
    ("adam-betas-eps-small-grads", {"name": "adam", "lr": 0.01, "betas": [0.8, 0.95], "eps": 1e-3}, 1e-3),
    ("adam-amsgrad-wd", {"name": "adam", "lr": 0.02, "amsgrad": True, "weight_decay": 0.05}, 1.0),
    ("adam-maximize", {"name": "adam", "lr": 0.01, "maximize": True}, 1.0),
    ("adamw-defaults-lr", {"name": "adamw", "lr": 0.01}, 1.0),
    ("adamw-amsgrad-wd", {"name": "adamw", "lr": 0.05, "betas": [0.85, 0.99], "weight_decay": 0.2, "amsgrad": True}, 1.0),
    ("rmsprop-defaults", {"name": "rmsprop"}, 1.0),
    ("rmsprop-centered-momentum-wd", {"name": "rmsprop", "lr": 0.005, "alpha": 0.9, "eps": 1e-6, "momentum": 0.7,
                                      "centered": True, "weight_decay": 0.02}, 1.0),
    ("rmsprop-momentum", {"name": "rmsprop", "lr": 0.01, "momentum": 0.9}, 1.0),
    ("rmsprop-centered", {"name": "rmsprop", "lr": 0.01, "alpha": 0.95, "centered": True}, 1.0),
    ("adagrad-lr", {"name": "adagrad", "lr": 0.1}, 1.0),
    ("adagrad-lr-decay-init-wd", {"name": "adagrad", "lr": 0.2, "lr_decay": 0.05, "initial_accumulator_value": 0.1,
                                  "weight_decay": 0.01, "eps": 1e-6}, 1.0),
    ("adadelta-defaults", {"name": "adadelta"}, 1.0),
    ("adadelta-rho-eps-wd", {"name": "adadelta", "lr": 0.5, "rho": 0.95, "eps": 1e-5, "weight_decay": 0.03}, 1.0),
    ("lookahead-sgd-momentum-k3", {"name": "sgd", "lr": 0.1, "momentum": 0.9, "lookahead": {"k": 3, "alpha": 0.5}}, 1.0),
    ("lookahead-adam-k5", {"name": "adam", "lr": 0.01, "lookahead": {"k": 5, "alpha": 0.8}}, 1.0),
    ("lookahead-adam-reset-k4", {"name": "adam", "lr": 0.01, "lookahead": {"k": 4, "alpha": 0.6, "inner_state": "reset"}}, 1.0),
    ("lookahead-rmsprop-centered-k6", {"name": "rmsprop", "lr": 0.01, "centered": True, "momentum": 0.5,
                                       "lookahead": {"k": 6, "alpha": 0.5}}, 1.0),
    ("keras-numpy-adam-defaults", {"name": "adam", "form": "keras"}, 1.0),
    ("keras-numpy-adam-amsgrad", {"name": "adam", "form": "keras", "lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-4,
                                  "amsgrad": True}, 1e-3),
    ("keras-numpy-rmsprop-defaults", {"name": "rmsprop", "form": "keras"}, 1.0),
    ("keras-numpy-rmsprop-centered-momentum", {"name": "rmsprop", "form": "keras", "lr": 0.01, "momentum": 0.9,
                                               "centered": True}, 1.0),
]

NAN_CASES = [
    # a NaN in one gradient element at step 3: PyTorch carries it into that parameter element for good
    ("adam-nan-gradient", {"name": "adam", "lr": 0.01}),
    ("sgd-momentum-nan-gradient", {"name": "sgd", "lr": 0.1, "momentum": 0.9}),
]


def optimizer_case(case_id, config, params, grads):
    inputs = {}
    for n in params:
        inputs[n] = array(params[n])
        inputs[n + ".grad"] = array(grads[n])
    return {"id": case_id, "op": "optimizer", "config": config, "inputs": inputs, "params": {}, "grad_outputs": {}}


def optimizer_fixtures():
    cases, results = [], []
    for case_id, config, scale in OPTIMIZER_CASES:
        params, grads = make_sequence(scale)
        run = keras_run if config.get("form") == "keras" else torch_run
        out = run(params, grads, config)
        cases.append(optimizer_case(case_id, config, params, grads))
        results.append({"id": case_id, "outputs": {n: array(v) for n, v in out.items()}, "grads": {}})
    for case_id, config in NAN_CASES:
        params, grads = make_sequence()
        grads["weight"][3, 0, 1] = np.nan
        out = torch_run(params, grads, config)
        assert np.isnan(out["weight"][-1, 0, 1]) and not np.isnan(out["bias"]).any()
        cases.append(optimizer_case(case_id, config, params, grads))
        results.append({"id": case_id, "outputs": {n: array(v) for n, v in out.items()}, "grads": {}})
    return cases, results


# ---------------------------------------------------------------- clipping cases

CLIP_SHAPES = {"weight_ih_l0": (3, 2), "weight_hh_l0": (3, 3), "bias_ih_l0": (3,)}


def random_grads(scale=1.0):
    return {n: rounded(rng.randn(*s) * scale) for n, s in CLIP_SHAPES.items()}


def torch_clip_norm(grads, max_norm, norm_type):
    ps = []
    for g in grads.values():
        p = torch.nn.Parameter(torch.zeros(g.shape))
        p.grad = torch.tensor(g)
        ps.append(p)
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
    return {n: p.grad.numpy() for n, p in zip(grads, ps)}, float(total)


def torch_clip_value(grads, clip_value):
    ps = []
    for g in grads.values():
        p = torch.nn.Parameter(torch.zeros(g.shape))
        p.grad = torch.tensor(g)
        ps.append(p)
    torch.nn.utils.clip_grad_value_(ps, clip_value)
    return {n: p.grad.numpy() for n, p in zip(grads, ps)}


def keras_clip_by_norm(values, clipnorm):
    """Keras BaseOptimizer._clip_by_norm (axes=None), transcribed to NumPy."""
    l2sum = np.sum(np.square(values), keepdims=True)
    pred = l2sum > 0
    l2sum_safe = np.where(pred, l2sum, np.ones_like(l2sum))
    l2norm = np.where(pred, np.sqrt(l2sum_safe), l2sum)
    intermediate = np.multiply(values, clipnorm)
    return intermediate / np.maximum(l2norm, clipnorm)


def slide_clip(grads, threshold):
    """The MATH80629 slide's code, verbatim, with `grad` = all gradients concatenated."""
    names = list(grads)
    grad = np.concatenate([grads[n].reshape(-1) for n in names])
    grad_norm = np.sum(grad * grad)
    if grad_norm > threshold:
        grad *= (threshold / grad_norm)
    out, offset = {}, 0
    for n in names:
        size = grads[n].size
        out[n] = grad[offset:offset + size].reshape(grads[n].shape)
        offset += size
    return out, float(grad_norm)


def d2l_clip(grads, theta):
    """d2l's grad_clipping (torch version), on parameters whose .grad are the gradients."""
    params = []
    for g in grads.values():
        p = torch.nn.Parameter(torch.zeros(g.shape))
        p.grad = torch.tensor(g)
        params.append(p)
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
    return {n: p.grad.numpy() for n, p in zip(grads, params)}, float(norm)


def clip_norm_case(case_id, grads, config, outputs, total):
    case = {"id": case_id, "op": "clip_grad_norm", "config": config,
            "inputs": {n: array(g) for n, g in grads.items()}, "params": {}, "grad_outputs": {}}
    out = {n: array(g) for n, g in outputs.items()}
    out["total_norm"] = array(total)
    return case, {"id": case_id, "outputs": out, "grads": {}}


def clip_fixtures():
    cases, results = [], []

    def add(case_and_result):
        cases.append(case_and_result[0])
        results.append(case_and_result[1])

    # torch.nn.utils.clip_grad_norm_ (mode "pytorch")
    for case_id, max_norm, norm_type, scale in [
        ("pytorch-l2-clips", 1.0, 2.0, 1.0),
        ("pytorch-l2-no-clip", 100.0, 2.0, 1.0),
        ("pytorch-l1-clips", 2.0, 1.0, 1.0),
        ("pytorch-inf-clips", 0.5, "inf", 1.0),
        ("pytorch-inf-no-clip", 10.0, "inf", 1.0),
        ("pytorch-p3-clips", 0.7, 3.0, 1.0),
        ("pytorch-p0.5-clips", 5.0, 0.5, 1.0),
        ("pytorch-l2-tiny-grads-no-clip", 1e-3, 2.0, 1e-5),
        ("pytorch-max-norm-zero", 0.0, 2.0, 1.0),
    ]:
        grads = random_grads(scale)
        p = float("inf") if norm_type == "inf" else norm_type
        out, total = torch_clip_norm(grads, max_norm, p)
        add(clip_norm_case(case_id, grads, {"max_norm": max_norm, "norm_type": norm_type}, out, total))

    # a NaN gradient: total_norm is NaN, so is clip_coef, and every gradient becomes NaN
    grads = random_grads()
    grads["weight_hh_l0"][1, 2] = np.nan
    out, total = torch_clip_norm(grads, 1.0, 2.0)
    assert all(np.isnan(g).all() for g in out.values())
    add(clip_norm_case("pytorch-nan-gradient", grads, {"max_norm": 1.0}, out, total))

    # Keras clipnorm (mode "per_tensor"): one tensor far above the limit, one below, one near it
    grads = random_grads()
    grads["weight_ih_l0"] *= 5.0
    grads["bias_ih_l0"] *= 0.1
    grads = {n: rounded(g) for n, g in grads.items()}
    out = {n: keras_clip_by_norm(g, 1.5) for n, g in grads.items()}
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    add(clip_norm_case("keras-numpy-per-tensor", grads, {"max_norm": 1.5, "mode": "per_tensor"}, out, total))

    # the slide's squared-norm rule (mode "slide_squared")
    two = {"w": np.array([[1.2, 0.0]]), "b": np.array([1.6])}        # norm 2, sum of squares 4
    half = {"w": np.array([[0.3, 0.0]]), "b": np.array([0.4])}       # norm 0.5, sum of squares 0.25
    for case_id, grads, threshold in [
        ("slide-norm2-threshold3", two, 3.0),          # true norm 2 < 3: nothing; slide 4 > 3: scale 3/4
        ("slide-norm0.5-threshold0.2", half, 0.2),     # both clip; slide ends at norm 0.4, not 0.2
        ("slide-norm0.5-threshold0.3", half, 0.3),     # true norm clips to 0.3; slide 0.25 < 0.3: nothing
        ("slide-random", random_grads(), 2.0),
    ]:
        out, total = slide_clip({n: g.copy() for n, g in grads.items()}, threshold)
        add(clip_norm_case(case_id, grads, {"max_norm": threshold, "mode": "slide_squared"}, out, total))

    # d2l's grad_clipping (mode "no_epsilon")
    for case_id, theta in [("d2l-clips", 1.0), ("d2l-no-clip", 50.0)]:
        grads = random_grads()
        out, total = d2l_clip(grads, theta)
        add(clip_norm_case(case_id, grads, {"max_norm": theta, "mode": "no_epsilon"}, out, total))

    # torch.nn.utils.clip_grad_value_
    for case_id, clip_value, scale in [("value-clips", 0.5, 1.0), ("value-no-clip", 10.0, 1.0), ("value-zero", 0.0, 1.0)]:
        grads = random_grads(scale)
        out = torch_clip_value(grads, clip_value)
        cases.append({"id": case_id, "op": "clip_grad_value", "config": {"clip_value": clip_value},
                      "inputs": {n: array(g) for n, g in grads.items()}, "params": {}, "grad_outputs": {}})
        results.append({"id": case_id, "outputs": {n: array(g) for n, g in out.items()}, "grads": {}})
    return cases, results


def main():
    os.makedirs(OUT, exist_ok=True)
    cases, results = optimizer_fixtures()
    write_cases(os.path.join(OUT, "optim.cases.json"), cases)
    write_results(os.path.join(OUT, "optim.expected.json"), results)
    cases, results = clip_fixtures()
    write_cases(os.path.join(OUT, "clip.cases.json"), cases)
    write_results(os.path.join(OUT, "clip.expected.json"), results)
    print(f"torch {torch.__version__}: wrote optim and clip fixtures to {OUT}")


if __name__ == "__main__":
    main()
