// The grader's folders readable by the student's user: grade --submission (and grade-all)
// refuse to run any student program by default, exit 5 with a message naming the folder and a
// results.json that says the autograder is misconfigured; --allow-readable-grader grades anyway
// and says so in a staff note (Spec/sandbox.md, "The grader's files"). Needs root: only then
// does the program run as another user whose access can be judged.
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Commands;
using Rnn.Grading.Tests.Autograder;
using Rnn.Grading.Tests.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.EndToEnd;

[SupportedOSPlatform("linux")]
public sealed class ExposedGraderTests
{
    private string _dir = "";
    private string _assignmentDir = "";

    [SetUp]
    public void MakeFolders()
    {
        SandboxKit.RequireRoot("the student's program runs as another user only when the grader is root");
        ExternalTools.RequirePython("numpy");
        _dir = EndToEndKit.PrivateFolder("rnn-exposed-");
        // the assignment's folder, 0755 under the test's 0700 folder... which would hide it: open the way too
        File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);
        _assignmentDir = Path.Combine(_dir, "grader");
        Directory.CreateDirectory(_assignmentDir, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(Path.Combine(_dir, "students", "ann"));
    }

    [TearDown]
    public void RemoveFolders() => EndToEndKit.DeleteFolder(_dir);

    private string Assignment()
    {
        string path = Path.Combine(_assignmentDir, "one.json");
        File.WriteAllText(path, AutograderTestSupport.ReluForwardAssignment("one").ToJsonString());
        return path;
    }

    /// <summary>Only the assignment's folder is judged: the grader's program is this checkout's build folder, readable anyway.</summary>
    private static IAnswerSource SourceJudgingOnly(string submission, string assignment) =>
        new SubmissionSource(submission, SubmissionSource.FindKitRunner()!, [Path.GetDirectoryName(assignment)!]);

    [Test]
    public void GradeRefusesByDefaultWithTheFolderNamedAndAMisconfiguredResultsJson()
    {
        string results = Path.Combine(_dir, "results.json");
        var stderr = new StringWriter();
        int code = GradeCommand.Run(["--assignment", Assignment(), "--submission", Path.Combine(_dir, "students", "ann"), "--results", results],
            new StringWriter(), stderr, SourceJudgingOnly, NoDiagnosis.Instance);

        Assert.That(code, Is.EqualTo(ExitCodes.GraderFailed), stderr.ToString());
        Assert.That(stderr.ToString(), Does.Contain(
            $"the grader's files are not protected from the student's program: {_assignmentDir} can be listed by uid 65534 (mode 0755, owner 0:0)"));
        Assert.That(stderr.ToString(), Does.Contain("Make the grader's folders 0700").And.Contain("--allow-readable-grader"));
        GradescopeSchema.AssertValid(results);
        var json = JsonNode.Parse(File.ReadAllText(results))!;
        Assert.That((double)json["score"]!, Is.Zero);
        Assert.That(json["tests"]!.AsArray(), Is.Empty, "nothing was graded");
        Assert.That((string)json["output"]!, Does.Contain("misconfigured").And.Contain("not a fault of your code"));
    }

    [Test]
    public void GradeWithTheOptionGradesAndSaysTheFilesAreReadable()
    {
        string results = Path.Combine(_dir, "results.json");
        var stderr = new StringWriter();
        int code = GradeCommand.Run(["--assignment", Assignment(), "--submission", Path.Combine(_dir, "students", "ann"), "--results", results,
                "--allow-readable-grader"],
            new StringWriter(), stderr, SourceJudgingOnly, NoDiagnosis.Instance);

        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr.ToString());
        Assert.That(stderr.ToString(), Does.Contain(
            $"rnn-grading: note: --allow-readable-grader: the student's program can read the grader's files ({_assignmentDir} can be listed by uid 65534"));
        GradescopeSchema.AssertValid(results);
        var tests = JsonNode.Parse(File.ReadAllText(results))!["tests"]!.AsArray();
        Assert.That(tests, Has.Count.EqualTo(1));
        Assert.That((string)tests[0]!["output"]!, Does.Contain("could not import rnn_student.py"), "the empty submission was run and graded");
    }

    [Test]
    public void ClosingTheFolderIsEnoughWithoutTheOption()
    {
        string assignment = Assignment();
        File.SetUnixFileMode(_assignmentDir, (UnixFileMode)0b111_000_000);
        string results = Path.Combine(_dir, "results.json");
        var stderr = new StringWriter();
        int code = GradeCommand.Run(["--assignment", assignment, "--submission", Path.Combine(_dir, "students", "ann"), "--results", results],
            new StringWriter(), stderr, SourceJudgingOnly, NoDiagnosis.Instance);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr.ToString());
        Assert.That(stderr.ToString(), Does.Not.Contain("not protected"));
    }

    [Test]
    public void GradeAllRefusesBeforeGradingAnyoneAndGradesWithTheOption()
    {
        string assignment = Assignment();
        string students = Path.Combine(_dir, "students");
        string csv = Path.Combine(_dir, "scores.csv");
        var stderr = new StringWriter();
        int code = GradeAllCommand.Run([students, "--assignment", assignment, "--out", csv], new StringWriter(), stderr,
            SourceJudgingOnly, NoDiagnosis.Instance);
        Assert.That(code, Is.EqualTo(ExitCodes.GraderFailed), stderr.ToString());
        Assert.That(stderr.ToString(), Does.Contain($"{_assignmentDir} can be listed by uid 65534"));
        Assert.That(File.Exists(csv), Is.False, "no one was graded");

        stderr = new StringWriter();
        code = GradeAllCommand.Run([students, "--assignment", assignment, "--out", csv, "--allow-readable-grader"], new StringWriter(), stderr,
            SourceJudgingOnly, NoDiagnosis.Instance);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr.ToString());
        Assert.That(File.ReadAllText(csv), Does.Contain("ann,0,"));
    }
}
