#!/usr/bin/python3
"""Times the C# reference and PyTorch float64 on the same workloads, in one run on one machine,
and prints medians and the ratios ours / PyTorch (Spec/performance.md).

    /usr/bin/python3 Tests/Reference.Benchmarks/compare-pytorch.py [--plain-large] [--repeats N] [--skip-eval]
        [--workloads lstm-small,gru-small,...] [--skip-gemm]

--workloads times only the named recurrent workloads (C# and PyTorch alike) and --skip-gemm leaves
out the product against numpy: a quicker look at a few figures, still all in one run.

What it times:
  - PyTorch (Debian python3-torch, float64, its default threads) nn.LSTM / nn.GRU / nn.RNN on
    lstm-small, lstm-medium, gru-small, rnn-small, lstm-large (and gru-medium): forward with
    autograd on, and forward + backward (output.backward(dOutput)); median of N (4N + 1 on the small workloads) after 3 warm-ups;
  - NumPy a @ b in float64 at 512 and 2048 (the same BLAS torch uses);
  - the C# reference through Tests/Reference.Benchmarks --compare (CompareHarness.cs): plain loops,
    fast path on 1 thread and on every core; the fast product at 512 and 2048;
  - unless --skip-eval: whole processes on one .npz of four benchmark-size cases (lstm-small,
    lstm-medium, gru-small, gru-medium, forward and every gradient): `rnn-grading eval` against
    a Python process that loads the same arrays into torch and computes the same outputs and
    gradients.
It refuses to run without libopenblas0-pthread (Debian's torch then falls back to the reference
BLAS, about 20x slower) and checks that OpenBLAS is what the process loaded.
"""
import json
import os
import subprocess
import sys
import tempfile
import zipfile

from pytorch_anchor import WORKLOADS, median_seconds, require_loaded_openblas, require_openblas

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

EVAL_CASES = ["lstm-small", "lstm-medium", "gru-small", "gru-medium"]


def torch_module(torch, cell, I, H):
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
    return cls(I, H).double()


