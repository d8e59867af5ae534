// The shipped assignment's graded cases expose every catalog mistake on every problem it can
// show on, by more than 10x the tolerance (CaseCoverage); a degenerate assignment (zero weight
// decay) is reported as not exposing the decoupled-decay mistake; and the two slips outside the
// catalog that once scored full marks (an LSTM in float32, Adam with eps inside the square root)
// miss the graded cases by more than 10x the tolerance too (run as NumPy code through the kit's
// runner; needs Debian's python3-numpy).
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Commands;
using Rnn.Grading.Diagnosis;
using Rnn.Grading.Oracle;
using Rnn.Grading.Tests.Diagnosis;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Autograder;

public sealed class CaseCoverageTests
{
    private static readonly MistakeCatalog Catalog = new();

    [Test]
    public void EveryMistakeMissesSomeGradedCaseOfEveryProblemItCanShowOnByTenTimesTheTolerance()
    {
        var a = AutograderTestSupport.Shipped();
        var rows = CaseCoverage.Measure(a, Catalog);
        TestContext.Out.Write(CaseCoverage.Render(rows));
        // every (problem, mistake) pair of the catalog whose ops include the problem's op is measured
        foreach (var p in a.Problems)
            Assert.That(rows.Where(r => r.Problem == p.Name).Select(r => r.Mistake),
                Is.EquivalentTo(Catalog.Mistakes.Where(m => m.Ops.Contains(p.Op)).Select(m => m.Id)), p.Name);
        Assert.That(rows.Where(r => r.CannotShow is null && !r.Exposed).Select(r => $"{r.Problem} {r.Mistake} {r.Margin:G3}"), Is.Empty);
        // only these pairs are excused, each for its stated reason
        Assert.That(rows.Where(r => r.CannotShow is not null).Select(r => $"{r.Problem} {r.Mistake}"), Is.EquivalentTo(new[]
        {
            "relu-rnn-forward no-bptt-through-state", "relu-rnn-forward initial-state-ignored", "relu-rnn-bptt initial-state-ignored",
            "lstm-forward no-bptt-through-state", "gru-forward no-bptt-through-state",
        }));
    }

    [Test]
    public void ADegenerateOptionIsReportedAsNotExposed()
    {
        // weight_decay 0: Adam's L2 decay and AdamW's decoupled decay are the same function
        var a = AutograderTestSupport.Shipped();
        var adam = a.Problems.Single(p => p.Name == "adam-step");
        var config = (JsonObject)adam.Config.DeepClone();
        config["weight_decay"] = 0;
        var degenerate = a with { Problems = [adam with { Config = CaseGenerator.AsParsedJson(config) }] };
        var rows = CaseCoverage.Measure(degenerate, Catalog);
        var decoupled = rows.Single(r => r.Mistake == KnownMistakes.AdamDecoupledWeightDecay);
        Assert.That(decoupled.Exposed, Is.False);
        Assert.That(decoupled.Margin, Is.LessThan(1));
        Assert.That(CaseCoverage.Render(rows), Does.Match("adam-decoupled-weight-decay +NOT EXPOSED"));
        Assert.That(rows.Where(r => r.Mistake != KnownMistakes.AdamDecoupledWeightDecay).All(r => r.Exposed), Is.True);
    }

    [Test]
    public void CheckCasesExitsZeroForTheShippedAssignment()
    {
        var stdout = new StringWriter();
        int code = GradeCommand.Run(["check-cases", "--assignment", AutograderTestSupport.ShippedAssignmentPath], stdout, new StringWriter(),
            null, NoDiagnosis.Instance);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stdout.ToString());
        Assert.That(stdout.ToString(), Does.Contain("Every mistake that can show is exposed."));
    }

    [Test]
    public void MarginIsTheWorstElementOverItsTolerance()
    {
        // |1.1 - 1| / (0.01 + 0.1 * 1) = 0.1 / 0.11; |2 - 0| / 0.01 = 200
        var expected = new Rnn.Reference.Tensors.Tensor([2], [1.0, 0.0]);
        var got = new Rnn.Reference.Tensors.Tensor([2], [1.1, 2.0]);
        Assert.That(CaseCoverage.Margin(got, expected, 0.1, 0.01), Is.EqualTo(200).Within(1e-9));
        Assert.That(CaseCoverage.Margin(new Rnn.Reference.Tensors.Tensor([1], [1.0]), expected, 0.1, 0.01), Is.EqualTo(double.PositiveInfinity));
    }

    /// <summary>The best margin over the problem's graded cases of a NumPy submission's answers.</summary>
    private static double GradedMargin(string problemName, string source, string? extraFile = null)
    {
        string python = ExternalTools.RequirePython("numpy");
        var a = AutograderTestSupport.Shipped();
        var p = a.Problems.Single(x => x.Name == problemName);
        var cases = CaseStreams.Graded(a, p);
        string dir = StudentKit.WithStudentSource(source);
        try
        {
            if (extraFile is not null) File.Copy(Path.Combine(StudentKit.CorrectDir, "rnn_student.py"), Path.Combine(dir, extraFile));
            var answers = StudentKit.Run(python, dir, cases);
            double best = 0;
            foreach (var c in cases)
            {
                var expected = Evaluator.Evaluate(c);
                foreach (var name in ProblemGrading.CheckedNames(p, expected))
                {
                    bool isOutput = name.StartsWith("outputs.", StringComparison.Ordinal);
                    string bare = name[(name.IndexOf('.') + 1)..];
                    var got = (isOutput ? answers[c.Id].Outputs : answers[c.Id].Grads)[bare];
                    best = Math.Max(best, CaseCoverage.Margin(got, (isOutput ? expected.Outputs : expected.Grads)[bare], p.Rtol, p.Atol));
                }
            }
            TestContext.Out.WriteLine($"{problemName}: best margin {best:G3}x the tolerance");
            return best;
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [TestCase("lstm-forward")]
    [TestCase("lstm-bptt")]
    public void AFloat32LstmMissesByMoreThanTenTimesTheTolerance(string problem) =>
        Assert.That(GradedMargin(problem, SelfCheckTests.Float32LstmSource, "rnn_correct.py"), Is.GreaterThan(CaseCoverage.RequiredMargin));

    [Test]
    public void AdamWithEpsInsideTheSquareRootMissesByMoreThanTenTimesTheTolerance()
    {
        string correct = File.ReadAllText(Path.Combine(StudentKit.CorrectDir, "rnn_student.py"));
        const string right = "np.sqrt(v_hat) + eps";
        Assert.That(correct, Does.Contain(right), "the correct submission's Adam update");
        Assert.That(GradedMargin("adam-step", correct.Replace(right, "np.sqrt(v_hat + eps)")), Is.GreaterThan(CaseCoverage.RequiredMargin));
    }
}
