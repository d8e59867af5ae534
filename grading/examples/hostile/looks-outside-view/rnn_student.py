# Hostile submission: looks for what lies outside the Python runtime and NumPy, and tries to use
# it: the .NET install and the grader's own DLLs (to run the oracle), the grader's folders, the
# machine's users and home folders, another implementation (torch's folder), and a native
# library outside the runtime loaded with ctypes. Paths listed as "read PATH" in
# hostile-targets.txt are tried too. Each attempt prints "SEEN <what>: <first entries or bytes>"
# or "BLOCKED <what>: <error>"; then "ROOT <entries of />" and "USRLIB <entries of /usr/lib>".
import ctypes
import os


def attempt(path):
    try:
        if os.path.isdir(path):
            print(f"SEEN {path}: {sorted(os.listdir(path))[:10]}", flush=True)
        else:
            with open(path, "rb") as f:
                print(f"SEEN {path}: {f.read(40)!r}", flush=True)
    except OSError as e:
        print(f"BLOCKED {path}: [Errno {e.errno}] {e.strerror}", flush=True)


targets = []
if os.path.exists("hostile-targets.txt"):
    with open("hostile-targets.txt") as f:
        targets += [line.split(None, 1)[1].strip() for line in f if line.startswith("read ")]
targets += ["/usr/lib/dotnet", "/etc/passwd", "/home", "/usr/lib/python3/dist-packages/torch", "/usr/share/dotnet",
            "/usr/bin/dotnet", "/root/.dotnet", "/etc/shadow", "/root", "/work", "/srv", "/opt", "/usr/local/lib",
            "/usr/bin/sh", "/bin/sh", "/usr/bin/env"]
for path in targets:
    attempt(path)
# the grader's DLLs wherever they might be: any rnn-grading.dll the program can find
found = []
for top in sorted(set(os.listdir("/")) - {"proc"}):
    for folder, subfolders, files in os.walk("/" + top):
        found += [os.path.join(folder, f) for f in files if f == "rnn-grading.dll"]
print(f"DLLS {found}", flush=True)
for library in ["/usr/lib/dotnet/shared/Microsoft.NETCore.App/libcoreclr.so", "libcoreclr.so", "libOpenCL.so.1", "libtorch_cpu.so"]:
    try:
        ctypes.CDLL(library)
        print(f"SEEN load {library}", flush=True)
    except OSError as e:
        print(f"BLOCKED load {library}: {e}", flush=True)
print(f"ROOT {sorted(os.listdir('/'))}", flush=True)
print(f"USRLIB {sorted(os.listdir('/usr/lib'))}", flush=True)
