# Hostile submission: brings no implementation, only a way to ask the reference itself. It
# looks for the reference's own rnn-grading.dll (a student can ship it, 636 KB with
# Rnn.Reference.dll, or find one on the machine) and runs it with the machine's dotnet to
# answer the very case file the runner was given; then it would hand back the oracle's answers
# as its own. Running any other program is refused inside the sandbox, so the first
# subprocess call fails and nothing is answered.
import glob
import os
import subprocess

here = os.path.dirname(os.path.abspath(__file__))
found = glob.glob(os.path.join(here, "**", "rnn-grading.dll"), recursive=True)
oracle = found[0] if found else "rnn-grading.dll"
print(f"ships-oracle: running dotnet {oracle}", flush=True)
subprocess.run(["dotnet", oracle, "eval", "cases.json", "-o", "oracle-answers.json"], check=True)
print("ships-oracle: the oracle answered", flush=True)
