# Hostile submission: six children, each allocating and touching 150 MiB (under a per-process
# address-space limit of 256 MiB), that hold on until all six have their memory, so together
# they would hold 900 MiB. A memory limit on the whole run (a cgroup) must stop them: the kernel
# kills some, and the six never hold their memory together. Without a cgroup, RLIMIT_NPROC x
# RLIMIT_AS bounds it: forks fail first. Bounded for the machine running the tests: 900 MiB at
# most, and every child ends within 120 s.
import os
import select
import time

CHILDREN = 6
SIZE = 150 * 1024 * 1024

ready_r, ready_w = os.pipe()        # each child writes one byte once it holds its memory
release_r, release_w = os.pipe()    # the children wait for this to close
pids = []
failed = 0
for k in range(CHILDREN):
    try:
        pid = os.fork()
    except OSError as e:
        failed += 1
        print(f"memory-forks: fork {k} failed: {e}", flush=True)
        continue
    if pid == 0:
        os.close(ready_r)
        os.close(release_w)
        block = bytearray(SIZE)
        for i in range(0, SIZE, 4096):     # touch every page: resident, not just reserved
            block[i] = 1
        os.write(ready_w, b"x")
        select.select([release_r], [], [], 120)
        os._exit(0)
    pids.append(pid)
os.close(ready_w)
os.close(release_r)

ended = {}


def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        ended[pid] = status


held = 0
deadline = time.monotonic() + 120
# until all hold their memory together, or one of them has ended (killed for memory)
while held < len(pids) and not ended and time.monotonic() < deadline:
    readable, _, _ = select.select([ready_r], [], [], 0.2)
    if readable:
        held += len(os.read(ready_r, 64))
    reap()
print(f"memory-forks: {len(pids)} children forked, {failed} forks failed, {held} held their memory together", flush=True)
os.close(release_w)
for pid in pids:
    status = ended[pid] if pid in ended else os.waitpid(pid, 0)[1]
    how = f"killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
    print(f"memory-forks: a child ended: {how}", flush=True)
