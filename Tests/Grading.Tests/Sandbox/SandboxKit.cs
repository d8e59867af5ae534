// Shared by the sandbox tests: a work folder holding one hostile submission (copied with
// SubmissionCopy, as the grader will), the stand-in runner and an empty case file; requests
// with short limits; and an independent look at /proc for anything left running.
using NUnit.Framework;
using Rnn.Grading.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Sandbox;

internal static class SandboxKit
{
    public static string HostileDir(string name) => Path.Combine(RepoPaths.Root, "grading", "examples", "hostile", name);

    public static string RunnerPath => Path.Combine(RepoPaths.Root, "Tests", "Grading.Tests", "Sandbox", "hostile_runner.py");

    /// <summary>
    /// A fresh work folder with the hostile submission, runner.py, cases.json and, if any targets
    /// are given, hostile-targets.txt (one "read PATH" / "write PATH" / "connect HOST PORT" a line).
    /// </summary>
    public static StudentWorkDir Prepare(string hostile, params string[] targets) => Prepare(StudentWorkDir.Create(), hostile, targets);

    /// <summary>As Prepare, for a run with UseNamespaces = false (no private /tmp: the work folder's base must let others through).</summary>
    public static StudentWorkDir PrepareWithoutNamespaces(string hostile, params string[] targets) =>
        Prepare(StudentWorkDir.Create(privateTmp: false), hostile, targets);

    private static StudentWorkDir Prepare(StudentWorkDir work, string hostile, string[] targets)
    {
        ExternalTools.RequirePython("json");
        var report = SubmissionCopy.Copy(HostileDir(hostile), work.Path);
        Assert.That(report.Complete && report.Skipped.Count == 0, $"copy of {hostile}: {string.Join("; ", report.Skipped)} {report.StoppedBecause}");
        File.Copy(RunnerPath, Path.Combine(work.Path, "runner.py"));
        File.WriteAllText(Path.Combine(work.Path, "cases.json"), """{"format": "rnn-reference/cases@1", "cases": []}""");
        if (targets.Length > 0) File.WriteAllLines(Path.Combine(work.Path, "hostile-targets.txt"), targets);
        return work;
    }

    /// <summary>
    /// The wall-clock limit of a run that is expected to end by itself (or by a limit other than
    /// the clock): only a backstop, so that no outcome depends on how fast the machine is.
    /// </summary>
    public static readonly TimeSpan Backstop = TimeSpan.FromSeconds(300);

    /// <summary>The kit's command line with test-sized limits: the 300 s backstop, 1 GiB address space.</summary>
    public static StudentRunRequest Request(StudentWorkDir work) => new()
    {
        WorkingDirectory = work.Path,
        Command = ["python3", "runner.py", "cases.json", "answers.json"],
        WallClockLimit = Backstop,
        MemoryLimitBytes = 1 * StudentRunRequest.GiB,
    };

    /// <summary>
    /// Runs a program that never ends by itself until the wall clock kills it, and returns the
    /// outcome of a run in which it got as far as printing ready (the proof that what is to be
    /// killed was running). The limit starts at 3 s and, when a loaded machine had not even
    /// started the program by then, grows fourfold up to the 300 s backstop: the outcome never
    /// depends on the machine's speed, only the time the test takes does.
    /// </summary>
    public static StudentRunOutcome RunUntilTimedOut(StudentRunRequest request, string ready)
    {
        for (var limit = TimeSpan.FromSeconds(3); ; limit *= 4)
        {
            if (limit > Backstop) limit = Backstop;
            var outcome = StudentProcess.Run(request with { WallClockLimit = limit });
            if (!outcome.Started || !outcome.TimedOut || outcome.Stdout.Text.Contains(ready, StringComparison.Ordinal) || limit == Backstop)
                return outcome;
            TestContext.Progress.WriteLine($"not ready within {limit.TotalSeconds} s (a loaded machine): running again with a longer limit");
        }
    }

