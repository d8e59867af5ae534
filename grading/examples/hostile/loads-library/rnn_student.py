# Hostile submission: loads a native library with ctypes (here libc, to call its system();
# in earnest, a compiled solution or the .NET runtime hosting the reference). Loading a named
# library, and looking a symbol up even in the process itself (CDLL(None)), are refused
# inside the sandbox.
import ctypes

for name in ["libc.so.6", None]:
    try:
        lib = ctypes.CDLL(name)
        lib.system(b"true")
        print(f"loads-library: CALLED system() through {name}", flush=True)
    except Exception as e:  # noqa: BLE001
        print(f"loads-library: BLOCKED {name}: {type(e).__name__}: {e}", flush=True)
raise SystemExit("loads-library: nothing could be loaded")
