// Feedback that locates an error the catalog does not know (ErrorLocation): nine buggy
// submissions of different kinds (grading/examples/located/bugs.json: a gate's derivative in
// the LSTM and the GRU, dc0 dropped, dWhh with the wrong state, h_n one step early, Adam's step
// count, clipping's norm after clipping, a forward copy-paste slip, the carry gradient dropped),
// each run through the kit's runner on its problem's graded cases and graded with the grader's
// diagnoser: each gets a "Where it goes wrong" hint naming the right place, and no catalog
// mistake. Plus the locator on small tensors written out here. Needs Debian's python3-numpy for
// the submissions.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Commands;
using Rnn.Grading.Diagnosis;
using Rnn.Grading.Oracle;
using Rnn.Grading.Tests.Autograder;
using Rnn.Grading.Tests.Support;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Diagnosis;

public sealed class ErrorLocationTests
{
    private static string BugsPath => Path.Combine(RepoPaths.Root, "grading", "examples", "located", "bugs.json");

    public static IEnumerable<string> BugIds() =>
        JsonNode.Parse(File.ReadAllText(BugsPath))!["bugs"]!.AsArray().Select(b => (string)b!["id"]!);

    [Test]
    public void ThereAreAtLeastEightBugsOnAtLeastSixProblems()
    {
        var bugs = JsonNode.Parse(File.ReadAllText(BugsPath))!["bugs"]!.AsArray();
        Assert.That(bugs, Has.Count.GreaterThanOrEqualTo(8));
        Assert.That(bugs.Select(b => (string)b!["problem"]!).Distinct().Count(), Is.GreaterThanOrEqualTo(6));
    }

    [TestCaseSource(nameof(BugIds))]
    public void TheBugGetsAHintThatLocatesIt(string id)
    {
        string python = ExternalTools.RequirePython("numpy");
        var bug = JsonNode.Parse(File.ReadAllText(BugsPath))!["bugs"]!.AsArray().Single(b => (string)b!["id"]! == id)!;
        var patch = new MistakePatch(id, "rnn_student.py", [], (string)bug["description"]!, false,
            [.. bug["edits"]!.AsArray().Select(e => new PatchEdit((string)e!["replace"]!, (string)e["with"]!))]);
        string source = StudentKit.Apply(File.ReadAllText(Path.Combine(StudentKit.CorrectDir, "rnn_student.py")), patch);

        var a = AutograderTestSupport.Shipped();
        int number = a.Problems.ToList().FindIndex(p => p.Name == (string)bug["problem"]!) + 1;
        var problem = a.Problems[number - 1];
        var cases = CaseStreams.Graded(a, problem);
        string dir = StudentKit.WithStudentSource(source);
        try
        {
            var answers = StudentKit.Run(python, dir, cases);
            var outcome = ProblemGrading.Grade(problem, number, cases, AnswerOutcome.Answered([.. answers.Values]), GradeCommand.Diagnoser);
            string feedback = Feedback.ForProblem(outcome);
            TestContext.Out.WriteLine(feedback);
            Assert.That(outcome.FullMarks, Is.False, "the bug costs points");
            Assert.That(feedback, Does.Contain("Where it goes wrong ("));
            Assert.That(outcome.Diagnoses.Any(d => d.Text.Contains((string)bug["location"]!, StringComparison.Ordinal)), Is.True,
                $"no hint contains \"{bug["location"]}\"");
            foreach (var m in new MistakeCatalog().Mistakes)
                Assert.That(feedback, Does.Not.Contain(m.Message), $"named the catalog mistake {m.Id}");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    // ---- the locator on tensors written out here ------------------------------------------------

    private static NamedTensors Set(params (string Name, Tensor T)[] items)
    {
        var s = new NamedTensors();
        foreach (var (n, t) in items) s.Add(n, t);
        return s;
    }

    private static Case SlideCase(int T) => new("c/0", "relu_rnn_slide", new JsonObject(),
        Set(("input", Tensor.Zeros(T, 1))), new NamedTensors(), new NamedTensors());

    [Test]
    public void TheFirstDifferingStepIsNamed()
    {
        // output [T = 4, H = 2]; the answer differs at steps 2 and 3
        var expected = new CaseResult("c/0", Set(("output", new Tensor([4, 2], [0, 1, 2, 3, 4, 5, 6, 7]))), new NamedTensors());
        var answer = new CaseResult("c/0", Set(("output", new Tensor([4, 2], [0, 1, 2, 3, 4.5, 5, 6, 8]))), new NamedTensors());
        string? text = ErrorLocation.Locate(SlideCase(4), expected, answer, ["outputs.output"], 1e-8, 1e-10);
        Assert.That(text, Does.StartWith(ErrorLocation.Prefix + "output is right at steps 0 to 1 and first differs at step 2 (of 4)"));
    }

    [Test]
    public void AnOptimizersFirstDifferingStepIsNamed()
    {
        // weight after each of S = 3 steps, [3, 1]: right after step 1, wrong after steps 2 and 3
        var c = new Case("a/0", "optimizer", new JsonObject(), new NamedTensors(), new NamedTensors(), new NamedTensors());
        var expected = new CaseResult("a/0", Set(("weight", new Tensor([3, 1], [1.0, 2.0, 3.0]))), new NamedTensors());
        var answer = new CaseResult("a/0", Set(("weight", new Tensor([3, 1], [1.0, 2.1, 3.0]))), new NamedTensors());
        Assert.That(ErrorLocation.Locate(c, expected, answer, ["outputs.weight"], 1e-8, 1e-10),
            Does.Contain("weight is right after step 1 and first differs after step 2 (of 3)"));
    }

    [Test]
    public void Float32LikeDifferencesAreNamedAsPrecision()
    {
        // 1 + 3e-8 is what float32 rounding of a value near 1 gives: relative 3e-8 < 1e-5
        var expected = new CaseResult("c/0", Set(("output", new Tensor([2, 1], [1.0, -0.5]))), new NamedTensors());
        var answer = new CaseResult("c/0", Set(("output", new Tensor([2, 1], [1.0 + 3e-8, -0.5]))), new NamedTensors());
        Assert.That(ErrorLocation.Locate(SlideCase(2), expected, answer, ["outputs.output"], 1e-8, 1e-10), Is.EqualTo(ErrorLocation.Float32Text));
        // a difference of 1e-3 relative is not
        var far = new CaseResult("c/0", Set(("output", new Tensor([2, 1], [1.001, -0.5]))), new NamedTensors());
        Assert.That(ErrorLocation.Locate(SlideCase(2), expected, far, ["outputs.output"], 1e-8, 1e-10), Is.Not.EqualTo(ErrorLocation.Float32Text));
    }

    [Test]
    public void NothingIsLocatedForAMissingTensorOrAnError()
    {
        var expected = new CaseResult("c/0", Set(("output", new Tensor([2, 1], [1.0, 2.0]))), new NamedTensors());
        var missing = new CaseResult("c/0", new NamedTensors(), new NamedTensors());
        Assert.That(ErrorLocation.Locate(SlideCase(2), expected, missing, ["outputs.output"], 1e-8, 1e-10), Is.Null);
        Assert.That(ErrorLocation.Locate(SlideCase(2), expected, CaseResult.Failed("c/0", "ValueError: x"), ["outputs.output"], 1e-8, 1e-10), Is.Null);
    }
}
