// What a submission may use, enforced inside the student's Python process (Spec/sandbox.md,
// "What a submission may use"). The grader starts the student's program as
//     python3 rnn_guard.py runner.py cases.json answers.json
// and rnn_guard.py (written by the grader into the work folder, replacing any file of that name
// the student sent, with the assignment's policy written in) does two things before anything of
// the student's runs:
// 1. installs a seccomp filter (prctl(PR_SET_NO_NEW_PRIVS), then seccomp(SECCOMP_SET_MODE_FILTER)
//    with a hand-written BPF program, the machine's architecture checked): execve and execveat
//    fail with EPERM in the process, its threads and every child, and cannot be allowed again.
//    This is the kernel's wall: no Python trick that gets around the hook below can run another
//    program (os.system, subprocess, os.exec*, _posixsubprocess, a copied binary: all EPERM);
// 2. installs an audit hook (PEP 578, sys.addaudithook; a hook cannot be removed) that refuses, by
//    name and with a clear message,
//   - importing a module that is neither in Python's standard library (sys.stdlib_module_names)
//     nor in the assignment's "may_import" (NumPy by default) nor Python source of the submission
//     itself (NAME.py, NAME/__init__.py: not a compiled extension it brought): torch, tensorflow,
//     jax, ... by name;
//   - running another program: os.system, os.exec*, os.posix_spawn*, os.spawn*, subprocess
//     (so shipping the reference's own rnn-grading.dll and running it with dotnet gets nothing);
//   - loading a native library or calling into one with ctypes (ctypes.dlopen of a named
//     library, ctypes.dlsym, ctypes.call_function, ctypes.cdata): NumPy's import itself only
//     does ctypes.dlopen(None), which stays allowed and gives nothing without dlsym;
//   - opening /proc/*/mem (writing the process's own memory would undo the hook).
// Each refusal raises PermissionError (ImportError for an import) and writes one line to
// standard error when the submission's own code asked, which the feedback shows even if the
// program catches the exception. The hook is a guard inside the interpreter: native code could
// get around it, but not around the seccomp filter, the limits, the namespaces or the user switch.
namespace Rnn.Grading.Sandbox;

public static class PythonGuard
{
    /// <summary>The guard's file name in the work folder.</summary>
    public const string FileName = "rnn_guard.py";

    /// <summary>The machines (uname -m, as Python's platform.machine() names them) the guard's exec filter has a table for (x86_64: AUDIT_ARCH_X86_64, aarch64: AUDIT_ARCH_AARCH64).</summary>
    public static readonly IReadOnlyList<string> ExecFilterMachines = ["x86_64", "aarch64"];

    /// <summary>
    /// Null where the exec filter has a table for the machine; else the note a run under the guard
    /// carries. There the guard does not guess syscall numbers: it says on standard error that the
    /// filter is not in force and goes on with the audit hook alone, which still refuses every
    /// documented way to run a program; the reduced view of the filesystem leaves no other program
    /// to run but Python itself.
    /// </summary>
    public static string? ExecFilterNote(string machine) => ExecFilterMachines.Contains(machine) ? null
        : $"the guard's exec filter (seccomp) has no table for this machine ({machine}): running other programs is refused by the guard's audit hook only, which a program can get around (_posixsubprocess), and then only what the program's view of the filesystem holds can be run";

