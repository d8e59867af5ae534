// results.json: valid in Gradescope's format after a full run, while the run is under way
// (as a crash or a global timeout would leave it), and after an internal error.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Oracle;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Autograder;

public sealed class ResultsJsonTests
{
    private const string ValidExample =
        """
        {"score": 3, "execution_time": 1.5, "output": "", "output_format": "text", "visibility": "visible",
         "stdout_visibility": "hidden",
         "tests": [{"name": "a", "number": "1", "score": 2, "max_score": 2, "status": "passed", "output": "",
                    "output_format": "text", "visibility": "visible", "tags": ["x"]},
                   {"name": "b", "number": "2", "score": 1, "max_score": 4, "status": "failed", "output": "",
                    "output_format": "text", "visibility": "hidden", "tags": []}]}
        """;

    [Test]
    public void ValidatorAcceptsAValidExample()
    {
        Assert.That(GradescopeSchema.Problems(ValidExample), Is.Empty);
    }

    [TestCase("score", "\"3\"", "score is missing or not a number")]
    [TestCase("stdout_visibility", "\"students\"", "stdout_visibility is missing or not one of")]
    [TestCase("tests", "{}", "tests is missing or not a list")]
    public void ValidatorRejectsBadTopLevelValues(string key, string value, string expected)
    {
        var root = JsonNode.Parse(ValidExample)!.AsObject();
        root[key] = JsonNode.Parse(value);
        Assert.That(GradescopeSchema.Problems(root.ToJsonString()), Has.Some.Contains(expected));
    }

    [TestCase("status", "\"ok\"", "status is missing or not one of passed, failed")]
    [TestCase("status", "\"failed\"", "status failed with score 2 of 2")]
    [TestCase("score", "3", "score 3 is outside [0, 2]")]
    [TestCase("number", "1", "number is missing or not a string")]
    [TestCase("tags", "[1]", "tags is missing or not a list of strings")]
    [TestCase("visibility", "\"public\"", "visibility is missing or not one of")]
    public void ValidatorRejectsBadTests(string key, string value, string expected)
    {
        var root = JsonNode.Parse(ValidExample)!.AsObject();
        root["tests"]![0]![key] = JsonNode.Parse(value);
        Assert.That(GradescopeSchema.Problems(root.ToJsonString()), Has.Some.Contains(expected));
    }

    [Test]
    public void ValidatorRejectsATotalThatIsNotTheSum()
    {
        var root = JsonNode.Parse(ValidExample)!.AsObject();
        root["score"] = 4;
        Assert.That(GradescopeSchema.Problems(root.ToJsonString()), Has.Some.Contains("is not the sum of the tests' scores 3"));
    }

