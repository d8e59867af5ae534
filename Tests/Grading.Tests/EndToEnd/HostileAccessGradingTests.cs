// The hostile submissions that go after the grader's files, the network or the answers file,
// graded whole by `grade --submission`, and a probe that searches every file it can read for
// the run's expected values. Each scores 0 on every problem and results.json stays the
// grader's own (HostileGrading also checks validity, the scores and the leak search); the
// feedback shows what each attempt met. The student's output in the feedback is cut after
// 6000 characters, so only attacks that print little can be followed there line by line.
// Expected outcomes: grading/examples/hostile/README.md. Its tests may run at the same time as
// each other and as other fixtures: each run has its own folders.
using System.Globalization;
using System.Runtime.Versioning;
using NUnit.Framework;

namespace Rnn.Grading.Tests.EndToEnd;

[Parallelizable(ParallelScope.All)]
[SupportedOSPlatform("linux")]
public sealed class HostileAccessGradingTests
{
    private const double TimeLimitSeconds = 300;   // a backstop: every program here ends by itself, however loaded the machine

    private HostileGrading _grading = null!;

    [OneTimeSetUp]
    public void Prepare() => _grading = new HostileGrading();

    [OneTimeTearDown]
    public void CleanUp() => _grading.Dispose();

    /// <summary>
    /// "BLOCKED " + what, then the error: the grader's folders are in the machine's /tmp, which
    /// the run does not see at all (its /tmp is its own: No such file or directory), or, where
    /// they lie elsewhere, closed to the student's user (Permission denied).
    /// </summary>
    private static NUnit.Framework.Constraints.Constraint Blocked(string what) => what.EndsWith("[Errno ", StringComparison.Ordinal)
        ? Does.Contain($"BLOCKED {what}13] Permission denied").Or.Contain($"BLOCKED {what}2] No such file or directory")
        : Does.Contain($"BLOCKED {what}Permission denied").Or.Contain($"BLOCKED {what}No such file or directory");

    private static string LeakProbePath => Path.Combine(RepoPaths.Root, "Tests", "Grading.Tests", "EndToEnd", "leak_probe.py");

    [Test]
    public void OwnResultsJsonDoesNotReplaceTheGradersAndTheGradersCannotBeWritten()
    {
        var (run, paths) = _grading.Grade("writes-results", TimeLimitSeconds,
            p => [$"write {p.ResultsPath}", $"write {p.Assignment}"]);
        Assert.Multiple(() =>
        {
            foreach (var p in run.Problems)
            {
                Assert.That(p.Output, Blocked($"write {paths.ResultsPath}: [Errno "), p.Name);
                Assert.That(p.Output, Blocked($"write {paths.Assignment}: [Errno "), p.Name);
                Assert.That(p.Output, Does.Not.Contain($"WROTE {paths.ResultsPath}"), p.Name);
                Assert.That(p.Output, Does.Match(@"WROTE /\S+/results\.json"), $"{p.Name}: writing in its own work folder is allowed (and ignored)");
            }
            Assert.That(run.ResultsText, Does.Not.Contain("all tests passed"), "the submission's fake results.json");
        });
    }

    [Test]
    public void GraderFilesAndTheirPathsStayHidden()
    {
        var (run, _) = _grading.Grade("reads-grader-files", TimeLimitSeconds);
        // what it can see of the processes and folders around it must not lead to the grader's files
        Assert.That(run.ResultsText, Does.Not.Contain(_grading.AssignmentDir));
        Assert.That(run.ResultsText, Does.Not.Contain(AppContext.BaseDirectory.TrimEnd('/')));
    }

    [Test]
    public void ExpectedAnswersAreNotFoundByName()
    {
        var (run, paths) = _grading.Grade("reads-expected", TimeLimitSeconds,
            p => [$"read {p.AssignmentDir}", $"read {p.ResultsDir}"]);
        Assert.Multiple(() =>
        {
            foreach (var p in run.Problems)
            {
                Assert.That(p.Output, Blocked($"{paths.AssignmentDir}: "), p.Name);
                Assert.That(p.Output, Does.Not.Contain($"LEAK read {paths.ResultsDir}"), p.Name);
                Assert.That(p.Output, Does.Not.Contain($"LEAK read {_grading.AssignmentDir}"), p.Name);
            }
        });
    }

