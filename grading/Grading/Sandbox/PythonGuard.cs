// What a submission may use, enforced inside the student's Python process (Spec/sandbox.md,
// "What a submission may use"). The grader starts the student's program as
//     python3 rnn_guard.py runner.py cases.json answers.json
// and rnn_guard.py (written by the grader into the work folder, replacing any file of that name
// the student sent) installs an audit hook (PEP 578, sys.addaudithook) before anything of the
// student's runs; an audit hook cannot be removed. The hook refuses
//   - importing a module that is neither in Python's standard library (sys.stdlib_module_names)
//     nor NumPy nor Python source of the submission itself (NAME.py, NAME/__init__.py: not a
//     compiled extension it brought): torch, tensorflow, jax, ... by name;
//   - running another program: os.system, os.exec*, os.posix_spawn*, os.spawn*, subprocess
//     (so shipping the reference's own rnn-grading.dll and running it with dotnet gets nothing);
//   - loading a native library or calling into one with ctypes (ctypes.dlopen of a named
//     library, ctypes.dlsym, ctypes.call_function, ctypes.cdata): NumPy's import itself only
//     does ctypes.dlopen(None), which stays allowed and gives nothing without dlsym;
//   - opening /proc/*/mem (writing the process's own memory would undo the hook).
// Each refusal raises PermissionError (ImportError for an import) and writes one line to
// standard error, which the feedback shows even if the program catches the exception.
// This is a guard inside the interpreter, not a wall: native code that NumPy exposes could in
// principle get around it. The process limits, the namespaces and the user switch still hold
// whatever the program does; the guard makes using another implementation fail loudly.
namespace Rnn.Grading.Sandbox;

public static class PythonGuard
{
    /// <summary>The guard's file name in the work folder.</summary>
    public const string FileName = "rnn_guard.py";

    /// <summary>The command that runs script (with its arguments) under the guard.</summary>
    public static string[] Command(params string[] scriptAndArguments) => ["python3", FileName, .. scriptAndArguments];

    /// <summary>Writes the guard into the work folder, replacing any file of that name.</summary>
    public static void WriteInto(string workDirectory) =>
        File.WriteAllText(Path.Combine(workDirectory, FileName), Source);

    public const string Source = """
        # Written by the grader: what a submission may use (Spec/sandbox.md). Not the student's file.
        import os
        import runpy
        import sys

        _ALLOWED_PACKAGES = {"numpy"}
        _WORK = os.path.dirname(os.path.abspath(__file__))
        _STDLIB = set(sys.stdlib_module_names)
        _EXEC_EVENTS = {
            "os.system": "running a shell command (os.system)",
            "os.exec": "running another program (os.exec*)",
            "os.posix_spawn": "running another program (os.posix_spawn)",
            "os.spawn": "running another program (os.spawn*)",
            "subprocess.Popen": "running another program (subprocess)",
            "pty.spawn": "running another program (pty.spawn)",
            "ctypes.dlsym": "calling into a native library (ctypes)",
            "ctypes.call_function": "calling into a native library (ctypes)",
            "ctypes.cdata": "reading raw memory (ctypes)",
        }
        _said = set()


        def _refuse(kind, text):
            line = f"rnn-grading: {text} is not allowed in this assignment: a submission may use Python's standard library and NumPy only, and may not run other programs"
            if line not in _said:
                _said.add(line)
                try:
                    sys.stderr.write(line + "\n")
                    sys.stderr.flush()
                except Exception:
                    pass
            raise kind(line)


        def _own_module(name):
            # a module of the submission is Python source: NAME.py or a package NAME/__init__.py,
            # at every level of a dotted name (a compiled extension module of its own is not allowed)
            path = os.path.join(_WORK, *name.split("."))
            return os.path.isfile(path + ".py") or os.path.isfile(os.path.join(path, "__init__.py"))


        def _hook(event, args):
            if event == "import":
                name = args[0]
                top = name.split(".")[0]
                if top and top not in _STDLIB and top not in _ALLOWED_PACKAGES and not _own_module(name):
                    _refuse(ImportError, f"importing '{name}'")
            elif event in _EXEC_EVENTS:
                _refuse(PermissionError, _EXEC_EVENTS[event])
            elif event == "ctypes.dlopen" and args and args[0] is not None:
                _refuse(PermissionError, f"loading the native library '{args[0]}' (ctypes)")
            elif event == "open" and args and isinstance(args[0], (str, bytes)):
                path = os.fsdecode(args[0])
                if path.startswith("/proc/") and path.endswith("/mem"):
                    _refuse(PermissionError, f"opening {path}")


        sys.addaudithook(_hook)
        if len(sys.argv) < 2:
            sys.exit("usage: python3 rnn_guard.py SCRIPT [ARGS...]")
        sys.argv = sys.argv[1:]
        sys.path[0] = _WORK
        runpy.run_path(sys.argv[0], run_name="__main__")
        """;
}
