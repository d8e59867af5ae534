# Hostile submission: runs other programs with no call that the guard's audit hook sees:
# _posixsubprocess.fork_exec, the C function under subprocess, raises no audit event. It tries
# the shell and a copy of /bin/true (of Python itself in a view without /bin) in its own folder.
# The kernel's exec filter (seccomp, installed by the guard) must refuse both: execve fails with
# EPERM, "Operation not permitted".
import os
import shutil
import sys

import _posixsubprocess


def run(path, argv):
    """fork_exec as subprocess calls it (Debian's Python 3.11); None if the program ran, else the errno of exec."""
    errpipe_read, errpipe_write = os.pipe()
    try:
        pid = _posixsubprocess.fork_exec(
            [os.fsencode(a) for a in argv], [os.fsencode(path)], True, (errpipe_write,), None, None,
            -1, -1, -1, -1, -1, -1, errpipe_read, errpipe_write,
            True, False, -1, None, None, None, -1, None, False)
    finally:
        os.close(errpipe_write)
    data = b""
    while True:
        part = os.read(errpipe_read, 50000)
        if not part:
            break
        data += part
    os.close(errpipe_read)
    os.waitpid(pid, 0)
    if not data:
        return None
    # "OSError:<errno in hex>:<message>", as subprocess reads it
    return int(data.split(b":")[1], 16)


copy = os.path.join(os.getcwd(), "my-true")
# /bin/true, or in the sandbox's reduced view of the filesystem (which has no /bin) Python itself
shutil.copy("/bin/true" if os.path.exists("/bin/true") else sys.executable, copy)
os.chmod(copy, 0o755)
for what, path, argv in [("the shell", "/bin/sh", ["sh", "-c", "echo bypasses-guard-exec: the shell says RAN"]),
                         ("a copied binary", copy, [copy])]:
    errno = run(path, argv)
    if errno is None:
        print(f"bypasses-guard-exec: RAN {what}", flush=True)
    else:
        print(f"bypasses-guard-exec: BLOCKED {what}: [Errno {errno}] {os.strerror(errno)}", flush=True)
