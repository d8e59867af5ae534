// Submissions that bring no implementation of their own and try to score with someone else's:
// the reference itself (its rnn-grading.dll, shipped in the submission, run with dotnet),
// PyTorch, a shell command, a native library through ctypes, a copied binary. Each is graded
// whole by `grade --submission`; the guard in the student's Python process (PythonGuard,
// Spec/sandbox.md) refuses each attempt by name, so each scores 0 of 100 with a message that
// says what was not allowed, and the correct NumPy submission still scores 100
// (SubmissionGradingTests). Every program here ends by itself: the 300 s limit is a backstop.
using System.Runtime.Versioning;
using NUnit.Framework;

namespace Rnn.Grading.Tests.EndToEnd;

[Parallelizable(ParallelScope.All)]
[SupportedOSPlatform("linux")]
public sealed class ForbiddenUseGradingTests
{
    private const double TimeLimitSeconds = 300;
    private const string Rule = "is not allowed in this assignment: a submission may use Python's standard library and numpy only, and may not run other programs";

    private HostileGrading _grading = null!;

    [OneTimeSetUp]
    public void Prepare() => _grading = new HostileGrading();

    [OneTimeTearDown]
    public void CleanUp() => _grading.Dispose();

    /// <summary>
    /// Every problem's feedback says each text, in its own output or, when the same error stopped
    /// every case of every problem, in results.json's top-level output that the problem points to.
    /// </summary>
    private static void EveryProblemSays(GradeRun run, params string[] texts)
    {
        string top = System.Text.Json.Nodes.JsonNode.Parse(run.ResultsText)!["output"]?.GetValue<string>() ?? "";
        Assert.Multiple(() =>
        {
            foreach (var p in run.Problems)
                foreach (string text in texts)
                {
                    bool own = p.Output.Contains(text);
                    Assert.That(own || (top.Contains(text) && p.Output.Contains("the error shown at the top of the results")),
                        $"{p.Name} does not say '{text}'\n{p.Output}\ntop-level output:\n{top}");
                }
        });
    }

    [Test]
    public void ShippingTheReferenceAndRunningItScoresZero()
    {
        // the reference's own assemblies, as a student could copy them from a build
        string bin = AppContext.BaseDirectory;
        var ship = new[] { "rnn-grading.dll", "Rnn.Reference.dll" }.Select(f => Path.Combine(bin, f)).ToList();
        Assert.That(ship.All(File.Exists), "the test's folder holds the reference's assemblies");
        var (run, _) = _grading.Grade("ships-oracle", TimeLimitSeconds, alsoShip: ship);
        EveryProblemSays(run, "ships-oracle: running dotnet ", "rnn-grading.dll",
            $"rnn-grading: running another program (subprocess) {Rule}");
        Assert.That(run.Problems.Any(p => p.Output.Contains("the oracle answered")), Is.False);
    }

    [Test]
    public void ImportingTorchScoresZeroNamingTheModule()
    {
        var (run, _) = _grading.Grade("imports-torch", TimeLimitSeconds);
        EveryProblemSays(run, "imports-torch: importing torch", $"rnn-grading: importing 'torch' {Rule}");
        Assert.That(run.Problems.Any(p => p.Output.Contains("torch imported")), Is.False);
    }

    [Test]
    public void AShellCommandScoresZero()
    {
        var (run, _) = _grading.Grade("runs-shell", TimeLimitSeconds);
        EveryProblemSays(run, $"rnn-grading: running a shell command (os.system) {Rule}");
        Assert.That(run.Problems.Any(p => p.Output.Contains("the shell ran")), Is.False);
    }

    [Test]
    public void ANativeLibraryThroughCtypesScoresZero()
    {
        var (run, _) = _grading.Grade("loads-library", TimeLimitSeconds);
        EveryProblemSays(run,
            $"loads-library: BLOCKED libc.so.6: PermissionError: rnn-grading: loading the native library 'libc.so.6' (ctypes) {Rule}",
            $"loads-library: BLOCKED None: PermissionError: rnn-grading: calling into a native library (ctypes) {Rule}");
        Assert.That(run.Problems.Any(p => p.Output.Contains("CALLED")), Is.False);
    }

    [Test]
    public void GettingAroundTheAuditHookToRunProgramsScoresZero()
    {
        // _posixsubprocess.fork_exec raises no audit event: only the kernel's exec filter stops it
        var (run, _) = _grading.Grade("bypasses-guard-exec", TimeLimitSeconds);
        EveryProblemSays(run,
            "bypasses-guard-exec: BLOCKED the shell: [Errno 1] Operation not permitted",
            "bypasses-guard-exec: BLOCKED a copied binary: [Errno 1] Operation not permitted",
            "note: \"Operation not permitted\" (EPERM) is what the sandbox's kernel answers to running another program: "
                + "a submission may use Python's standard library and numpy only, and may not run other programs");
        Assert.That(run.Problems.Any(p => p.Output.Contains("RAN")), Is.False);
    }

    [Test]
    public void ExecutingACopiedBinaryScoresZero()
    {
        var (run, _) = _grading.Grade("execs-copied-binary", TimeLimitSeconds);
        EveryProblemSays(run, "execs-copied-binary: execv", $"rnn-grading: running another program (os.exec*) {Rule}");
    }

    [Test]
    public void LookingOutsideTheRuntimeFindsNothingAndScoresZero()
    {
        // the grader's own folders (its program's, the assignment's), the machine's .NET, users and
        // torch: none exists in the run's reduced view of the filesystem
        string bin = AppContext.BaseDirectory.TrimEnd('/');
        var (run, paths) = _grading.Grade("looks-outside-view", TimeLimitSeconds,
            p => [$"read {bin}", $"read {Path.Combine(bin, "rnn-grading.dll")}", $"read {p.AssignmentDir}", $"read {p.Assignment}"]);
        Assert.That(run.Score, Is.Zero, run.Report);
        EveryProblemSays(run,
            "BLOCKED /usr/lib/dotnet: [Errno 2] No such file or directory",
            "BLOCKED /etc/passwd: [Errno 2] No such file or directory",
            "BLOCKED /home: [Errno 2] No such file or directory",
            "BLOCKED /usr/lib/python3/dist-packages/torch: [Errno 2] No such file or directory",
            $"BLOCKED {bin}: [Errno 2] No such file or directory",
            $"BLOCKED {Path.Combine(bin, "rnn-grading.dll")}: [Errno 2] No such file or directory",
            $"BLOCKED {paths.AssignmentDir}: [Errno 2] No such file or directory",
            $"rnn-grading: loading the native library 'libcoreclr.so' (ctypes) {Rule}");
        Assert.That(run.Problems.Any(p => p.Output.Contains("SEEN ")), Is.False);
    }
}
