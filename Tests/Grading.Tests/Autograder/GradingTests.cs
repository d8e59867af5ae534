// Scores: full marks for correct answers, partial credit counted per checked tensor (a
// hand-made answers file, arithmetic written out), and the diagnosis hook.
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Autograder;

public sealed class GradingTests
{
    [Test]
    public void CorrectAnswersGetFullMarksOnEveryShippedProblem()
    {
        var a = Shipped();
        string results = Path.Combine(TempDir(), "results.json");
        var run = new Grader(new ListSource(CorrectAnswers(a))).Grade(a, results);
        Assert.That(run.InternalError, Is.Null);
        foreach (var o in run.Problems)
        {
            Assert.That(o.Status, Is.EqualTo(ProblemStatus.Graded), o.Problem.Name);
            Assert.That(o.PassedTensors, Is.EqualTo(o.CheckedTensors), o.Problem.Name);
            Assert.That(o.Score, Is.EqualTo(o.Problem.Points), o.Problem.Name);
            Assert.That(o.Failures, Is.Empty, o.Problem.Name);
            Assert.That(o.Notes, Is.Empty, o.Problem.Name);
        }
        Assert.That(run.Score, Is.EqualTo(100.0));
        GradescopeSchema.AssertValid(results);
    }

    // The slide's ReLU RNN by hand, H = I = 1, W = 0.5, U = 0.25, b = 0.1:
    //   case hand/0, input [2, -1]:
    //     t = 0: linear = 2 * 0.5 + 0.1 + 0 * 0.25     =  1.1     output 1.1
    //     t = 1: linear = -1 * 0.5 + 0.1 + 1.1 * 0.25  = -0.125   output 0
    //   case hand/1, input [1, 1]:
    //     t = 0: linear = 1 * 0.5 + 0.1 + 0             =  0.6     output 0.6
    //     t = 1: linear = 1 * 0.5 + 0.1 + 0.6 * 0.25    =  0.75    output 0.75
    // last_output is the output at t = 1.
    private static IReadOnlyList<Case> HandCases()
    {
        Case Make(string id, double x0, double x1)
        {
            var parameters = new NamedTensors();
            parameters.Add("W", new Tensor([1, 1], [0.5]));
            parameters.Add("U", new Tensor([1, 1], [0.25]));
            parameters.Add("b", new Tensor([1], [0.1]));
            var inputs = new NamedTensors();
            inputs.Add("input", new Tensor([2, 1], [x0, x1]));   // [T, I]
            return new Case(id, "relu_rnn_slide", new(), inputs, parameters, new NamedTensors());
        }
        return [Make("hand/0", 2, -1), Make("hand/1", 1, 1)];
    }

    private static Problem HandProblem() => Parse(
        """
        {"format": "rnn-reference/assignment@1", "name": "by-hand", "title": "By hand", "seed": 1,
         "problems": [{"name": "hand", "title": "ReLU RNN by hand", "op": "relu_rnn_slide",
           "sizes": {"T": [2, 2], "I": [1, 1], "H": [1, 1]}, "cases": 2,
           "check": {"outputs": ["output", "last_output"]}, "points": 8}]}
        """).Problems[0];

    private static AnswerOutcome ReadHandAnswers(string lastOutputOfCase1)
    {
        string path = Path.Combine(TempDir(), "answers.json");
        File.WriteAllText(path,
            """
            {"format": "rnn-reference/results@1", "results": [
              {"id": "hand/0", "outputs": {"output": {"shape": [2, 1], "data": [1.1, 0.0]}, "last_output": {"shape": [1], "data": [0.0]}}},
              {"id": "hand/1", "outputs": {"output": {"shape": [2, 1], "data": [0.6, 0.75]}, "last_output": {"shape": [1], "data": [LAST]}}}
            ]}
            """.Replace("LAST", lastOutputOfCase1));
        return AnswersFile.Read(path, "answers.json");
    }

    [Test]
    public void HandWorkedAnswersGetFullMarks()
    {
        var o = ProblemGrading.Grade(HandProblem(), 1, HandCases(), ReadHandAnswers("0.75"), NoDiagnosis.Instance);
        Assert.That(o.CheckedTensors, Is.EqualTo(4));      // 2 cases x (output, last_output)
        Assert.That(o.PassedTensors, Is.EqualTo(4));
        Assert.That(o.Score, Is.EqualTo(8.0));
    }

