// The `grade` command line: exit codes, the staff report, sample cases.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Commands;
using Rnn.Grading.Oracle;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Autograder;

public sealed class GradeCommandTests
{
    private static (int Code, string Out, string Err) Run(Func<string, string, IAnswerSource>? submission, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = GradeCommand.Run(args, stdout, stderr, submission, NoDiagnosis.Instance);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => Run(null, args);

    [Test]
    public void GradingTheDemoAnswersExitsZeroWritesResultsAndPrintsTheTable()
    {
        string results = Path.Combine(TempDir(), "results.json");
        var (code, output, err) = Run("--assignment", ShippedAssignmentPath, "--answers", DemoAnswersPath, "--results", results);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), err);
        GradescopeSchema.AssertValid(results);
        var lines = output.Split('\n');
        Assert.That(lines, Has.Some.Matches(@"^#\s+problem\s+op\s+visibility\s+points\s+tensors\s+status$"));
        Assert.That(lines, Has.Some.Matches(@"^1\s+relu-rnn-forward\s+relu_rnn_slide\s+visible\s+10 / 10\s+10/10\s+passed$"));
        Assert.That(lines, Has.Some.Matches(@"^4\s+lstm-forward\s+lstm\s+visible\s+0 / 10\s+0/15\s+failed$"));
        Assert.That(lines, Has.Some.Matches(@"^5\s+lstm-bptt\s+lstm\s+hidden\s+0 / 15\s+0/35\s+failed$"));
        Assert.That(lines, Has.Some.Matches(@"^\s+total\s+[0-9.]+ / 100$"));
        Assert.That(output, Does.Contain("tanh-rnn-cell/"));
    }

    [Test]
    public void ThePlainLoopsAndTheFastPathGiveTheSameGrades()
    {
        string plain = Path.Combine(TempDir(), "results.json"), fast = Path.Combine(TempDir(), "results.json");
        var p = Run("--assignment", ShippedAssignmentPath, "--answers", DemoAnswersPath, "--results", plain, "--report", "none", "--compute", "plain");
        var f = Run("--assignment", ShippedAssignmentPath, "--answers", DemoAnswersPath, "--results", fast, "--report", "none", "--threads", "1");
        Assert.That(p.Code, Is.EqualTo(ExitCodes.Ok), p.Err);
        Assert.That(f.Code, Is.EqualTo(ExitCodes.Ok), f.Err);
        static string Scores(string path) => string.Join(",", JsonNode.Parse(File.ReadAllText(path))!["tests"]!.AsArray()
            .Select(t => $"{t!["name"]}={t["score"]}"));
        Assert.That(Scores(fast), Is.EqualTo(Scores(plain)));
        Assert.That(Scores(plain), Does.Contain("="));
    }

    [Test]
    public void ReportNonePrintsNothing()
    {
        string results = Path.Combine(TempDir(), "results.json");
        var (code, output, _) = Run("--assignment", ShippedAssignmentPath, "--answers", DemoAnswersPath, "--results", results, "--report", "none");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output, Is.Empty);
        Assert.That(File.Exists(results));
    }

    [TestCase(new string[0], "grade needs --assignment A")]
    [TestCase(new[] { "--assignment", "a.json" }, "exactly one of --answers FILE|DIR and --submission DIR")]
    [TestCase(new[] { "--assignment", "a.json", "--answers", "x", "--submission", "y" }, "exactly one of --answers")]
    [TestCase(new[] { "--assignment" }, "--assignment needs a value")]
    [TestCase(new[] { "--assignment", "a", "--assignment", "b" }, "--assignment was given twice")]
    [TestCase(new[] { "--assignment", "a", "--answers", "x", "--verbose", "1" }, "unknown option '--verbose'")]
    [TestCase(new[] { "--assignment", "a", "--answers", "x", "--report", "html" }, "--report must be text or none but is 'html'")]
    [TestCase(new[] { "--assignment", "a", "--answers", "x", "--compute", "slow" }, "--compute must be fast or plain but is 'slow'")]
    [TestCase(new[] { "--assignment", "a", "--answers", "x", "--threads", "0" }, "--threads must be a whole number of at least 1 but is '0'")]
    [TestCase(new[] { "sample-cases", "--assignment", "a" }, "grade sample-cases needs --assignment A and -o FILE")]
    [TestCase(new[] { "sample-cases", "--assignment", "a", "-o", "cases.npz" }, "-o FILE must end in .json (the file is JSON) but is 'cases.npz'")]
    public void WrongCommandLinesExitTwo(string[] args, string message)
    {
        var (code, _, err) = Run(args);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(err, Does.Contain(message));
    }

    [Test]
    public void AnswersFolderHoldsOneFilePerProblem()
    {
        var a = Shipped();
        string dir = TempDir();
        foreach (var p in a.Problems) WriteAnswers(Path.Combine(dir, p.Name + ".json"), CorrectAnswers(a, p));
        string results = Path.Combine(TempDir(), "results.json");
        var (code, output, err) = Run("--assignment", ShippedAssignmentPath, "--answers", dir, "--results", results);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), err);
        Assert.That(output, Does.Contain($"answers: answers folder {dir}"));
        Assert.That(JsonNode.Parse(File.ReadAllText(results))!["score"]!.GetValue<double>(), Is.EqualTo(100.0));
    }

    [Test]
    public void ASubmissionThatIsNotAFolderIsAUsageError()
    {
        var (code, _, err) = Run((_, _) => throw new AssertionException("no source should be made"),
            "--assignment", ShippedAssignmentPath, "--submission", Path.Combine(TempDir(), "missing"));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(err, Does.Contain("is not a folder"));
    }

    [Test]
    public void SubmissionUsesTheSourceItIsGiven()
    {
        var a = Shipped();
        string dir = TempDir();
        string? askedFor = null;
        var (code, _, err) = Run((d, _) => { askedFor = d; return new ListSource(CorrectAnswers(a)); },
            "--assignment", ShippedAssignmentPath, "--submission", dir, "--results", Path.Combine(dir, "results.json"), "--report", "none");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), err);
        Assert.That(askedFor, Is.EqualTo(dir));
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!["score"]!.GetValue<double>(), Is.EqualTo(100.0));
    }

    private sealed class ThrowingSource : IAnswerSource
    {
        public string Description => "a source that fails";

        public AnswerOutcome GetAnswers(AnswerRequest request) => throw new IOException("disk full");
    }

    [Test]
    public void InternalErrorExitsFiveWithAValidResultsFile()
    {
        string dir = TempDir();
        string results = Path.Combine(dir, "results.json");
        var (code, output, err) = Run((_, _) => new ThrowingSource(), "--assignment", ShippedAssignmentPath, "--submission", dir, "--results", results);
        Assert.That(code, Is.EqualTo(ExitCodes.GraderFailed));
        Assert.That(err, Does.Contain("internal error: while grading problem relu-rnn-forward: IOException: disk full"));
        Assert.That(output, Does.Contain("INTERNAL ERROR"));
        GradescopeSchema.AssertValid(results);
    }

    [Test]
    public void UnreadableAssignmentExitsThreeAndStillLeavesAResultsFile()
    {
        string dir = TempDir();
        string assignment = Path.Combine(dir, "broken.json");
        File.WriteAllText(assignment, "{\"format\": \"rnn-reference/assignment@1\"}");
        string results = Path.Combine(dir, "results.json");
        var (code, _, err) = Run("--assignment", assignment, "--answers", DemoAnswersPath, "--results", results);
        Assert.That(code, Is.EqualTo(ExitCodes.UnreadableInput));
        Assert.That(err, Does.Contain($"{assignment}: name must be a non-empty string but is missing"));
        GradescopeSchema.AssertValid(results);
        Assert.That(File.ReadAllText(results), Does.Contain("The autograder is misconfigured"));
    }

    [Test]
    public void ResultsThatCannotBeWrittenExitFour()
    {
        string results = Path.Combine(TempDir(), "missing-folder", "results.json");
        var (code, _, err) = Run("--assignment", ShippedAssignmentPath, "--answers", DemoAnswersPath, "--results", results);
        Assert.That(code, Is.EqualTo(ExitCodes.CannotWriteOutput));
        Assert.That(err, Does.Contain($"cannot write '{results}'"));
    }

    [Test]
    public void SampleCasesHoldOnlyVisibleProblemsAndNoGradedCase()
    {
        string file = Path.Combine(TempDir(), "samples.json");
        var (code, _, err) = Run("sample-cases", "--assignment", ShippedAssignmentPath, "-o", file);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), err);
        Assert.That(err, Does.Contain("problems not visible to students left out: lstm-bptt, gru-bptt"));
        using var s = File.OpenRead(file);
        var samples = CaseFile.ReadCases(s, "samples.json");
        var a = Shipped();
        var visible = a.Problems.Where(p => p.Visibility == Visibility.Visible).ToList();
        Assert.That(samples.Select(c => c.Id.Split('/')[0]).Distinct(), Is.EqualTo(visible.Select(p => p.Name)));
        Assert.That(samples, Has.Count.EqualTo(visible.Sum(p => p.Cases)));
        foreach (var p in visible)
        {
            var graded = CaseStreams.Graded(a, p);
            var gradedIds = graded.Select(g => g.Id).ToHashSet();
            var mine = samples.Where(c => c.Id.StartsWith(p.Name + "/")).ToList();
            Assert.That(mine.Select(c => c.Id), Is.EqualTo(Enumerable.Range(0, p.Cases).Select(k => $"{p.Name}/sample-{k}")));
            for (int k = 0; k < mine.Count; k++)
            {
                // never a graded id, and never a graded case's values under another id
                Assert.That(gradedIds, Does.Not.Contain(mine[k].Id));
                Assert.That(Serialize([mine[k] with { Id = graded[k].Id }]), Is.Not.EqualTo(Serialize([graded[k]])), mine[k].Id);
            }
        }
        Assert.That(samples.All(c => Evaluator.Evaluate(c).Error is null));
    }

    [Test]
    public void ResultsDashPrintsResultsJsonOnStandardOutputAndTheReportOnStandardError()
    {
        var (code, output, err) = Run("--assignment", ShippedAssignmentPath, "--answers", DemoAnswersPath, "--results=-");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), err);
        var root = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        Assert.That((double)root["score"]!, Is.EqualTo(59.666667).Within(1e-6));
        Assert.That(root["tests"]!.AsArray(), Has.Count.EqualTo(9));
        Assert.That(err, Does.Contain("total"), "the staff report");
        Assert.That(File.Exists("-"), Is.False);
    }

    [Test]
    public void HelpIsTakenAfterOtherArguments()
    {
        var (code, output, _) = Run("--assignment", "a.json", "--help");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output, Does.Contain("rnn-grading grade check-cases --assignment A"));
    }
}
