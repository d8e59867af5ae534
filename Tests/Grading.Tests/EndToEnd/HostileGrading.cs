// Grading the hostile submissions of grading/examples/hostile/ end to end, shared by the
// hostile fixtures. Each fixture gets its own folders and its own copy of the shipped
// assignment under a random seed (printed), so the expected values of its graded cases exist
// nowhere else on the machine: finding one in a file means this run leaked it. Every run:
//   - the assignment in a 0700 folder of its own (the grader's files, as a bundle keeps them);
//   - the submission (the hostile folder, plus hostile-targets.txt aimed at the run's own
//     paths when the test gives targets) in a 0700 folder;
//   - results.json in a 0755 folder that anyone may read, the harder case for the grader;
// then, whatever the submission did: results.json must be valid, hold one test per problem
// (EndToEndKit.Grade) and be readable by the grader alone; every problem must score 0 (none of
// these defines the kit's functions); and no file written in the temporary folder during the
// run, nor results.json, nor the staff report, may hold an expected value. Needs root (the
// student's program then runs as nobody) and Debian's python3-numpy.
using System.Runtime.Versioning;
using System.Security.Cryptography;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Commands;
using Rnn.Grading.Tests.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.EndToEnd;

/// <summary>The paths of one hostile run, for aiming hostile-targets.txt at them (ResultsDir is 0755, AssignmentDir 0700 inside a 0700 folder).</summary>
public sealed record HostileRunPaths(string Assignment, string AssignmentDir, string ResultsDir, string ResultsPath);

[SupportedOSPlatform("linux")]
internal sealed class HostileGrading : IDisposable
{
    private readonly Dictionary<double, string> _assignments = [];
    private readonly List<string> _openFolders = [];

    /// <summary>The grader's own folder (0700): the assignment files.</summary>
    public string AssignmentDir { get; }

    /// <summary>Submissions and result folders of this fixture.</summary>
    public string Dir { get; }

    public ulong Seed { get; }

    /// <summary>Expected values of the graded cases, as a file holding them would contain them (EndToEndKit.ExpectedValueTexts).</summary>
    public IReadOnlyList<string> ExpectedValues { get; }

    public HostileGrading()
    {
        Seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 11;   // the assignment format takes seeds below 2^53
        AssignmentDir = EndToEndKit.PrivateFolder("rnn-e2e-grader-");
        Dir = EndToEndKit.PrivateFolder("rnn-e2e-hostile-");
        try
        {
            ExpectedValues = EndToEndKit.ExpectedValueTexts(AssignmentLoader.Load(AssignmentFor(10)));
        }
        catch
        {
            Dispose();
            throw;
        }
        TestContext.Progress.WriteLine($"hostile grading: assignment seed {Seed}; looking for {ExpectedValues.Count} expected values: {string.Join(" ", ExpectedValues)}");
    }

    /// <summary>The shipped assignment with this fixture's seed and every time limit set to the given seconds.</summary>
    public string AssignmentFor(double timeLimitSeconds)
    {
        lock (_assignments)
        {
            if (!_assignments.TryGetValue(timeLimitSeconds, out var path))
            {
                string dir = Path.Combine(AssignmentDir, $"limit-{timeLimitSeconds}s");
                Directory.CreateDirectory(dir);
                _assignments[timeLimitSeconds] = path = EndToEndKit.WriteAssignment(dir, timeLimitSeconds, Seed);
            }
            return path;
        }
    }

    /// <summary>
    /// Grades grading/examples/hostile/NAME (or, given studentSource, that file as rnn_student.py)
    /// with every time limit set to the given seconds, after writing hostile-targets.txt from
    /// `targets` when given. Asserts what holds for every hostile submission (see the file's head) and
    /// returns the run for the test's own checks.
    /// </summary>
    public (GradeRun Run, HostileRunPaths Paths) Grade(string hostile, double timeLimitSeconds,
        Func<HostileRunPaths, IEnumerable<string>>? targets = null, string? studentSource = null, IEnumerable<string>? alsoShip = null)
    {
        SandboxKit.RequireRoot("the student's program must run as another user than the grader");
        ExternalTools.RequirePython("numpy");

        string assignment = AssignmentFor(timeLimitSeconds);
        string submission = Path.Combine(Dir, hostile + "-submission");
        if (Directory.Exists(submission)) Directory.Delete(submission, recursive: true);   // graded again, with another limit
        Directory.CreateDirectory(submission);
        if (studentSource is null)
            foreach (string file in Directory.GetFiles(SandboxKit.HostileDir(hostile)))
                File.Copy(file, Path.Combine(submission, Path.GetFileName(file)));
        else
            File.Copy(studentSource, Path.Combine(submission, "rnn_student.py"));
        foreach (string file in alsoShip ?? [])
            File.Copy(file, Path.Combine(submission, Path.GetFileName(file)));

        string resultsDir = EndToEndKit.OpenFolder("rnn-e2e-results-");
        lock (_openFolders) _openFolders.Add(resultsDir);
        var paths = new HostileRunPaths(assignment, Path.GetDirectoryName(assignment)!, resultsDir, Path.Combine(resultsDir, "results.json"));
        if (targets is not null) File.WriteAllLines(Path.Combine(submission, "hostile-targets.txt"), targets(paths));

        var start = DateTime.UtcNow;
        var run = EndToEndKit.Grade(assignment, submission, paths.ResultsPath);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Show());
        Assert.Multiple(() =>
        {
            Assert.That(run.Score, Is.Zero, $"{hostile}: total score\n{run.Show()}");
            Assert.That(File.GetUnixFileMode(paths.ResultsPath) & (UnixFileMode)0b000_111_111, Is.EqualTo((UnixFileMode)0),
                $"{hostile}: results.json must be the grader's alone");
            foreach (var p in run.Problems)
            {
                Assert.That(p.Score, Is.Zero, $"{hostile}: {p.Name}\n{p.Output}");
                Assert.That(p.Status, Is.EqualTo("failed"), $"{hostile}: {p.Name}");
            }
            foreach (string value in ExpectedValues)
            {
                Assert.That(run.ResultsText, Does.Not.Contain(value), $"{hostile}: results.json holds the expected value {value}");
                Assert.That(run.Report, Does.Not.Contain(value), $"{hostile}: the staff report holds the expected value {value}");
            }
            // the leak probe's submission folder holds the values on purpose: they are what it looks for
            Assert.That(EndToEndKit.FilesContaining(ExpectedValues, start, submission), Is.Empty,
                $"{hostile}: files in {Path.GetTempPath()} written during the run hold expected values");
        });
        return (run, paths);
    }

    public void Dispose()
    {
        EndToEndKit.DeleteFolder(AssignmentDir);
        EndToEndKit.DeleteFolder(Dir);
        foreach (string dir in _openFolders) EndToEndKit.DeleteFolder(dir);
    }
}
