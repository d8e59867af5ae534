# Hostile submission: uses another implementation the machine has (PyTorch, when installed)
# instead of writing its own. Importing anything beyond Python's standard library and NumPy is
# refused inside the sandbox, by name, whether or not the package is installed.
print("imports-torch: importing torch", flush=True)
import torch  # noqa: E402,F401

print("imports-torch: torch imported", flush=True)