    [Test]
    public void OneWrongTensorOfFourCostsAQuarterOfThePoints()
    {
        // hand/1's last_output is 0.7 instead of 0.75: 3 of 4 checked tensors pass, 8 * 3 / 4 = 6 points
        var o = ProblemGrading.Grade(HandProblem(), 1, HandCases(), ReadHandAnswers("0.7"), NoDiagnosis.Instance);
        Assert.That(o.PassedTensors, Is.EqualTo(3));
        Assert.That(o.CheckedTensors, Is.EqualTo(4));
        Assert.That(o.Score, Is.EqualTo(6.0));
        Assert.That(o.Failures, Has.Count.EqualTo(1));
        Assert.That(o.Failures[0].CaseId, Is.EqualTo("hand/1"));
        Assert.That(o.Failures[0].Tensor, Is.EqualTo("outputs.last_output"));
        string text = Feedback.ForProblem(o);
        Assert.That(text, Does.StartWith("Score 6 of 8: 3 of 4 checked tensors match over 2 cases"));
        Assert.That(text, Does.Contain("- case hand/1, outputs.last_output: 1 of 1 element outside the tolerance; worst at [0]: expected 0.75"));
        Assert.That(text, Does.Contain("got 0.7 (|difference| 0.05 > atol + rtol * |expected| = 7.51e-06)"));
    }

    [Test]
    public void PartialCreditCountsTensorsOverAllCases()
    {
        // 5 problems' worth of arithmetic on one problem of 2 cases x 2 tensors, 4 points:
        // wrong tensors 0, 1, 2, 3, 4 give 4, 3, 2, 1, 0 points
        var a = Parse(ReluForwardAssignment("p"));
        var p = a.Problems[0];
        var cases = CaseStreams.Graded(a, p);
        var correct = CorrectAnswers(a, p);
        string[] order = ["0:output", "0:last_output", "1:output", "1:last_output"];
        for (int wrong = 0; wrong <= 4; wrong++)
        {
            var answers = correct.Select(r => new CaseResult(r.Id, r.Outputs.Clone(), r.Grads.Clone())).ToList();
            foreach (var w in order.Take(wrong))
            {
                var parts = w.Split(':');
                answers[int.Parse(parts[0])].Outputs[parts[1]].Data[0] += 1;
            }
            var o = ProblemGrading.Grade(p, 1, cases, AnswerOutcome.Answered(answers), NoDiagnosis.Instance);
            Assert.That(o.Score, Is.EqualTo(4.0 - wrong), $"{wrong} wrong tensors");
        }
    }

    private sealed class RecordingDiagnoser(string? answer) : IMistakeDiagnoser
    {
        public List<(string Id, string[] Failed, string? Error, double Rtol, double Atol)> Calls { get; } = [];

        public string? Diagnose(Case c, CaseResult expected, CaseResult answer1, IReadOnlyList<string> failedTensors, double rtol, double atol)
        {
            Assert.That(expected.Id, Is.EqualTo(c.Id));
            Assert.That(answer1.Id, Is.EqualTo(c.Id));
            Calls.Add((c.Id, failedTensors.ToArray(), answer1.Error, rtol, atol));
            return answer;
        }
    }

