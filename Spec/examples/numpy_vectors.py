"""Run the conformance vectors through a NumPy implementation and check its answers.

    python3 numpy_vectors.py VECTORS_DIR ANSWERS.json RNN_GRADING...

VECTORS_DIR is Spec/vectors (or what `rnn-grading vectors -o DIR` wrote); RNN_GRADING... is how to
run the program, e.g. `dotnet run --project grading/Grading -c Release --`. Every case whose op
my_rnn.OPS has is answered; a case it cannot do (NotImplementedError) or an op it lacks is left
out, and `check --skip-missing` lists those as not answered. The exit code is check's: 0 when
every answered case passes, 1 when one fails (check prints which tensor and why)."""
import json, subprocess, sys
import numpy as np
from my_rnn import OPS  # yours: op name -> f(config, inputs, params, grad_outputs) -> (outputs, grads)

def load(a): return np.array([{"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}.get(v, v) for v in a["data"]],
                             dtype=np.float64).reshape(a["shape"])
def dump(x): x = np.asarray(x, dtype=np.float64); return {"shape": list(x.shape), "data": x.ravel().tolist()}

vectors, answers, program = sys.argv[1], sys.argv[2], sys.argv[3:]
results = []
for c in json.load(open(f"{vectors}/cases.json"))["cases"]:
    if c["op"] not in OPS:
        continue
    get = lambda part: {name: load(a) for name, a in c.get(part, {}).items()}
    try:
        outs, grads = OPS[c["op"]](c.get("config", {}), get("inputs"), get("params"), get("grad_outputs"))
    except NotImplementedError:
        continue
    results.append({"id": c["id"], "outputs": {k: dump(v) for k, v in outs.items()}, "grads": {k: dump(v) for k, v in grads.items()}})
json.dump({"format": "rnn-reference/results@1", "results": results}, open(answers, "w"))
sys.exit(subprocess.run(program + ["check", f"{vectors}/cases.json", answers, "--skip-missing"]).returncode)
