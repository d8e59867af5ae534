// Runs a student's program under limits, with the operating system's own tools, and makes
// sure nothing of it is left running afterwards (no slide shows this: 95-865 lecture and
// recitation, STATS 507, MATH80629 checked). The full launch, when the grader is root:
//
//   setpriv --pdeathsig=KILL --                                  dies if the grader dies
//   unshare --pid --fork --kill-child --mount-proc --net --ipc --   new PID, mount, network, IPC namespaces
//     /bin/sh -c 'TMP; VIEW; "$@"; exit $?' rnn-init                PID 1 of the namespace (see below): private
//                                                                   /tmp, the reduced view of the filesystem
//                                                                   (FileView), the rlimits set on itself
//                                                                   (prlimit --pid $$ --as --fsize --nproc --cpu
//                                                                   --core=0), pivot_root into the view
//       setpriv --reuid --regid --clear-groups --no-new-privs        the unprivileged student user (run from
//               --bounding-set=-all --inh-caps=-all --               the view's launch folder)
//         /usr/bin/python3 runner.py cases.json answers.json        the student's program
//
// The shell is PID 1 so that the student's program is not: the kernel drops signals without
// a handler sent to a namespace's PID 1 (even SIGXCPU from the CPU limit), and when PID 1
// ends, the kernel kills every other process of the namespace. Killing the run therefore
// kills its whole tree, double-forked daemons included.
//
// When a step is not available the run degrades and says so in Notes: not root -> no user
// switch, namespaces through an unprivileged user namespace if the kernel allows it; no
// namespaces -> setsid (new session and process group), killed by group, by process tree and
// by a sweep of /proc for anything left in the session or the work folder; no prlimit -> the
// shell's ulimit; no view (not python3, a tool missing) -> the machine's filesystem and prlimit in
// the chain. Spec/sandbox.md lists every limit, tool and fallback.
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Rnn.Grading.Sandbox;

