# Hostile submission: copies a program into its own folder, makes it executable and replaces
# itself with it (os.execv), the way a precompiled solution shipped with the submission would
# be run. Running another program is refused inside the sandbox, wherever it lies.
import os
import shutil

here = os.path.dirname(os.path.abspath(__file__))
copy = os.path.join(here, "copied-true")
shutil.copy("/bin/true", copy)
os.chmod(copy, 0o755)
print("execs-copied-binary: execv", flush=True)
os.execv(copy, [copy])