    [Test]
    public void ExpectedValuesAreNowhereTheStudentsProgramCanRead()
    {
        // a seed of its own: the probe's folders hold the values it looks for, which the other
        // tests, running meanwhile, must not find in the temporary folder as leaks of theirs
        using var grading = new HostileGrading();
        // files changed from here on are searched wherever the probe finds them (slack for coarse clocks)
        double since = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - 2;
        // a value the probe must find, in a file anyone may read, shipped with the submission so that
        // it lies in the probe's own work folder: shows that the probe does look (the machine's
        // other folders, this one's folder outside included, do not exist in the run's view)
        string canaryDir = OpenCanaryFolder();
        try
        {
            string canary = "canary-" + Guid.NewGuid().ToString("N");
            string canaryFile = Path.Combine(canaryDir, "note.txt");
            File.WriteAllText(canaryFile, $"a file anyone may read, holding {canary}\n");
            File.SetUnixFileMode(canaryFile, (UnixFileMode)0b110_100_100); // 0644

            var (run, paths) = grading.Grade("leak-probe", TimeLimitSeconds,
                p => [
                    .. grading.ExpectedValues.Select(v => "value " + v), "value " + canary,
                    "since " + since.ToString("R", CultureInfo.InvariantCulture),
                    $"read {p.ResultsDir}", $"read {p.AssignmentDir}", $"read {canaryDir}",
                    $"open {p.ResultsPath}", $"open {p.Assignment}",
                ],
                studentSource: LeakProbePath, alsoShip: [canaryFile]);
            Assert.Multiple(() =>
            {
                foreach (var p in run.Problems)
                {
                    Assert.That(p.Output, Does.Contain("leak-probe: read "), $"{p.Name}: the probe did not finish\n{p.Output}");
                    Assert.That(p.Output, Does.Match($"FOUND {canary} in /\\S+/note.txt"), $"{p.Name}: the probe missed the canary\n{p.Output}");
                    Assert.That(p.Output.Split("FOUND ").Length - 1, Is.EqualTo(1), $"{p.Name}: the probe found an expected value\n{p.Output}");
                    Assert.That(p.Output, Blocked($"{paths.ResultsPath}: [Errno "),
                        $"{p.Name}: results.json (which holds the feedback of problems graded before, hidden ones too) must not be readable\n{p.Output}");
                    Assert.That(p.Output, Blocked($"{paths.Assignment}: [Errno "), p.Name);
                    Assert.That(p.Output, Does.Not.Contain("OPENED "), p.Name);
                }
            });
        }
        finally { EndToEndKit.DeleteFolder(canaryDir); }
    }

    /// <summary>A 0755 folder outside the temporary folders, that every user can read (the tests run as root).</summary>
    private static string OpenCanaryFolder()
    {
        string parent = new[] { "/srv", "/opt", "/mnt" }.FirstOrDefault(Directory.Exists)
            ?? throw new InconclusiveException("none of /srv, /opt, /mnt exists to hold the canary");
        string dir = Path.Combine(parent, "rnn-e2e-canary-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101); // 0755
        return dir;
    }

    [Test]
    public void AnswersLinkedToAnotherFileAreRefused()
    {
        var (run, _) = _grading.Grade("symlink-answers", TimeLimitSeconds);
        Assert.Multiple(() =>
        {
            foreach (var p in run.Problems)
                Assert.That(p.Output, Does.Contain("No answers could be read for this problem: answers.json is a symbolic link (to /etc/passwd)"), p.Name);
            Assert.That(run.ResultsText, Does.Not.Contain("root:x:0:0"), "/etc/passwd was read");
        });
    }

    [Test]
    public void CleanExitWithoutAnswersScoresZero()
    {
        // the kit's runner catches SystemExit from the import and answers every case with it as an
        // error, then exits 1 (some case has an error)
        var (run, _) = _grading.Grade("silent-exit", TimeLimitSeconds);
        Assert.Multiple(() =>
        {
            // the same error on every case of every problem: said once, at the top, with the program's output
            string top = (string)System.Text.Json.Nodes.JsonNode.Parse(run.ResultsText)!["output"]!;
            Assert.That(top, Does.Contain("Your program failed the same way on every case of every problem, so nothing could be checked:\n" +
                "  ImportError: could not import rnn_student.py: SystemExit: 0"));
            Assert.That(top, Does.Contain("exited with code 1"));
            foreach (var p in run.Problems)
            {
                Assert.That(p.Output, Does.Contain("Your program failed on every case with the error shown at the top of the results."), p.Name);
                Assert.That(p.Output, Does.Not.Contain("SystemExit"), p.Name);
            }
        });
    }

    [Test]
    public void ExitAtImportBeforeAnyAnswerScoresZero()
    {
        // os._exit cannot be caught by the runner: the answers file it starts with stays without answers
        string source = Path.Combine(_grading.Dir, "hard-exit.py");
        File.WriteAllText(source, "# Ends the process at import time, status 0, before the kit's runner answers any case.\nimport os\n\nos._exit(0)\n");
        var (run, _) = _grading.Grade("hard-exit", TimeLimitSeconds, studentSource: source);
        Assert.Multiple(() =>
        {
            foreach (var p in run.Problems)
            {
                Assert.That(p.Output, Does.Contain($"- cases {p.Name}/0, {p.Name}/1, "), p.Name);
                Assert.That(p.Output, Does.Contain(": no answer for this case\n"), p.Name);
                Assert.That(p.Output, Does.Contain("exited with code 0"), p.Name);
            }
        });
    }

    [Test]
    public void NetworkIsUnreachable()
    {
        var (run, _) = _grading.Grade("network", TimeLimitSeconds);
        Assert.Multiple(() =>
        {
            foreach (var p in run.Problems)
            {
                Assert.That(p.Output, Does.Contain("BLOCKED connect 1.1.1.1:53: [Errno 101] Network is unreachable"), p.Name);
                Assert.That(p.Output, Does.Contain("BLOCKED connect 127.0.0.1:22: [Errno 101] Network is unreachable"), p.Name);
                Assert.That(p.Output, Does.Not.Contain("CONNECTED"), p.Name);
            }
        });
    }
}