public static class StudentProcess
{
    public const string PythonPath = "/usr/bin/python3";

    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan OutputDrainWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs request.Command in request.WorkingDirectory and returns what happened. Throws
    /// ArgumentException only for a malformed request; every problem of the system or of the
    /// program is reported in the outcome (StartError, Notes), never thrown.
    /// </summary>
    public static StudentRunOutcome Run(StudentRunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("StudentProcess needs Linux (namespaces, rlimits, /proc)");
        string workDir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.WorkingDirectory));
        var notes = new List<string>();

        string? program = ResolveProgram(request.Command[0]);
        if (program is null)
            return NotStarted(request, notes, $"{request.Command[0]} was not found (looked for {ProgramCandidates(request.Command[0])})");

        if (request.Command.Count > 1 && request.Command[1] == PythonGuard.FileName && PythonGuard.ExecFilterNote(PythonGuard.Machine()) is { } filterNote)
            notes.Add(filterNote);
        using var cgroup = MakeMemoryCgroup(request, notes);
        var plan = LaunchPlan.Make(request, program, notes, cgroup);
        if (plan.SwitchUser)
        {
            string? problem;
            try
            {
                problem = PrepareForStudentUser(workDir, request, plan.Isolation.PrivateTmp && InRemadeTmp(Path.GetDirectoryName(workDir)!));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = $"the work folder could not be given to uid {request.StudentUid}: {e.Message}";
            }
            if (problem is not null) return NotStarted(request, notes, problem);
        }
        else if (request.ProtectedPaths.Count > 0)
        {
            notes.Add($"the program runs as the grader's own user and can read what the grader can, including {string.Join(", ", request.ProtectedPaths)}");
        }

        var psi = new ProcessStartInfo(plan.Argv[0])
        {
            WorkingDirectory = workDir,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in plan.Argv.Skip(1)) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(program);
        foreach (string a in request.Command.Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (key, value) in StudentEnvironment(workDir)) psi.Environment[key] = value;

        var stdout = new OutputCapture(request.OutputCapBytes);
        var stderr = new OutputCapture(request.ErrorCapBytes);
        var clock = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            return NotStarted(request, notes, $"{plan.Argv[0]} could not be started: {e.Message}");
        }

        using (process)
        {
            process.StandardInput.Close(); // the program reads nothing: end of file at once
            var pumps = Task.WhenAll(
                stdout.PumpAsync(process.StandardOutput.BaseStream),
                stderr.PumpAsync(process.StandardError.BaseStream));
            using var tracker = new RunTracker(process, plan.Isolation.PidNamespace, workDir);
            tracker.CaptureNamespace(TimeSpan.FromMilliseconds(200));

            bool timedOut = !process.WaitForExit(request.WallClockLimit);
            TimeSpan wall = clock.Elapsed;
            if (timedOut)
            {
                tracker.KillAll();
                if (!process.WaitForExit(KillWait))
                    notes.Add($"the launcher (pid {process.Id}) did not end within {KillWait.TotalSeconds} s of being killed");
                wall = clock.Elapsed;
            }
            else
            {
                process.WaitForExit(); // lets .NET collect the exit status
            }

            var (leftover, surviving) = tracker.Sweep(notes);
            long? peak = cgroup?.PeakBytes();
            int oomKills = cgroup?.OutOfMemoryKills() ?? 0;
            if (!pumps.Wait(OutputDrainWait))
                notes.Add($"the output pipes were still held open {OutputDrainWait.TotalSeconds} s after the program ended: later output is not shown");
            int? exitCode = process.HasExited ? process.ExitCode : null;

            return new StudentRunOutcome
            {
                Started = true,
                ExitCode = exitCode,
                TimedOut = timedOut,
                WallClockLimit = request.WallClockLimit,
                WallTime = wall,
                Stdout = stdout.Result(),
                Stderr = stderr.Result(),
                Isolation = plan.Isolation,
                LeftoverProcessesKilled = leftover,
                SurvivingProcesses = surviving,
                TotalMemoryLimitBytes = cgroup?.LimitBytes,
                PeakMemoryBytes = peak,
                OutOfMemoryKills = oomKills,
                Notes = notes,
            };
        }
    }

    /// <summary>The environment the program sees: these variables and nothing of the grader's.</summary>
    public static IReadOnlyDictionary<string, string> StudentEnvironment(string workDir) => new Dictionary<string, string>
    {
        ["PATH"] = "/usr/bin:/bin",
        ["HOME"] = workDir,
        ["PWD"] = workDir, // the namespace's init shell would set it anyway
        ["TMPDIR"] = workDir,
        ["LANG"] = "C.UTF-8",
        ["OPENBLAS_NUM_THREADS"] = "1",
        ["OMP_NUM_THREADS"] = "1",
        ["PYTHONDONTWRITEBYTECODE"] = "1",
        ["PYTHONNOUSERSITE"] = "1",
    };

    private static StudentRunOutcome NotStarted(StudentRunRequest request, List<string> notes, string why) => new()
    {
        Started = false,
        StartError = why,
        WallClockLimit = request.WallClockLimit,
        Notes = notes,
    };

    /// <summary>The run's memory cgroup, or null with a note (the fallback bound is then applied by LaunchPlan).</summary>
    private static MemoryCgroup? MakeMemoryCgroup(StudentRunRequest request, List<string> notes)
    {
        string? problem = !request.UseMemoryCgroup ? "UseMemoryCgroup is off"
            : !Environment.IsPrivilegedProcess ? "not running as root" : null;
        var cgroup = problem is null ? MemoryCgroup.Create(request.TotalMemoryLimitBytes, out problem) : null;
        if (cgroup is null) notes.Add($"no memory cgroup for the run ({problem})");
        return cgroup;
    }

    // ---- program and tools --------------------------------------------------------------

    private static string? ResolveProgram(string name)
    {
        if (name == "python3") return File.Exists(PythonPath) ? PythonPath : null;
        if (Path.IsPathRooted(name)) return File.Exists(name) ? name : null;
        return ProgramCandidatesList(name).FirstOrDefault(File.Exists);
    }

    private static string ProgramCandidates(string name) =>
        name == "python3" ? PythonPath : Path.IsPathRooted(name) ? name : string.Join(", ", ProgramCandidatesList(name));

    private static string[] ProgramCandidatesList(string name) => [$"/usr/bin/{name}", $"/bin/{name}"];

    /// <summary>The system tool's path (from /usr/bin, /bin, /usr/sbin, /sbin), or null.</summary>
    internal static string? FindTool(string name) =>
        new[] { "/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/" }.Select(d => d + name).FirstOrDefault(File.Exists);

    // ---- giving the work folder to the student's user -----------------------------------

    /// <summary>
    /// Whether a run with the default request gets its own /tmp for a work folder made under the
    /// system's temporary folder: namespaces permitted, mount there, and that folder in /tmp or
    /// /var/tmp (whose path the run remakes in its own tmpfs). StudentWorkDir.Create() asks.
    /// </summary>
    public static bool PrivateTmpPossible()
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (!InRemadeTmp(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.GetTempPath())) + "/x")) return false;
        if (FindTool("mount") is null || FindTool("unshare") is not { } unshare) return false;
        return NamespaceProbe.Problem(unshare, LaunchPlan.NamespaceFlags(Environment.IsPrivilegedProcess)) is null;
    }

    /// <summary>A folder below /tmp or /var/tmp: with a private /tmp, the folders above it are remade in the run's tmpfs.</summary>
    private static bool InRemadeTmp(string folder) =>
        folder.StartsWith("/tmp/", StringComparison.Ordinal) || folder.StartsWith("/var/tmp/", StringComparison.Ordinal);

    /// <param name="parentsRemade">the folders above the work folder's parent are made afresh (0755) in the run's private /tmp, so only the parent itself must let the student through</param>
    private static string? PrepareForStudentUser(string workDir, StudentRunRequest request, bool parentsRemade)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("StudentProcess needs Linux");
        uint uid = (uint)request.StudentUid, gid = (uint)request.StudentGid;
        foreach (string path in request.ProtectedPaths)
        {
            string? exposed = StudentAccess.ExposedTo(path, uid, gid);
            if (exposed is not null)
                return $"the grader's files are not protected from the program: {exposed}; make the grader's folders 0700 (Spec/sandbox.md)";
        }
        string parent = Path.GetDirectoryName(workDir) ?? "/";
        string? blocked = parentsRemade ? StudentAccess.BlockedAt(parent, uid, gid) : StudentAccess.BlockedOnTheWay(parent, uid, gid);
        if (blocked is not null)
            return $"the work folder {workDir} cannot be reached by the program's user: {blocked}; make the folders above it searchable (0711), e.g. with StudentWorkDir.Create()";

        string? failure = ChownTree(workDir, uid, gid);
        if (failure is not null) return $"the work folder could not be given to uid {uid}: {failure}";
        File.SetUnixFileMode(workDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return null;
    }

    private static string? ChownTree(string path, uint uid, uint gid)
    {
        if (!UnixFile.TryLchown(path, uid, gid, out string error)) return $"{path}: {error}";
        if (!UnixFile.TryLstat(path, out var st, out error)) return $"{path}: {error}";
        if (st.Kind != UnixFileKind.Directory) return null;
        foreach (string child in Directory.EnumerateFileSystemEntries(path))
        {
            string? failure = ChownTree(child, uid, gid);
            if (failure is not null) return failure;
        }
        return null;
    }

    // ---- the launch chain ---------------------------------------------------------------

    private sealed record LaunchPlan(IReadOnlyList<string> Argv, bool SwitchUser, SandboxIsolation Isolation)
    {
        public static LaunchPlan Make(StudentRunRequest request, string program, List<string> notes, MemoryCgroup? cgroup)
        {
            bool root = Environment.IsPrivilegedProcess;
            int ownUid = ProcTable.RealUid(Environment.ProcessId) ?? -1;

            // who the program runs as
            var switcher = new List<string>();
            bool switchUser = false;
            if (!root)
                notes.Add($"not running as root: the student program runs as the grader's own user (uid {ownUid})");
            else if (!request.SwitchUser)
                notes.Add("SwitchUser is off: the student program runs as root");
            else if (FindTool("setpriv") is { } setpriv)
            {
                switcher.AddRange([setpriv, $"--reuid={request.StudentUid}", $"--regid={request.StudentGid}", "--clear-groups",
                    "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--"]);
                switchUser = true;
            }
            else if (FindTool("runuser") is { } runuser && UserName(request.StudentUid) is { } name)
            {
                switcher.AddRange([runuser, "-m", "-u", name, "--"]);
                switchUser = true;
                notes.Add($"setpriv not found: user switched with runuser to {name} (supplementary groups and capabilities as runuser sets them)");
            }
            else
            {
                notes.Add($"neither setpriv nor runuser (with a name for uid {request.StudentUid}) found: the student program runs as root, and can read and change anything");
            }

            // the limits
            long nproc = request.MaxProcesses;
            if (!switchUser && root)
                notes.Add("RLIMIT_NPROC does not bind root: the number of processes is bounded only by the time limit");
            else if (!switchUser)
            {
                // RLIMIT_NPROC counts every task of the real user, the grader's own threads included
                int existing = ProcTable.TasksOfUser(ownUid);
                nproc = existing + request.MaxProcesses;
                notes.Add($"RLIMIT_NPROC set to {nproc}: the {existing} tasks uid {ownUid} already has plus {request.MaxProcesses}");
            }
            if (cgroup is null)
            {
                // the fallback bound of the whole run's memory: tasks x address space per task
                long bound = Math.Max(1, request.TotalMemoryLimitBytes / request.MemoryLimitBytes);
                string each = Size(request.MemoryLimitBytes);
                if (switchUser && nproc > bound)
                {
                    nproc = bound;
                    notes.Add($"the run's memory is bounded by RLIMIT_NPROC x RLIMIT_AS instead: at most {bound} task{(bound == 1 ? "" : "s")} "
                        + $"of {each} each, {Size(bound * request.MemoryLimitBytes)} in all (TotalMemoryLimitBytes {Size(request.TotalMemoryLimitBytes)})");
                }
                else if (switchUser)
                    notes.Add($"the run's memory is bounded by RLIMIT_NPROC x RLIMIT_AS instead: at most {nproc} tasks of {each} each, {Size(nproc * request.MemoryLimitBytes)} in all");
                else
                    notes.Add("the run's total memory is not bounded: without a user of its own, RLIMIT_NPROC does not count only the run's tasks");
            }
            var limiter = new List<string>();
            string? initLimits = null;
            string limitsBy;
            if (FindTool("prlimit") is { } prlimit)
            {
                limiter.AddRange([prlimit, $"--as={request.MemoryLimitBytes}", $"--fsize={request.MaxFileSizeBytes}",
                    $"--nproc={nproc}", $"--cpu={request.CpuSeconds}", "--core=0", "--"]);
                limitsBy = "prlimit";
            }
            else
            {
                // POSIX sh: -v in KiB, -f in 512-byte blocks
                initLimits = string.Create(CultureInfo.InvariantCulture,
                    $"ulimit -v {request.MemoryLimitBytes / 1024} && ulimit -f {request.MaxFileSizeBytes / 512} && ulimit -u {nproc} && ulimit -t {request.CpuSeconds} && ulimit -c 0 || exit 126; ");
                limitsBy = "sh ulimit";
                notes.Add("prlimit not found: limits set with /bin/sh's ulimit");
            }

            // the namespaces, or a session of its own
            var argv = new List<string>();
            bool privateTmp = false, fileView = false;
            string? unshare = request.UseNamespaces ? FindTool("unshare") : null;
            string[] nsFlags = NamespaceFlags(root);
            // PID 1 of the run joins the memory cgroup first (0: the writing process itself), so every process of the run is in it
            string join = cgroup is null ? "" : $"echo 0 > {Shell.Quote(cgroup.ProcsFile)} || exit 125; ";
            string? nsProblem = !request.UseNamespaces ? "UseNamespaces is off"
                : unshare is null ? "unshare not found"
                : NamespaceProbe.Problem(unshare, nsFlags);
            bool namespaces = nsProblem is null;
            if (namespaces)
            {
                // unshare dies with the grader (parent-death signal), and the namespace with unshare (--kill-child)
                if (FindTool("setpriv") is { } setpriv) argv.AddRange([setpriv, "--pdeathsig=KILL", "--"]);
                else notes.Add("setpriv not found: if the grader itself is killed, the run goes on until its CPU limit");
                string? tmpScript = PrivateTmpScript(request, notes);
                privateTmp = tmpScript is not null;
                string? viewScript = privateTmp ? ViewScript(request, program, switcher, limiter, notes)
                    : NoView(request, notes, "no private /tmp to build it in");
                fileView = viewScript is not null;
                argv.AddRange([unshare!, .. nsFlags, "--", "/bin/sh", "-c", join + (tmpScript ?? "") + (viewScript ?? "") + (initLimits ?? "") + "\"$@\"; exit $?", "rnn-init"]);
                if (!root) notes.Add("namespaces made inside an unprivileged user namespace (the program appears as root there, with no privileges outside)");
            }
            else
            {
                notes.Add($"no PID or network namespace ({nsProblem}): the program can use the network and see other processes; it runs in a session of its own and is killed by process group, process tree and a sweep of /proc (a process that leaves both the session and the work folder can escape the kill)");
                if (FindTool("setsid") is { } setsid) argv.Add(setsid);
                else notes.Add("setsid not found: the program stays in the grader's session");
                NoView(request, notes, "no mount namespace");
                if (initLimits is not null || join.Length > 0) argv.AddRange(["/bin/sh", "-c", join + (initLimits ?? "") + "exec \"$@\"", "rnn-limits"]);
            }
            argv.AddRange(limiter);
            argv.AddRange(switcher);

            var isolation = new SandboxIsolation(
                PidNamespace: namespaces, NetworkNamespace: namespaces, UserNamespace: namespaces && !root,
                RanAsStudentUser: switchUser, Uid: switchUser ? request.StudentUid : ownUid, LimitsSetBy: limitsBy)
            {
                PrivateTmp = privateTmp,
                FileView = fileView,
                MemoryCgroup = cgroup?.Version,
            };
            return new LaunchPlan(argv, switchUser, isolation);
        }

        /// <summary>unshare's flags: new PID, mount, network and IPC namespaces (inside a new user namespace when not root).</summary>
        public static string[] NamespaceFlags(bool root) => root
            ? ["--pid", "--fork", "--kill-child", "--mount-proc", "--net", "--ipc"]
            : ["--user", "--map-root-user", "--pid", "--fork", "--kill-child", "--mount-proc", "--net", "--ipc"];

        /// <summary>The size of each private temporary folder (/tmp, /var/tmp, /dev/shm) of a run.</summary>
        public const string PrivateTmpSize = "64m";

        private const string PrivateTmpOptions = $"size={PrivateTmpSize},nr_inodes=16384,mode=1777,nosuid,nodev";

        /// <summary>
        /// Shell commands, run as the namespace's PID 1 after the private /tmp and before the limits
        /// and the user switch, that build the reduced view of the filesystem (FileView) and pivot
        /// into it. The limits are then set on PID 1 itself (prlimit --pid), since prlimit is not in
        /// the view, and the user switch runs setpriv from the view's launch folder: switcher and
        /// limiter are changed to match. Null (with a note) when the view cannot be made.
        /// </summary>
        private static string? ViewScript(StudentRunRequest request, string program, List<string> switcher, List<string> limiter, List<string> notes)
        {
            // (mount is there: the private /tmp the view is built in needed it)
            string? pivotRoot = FindTool("pivot_root"), umount = FindTool("umount");
            string? setpriv = switcher.Count > 0 ? switcher[0] : null;
            string? problem = request.MayImport is null ? "MayImport is null"
                : program != PythonPath ? $"the program is {program}, not {PythonPath}"
                : pivotRoot is null ? "pivot_root not found"
                : umount is null ? "umount not found"
                : setpriv is not null && Path.GetFileName(setpriv) != "setpriv" ? $"the user is switched with {setpriv}, not setpriv"
                : null;
            if (problem is not null) return NoView(request, notes, problem);
            var files = RuntimeFiles.Find(PythonPath, request.MayImport!, out problem);
            var view = files is null ? null : FileView.Make(files, umount!, setpriv, out problem);
            if (view is null) return NoView(request, notes, problem!);
            if (files!.NotInstalled.Count > 0)
                notes.Add($"not installed, so not in the program's view of the filesystem: {string.Join(", ", files.NotInstalled)}");

            // [prlimit, --as=..., ..., --]: the same limits, set on PID 1 and inherited from it
            string? limits = limiter.Count == 0 ? null
                : $"{Shell.Quote(limiter[0])} --pid $$ " + string.Join(' ', limiter.Skip(1).SkipLast(1).Select(Shell.Quote));
            string workDir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.WorkingDirectory));
            string script = view.Script(pivotRoot!, Path.GetDirectoryName(workDir)!, workDir, PrivateTmpOptions, limits, keepLaunchFolder: setpriv is not null);
            // the whole launch script is one argument of /bin/sh, and Linux takes no argument longer than 32 pages
            if (Encoding.UTF8.GetByteCount(script) > MaxViewScriptBytes)
                return NoView(request, notes, $"its plan is {Encoding.UTF8.GetByteCount(script)} bytes, more than the {MaxViewScriptBytes} a launch may take");
            limiter.Clear();
            if (setpriv is not null)
            {
                switcher.RemoveAt(0);
                switcher.InsertRange(0, FileView.LaunchArgv(setpriv));
            }
            return script;
        }

        /// <summary>The longest view script a launch takes: Linux's limit on one argument (MAX_ARG_STRLEN, 32 pages of 4 KiB) less room for the rest of the launch script.</summary>
        private const int MaxViewScriptBytes = 32 * 4096 - 8192;

        private static string? NoView(StudentRunRequest request, List<string> notes, string why)
        {
            notes.Add(request.MayImport is null
                ? "no reduced view of the filesystem was asked for (MayImport is null): the program sees the machine's files, as far as its user may read them"
                : $"no reduced view of the filesystem ({why}): the program sees the machine's files, as far as its user may read them");
            return null;
        }

        /// <summary>
        /// Shell commands, run as the namespace's PID 1 before the limits and the user switch, that
        /// give the run its own empty /tmp, /var/tmp and /dev/shm: a tmpfs of PrivateTmpSize each
        /// (mode 1777, nosuid, nodev) in the run's mount namespace, so nothing written there is
        /// seen by the grader, a later run or another student, and all of it is gone when the
        /// namespace ends. The work folder's parent usually lives in /tmp, which the new tmpfs
        /// hides: it is first bind-mounted aside (onto a folder of the new /dev/shm), then moved
        /// back to the same path in the new /tmp. Null (with a note) when mount is missing or the
        /// work folder lives in /dev/shm.
        /// </summary>
        private static string? PrivateTmpScript(StudentRunRequest request, List<string> notes)
        {
            string? mount = FindTool("mount");
            string keepRoot = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.WorkingDirectory)))!;
            if (mount is null)
            {
                notes.Add("mount not found: /tmp, /var/tmp and /dev/shm are the machine's, shared with other runs");
                return null;
            }
            if (keepRoot == "/dev/shm" || keepRoot.StartsWith("/dev/shm/", StringComparison.Ordinal) || keepRoot == "/")
            {
                notes.Add($"the work folder is in {keepRoot}: /tmp, /var/tmp and /dev/shm are the machine's, shared with other runs");
                return null;
            }
            string options = PrivateTmpOptions;
            string m = Shell.Quote(mount), keep = "/dev/shm/.rnn-keep", root = Shell.Quote(keepRoot);
            var steps = new List<string>
            {
                "umask 022",   // the folders remade above the work folder's parent must let the student through
                $"{m} -t tmpfs -o {options} rnn-shm /dev/shm",
                $"mkdir {keep}",
                $"{m} --bind {root} {keep}",
                $"{m} -t tmpfs -o {options} rnn-tmp /tmp",
            };
            if (Directory.Exists("/var/tmp")) steps.Add($"{m} -t tmpfs -o {options} rnn-var-tmp /var/tmp");
            // back in place with a second bind (mount --move fails inside an unprivileged user namespace)
            steps.AddRange([$"mkdir -p {root}", FindTool("umount") is { } umount ? $"{m} --bind {keep} {root} && {Shell.Quote(umount)} {keep}" : $"{m} --move {keep} {root}", $"rmdir {keep}"]);
            // 125: the sandbox could not be set up (the program never ran)
            return string.Join(" && ", steps) + " || exit 125; ";
        }

        private static string Size(long bytes) => bytes % StudentRunRequest.GiB == 0
            ? $"{bytes / StudentRunRequest.GiB} GiB" : $"{bytes / StudentRunRequest.MiB} MiB";

        private static string? UserName(int uid)
        {
            try
            {
                foreach (string line in File.ReadLines("/etc/passwd"))
                {
                    string[] f = line.Split(':');
                    if (f.Length > 2 && f[2] == uid.ToString(CultureInfo.InvariantCulture)) return f[0];
                }
            }
            catch (IOException)
            {
            }
            return null;
        }
    }

    /// <summary>Whether unshare with these flags works here, tried once per process with /bin/true.</summary>
    private static class NamespaceProbe
    {
        private static readonly Dictionary<string, string?> Results = [];
        private static readonly Lock Gate = new();

        public static string? Problem(string unshare, string[] flags)
        {
            string key = string.Join(' ', flags);
            lock (Gate)
            {
                if (!Results.TryGetValue(key, out string? problem))
                    Results[key] = problem = Try(unshare, flags);
                return problem;
            }
        }

        private static string? Try(string unshare, string[] flags)
        {
            var run = TrustedTool.Run(unshare, [.. flags, "--", "/bin/true"], TimeSpan.FromSeconds(10));
            return run.StartError is { } error ? $"unshare could not be run: {error}"
                : run.TimedOut ? "unshare did not finish a trial run within 10 s"
                : run.ExitCode == 0 ? null
                : $"unshare {string.Join(' ', flags)} is not permitted here: {run.Stderr.Trim()}";
        }
    }

    // ---- finding and killing every process of the run -----------------------------------

    /// <summary>
    /// Knows which processes belong to the run: those in its PID namespace (when there is one),
    /// those in its session or process group (the launcher leads them when there is none), and
    /// any whose working folder is the work folder or below it.
    /// </summary>
    private sealed class RunTracker(Process launcher, bool pidNamespace, string workDir) : IDisposable
    {
        private readonly int leader = launcher.Id;
        private readonly string? ownNamespace = ProcTable.Link(Environment.ProcessId, "ns/pid");
        private string? runNamespace;
        // An open descriptor of the run's namespace, held until the run is swept: while it is open the
        // kernel keeps the namespace, so its number ("pid:[4026532...]") cannot be given to the namespace
        // of a run that starts after this one's has ended, whose processes would then look like this run's.
        private SafeFileHandle? namespaceHold;

        /// <summary>Notes the run's PID namespace as soon as unshare has made it (waits at most `wait`), and holds it open.</summary>
        public void CaptureNamespace(TimeSpan wait)
        {
            if (!pidNamespace) return;
            var clock = Stopwatch.StartNew();
            while (runNamespace is null && !launcher.HasExited)
            {
                string? ns = ProcTable.Link(leader, "ns/pid_for_children");
                if (ns is not null && ns != ownNamespace) runNamespace = Hold(ns);
                else if (clock.Elapsed > wait) return;
                else Thread.Sleep(5);
            }
        }

        /// <summary>Opens the launcher's namespace for children and returns its name if it is still ns; else null (try again).</summary>
        private string? Hold(string ns)
        {
            try
            {
                var handle = File.OpenHandle($"/proc/{leader}/ns/pid_for_children", FileMode.Open, FileAccess.Read);
                if (ProcTable.Link(Environment.ProcessId, $"fd/{handle.DangerousGetHandle()}") == ns)
                {
                    namespaceHold = handle;
                    return ns;
                }
                handle.Dispose();
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return launcher.HasExited ? null : ns;   // cannot be held: named as before
            }
        }

        public void Dispose() => namespaceHold?.Dispose();

        /// <summary>SIGKILL to every process of the run and to the launcher.</summary>
        public void KillAll()
        {
            CaptureNamespace(TimeSpan.Zero);
            foreach (int pid in Members()) UnixFile.Kill(pid, UnixFile.SigKill);
            if (!pidNamespace) UnixFile.Kill(-leader, UnixFile.SigKill); // the process group it leads
            try
            {
                launcher.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
            {
                // it has already ended
            }
        }

        /// <summary>
        /// After the launcher has ended: kills whatever of the run is still running, waits for it to
        /// go, and returns (found and killed, still running after 3 s); both are explained in notes.
        /// </summary>
        public (int Leftover, int Surviving) Sweep(List<string> notes)
        {
            var leftover = Members();
            if (leftover.Count > 0)
            {
                notes.Add($"{Processes(leftover.Count)} of the run still running after it ended, killed: {Describe(leftover)}");
                foreach (int pid in leftover) UnixFile.Kill(pid, UnixFile.SigKill);
                if (!pidNamespace) UnixFile.Kill(-leader, UnixFile.SigKill);
            }
            var clock = Stopwatch.StartNew();
            List<int> surviving;
            while ((surviving = Members()).Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                foreach (int pid in surviving) UnixFile.Kill(pid, UnixFile.SigKill);
                Thread.Sleep(20);
            }
            if (surviving.Count > 0)
                notes.Add($"{Processes(surviving.Count)} of the run could not be killed: {Describe(surviving)}");
            return (leftover.Count, surviving.Count);
        }

        private List<int> Members()
        {
            var members = new List<int>();
            foreach (int pid in ProcTable.Pids())
            {
                if (pid == Environment.ProcessId || !ProcTable.IsRunning(pid)) continue;
                if (Belongs(pid)) members.Add(pid);
            }
            return members;
        }

        private bool Belongs(int pid)
        {
            if (runNamespace is not null && ProcTable.Link(pid, "ns/pid") == runNamespace) return true;
            if (!pidNamespace && ProcTable.Stat(pid) is { } st && (st.Session == leader || st.ProcessGroup == leader)) return true;
            string? cwd = ProcTable.Link(pid, "cwd");
            return cwd is not null && (cwd == workDir || cwd.StartsWith(workDir + "/", StringComparison.Ordinal));
        }

        private static string Processes(int n) => n == 1 ? "1 process" : $"{n} processes";

        private static string Describe(List<int> pids) => string.Join(", ", pids.Take(10).Select(pid =>
        {
            string cmd = "";
            try
            {
                cmd = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            return $"pid {pid} ({(cmd.Length > 60 ? cmd[..60] + "..." : cmd)})";
        })) + (pids.Count > 10 ? $" and {pids.Count - 10} more" : "");
    }
}
