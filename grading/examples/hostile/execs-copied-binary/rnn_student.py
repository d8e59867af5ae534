# Hostile submission: copies a program into its own folder, makes it executable and replaces
# itself with it (os.execv), the way a precompiled solution shipped with the submission would
# be run. Running another program is refused inside the sandbox, wherever it lies.
import os
import shutil
import sys

here = os.path.dirname(os.path.abspath(__file__))
copy = os.path.join(here, "copied-true")
# /bin/true, or in the sandbox's reduced view of the filesystem (which has no /bin) Python itself
shutil.copy("/bin/true" if os.path.exists("/bin/true") else sys.executable, copy)
os.chmod(copy, 0o755)
print("execs-copied-binary: execv", flush=True)
os.execv(copy, [copy])
