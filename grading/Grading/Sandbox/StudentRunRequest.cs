// What to run and under which limits. The defaults are those of a real grading run; tests
// use shorter ones. Every limit is explained in Spec/sandbox.md.
namespace Rnn.Grading.Sandbox;

public sealed record StudentRunRequest
{
    public const long KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

    /// <summary>The work folder, already holding the submission, runner.py and the case file (see StudentWorkDir).</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>
    /// Program and arguments, e.g. ["python3", "runner.py", "cases.json", "answers.json"]. "python3"
    /// means /usr/bin/python3 (Debian's, with NumPy); another bare name is looked up in /usr/bin and
    /// /bin only; otherwise give an absolute path.
    /// </summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Wall-clock time after which every process of the run is killed.</summary>
    public TimeSpan WallClockLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>CPU seconds per process (RLIMIT_CPU); null: the wall-clock limit rounded up, plus one second.</summary>
    public TimeSpan? CpuTimeLimit { get; init; }

    /// <summary>Address space per process (RLIMIT_AS). NumPy and its BLAS need room: 4 GiB by default.</summary>
    public long MemoryLimitBytes { get; init; } = 4 * GiB;

    /// <summary>
    /// Memory of the whole run, every process together (a memory cgroup: resident memory, page
    /// cache and tmpfs pages). 5 GiB by default: one process at its address-space limit, plus the
    /// private tmpfs and page cache. Without a cgroup, RLIMIT_NPROC is lowered so that tasks x
    /// MemoryLimitBytes stays within it (Spec/sandbox.md, "Memory of the whole run").
    /// </summary>
    public long TotalMemoryLimitBytes { get; init; } = 5 * GiB;

    /// <summary>Use a memory cgroup where the system offers one (false: only to test the fallback).</summary>
    public bool UseMemoryCgroup { get; init; } = true;

    /// <summary>Largest file any process may write (RLIMIT_FSIZE).</summary>
    public long MaxFileSizeBytes { get; init; } = 64 * MiB;

    /// <summary>Processes and threads of the student's user (RLIMIT_NPROC); see Spec/sandbox.md for how it is counted.</summary>
    public int MaxProcesses { get; init; } = 64;

    /// <summary>Bytes of standard output kept (the first and last halves); the rest is read and discarded.</summary>
    public int OutputCapBytes { get; init; } = 64 * (int)KiB;

    /// <summary>Bytes of standard error kept, likewise.</summary>
    public int ErrorCapBytes { get; init; } = 64 * (int)KiB;

    /// <summary>The unprivileged user and group the program runs as when the grader is root (65534: nobody / nogroup).</summary>
    public int StudentUid { get; init; } = 65534;

    /// <inheritdoc cref="StudentUid"/>
    public int StudentGid { get; init; } = 65534;

    /// <summary>
    /// The grader's own files and folders (the assignment folder, the grader's program folder, the
    /// results path). When the program would run as StudentUid and could read or reach any of them,
    /// it is not started (StartError says which and why).
    /// </summary>
    public IReadOnlyList<string> ProtectedPaths { get; init; } = [];

    /// <summary>Use PID, network, mount and IPC namespaces if the system permits (false: only to test the fallback).</summary>
    public bool UseNamespaces { get; init; } = true;

    /// <summary>
    /// The top-level modules the program may use besides Python's standard library (the
    /// assignment's "may_import"). A python3 program then runs in a reduced view of the filesystem
    /// (FileView): the interpreter, its standard library, these packages with their own
    /// dependencies, the libraries they load, the work folder, a few devices and its own /proc and
    /// temporary folders; nothing else exists for it. Null: the machine's filesystem (a note says so).
    /// </summary>
    public IReadOnlyList<string>? MayImport { get; init; } = ["numpy"];

    /// <summary>Run as StudentUid when the grader is root (false: only to test the fallback).</summary>
    public bool SwitchUser { get; init; } = true;

    /// <summary>The CPU limit in whole seconds that will be applied.</summary>
    public long CpuSeconds => (long)Math.Ceiling((CpuTimeLimit ?? WallClockLimit + TimeSpan.FromSeconds(1)).TotalSeconds);

    /// <summary>Throws ArgumentException naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(WorkingDirectory) || !Path.IsPathRooted(WorkingDirectory))
            throw new ArgumentException($"WorkingDirectory must be an absolute path but is \"{WorkingDirectory}\"", nameof(WorkingDirectory));
        if (!Directory.Exists(WorkingDirectory))
            throw new ArgumentException($"WorkingDirectory must exist but {WorkingDirectory} does not", nameof(WorkingDirectory));
        if (Command is null || Command.Count == 0 || string.IsNullOrEmpty(Command[0]))
            throw new ArgumentException($"Command must name a program but is [{string.Join(", ", Command ?? [])}]", nameof(Command));
        if (!Path.IsPathRooted(Command[0]) && Command[0].Contains('/'))
            throw new ArgumentException($"Command[0] must be a bare name or an absolute path but is \"{Command[0]}\"", nameof(Command));
        Positive(WallClockLimit, nameof(WallClockLimit));
        if (CpuTimeLimit is { } cpu) Positive(cpu, nameof(CpuTimeLimit));
        AtLeast(MemoryLimitBytes, 16 * MiB, nameof(MemoryLimitBytes));
        AtLeast(TotalMemoryLimitBytes, 16 * MiB, nameof(TotalMemoryLimitBytes));
        AtLeast(MaxFileSizeBytes, 1, nameof(MaxFileSizeBytes));
        AtLeast(MaxProcesses, 1, nameof(MaxProcesses));
        AtLeast(OutputCapBytes, 2, nameof(OutputCapBytes));
        AtLeast(ErrorCapBytes, 2, nameof(ErrorCapBytes));
        AtLeast(StudentUid, 1, nameof(StudentUid));
        AtLeast(StudentGid, 1, nameof(StudentGid));
        foreach (string name in MayImport ?? [])
            if (string.IsNullOrEmpty(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(name[0]))
                throw new ArgumentException($"MayImport must hold top-level module names but holds \"{name}\"", nameof(MayImport));
        foreach (string p in ProtectedPaths ?? [])
            if (string.IsNullOrEmpty(p) || !Path.IsPathRooted(p))
                throw new ArgumentException($"ProtectedPaths must hold absolute paths but holds \"{p}\"", nameof(ProtectedPaths));
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
            throw new ArgumentException($"{name} must be positive but is {value}", name);
    }

    private static void AtLeast(long value, long least, string name)
    {
        if (value < least)
            throw new ArgumentException($"{name} must be at least {least} but is {value}", name);
    }
}
