# Hostile submission: runs a shell command (which could start any program on the machine:
# the reference through dotnet, a copied solution, ...). Refused inside the sandbox.
import os

print("runs-shell: os.system", flush=True)
status = os.system("dotnet --version")
print(f"runs-shell: the shell ran, status {status}", flush=True)
