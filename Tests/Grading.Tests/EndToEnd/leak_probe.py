# A submission that looks for the grader's expected values wherever a student's program could
# read them (Tests/Grading.Tests/EndToEnd/HostileAccessGradingTests.cs). The test copies it as
# rnn_student.py beside hostile-targets.txt, one target a line:
#   value TEXT   an expected value as a file holding it would contain it
#   since T      when the grading run started (seconds since the epoch)
#   read PATH    a folder to search in full
#   open PATH    a file to try to open: prints "OPENED PATH" or "BLOCKED PATH: error"
# At import time it first tries every "open" file; then it reads every regular file it can open
# in each "read" folder and in its own work folder, and every one created or changed since T
# (by its inode change time, which a copy that keeps the old modification time still sets) in
# the folders above its work folder, /tmp, /var/tmp, /dev/shm and /autograder. It prints
# "FOUND TEXT in PATH" for each value it finds, then "leak-probe: read N files in M folders".
# It defines none of the kit's functions, so every case of every problem fails.
# Bounded: files up to 1 MiB (a file of expected values for an assignment is far smaller), at
# most 20000 files, 5 seconds in all.
import os
import re
import stat
import time

TARGETS = "hostile-targets.txt"
values, full, opens, since = [], [], [], 0.0
with open(TARGETS) as f:
    for line in f:
        kind, _, rest = line.rstrip("\n").partition(" ")
        if kind == "value":
            values.append(rest.encode())
        elif kind == "since":
            since = float(rest)
        elif kind == "read":
            full.append(rest)
        elif kind == "open":
            opens.append(rest)

for path in opens:
    try:
        with open(path, "rb") as f:
            f.read(1)
        print(f"OPENED {path}", flush=True)
    except OSError as e:
        print(f"BLOCKED {path}: {e}", flush=True)

pattern = re.compile(b"|".join(re.escape(v) for v in values)) if values else re.compile(b"(?!)")

work = os.getcwd()
own = os.path.join(work, TARGETS)
roots = [(path, False) for path in full] + [(work, False)]   # (folder, only files changed since T)
folder = work
while folder != "/":
    folder = os.path.dirname(folder)
    if folder != "/":
        roots.append((folder, True))
roots += [(path, True) for path in ("/tmp", "/var/tmp", "/dev/shm", "/autograder")]

deadline = time.monotonic() + 5
seen_dirs, files = set(), 0
for root, recent_only in roots:
    for dirpath, dirnames, filenames in os.walk(root):
        real = os.path.realpath(dirpath)
        if real in seen_dirs or time.monotonic() > deadline or files > 20000:
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if path == own:
                continue
            try:
                st = os.lstat(path)
                if not stat.S_ISREG(st.st_mode) or st.st_size > 1024 * 1024:
                    continue
                if recent_only and st.st_ctime < since:
                    continue
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            files += 1
            for v in sorted(set(pattern.findall(data))):
                print(f"FOUND {v.decode()} in {path}", flush=True)
print(f"leak-probe: read {files} files in {len(seen_dirs)} folders", flush=True)
