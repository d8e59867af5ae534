// An error that every case of every problem reports (a syntax error in the student's file, an
// exception at import) is said once, at the top of results.json, with the program's output from
// a visible problem; each test's own output stays short. Whole cases that fail for the same
// reason are listed on one line.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Autograder;

public sealed class CommonErrorTests
{
    private sealed class FailingSource(Func<Case, string> error, string output) : IAnswerSource
    {
        public string Description => "test";

        public AnswerOutcome GetAnswers(AnswerRequest request) =>
            AnswerOutcome.Answered([.. request.Cases.Select(c => CaseResult.Failed(c.Id, error(c)))], output);
    }

    private static JsonNode Grade(IAnswerSource source, out GradingRun run)
    {
        var a = AutograderTestSupport.Parse(AutograderTestSupport.ReluForwardAssignment("one", "two", "three"));
        string path = Path.Combine(AutograderTestSupport.TempDir(), "results.json");
        run = new Grader(source).Grade(a, path);
        return JsonNode.Parse(File.ReadAllText(path))!;
    }

    [Test]
    public void TheSameErrorEverywhereIsSaidOnceAtTheTop()
    {
        const string error = "ImportError: could not import rnn_student.py: SyntaxError: invalid syntax (rnn_student.py, line 12)";
        const string traceback = "Traceback (most recent call last):\n  File \"rnn_student.py\", line 12\n    def f(:\nSyntaxError: invalid syntax";
        var results = Grade(new FailingSource(_ => error, traceback), out _);
        string top = (string)results["output"]!;
        Assert.That(top, Does.Contain("Your program failed the same way on every case of every problem, so nothing could be checked:\n  " + error));
        Assert.That(top, Does.Contain("What your program printed (problem one):\n" + traceback));
        foreach (var t in results["tests"]!.AsArray())
        {
            string output = (string)t!["output"]!;
            Assert.That(output, Does.Contain("Your program failed on every case with the error shown at the top of the results."));
            Assert.That(output, Does.Not.Contain("SyntaxError"));
            Assert.That(output, Does.Not.Contain("Traceback"));
        }
    }

    [Test]
    public void DifferentErrorsStayInEachTestGroupedByReason()
    {
        // each case its own message: nothing common, so each test lists its failures, one line per distinct reason
        var results = Grade(new FailingSource(c => c.Id.StartsWith("two/") ? "ValueError: two" : "ValueError: other", ""), out var run);
        Assert.That(Feedback.CommonError(run.Problems), Is.Null);
        string top = (string)results["output"]!;
        Assert.That(top, Does.Not.Contain("failed the same way"));
        string first = (string)results["tests"]![0]!["output"]!;
        Assert.That(first, Does.Contain("- cases one/0, one/1: your program reported an error: ValueError: other\n"));
    }

    [Test]
    public void MissingCasesAreListedOnOneLine()
    {
        var a = AutograderTestSupport.Parse(AutograderTestSupport.ReluForwardAssignment("one"));
        var p = a.Problems[0];
        var outcome = ProblemGrading.Grade(p, 1, CaseStreams.Graded(a, p), AnswerOutcome.Answered([]), NoDiagnosis.Instance);
        Assert.That(Feedback.ForProblem(outcome), Does.Contain("- cases one/0, one/1: no answer for this case\n"));
    }
}
