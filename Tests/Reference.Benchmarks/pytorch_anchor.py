"""What compare-pytorch.py and gpu_vs_pytorch.py share: the recurrent workloads (as
RecurrentBenchmarks.Workloads), the check that PyTorch and NumPy run on OpenBLAS (without
libopenblas0-pthread Debian's torch falls back to the reference BLAS, about 20x slower: an unfair
anchor), and the median of timed calls after warm-ups."""
import statistics
import subprocess
import sys
import time

# name: (cell, T, B, I, H), as RecurrentBenchmarks.Workloads
WORKLOADS = {
    "lstm-small": ("lstm", 50, 32, 32, 64),
    "lstm-medium": ("lstm", 100, 64, 128, 256),
    "gru-small": ("gru", 50, 32, 32, 64),
    "rnn-small": ("rnn", 50, 32, 32, 64),
    "lstm-large": ("lstm", 200, 64, 256, 512),
    "gru-medium": ("gru", 100, 64, 128, 256),
}


def require_openblas():
    """Exits with what to install unless Debian's libopenblas0-pthread is installed."""
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "libopenblas0-pthread"],
                            capture_output=True, text=True)
    if "install ok installed" not in status.stdout:
        sys.exit("libopenblas0-pthread is not installed: Debian's torch would use the reference BLAS "
                 "(about 20x slower). apt-get install libopenblas0-pthread, then run again.")


def loaded_blas():
    """The BLAS libraries this process has loaded (call it after torch or numpy has run a product)."""
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return sorted(libs)


def require_loaded_openblas():
    """Exits unless the process loaded OpenBLAS; returns the BLAS libraries it loaded."""
    blas = loaded_blas()
    if not any("openblas" in lib for lib in blas):
        sys.exit(f"the process loaded no OpenBLAS (BLAS libraries: {blas}); check update-alternatives for libblas.so.3")
    return blas


def median_seconds(fn, repeats, warmups=3):
    """The median wall time of repeats calls of fn, after warmups calls."""
    for _ in range(warmups):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