def time_pytorch(torch, repeats, names):
    results = {}
    for name in names:
        cell, T, B, I, H = WORKLOADS[name]
        torch.manual_seed(1)
        m = torch_module(torch, cell, I, H)
        x = torch.rand(T, B, I, dtype=torch.float64, requires_grad=True)
        dy = torch.rand(T, B, H, dtype=torch.float64)
        # as the C# harness: four times the repeats on the small workloads, fewer on lstm-large
        n = 4 * repeats + 1 if T * B * H <= 50 * 32 * 64 else repeats if T * B * H < 200 * 64 * 512 else max(3, repeats // 2)

        def forward():
            m(x)

        def forward_backward():
            m.zero_grad()
            x.grad = None
            y, _ = m(x)
            y.backward(dy)

        results[name] = {"forward": median_seconds(forward, n), "forward_backward": median_seconds(forward_backward, n)}
        print(f"pytorch {name:12} forward {results[name]['forward'] * 1e3:9.2f} ms   "
              f"forward+backward {results[name]['forward_backward'] * 1e3:9.2f} ms", file=sys.stderr)
    return results


def time_numpy(np):
    rates = {}
    for n in (512, 2048):
        rng = np.random.default_rng(3)
        a, b = rng.random((n, n)), rng.random((n, n))
        s = median_seconds(lambda: a @ b, 15 if n == 512 else 5)
        rates[n] = 2.0 * n ** 3 / s / 1e9
        print(f"numpy {n}x{n} @ {n}x{n}: {s * 1e3:.2f} ms, {rates[n]:.1f} GFLOP/s", file=sys.stderr)
    return rates


def write_eval_cases(np, path):
    """The four cases as an rnn-reference/cases@1 .npz (Spec/formats.md); returns the case list."""
    rng = np.random.default_rng(5)
    arrays, cases = {}, []
    for name in EVAL_CASES:
        cell, T, B, I, H = WORKLOADS[name]
        G = 4 if cell == "lstm" else 3
        k = 1 / np.sqrt(H)
        cases.append({"id": name, "op": cell, "config": {"input_size": I, "hidden_size": H}})
        arrays[f"{name}/inputs/input"] = rng.uniform(-1, 1, (T, B, I))
        for p, shape in (("weight_ih_l0", (G * H, I)), ("weight_hh_l0", (G * H, H)),
                         ("bias_ih_l0", (G * H,)), ("bias_hh_l0", (G * H,))):
            arrays[f"{name}/params/{p}"] = rng.uniform(-k, k, shape)
        arrays[f"{name}/grad_outputs/output"] = rng.uniform(-1, 1, (T, B, H))
    np.savez(path, **arrays)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("__cases__.json", json.dumps({"format": "rnn-reference/cases@1", "cases": cases}))
    return cases


# The PyTorch process of the eval comparison: loads the same arrays, computes the same outputs and
# gradients (output, h_n, c_n; d input and every parameter) and saves them.
PYTORCH_EVAL = r"""
import json, sys, numpy as np, torch
z = np.load(sys.argv[1])
cases = json.loads(z["__cases__.json"])["cases"]
out = {}
for c in cases:
    i, op, cfg = c["id"], c["op"], c["config"]
    m = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[op](cfg["input_size"], cfg["hidden_size"]).double()
    with torch.no_grad():
        for name, p in m.named_parameters():
            p.copy_(torch.from_numpy(z[f"{i}/params/{name}"]))
    x = torch.from_numpy(z[f"{i}/inputs/input"]).requires_grad_(True)
    y, state = m(x)
    y.backward(torch.from_numpy(z[f"{i}/grad_outputs/output"]))
    out[f"{i}/outputs/output"] = y.detach().numpy()
    out[f"{i}/grads/input"] = x.grad.numpy()
    for name, p in m.named_parameters():
        out[f"{i}/grads/{name}"] = p.grad.numpy()
np.savez(sys.argv[2], **out)
"""


def time_eval(np, repeats):
    grading = os.path.join(REPO, "grading", "Grading", "bin", "Release", "net10.0", "rnn-grading.dll")
    subprocess.run(["dotnet", "build", os.path.join(REPO, "grading", "Grading"), "-c", "Release", "-v", "q", "-nologo"],
                   check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        cases = os.path.join(tmp, "cases.npz")
        write_eval_cases(np, cases)
        script = os.path.join(tmp, "pytorch_eval.py")
        with open(script, "w") as f:
            f.write(PYTORCH_EVAL)
        ours = ["dotnet", grading, "eval", cases, "-o", os.path.join(tmp, "ours.npz"), "--force"]   # each repeat replaces the last results
        theirs = [sys.executable, script, cases, os.path.join(tmp, "theirs.npz")]
        t_ours = median_seconds(lambda: subprocess.run(ours, check=True), repeats, warmups=1)
        t_theirs = median_seconds(lambda: subprocess.run(theirs, check=True), repeats, warmups=1)
        # the two processes computed the same thing
        a, b = np.load(os.path.join(tmp, "ours.npz")), np.load(os.path.join(tmp, "theirs.npz"))
        worst = max(float(np.max(np.abs(a[k] - b[k])) / max(1e-300, float(np.max(np.abs(b[k]))))) for k in b.files)
    print(f"eval process {t_ours:.2f} s, pytorch process {t_theirs:.2f} s (largest relative difference {worst:.1e})",
          file=sys.stderr)
    return {"ours": t_ours, "pytorch": t_theirs, "worst_relative_difference": worst}


def main():
    args = sys.argv[1:]
    repeats = int(args[args.index("--repeats") + 1]) if "--repeats" in args else 5
    names = args[args.index("--workloads") + 1].split(",") if "--workloads" in args else list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        sys.exit(f"--workloads: {', '.join(unknown)} not among {', '.join(WORKLOADS)}")
    skip_gemm = "--skip-gemm" in args
    require_openblas()
    import numpy as np
    import torch
    torch.set_grad_enabled(True)
    (torch.ones(64, 64, dtype=torch.float64) @ torch.ones(64, 64, dtype=torch.float64)).sum()
    blas = require_loaded_openblas()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, BLAS: {', '.join(blas)}", file=sys.stderr)
    load_before = os.getloadavg()
    print(f"load average before: {load_before}", file=sys.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        ours_json = os.path.join(tmp, "ours.json")
        harness = ["dotnet", "run", "-c", "Release", "--project", os.path.join(REPO, "Tests", "Reference.Benchmarks"),
                   "--", "--compare", ours_json, "--repeats", str(repeats)]
        if "--plain-large" in args:
            harness.append("--plain-large")
        if "--workloads" in args:
            harness += ["--workloads", ",".join(names)]
        if skip_gemm:
            harness.append("--skip-gemm")
        subprocess.run(harness, check=True)
        with open(ours_json) as f:
            ours = json.load(f)
    theirs = time_pytorch(torch, repeats, names)
    blas_rates = None if skip_gemm else time_numpy(np)
    evals = None if "--skip-eval" in args else time_eval(np, max(3, repeats // 2))
    load_after = os.getloadavg()
    print(f"load average after: {load_after}", file=sys.stderr)
    print(f"\nload average (1, 5, 15 min) before {', '.join(f'{v:.2f}' for v in load_before)}, "
          f"after {', '.join(f'{v:.2f}' for v in load_after)} on {os.cpu_count()} cores")

    print(f"\nmedians in ms; ratio = ours / PyTorch (PyTorch float64, {torch.get_num_threads()} threads)")
    print(f"{'workload':12} {'pass':17} {'pytorch':>9} {'plain':>10} {'fast-1':>9} {'fast':>9} {'plain/pt':>9} {'fast-1/pt':>9} {'fast/pt':>9}")
    for name in names:
        for part in ("forward", "forward_backward"):
            pt = theirs[name][part]
            row = [ours["recurrent"].get(f"{name}/{c}", {}).get(part) for c in ("plain", "fast-1", "fast")]
            cells = [f"{v * 1e3:10.2f}" if v else f"{'-':>10}" for v in row]
            ratios = [f"{v / pt:9.2f}" if v else f"{'-':>9}" for v in row]
            print(f"{name:12} {part:17} {pt * 1e3:9.2f} {cells[0]} {cells[1][1:]} {cells[2][1:]} {' '.join(ratios)}")
    if blas_rates:
        print("\nproduct C = A B, float64 (GFLOP/s; ratio = ours / OpenBLAS through numpy)")
    for n in (512, 2048) if blas_rates else ():
        for threads in sorted({1, ours["threads_all"]}):
            rate = 2.0 * n ** 3 / ours["gemm"][f"{n}/{threads}"] / 1e9
            print(f"  {n}^3 ours {threads} thread(s) {rate:7.1f}   numpy {blas_rates[n]:7.1f}   ratio {rate / blas_rates[n]:.2f}")
    if evals:
        print(f"\neval on {', '.join(EVAL_CASES)} (.npz, whole process): ours {evals['ours']:.2f} s, "
              f"PyTorch {evals['pytorch']:.2f} s, ratio {evals['ours'] / evals['pytorch']:.2f} "
              f"(outputs and gradients agree to {evals['worst_relative_difference']:.1e})")


if __name__ == "__main__":
    main()
