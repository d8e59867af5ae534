#!/usr/bin/python3
"""The GPU path against PyTorch, measured in one run on this machine.

Runs, one after the other in this one invocation:
  1. NumPy's float32 (and float64) a @ b at 2048 x 2048: the machine's GEMM rate (OpenBLAS);
  2. PyTorch (Debian's python3-torch, its default threads) on the workloads of
     Tests/Reference.Benchmarks/RecurrentBenchmarks.cs (lstm-small, lstm-medium, gru-small,
     rnn-small), float32 and float64, forward and forward+backward;
  3. the BenchmarkDotNet GPU benchmarks (GpuRecurrentBenchmarks, GpuGemmBenchmarks) on opencl:0;
and prints the medians and the ratios GPU path / PyTorch, and each gemm shape's rate as a fraction
of NumPy's float32 rate. Spec/gpu.md records a run.

Debian's torch uses whichever libblas.so.3 is installed: without libopenblas0-pthread it falls back
to the reference BLAS and is about 20x slower, an unfair anchor. The script refuses to run then.

usage: /usr/bin/python3 Tests/Reference.Benchmarks/gpu_vs_pytorch.py [--skip-gpu]
"""
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# name: cell, T, B, I, H (as RecurrentBenchmarks.Workloads)
WORKLOADS = {
    "lstm-small": ("lstm", 50, 32, 32, 64),
    "lstm-medium": ("lstm", 100, 64, 128, 256),
    "gru-small": ("gru", 50, 32, 32, 64),
    "rnn-small": ("rnn", 50, 32, 32, 64),
}
GEMM_SHAPES = {  # as GpuGemmBenchmarks.Shapes: M, N, K
    "square-2048": (2048, 2048, 2048),
    "lstm-medium-input": (6400, 1024, 128),
    "lstm-medium-step": (64, 1024, 256),
}
WARMUP, REPEATS = 5, 9


def blas_library():
    """The BLAS library behind libblas.so.3 (Debian's alternatives), which torch and numpy load."""
    for path in glob.glob("/etc/alternatives/libblas.so.3*"):
        return os.path.realpath(path)
    return "unknown"


def median_seconds(fn, warmup=WARMUP, repeats=REPEATS):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def numpy_gemm_rates():
    rates = {}
    n = 2048
    for dtype in (np.float32, np.float64):
        rng = np.random.default_rng(1)
        a = rng.uniform(-1, 1, (n, n)).astype(dtype)
        b = rng.uniform(-1, 1, (n, n)).astype(dtype)
        s = median_seconds(lambda: a @ b, warmup=2, repeats=7)
        rates[np.dtype(dtype).name] = 2.0 * n ** 3 / s / 1e9
    return rates


def torch_workloads():
    results = {}
    for name, (cell, T, B, I, H) in WORKLOADS.items():
        for precision, dtype in (("f32", torch.float32), ("f64", torch.float64)):
            torch.manual_seed(1)
            module = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell](I, H).to(dtype)
            x = torch.empty(T, B, I, dtype=dtype).uniform_(-1, 1)
            d_out = torch.empty(T, B, H, dtype=dtype).uniform_(-1, 1)

            def forward():
                return module(x)[0]

            def forward_backward():
                module.zero_grad(set_to_none=True)
                forward().backward(d_out)

            results[(name, precision, "Forward")] = median_seconds(forward)
            results[(name, precision, "ForwardBackward")] = median_seconds(forward_backward)
    return results


def dotnet_benchmarks():
    """Runs the GPU benchmarks; returns {(params..., method): median seconds}."""
    env = dict(os.environ)
    env.setdefault("POCL_CACHE_DIR", os.path.join(tempfile.gettempdir(), "rnn-reference-pocl-cache"))
    os.makedirs(env["POCL_CACHE_DIR"], exist_ok=True)
    out = tempfile.mkdtemp(prefix="rnn-gpu-bench-")
    cmd = ["dotnet", "run", "-c", "Release", "--project", os.path.join(ROOT, "Tests", "Reference.Benchmarks"), "--",
           "--filter", "*GpuRecurrentBenchmarks*", "*GpuGemmBenchmarks*", "--exporters", "json", "--artifacts", out]
    print("running:", " ".join(cmd), flush=True)
    # BenchmarkDotNet finds the project from the working directory
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    medians = {}
    for path in glob.glob(os.path.join(out, "results", "*-report-full-compressed.json")):
        with open(path) as f:
            report = json.load(f)
        for b in report["Benchmarks"]:
            params = dict(p.split("=", 1) for p in b["Parameters"].split("&"))
            key = (params.get("Workload") or params.get("Shape"), params["Precision"], b["Method"])
            medians[key] = b["Statistics"]["Median"] / 1e9
    return medians


def main():
    blas = blas_library()
    print(f"BLAS behind libblas.so.3: {blas}")
    if "openblas" not in blas:
        sys.exit("libblas.so.3 is not OpenBLAS: install libopenblas0-pthread (Debian's torch is ~20x slower on the reference BLAS)")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads (default); numpy {np.__version__}; {os.cpu_count()} cores")

    rates = numpy_gemm_rates()
    print(f"numpy a @ b at 2048^2: float32 {rates['float32']:.1f} GFLOP/s, float64 {rates['float64']:.1f} GFLOP/s")
    torch_times = torch_workloads()
    if "--skip-gpu" in sys.argv:
        gpu = {}
    else:
        gpu = dotnet_benchmarks()

    print()
    print(f"{'workload':<12} {'prec':<5} {'phase':<16} {'GPU path (ms)':>14} {'PyTorch (ms)':>13} {'ratio':>7}")
    for (name, precision, phase), t in torch_times.items():
        g = gpu.get((name, precision, phase))
        gtext = f"{g * 1e3:14.2f}" if g else f"{'-':>14}"
        ratio = f"{g / t:7.2f}" if g else f"{'-':>7}"
        print(f"{name:<12} {precision:<5} {phase:<16} {gtext} {t * 1e3:13.2f} {ratio}")

    print()
    print(f"{'gemm shape':<22} {'prec':<5} {'GPU path (ms)':>14} {'GFLOP/s':>9} {'of numpy f32':>13}")
    for shape, (M, N, K) in GEMM_SHAPES.items():
        for precision in ("f32", "f64"):
            g = gpu.get((shape, precision, "Gemm"))
            if not g:
                continue
            gflops = 2.0 * M * N * K / g / 1e9
            print(f"{shape:<22} {precision:<5} {g * 1e3:14.2f} {gflops:9.1f} {gflops / rates['float32']:12.1%}")


if __name__ == "__main__":
    main()
