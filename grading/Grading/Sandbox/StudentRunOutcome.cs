// What happened when a student's program ran. It is feedback for the student and the course
// staff, never the verdict: the grade comes from the answers file alone.
namespace Rnn.Grading.Sandbox;

/// <summary>
/// Captured output: Text is all of it if it fit in the cap, else its first and last halves
/// around a line saying how much was left out. TotalBytes counts everything written.
/// </summary>
public sealed record CapturedOutput(string Text, long TotalBytes, bool Truncated)
{
    public static readonly CapturedOutput None = new("", 0, false);
}

/// <summary>How the program was actually confined (each false is also explained in Notes).</summary>
public sealed record SandboxIsolation(
    bool PidNamespace,
    bool NetworkNamespace,
    bool UserNamespace,
    bool RanAsStudentUser,
    int Uid,
    string LimitsSetBy)
{
    public static readonly SandboxIsolation NotStarted = new(false, false, false, false, -1, "none");

    /// <summary>The run had its own empty /tmp, /var/tmp and /dev/shm (tmpfs in its mount namespace), gone when it ended.</summary>
    public bool PrivateTmp { get; init; }

    /// <summary>The program saw only the reduced view of the filesystem (FileView): the Python runtime, the allowed packages, its work folder.</summary>
    public bool FileView { get; init; }

    /// <summary>The cgroup version (1 or 2) whose memory limit bound the whole run; null: the fallback bound (Notes).</summary>
    public int? MemoryCgroup { get; init; }
}

public sealed record StudentRunOutcome
{
    /// <summary>False if the program was never started; StartError says why.</summary>
    public required bool Started { get; init; }

    public string? StartError { get; init; }

    /// <summary>The exit code seen by the grader (128 + N when a signal N ended it, as a shell reports it).</summary>
    public int? ExitCode { get; init; }

    /// <summary>The signal inferred from an exit code 129..192 (e.g. 9 after a kill, 24 after the CPU limit).</summary>
    public int? Signal => ExitCode is > 128 and <= 128 + 64 ? ExitCode - 128 : null;

    /// <summary>True if the wall-clock limit was reached and every process of the run was killed.</summary>
    public bool TimedOut { get; init; }

    public TimeSpan WallClockLimit { get; init; }

    /// <summary>From start until the program ended or was killed.</summary>
    public TimeSpan WallTime { get; init; }

    public CapturedOutput Stdout { get; init; } = CapturedOutput.None;

    public CapturedOutput Stderr { get; init; } = CapturedOutput.None;

    public SandboxIsolation Isolation { get; init; } = SandboxIsolation.NotStarted;

    /// <summary>Processes of the run still found after the program ended (killed then).</summary>
    public int LeftoverProcessesKilled { get; init; }

    /// <summary>Processes of the run still alive after every kill (0 unless something is badly wrong; Notes say more).</summary>
    public int SurvivingProcesses { get; init; }

    /// <summary>The memory limit of the whole run when a cgroup enforced it.</summary>
    public long? TotalMemoryLimitBytes { get; init; }

    /// <summary>The most memory the run's processes held together (the cgroup's high-water mark), when a cgroup measured it.</summary>
    public long? PeakMemoryBytes { get; init; }

    /// <summary>Processes of the run the kernel killed because the run together reached TotalMemoryLimitBytes.</summary>
    public int OutOfMemoryKills { get; init; }

    /// <summary>Everything that did not go as planned or was weaker than planned, in plain words.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>One line for feedback, e.g. "timed out after 3 s (limit 3 s): every process was killed".</summary>
    public string Describe()
    {
        if (!Started) return "the program was not started: " + StartError;
        string how = TimedOut
            ? $"timed out after {WallTime.TotalSeconds:0.#} s (limit {WallClockLimit.TotalSeconds:0.#} s): every process was killed"
            : Signal is { } s
                ? $"ended by signal {s} ({SignalName(s)}) after {WallTime.TotalSeconds:0.#} s"
                : $"exited with code {ExitCode} after {WallTime.TotalSeconds:0.#} s";
        if (OutOfMemoryKills > 0)
            how += $"; its processes together reached the run's memory limit of {TotalMemoryLimitBytes / (1024 * 1024)} MiB, "
                + $"and the kernel killed {(OutOfMemoryKills == 1 ? "1 of them" : $"{OutOfMemoryKills} of them")} (out of memory)";
        if (SurvivingProcesses > 0) how += $"; {SurvivingProcesses} of its processes could not be killed";
        return how;
    }

    private static string SignalName(int signal) => signal switch
    {
        6 => "SIGABRT",
        9 => "SIGKILL: killed, e.g. for using too much CPU time",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        24 => "SIGXCPU: CPU time limit",
        25 => "SIGXFSZ: file size limit",
        _ => "see man 7 signal",
    };
}