    /// <summary>The kernel's name for this machine (uname -m), from /proc/sys/kernel/arch, else from the runtime.</summary>
    public static string Machine()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/arch").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
            {
                System.Runtime.InteropServices.Architecture.X64 => "x86_64",
                System.Runtime.InteropServices.Architecture.Arm64 => "aarch64",
                var other => other.ToString().ToLowerInvariant(),
            };
        }
    }

    /// <summary>The command that runs script (with its arguments) under the guard.</summary>
    public static string[] Command(params string[] scriptAndArguments) => ["python3", FileName, .. scriptAndArguments];

    /// <summary>Writes the guard for this policy into the work folder, replacing any file of that name.</summary>
    /// <param name="mayImport">top-level modules allowed besides the standard library (the assignment's "may_import")</param>
    public static void WriteInto(string workDirectory, IReadOnlyList<string> mayImport) =>
        File.WriteAllText(Path.Combine(workDirectory, FileName), SourceFor(mayImport));

    /// <summary>The rule every refusal states: "a submission may use Python's standard library and numpy only, and may not run other programs".</summary>
    public static string Rule(IReadOnlyList<string> mayImport) =>
        "a submission may use Python's standard library" + (mayImport.Count switch
        {
            0 => "",
            1 => " and " + mayImport[0],
            _ => ", " + string.Join(", ", mayImport.Take(mayImport.Count - 1)) + " and " + mayImport[^1],
        }) + " only, and may not run other programs";

    /// <summary>The guard's Python source with the policy written in.</summary>
    public static string SourceFor(IReadOnlyList<string> mayImport)
    {
        ArgumentNullException.ThrowIfNull(mayImport);
        foreach (string name in mayImport)
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(name[0]))
                throw new ArgumentException($"mayImport must hold top-level module names but holds \"{name}\"", nameof(mayImport));
        string allowed = "{" + string.Join(", ", mayImport.Select(n => $"\"{n}\"")) + "}";
        if (mayImport.Count == 0) allowed = "set()";
        return Template.Replace("__ALLOWED_PACKAGES__", allowed, StringComparison.Ordinal)
            .Replace("__RULE__", "\"" + Rule(mayImport).Replace("'", "\\'", StringComparison.Ordinal) + "\"", StringComparison.Ordinal);
    }

    private const string Template = """
        # Written by the grader: what a submission may use (Spec/sandbox.md). Not the student's file.
        import os
        import runpy
        import sys

        _ALLOWED_PACKAGES = __ALLOWED_PACKAGES__     # the assignment's "may_import"
        _RULE = __RULE__
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


        def _refuse(kind, text, say=True):
            line = f"rnn-grading: {text} is not allowed in this assignment: {_RULE}"
            if say and line not in _said:
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


        def _imported_by_submission():
            # the file that asked for the import, past importlib's own frames: a library's optional
            # import (NumPy trying pickle5) is refused without a line on standard error
            frame = sys._getframe(2)
            while frame is not None:
                name = frame.f_code.co_filename
                if not (name.startswith("<frozen ") or os.sep + "importlib" + os.sep in name):
                    return os.path.abspath(name).startswith(_WORK + os.sep)
                frame = frame.f_back
            return True


        def _caller_file():
            # the file of the code that caused the event, past the frames of the guard, importlib and ctypes
            frame = sys._getframe(2)
            while frame is not None:
                name = frame.f_code.co_filename
                if not (name.startswith("<frozen ") or name == __file__
                        or any(os.sep + part + os.sep in name for part in ("importlib", "ctypes"))):
                    return os.path.abspath(name)
                frame = frame.f_back
            return ""


        _trusted = set(_ALLOWED_PACKAGES)   # allowed packages, and what their own code imported


        def _in_allowed_package(path, for_ctypes=False):
            # code of an allowed package (torch), or of a module such code imported (its dependency,
            # typing_extensions), may import what it needs and load its libraries with ctypes
            for name in list(_trusted):
                if for_ctypes and name == "numpy":
                    continue          # np.ctypeslib would load any library for the submission
                spec = getattr(sys.modules.get(name), "__spec__", None)
                if spec is None:
                    continue
                for folder in spec.submodule_search_locations or []:
                    if path.startswith(os.path.abspath(folder) + os.sep):
                        return True
                if spec.origin and path == os.path.abspath(spec.origin):
                    return True
            return False


        def _hook(event, args):
            if event == "import":
                name = args[0]
                top = name.split(".")[0]
                if top and top not in _STDLIB and top not in _trusted and not _own_module(name):
                    if _in_allowed_package(_caller_file()):
                        _trusted.add(top)
                        return
                    _refuse(ImportError, f"importing '{name}'", say=_imported_by_submission())
            elif event in _EXEC_EVENTS:
                if event.startswith("ctypes.") and _in_allowed_package(_caller_file(), for_ctypes=True):
                    return
                _refuse(PermissionError, _EXEC_EVENTS[event])
            elif event == "ctypes.dlopen" and args and args[0] is not None:
                if _in_allowed_package(_caller_file(), for_ctypes=True):
                    return
                _refuse(PermissionError, f"loading the native library '{args[0]}' (ctypes)")
            elif event == "open" and args and isinstance(args[0], (str, bytes)):
                path = os.fsdecode(args[0])
                if path.startswith("/proc/") and path.endswith("/mem"):
                    _refuse(PermissionError, f"opening {path}")


        def _forbid_exec():
            # The kernel's own guard, installed before anything of the student's runs: a seccomp filter
            # (prctl(PR_SET_NO_NEW_PRIVS), then seccomp(SECCOMP_SET_MODE_FILTER) with this BPF program)
            # makes execve and execveat fail with EPERM in this process, its threads and every child,
            # whatever Python code gets around the audit hook. A filter cannot be removed. Returns None,
            # or why it is not in force.
            import ctypes
            import platform

            # machine: (AUDIT_ARCH_*, seccomp, execve, execveat, x32 syscall bit)
            tables = {"x86_64": (0xC000003E, 317, 59, 322, 0x40000000), "aarch64": (0xC00000B7, 277, 221, 281, None)}
            machine = platform.machine()
            if machine not in tables:
                return f"no filter is written for this machine ({machine})"
            arch, seccomp_nr, execve, execveat, x32 = tables[machine]
            ld_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06          # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, ...|BPF_JGE|BPF_K, BPF_RET|BPF_K
            allow, deny = 0x7FFF0000, 0x00050000 | 1                 # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
            checks = ([(jge, x32)] if x32 else []) + [(jeq, execve), (jeq, execveat)]
            program = [
                (ld_abs, 0, 0, 4),            # A = seccomp_data.arch
                (jeq, 1, 0, arch),            # this machine's calls: go on to the number
                (ret, 0, 0, deny),            # any other calling convention (i386 int 0x80): refused
                (ld_abs, 0, 0, 0),            # A = seccomp_data.nr
            ]
            for i, (op, k) in enumerate(checks):   # x32 calls, execve, execveat: jump to the last line
                program.append((op, len(checks) - i, 0, k))
            program += [(ret, 0, 0, allow), (ret, 0, 0, deny)]

            class SockFilter(ctypes.Structure):
                _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]

            class SockFprog(ctypes.Structure):
                _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]

            lines = (SockFilter * len(program))(*[SockFilter(*line) for line in program])
            fprog = SockFprog(len(program), ctypes.cast(lines, ctypes.POINTER(SockFilter)))
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(38, 1, 0, 0, 0) != 0:                                  # PR_SET_NO_NEW_PRIVS
                return "prctl(PR_SET_NO_NEW_PRIVS) failed: " + os.strerror(ctypes.get_errno())
            if libc.syscall(seccomp_nr, 1, 1, ctypes.byref(fprog)) != 0:        # SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC
                return "seccomp(SECCOMP_SET_MODE_FILTER) failed: " + os.strerror(ctypes.get_errno())
            return None


        _not_in_force = _forbid_exec()
        if _not_in_force is not None:
            sys.stderr.write(f"rnn-grading: the kernel's exec filter is not in force ({_not_in_force}); the audit hook still refuses running programs\n")
        del _forbid_exec
        sys.addaudithook(_hook)
        if len(sys.argv) < 2:
            sys.exit("usage: python3 rnn_guard.py SCRIPT [ARGS...]")
        sys.argv = sys.argv[1:]
        sys.path[0] = _WORK
        runpy.run_path(sys.argv[0], run_name="__main__")
        """;
}
