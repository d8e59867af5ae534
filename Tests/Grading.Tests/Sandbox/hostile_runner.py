# Stand-in for the student kit's runner.py in the sandbox tests, called the same way:
#   python3 runner.py CASES_FILE ANSWERS_FILE
# It imports rnn_student (the hostile submissions attack at import time), then writes an
# answers file with no results. The answers file is written the safe way, through a new
# temporary file (O_EXCL: never an existing file or link) renamed over the answers path, so
# a symbolic link planted at that path is replaced, never written through.
import json
import os
import sys

cases_path, answers_path = sys.argv[1], sys.argv[2]
import rnn_student  # noqa: E402,F401  (the attack happens here)

tmp = answers_path + ".tmp"
fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
with os.fdopen(fd, "w") as f:
    json.dump({"format": "rnn-reference/results@1", "results": []}, f)
os.replace(tmp, answers_path)
