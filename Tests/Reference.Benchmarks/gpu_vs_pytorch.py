#!/usr/bin/python3
"""The GPU path against PyTorch, measured in one run on this machine.

Runs, one after the other in this one invocation:
  1. NumPy's float32 (and float64) a @ b at 2048 x 2048: the machine's GEMM rate (OpenBLAS);
  2. PyTorch (Debian's python3-torch, its default threads) on the workloads of
     Tests/Reference.Benchmarks/RecurrentBenchmarks.cs (lstm-small, lstm-medium, gru-small,
     rnn-small), float32 and float64, forward and forward+backward;
  3. the BenchmarkDotNet GPU benchmarks (GpuRecurrentBenchmarks, GpuGemmBenchmarks) on opencl:0;
and prints the medians and the ratios GPU path / PyTorch, each gemm shape's rate (versions 2 and 3)
as a fraction of NumPy's float32 rate, the rate of lstm-medium's products taken together (each shape
as often as forward+backward runs it), and the load average before and after (the machine may be
shared). Spec/gpu.md records runs.

Debian's torch uses whichever libblas.so.3 is installed: without libopenblas0-pthread it falls back
to the reference BLAS and is about 20x slower, an unfair anchor. The script refuses to run then.

With --profile (quicker, for following one workload while working on it): instead of step 3,
the GPU path's own harness (Tests/Reference.Benchmarks/GpuProfileHarness.cs) times the workloads
named by --workloads (default lstm-medium) in f32, then runs them on a profiled device and prints
each kernel's device time per forward+backward call; PyTorch runs only those workloads. Each side
runs --rounds times (default 3), alternating, and the medians over the rounds are printed.

usage: /usr/bin/python3 Tests/Reference.Benchmarks/gpu_vs_pytorch.py [--skip-gpu]
       /usr/bin/python3 Tests/Reference.Benchmarks/gpu_vs_pytorch.py --profile [--workloads a,b] [--rounds N]
"""
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np
import torch

from pytorch_anchor import WORKLOADS, median_seconds, require_loaded_openblas, require_openblas

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# the workloads GpuRecurrentBenchmarks times
GPU_WORKLOADS = {name: WORKLOADS[name] for name in ("lstm-small", "lstm-medium", "gru-small", "rnn-small")}
GEMM_SHAPES = {  # as GpuGemmBenchmarks.Shapes: M, N, K, and how often lstm-medium's forward+backward runs it
    "square-2048": (2048, 2048, 2048, 0),
    "lstm-medium-input": (6400, 1024, 128, 1),
    "lstm-medium-step": (64, 1024, 256, 100),
    "lstm-medium-dh": (64, 256, 1024, 100),
    "lstm-medium-dWhh": (1024, 256, 6400, 1),
    "lstm-medium-dWih": (1024, 128, 6400, 1),
    "lstm-medium-dx": (6400, 128, 1024, 1),
}
GEMM_VERSIONS = ("Panel", "Packed")  # as GpuGemmBenchmarks.Version: gemm versions 3 and 4
WARMUP, REPEATS = 5, 9


def numpy_gemm_rates():
    rates = {}
    n = 2048
    for dtype in (np.float32, np.float64):
        rng = np.random.default_rng(1)
        a = rng.uniform(-1, 1, (n, n)).astype(dtype)
        b = rng.uniform(-1, 1, (n, n)).astype(dtype)
        s = median_seconds(lambda: a @ b, 7, warmups=2)
        rates[np.dtype(dtype).name] = 2.0 * n ** 3 / s / 1e9
    return rates


def torch_workloads(names=None, precisions=("f32", "f64")):
    results = {}
    for name, (cell, T, B, I, H) in GPU_WORKLOADS.items():
        if names is not None and name not in names:
            continue
        for precision, dtype in (("f32", torch.float32), ("f64", torch.float64)):
            if precision not in precisions:
                continue
            torch.manual_seed(1)
            module = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell](I, H).to(dtype)
            x = torch.empty(T, B, I, dtype=dtype).uniform_(-1, 1)
            d_out = torch.empty(T, B, H, dtype=dtype).uniform_(-1, 1)

            def forward():
                return module(x)[0]

            def forward_backward():
                module.zero_grad(set_to_none=True)
                forward().backward(d_out)

            results[(name, precision, "Forward")] = median_seconds(forward, REPEATS, warmups=WARMUP)
            results[(name, precision, "ForwardBackward")] = median_seconds(forward_backward, REPEATS, warmups=WARMUP)
    return results