    [Test]
    public void DiagnoserIsAskedAboutEachFailingCaseAndItsAnswerIsShown()
    {
        var a = Parse(ReluForwardAssignment("d"));
        var p = a.Problems[0] with { Cases = 4 };
        var cases = CaseStreams.Graded(a, p);
        var answers = Evaluator.EvaluateAll(cases).ToList();
        answers[1].Outputs["output"].Data[0] += 1;                       // d/1: one tensor wrong
        answers[2] = CaseResult.Failed("d/2", "ValueError: boom");         // d/2: an error entry
        answers.RemoveAt(3);                                             // d/3: no answer at all
        var diagnoser = new RecordingDiagnoser("the state is not carried from one step to the next");
        var o = ProblemGrading.Grade(p, 1, cases, AnswerOutcome.Answered(answers), diagnoser);

        Assert.That(diagnoser.Calls.Select(c => c.Id), Is.EqualTo(new[] { "d/1", "d/2" }));
        Assert.That(diagnoser.Calls[0].Failed, Is.EqualTo(new[] { "outputs.output" }));
        Assert.That(diagnoser.Calls[0].Error, Is.Null);
        Assert.That(diagnoser.Calls[1].Failed, Is.EqualTo(new[] { "outputs.output", "outputs.last_output" }));
        Assert.That(diagnoser.Calls[1].Error, Is.EqualTo("ValueError: boom"));
        Assert.That(diagnoser.Calls[0].Rtol, Is.EqualTo(p.Rtol));
        Assert.That(diagnoser.Calls[0].Atol, Is.EqualTo(p.Atol));
        Assert.That(o.Diagnoses, Has.Count.EqualTo(1));
        Assert.That(o.Diagnoses[0].CaseIds, Is.EqualTo(new[] { "d/1", "d/2" }));
        Assert.That(Feedback.ForProblem(o), Does.Contain("Likely cause (cases d/1, d/2): the state is not carried from one step to the next"));
    }

    [Test]
    public void DiagnoserThatFindsNothingAddsNothing()
    {
        var a = Parse(ReluForwardAssignment("d"));
        var p = a.Problems[0];
        var answers = CorrectAnswers(a, p);
        answers[0].Outputs["output"].Data[0] += 1;
        var o = ProblemGrading.Grade(p, 1, CaseStreams.Graded(a, p), AnswerOutcome.Answered(answers), new RecordingDiagnoser(null));
        Assert.That(o.Diagnoses, Is.Empty);
        Assert.That(Feedback.ForProblem(o), Does.Not.Contain("Likely cause"));
    }

    private sealed class ThrowingDiagnoser : IMistakeDiagnoser
    {
        public string? Diagnose(Case c, CaseResult expected, CaseResult answer, IReadOnlyList<string> failedTensors, double rtol, double atol) =>
            throw new InvalidOperationException("catalog bug");
    }

    [Test]
    public void FailingDiagnoserCostsNothingAndIsToldToStaffOnly()
    {
        var a = Parse(ReluForwardAssignment("d"));
        var p = a.Problems[0];
        var answers = CorrectAnswers(a, p);
        answers[0].Outputs["output"].Data[0] += 1;
        var o = ProblemGrading.Grade(p, 1, CaseStreams.Graded(a, p), AnswerOutcome.Answered(answers), new ThrowingDiagnoser());
        Assert.That(o.Score, Is.EqualTo(3.0));
        Assert.That(o.StaffNotes, Has.Count.EqualTo(1));
        Assert.That(o.StaffNotes[0], Does.Contain("the mistake diagnoser failed on case d/0: InvalidOperationException: catalog bug"));
        Assert.That(Feedback.ForProblem(o), Does.Not.Contain("catalog bug"));
    }

    [Test]
    public void TheSourceIsAskedWithTheProblemItsCasesAndTimeLimit()
    {
        var a = Shipped();
        var source = new ListSource(CorrectAnswers(a));
        new Grader(source).Grade(a, Path.Combine(TempDir(), "results.json"));
        Assert.That(source.Requests.Select(r => r.Problem.Name), Is.EqualTo(a.Problems.Select(p => p.Name)));
        foreach (var r in source.Requests)
        {
            Assert.That(r.TimeLimit, Is.EqualTo(TimeSpan.FromSeconds(r.Problem.TimeLimitSeconds)));
            Assert.That(Serialize(r.Cases), Is.EqualTo(Serialize(CaseStreams.Graded(a, r.Problem))));
            Assert.That(r.Assignment, Is.SameAs(a));
        }
    }

    [Test]
    public void CasesGivenToTheStudentHoldNoExpectedValues()
    {
        // the case file format has no place for outputs; the grader's request carries only cases
        var a = Shipped();
        foreach (var p in a.Problems)
        {
            string text = Serialize(CaseStreams.Graded(a, p));
            Assert.That(text, Does.Not.Contain("\"outputs\""));
            Assert.That(text, Does.Not.Contain("\"grads\""));
            Assert.That(text, Does.Not.Contain("\"results\""));
        }
    }
}