    /// <summary>
    /// The program's "BLOCKED " + what line with either error that keeps a grader's path from it:
    /// a folder in the machine's /tmp is not even visible to the run, whose /tmp is its own
    /// (No such file or directory); one it can see is closed to its user (Permission denied).
    /// what ends with "[Errno " when the program prints Python's OSError, else with ": ".
    /// </summary>
    public static NUnit.Framework.Constraints.Constraint Blocked(string what) => what.EndsWith("[Errno ", StringComparison.Ordinal)
        ? Does.Contain($"BLOCKED {what}13] Permission denied").Or.Contain($"BLOCKED {what}2] No such file or directory")
        : Does.Contain($"BLOCKED {what}Permission denied").Or.Contain($"BLOCKED {what}No such file or directory");

    /// <summary>Skips (fails in CI, which runs as root) a test that needs root to switch users.</summary>
    public static void RequireRoot(string why)
    {
        if (Environment.IsPrivilegedProcess) return;
        string reason = $"needs root ({why}); this test process is not root";
        if (ExternalTools.InCi) Assert.Fail("required in CI: " + reason);
        Assert.Ignore(reason);
    }

    /// <summary>Skips (fails in CI) a test whose point needs the PID and network namespaces, if the run had none.</summary>
    public static void RequireNamespaces(StudentRunOutcome outcome)
    {
        if (outcome.Isolation.PidNamespace && outcome.Isolation.NetworkNamespace) return;
        string reason = "the system did not permit namespaces: " + string.Join("; ", outcome.Notes);
        if (ExternalTools.InCi) Assert.Fail("required in CI: " + reason);
        Assert.Ignore(reason);
    }

    /// <summary>Skips (fails in CI, whose machine offers one to root) a test whose point needs the run's memory cgroup, if it had none.</summary>
    public static void RequireMemoryCgroup(StudentRunOutcome outcome)
    {
        if (outcome.Isolation.MemoryCgroup is not null) return;
        string reason = "the system offered no memory cgroup: " + string.Join("; ", outcome.Notes);
        if (ExternalTools.InCi) Assert.Fail("required in CI: " + reason);
        Assert.Ignore(reason);
    }

    /// <summary>
    /// Processes (other than zombies) whose working folder is dir or below it, found by reading
    /// /proc directly rather than through the code under test. Each as "pid: command line".
    /// </summary>
    public static List<string> ProcessesWorkingIn(string dir)
    {
        var found = new List<string>();
        foreach (string proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out int pid)) continue;
            try
            {
                string? cwd = new DirectoryInfo(Path.Combine(proc, "cwd")).LinkTarget;
                if (cwd is null || !(cwd == dir || cwd.StartsWith(dir + "/", StringComparison.Ordinal))) continue;
                string stat = File.ReadAllText(Path.Combine(proc, "stat"));
                char state = stat[(stat.LastIndexOf(')') + 2)..][0];
                if (state is 'Z' or 'X') continue;
                found.Add($"{pid}: {File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ')}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // ended meanwhile, or not ours to look at
            }
        }
        return found;
    }

    /// <summary>Everything about an outcome, for assertion messages.</summary>
    public static string Show(StudentRunOutcome o) =>
        $"{o.Describe()}\nisolation: {o.Isolation}\nnotes: {string.Join(" | ", o.Notes)}\nstdout ({o.Stdout.TotalBytes} bytes): {Cut(o.Stdout.Text)}\nstderr ({o.Stderr.TotalBytes} bytes): {Cut(o.Stderr.Text)}";

    private static string Cut(string s) => s.Length > 3000 ? s[..1500] + "\n...\n" + s[^1500..] : s;

    /// <summary>Writes the outcome to the test's output, so a run's log shows what each hostile program did.</summary>
    public static void Log(StudentRunOutcome o) => TestContext.Out.WriteLine(Show(o));

    /// <summary>Asserts nothing of the run is left: by the outcome's own count and by an independent look at /proc.</summary>
    public static void AssertNothingLeft(StudentRunOutcome outcome, string workDir)
    {
        Assert.That(outcome.SurvivingProcesses, Is.Zero, Show(outcome));
        Assert.That(ProcessesWorkingIn(workDir), Is.Empty, "processes still running in the work folder\n" + Show(outcome));
    }

    /// <summary>A folder only its owner (this test process) can enter: the grader's own files, as they should be kept.</summary>
    public static string PrivateFolder() => Directory.CreateTempSubdirectory("rnn-grader-").FullName; // mkdtemp: 0700
}