def dotnet_env():
    env = dict(os.environ)
    env.setdefault("POCL_CACHE_DIR", os.path.join(tempfile.gettempdir(), "rnn-reference-pocl-cache"))
    os.makedirs(env["POCL_CACHE_DIR"], exist_ok=True)
    return env


def build_harness():
    """Builds the benchmarks once, before any timing, with no build server left running afterwards
    (MSBuild's reused nodes and the compiler server): started by `dotnet run`'s own build, they were still
    busy on one of the 2 cores while the first measurements ran, which the profiled ones, later, were not."""
    cmd = ["dotnet", "build", os.path.join(ROOT, "Tests", "Reference.Benchmarks"), "-c", "Release", "-nologo", "-v", "quiet",
           "-nodeReuse:false", "-p:UseSharedCompilation=false"]
    print("running:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, env=dotnet_env(), cwd=ROOT, stdout=subprocess.DEVNULL)


def gpu_profile(names, repeats=7):
    """Runs GpuProfileHarness (f32), built by build_harness; returns its JSON: {workload/f32: {forward, forward_backward, kernels}}."""
    out = os.path.join(tempfile.mkdtemp(prefix="rnn-gpu-profile-"), "profile.json")
    cmd = ["dotnet", "run", "-c", "Release", "--no-build", "--project", os.path.join(ROOT, "Tests", "Reference.Benchmarks"), "--",
           "--gpu-profile", out, "--workloads", ",".join(names), "--precisions", "f32", "--repeats", str(repeats)]
    print("running:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, env=dotnet_env(), cwd=ROOT, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return json.load(f)


def profile_main():
    names = sys.argv[sys.argv.index("--workloads") + 1].split(",") if "--workloads" in sys.argv else ["lstm-medium"]
    unknown = [n for n in names if n not in GPU_WORKLOADS]
    if unknown:
        sys.exit(f"--workloads: {', '.join(unknown)} not among {', '.join(GPU_WORKLOADS)}")
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    build_harness()
    torch_rounds, gpu_rounds, loads = [], [], [load()]
    for r in range(rounds):
        torch_rounds.append(torch_workloads(names, precisions=("f32",)))
        gpu_rounds.append(gpu_profile(names))
        loads.append(load())
        print(f"round {r + 1} of {rounds} done, load average {loads[-1]}", flush=True)
    print()
    print(f"load average (1, 5, 15 min) at the start of each round and at the end: {'; '.join(loads)}")
    for name in names:
        key = f"{name}/f32"
        for phase, gkey, tphase in (("Forward", "forward", "Forward"), ("ForwardBackward", "forward_backward", "ForwardBackward"),
                                    ("FB cache on device", "forward_backward_on_device", "ForwardBackward")):
            t = [tr[(name, "f32", tphase)] for tr in torch_rounds]
            g = [gr[key][gkey] for gr in gpu_rounds]
            ratios = [gi / ti for gi, ti in zip(g, t)]
            print(f"{name:<12} f32 {phase:<18} GPU path {statistics.median(g) * 1e3:9.1f} ms   PyTorch {statistics.median(t) * 1e3:9.1f} ms   "
                  f"ratio median {statistics.median(ratios):5.2f} (rounds: {', '.join(f'{x:.2f}' for x in ratios)})")
        print(f"{name} f32 forward+backward with the cache on the device, on a profiled device, device time per call by kernel (median of the rounds' medians):")
        kernels = sorted({k for gr in gpu_rounds for k in gr[key]["kernels"]})
        rows = []
        for k in kernels:
            secs = [gr[key]["kernels"][k]["seconds"] for gr in gpu_rounds if k in gr[key]["kernels"]]
            launches = gpu_rounds[0][key]["kernels"].get(k, {}).get("launches", 0)
            rows.append((statistics.median(secs), k, launches))
        wall = statistics.median(gr[key]["profiled_forward_backward"] for gr in gpu_rounds)
        total = sum(r[0] for r in rows)
        for secs, k, launches in sorted(rows, reverse=True):
            print(f"  {k:<22} {int(launches):6d} launches {secs * 1e3:9.1f} ms  {secs / wall:6.1%}")
        print(f"  {'(all device commands)':<22} {'':6} {'':8} {total * 1e3:9.1f} ms  {total / wall:6.1%}   of the profiled call's {wall * 1e3:.1f} ms wall time")


def dotnet_benchmarks():
    """Runs the GPU benchmarks; returns {(params..., method): median seconds}."""
    env = dotnet_env()
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
            key = (params.get("Workload") or params.get("Shape"), params["Precision"], params.get("Version", b["Method"]))
            medians[key] = b["Statistics"]["Median"] / 1e9
    return medians


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    print(f"load average (1, 5, 15 min) at the start: {load()}")
    require_openblas()
    (torch.ones(64, 64) @ torch.ones(64, 64)).sum()  # loads torch's BLAS
    print(f"BLAS loaded: {', '.join(require_loaded_openblas())}")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads (default); numpy {np.__version__}; {os.cpu_count()} cores")

    rates = numpy_gemm_rates()
    print(f"numpy a @ b at 2048^2: float32 {rates['float32']:.1f} GFLOP/s, float64 {rates['float64']:.1f} GFLOP/s")
    if "--profile" in sys.argv:
        profile_main()
        print(f"load average (1, 5, 15 min) at the end: {load()}")
        return
    torch_times = torch_workloads()
    if "--skip-gpu" in sys.argv:
        gpu = {}
    else:
        gpu = dotnet_benchmarks()

    print()
    print(f"{'workload':<12} {'prec':<5} {'phase':<18} {'GPU path (ms)':>14} {'PyTorch (ms)':>13} {'ratio':>7}")
    rows = [(key, t, key[2]) for key, t in torch_times.items()]
    # the forward+backward whose cache stays on the device (CacheDownload.WhenRead) against the same PyTorch time
    rows += [((name, precision, "ForwardBackwardCacheOnDevice"), t, "FB cache on device")
             for (name, precision, phase), t in torch_times.items() if phase == "ForwardBackward"]
    for (name, precision, phase), t, label in rows:
        g = gpu.get((name, precision, phase))
        gtext = f"{g * 1e3:14.2f}" if g else f"{'-':>14}"
        ratio = f"{g / t:7.2f}" if g else f"{'-':>7}"
        print(f"{name:<12} {precision:<5} {label:<18} {gtext} {t * 1e3:13.2f} {ratio}")

    print()
    print(f"{'gemm shape':<22} {'prec':<5} {'version':<9} {'GPU path (ms)':>14} {'GFLOP/s':>9} {'of numpy f32':>13}")
    for shape, (M, N, K, _) in GEMM_SHAPES.items():
        for precision in ("f32", "f64"):
            for version in GEMM_VERSIONS:
                g = gpu.get((shape, precision, version))
                if not g:
                    continue
                gflops = 2.0 * M * N * K / g / 1e9
                print(f"{shape:<22} {precision:<5} {version:<9} {g * 1e3:14.2f} {gflops:9.1f} {gflops / rates['float32']:12.1%}")

    # lstm-medium's forward+backward products together: each shape as often as the stack runs it
    print()
    for precision in ("f32", "f64"):
        for version in GEMM_VERSIONS:
            times = [(count, gpu.get((shape, precision, version)), 2.0 * M * N * K)
                     for shape, (M, N, K, count) in GEMM_SHAPES.items() if count]
            if any(g is None for _, g, _ in times):
                continue
            seconds = sum(count * g for count, g, _ in times)
            gflops = sum(count * flops for count, _, flops in times) / seconds / 1e9
            total = gpu.get(("lstm-medium", precision, "ForwardBackward"))
            share = f", {seconds / total:.0%} of the stack's forward+backward" if total else ""
            print(f"lstm-medium {precision} gemm phases, version {version}: {seconds * 1e3:.1f} ms, "
                  f"{gflops:.1f} GFLOP/s = {gflops / rates['float32']:.1%} of numpy's f32 rate{share}")
    print(f"load average (1, 5, 15 min) at the end: {load()}")


if __name__ == "__main__":
    main()