    [Test]
    public void FullRunWritesAValidFileWithOneTestPerProblem()
    {
        var a = Shipped();
        string path = Path.Combine(TempDir(), "results.json");
        new Grader(new AnswersFileSource(DemoAnswersPath)).Grade(a, path);
        GradescopeSchema.AssertValid(path);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        var tests = root["tests"]!.AsArray();
        Assert.That(tests.Select(t => t!["name"]!.GetValue<string>()), Is.EqualTo(a.Problems.Select(p => $"{p.Name}: {p.Title}")));
        Assert.That(tests.Select(t => t!["visibility"]!.GetValue<string>()), Is.EqualTo(a.Problems.Select(p => p.Visibility.ToJson())));
        Assert.That(tests.Select(t => t!["max_score"]!.GetValue<double>()), Is.EqualTo(a.Problems.Select(p => p.Points)));
        Assert.That(tests.Select(t => t!["number"]!.GetValue<string>()), Is.EqualTo(Enumerable.Range(1, a.Problems.Count).Select(i => i.ToString())));
        Assert.That(root["stdout_visibility"]!.GetValue<string>(), Is.EqualTo("hidden"));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Is.EqualTo(new[] { path }), "no temporary file is left behind");
    }

    /// <summary>Answers correctly, but on the given problem reads results.json as it is on disk at that moment, then throws.</summary>
    private sealed class CrashingSource(IReadOnlyList<CaseResult> answers, string crashOn, string resultsPath) : IAnswerSource
    {
        public string? FileAtCrash { get; private set; }

        public string Description => "answers that crash the grader";

        public AnswerOutcome GetAnswers(AnswerRequest request)
        {
            if (request.Problem.Name != crashOn) return AnswerOutcome.Answered(answers);
            FileAtCrash = File.ReadAllText(resultsPath);
            throw new InvalidOperationException("the runner lost its work folder");
        }
    }

    [Test]
    public void FileOnDiskMidwayIsValidAndHoldsTheProblemsGradedSoFar()
    {
        // what Gradescope would read if the grader were killed while asking for problem 3's answers
        var a = Shipped();
        string path = Path.Combine(TempDir(), "results.json");
        var source = new CrashingSource(CorrectAnswers(a), a.Problems[2].Name, path);
        new Grader(source).Grade(a, path);

        Assert.That(GradescopeSchema.Problems(source.FileAtCrash!), Is.Empty);
        var midway = JsonNode.Parse(source.FileAtCrash!)!;
        var tests = midway["tests"]!.AsArray();
        Assert.That(tests, Has.Count.EqualTo(a.Problems.Count));
        Assert.That(midway["score"]!.GetValue<double>(), Is.EqualTo(a.Problems[0].Points + a.Problems[1].Points));
        for (int i = 2; i < tests.Count; i++)
        {
            Assert.That(tests[i]!["score"]!.GetValue<double>(), Is.EqualTo(0.0));
            Assert.That(tests[i]!["output"]!.GetValue<string>(), Does.StartWith("Not graded: the grader stopped before reaching this problem"));
        }
        Assert.That(midway["output"]!.GetValue<string>(), Does.Contain("2 of 9 problems graded"));
    }

    [Test]
    public void InternalErrorLeavesAValidFileThatSaysSo()
    {
        var a = Shipped();
        string path = Path.Combine(TempDir(), "results.json");
        var run = new Grader(new CrashingSource(CorrectAnswers(a), a.Problems[2].Name, path)).Grade(a, path);

        Assert.That(run.InternalError, Is.EqualTo($"while grading problem {a.Problems[2].Name}: InvalidOperationException: the runner lost its work folder"));
        Assert.That(run.Problems.Take(2).All(o => o.FullMarks), Is.True);
        Assert.That(run.Problems.Skip(2).All(o => o.Status == ProblemStatus.NotGraded), Is.True);
        GradescopeSchema.AssertValid(path);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.That(root["output"]!.GetValue<string>(), Does.Contain("The autograder stopped with an internal error"));
        Assert.That(root["output"]!.GetValue<string>(), Does.Not.Contain("lost its work folder"), "details are for staff");
        Assert.That(root["tests"]![2]!["output"]!.GetValue<string>(), Does.Contain("the grader stopped with an internal error (not a fault of your code)"));
        Assert.That(StaffReport.Render(run), Does.Contain("INTERNAL ERROR (the run stopped): while grading problem"));
    }

    private sealed class NotedSource(IReadOnlyList<CaseResult> answers, string note) : IAnswerSource
    {
        public string Description => "answers with a sandbox note";

        public AnswerOutcome GetAnswers(AnswerRequest request) => AnswerOutcome.Answered(answers) with { SandboxNotes = [note] };
    }

    [Test]
    public void ASandboxNoteReachesTheStaffReportOnceAndNotTheStudent()
    {
        var a = Shipped();
        string path = Path.Combine(TempDir(), "results.json");
        const string note = "no reduced view of the filesystem (pivot_root not found): the program sees the machine's files";
        var run = new Grader(new NotedSource(CorrectAnswers(a), note)).Grade(a, path);

        Assert.That(run.Problems.All(o => o.StaffNotes.Contains("sandbox: " + note)), Is.True, "every problem's run carries the note");
        var report = StaffReport.Render(run);
        string names = string.Join(", ", a.Problems.Select(p => p.Name));
        Assert.That(report, Does.Contain($"staff note, {names}: sandbox: {note}"));
        Assert.That(report.Split(note).Length - 1, Is.EqualTo(1), "said once for all problems");
        Assert.That(File.ReadAllText(path), Does.Not.Contain("pivot_root"), "the student's results.json does not carry it");
    }

    [Test]
    public void ResultsFileThatCannotBeWrittenIsAnIOException()
    {
        var a = Parse(ReluForwardAssignment("p"));
        string path = Path.Combine(TempDir(), "no-such-folder", "results.json");
        Assert.Throws<DirectoryNotFoundException>(() => new Grader(new ListSource(CorrectAnswers(a))).Grade(a, path));
    }
}
