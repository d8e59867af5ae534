// The correct example submission (grading/examples/correct/rnn_student.py), run through the
// kit's runner.py exactly as the grader runs it, answers every case of every kit op as the
// oracle does: every output and gradient within 1e-9 (|answer - oracle| <= 1e-9 + 1e-9 |oracle|),
// with the same tensor names and shapes. The oracle and the correct submission agree on the
// kit's sample case file too (that it is `grade sample-cases`'s output is SelfCheckTests').
// Needs Debian's python3-numpy.
using NUnit.Framework;
using Rnn.Grading.Diagnosis;
using Rnn.Grading.Oracle;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Diagnosis;

public sealed class CorrectSubmissionTests
{
    private const double Tolerance = 1e-9;

    [Test]
    public void CorrectSubmissionMatchesTheOracleOnEveryLayout()
    {
        string python = ExternalTools.RequirePython("numpy");
        var cases = KitCases.AllLayouts(seed: 20240507);
        string dir = StudentKit.Materialize(null);
        try
        {
            var answers = StudentKit.Run(python, dir, cases);
            double worst = CompareAll(cases, answers);
            TestContext.Out.WriteLine($"correct submission vs oracle, {cases.Count} cases: worst difference {worst:E2}");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void SampleCasesAreTheVisibleProblemsSampleStreamAndTheCorrectSubmissionAnswersThem()
    {
        IReadOnlyList<Case> cases;
        using (var s = File.OpenRead(Path.Combine(StudentKit.KitDir, "sample_cases.json")))
            cases = CaseFile.ReadCases(s, "sample_cases.json");
        // hidden and after-due-date problems (lstm-bptt, gru-bptt) have no samples
        string[] problems = ["relu-rnn-forward", "relu-rnn-bptt", "tanh-rnn-cell", "lstm-forward",
            "gru-forward", "clip-grad-norm", "adam-step"];
        Assert.That(cases.Select(c => c.Id[..c.Id.IndexOf('/')]).Distinct(), Is.EqualTo(problems));
        Assert.That(cases.All(c => c.Id[(c.Id.IndexOf('/') + 1)..].StartsWith("sample-", StringComparison.Ordinal)));
        foreach (var c in cases)
            Assert.That(Evaluator.Evaluate(c).Error, Is.Null, $"the oracle rejects sample case {c.Id}");
        // the forward problems give no upstream gradients, so a submission without backward passes answers them
        foreach (var id in new[] { "relu-rnn-forward/sample-0", "lstm-forward/sample-0", "gru-forward/sample-0" })
            Assert.That(cases.Single(c => c.Id == id).GradOutputs.Count, Is.Zero, id);

        string python = ExternalTools.RequirePython("numpy");
        string dir = StudentKit.Materialize(null);
        try
        {
            var answers = StudentKit.Run(python, dir, cases);
            double worst = CompareAll(cases, answers);
            TestContext.Out.WriteLine($"correct submission vs oracle on sample_cases.json: worst difference {worst:E2}");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void CorrectAnswersAreNeverDiagnosed()
    {
        string python = ExternalTools.RequirePython("numpy");
        var cases = KitCases.AllLayouts(seed: 7);
        string dir = StudentKit.Materialize(null);
        try
        {
            var answers = StudentKit.Run(python, dir, cases);
            var catalog = new MistakeCatalog();
            foreach (var c in cases)
            {
                var expected = Evaluator.Evaluate(c);
                // even told that every tensor failed, no mistake explains a right answer
                var everything = expected.Outputs.Names.Select(n => "outputs." + n)
                    .Concat(c.GradOutputs.Count > 0 ? expected.Grads.Names.Select(n => "grads." + n) : []).ToList();
                Assert.That(catalog.Diagnose(c, expected, answers[c.Id], everything, 1e-7, 1e-9), Is.Null, c.Id);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>Compares every answer with the oracle; fails listing every difference; returns the worst.</summary>
    private static double CompareAll(IReadOnlyList<Case> cases, Dictionary<string, CaseResult> answers)
    {
        double worst = 0;
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var expected = Evaluator.Evaluate(c);
            Assert.That(expected.Error, Is.Null, $"the oracle rejects {c.Id}: {expected.Error}");
            Assert.That(answers.ContainsKey(c.Id), $"no answer for {c.Id}");
            var answer = answers[c.Id];
            Assert.That(answer.Error, Is.Null, $"{c.Id}: the correct submission answered with an error: {answer.Error}");
            Assert.That(answer.Outputs.Names, Is.EquivalentTo(expected.Outputs.Names), $"{c.Id}: output names");
            Compare(c.Id, "outputs", expected.Outputs, answer.Outputs, failures, ref worst);
            if (c.GradOutputs.Count > 0)
            {
                Assert.That(answer.Grads.Names, Is.EquivalentTo(expected.Grads.Names), $"{c.Id}: gradient names");
                Compare(c.Id, "grads", expected.Grads, answer.Grads, failures, ref worst);
            }
            else
                Assert.That(answer.Grads.Count, Is.Zero, $"{c.Id}: a forward-only case is answered with outputs only");
        }
        Assert.That(failures, Is.Empty, string.Join("\n", failures));
        return worst;
    }

    private static void Compare(string id, string kind, Rnn.Reference.Tensors.NamedTensors expected,
        Rnn.Reference.Tensors.NamedTensors answer, List<string> failures, ref double worst)
    {
        foreach (var (name, e) in expected)
        {
            var a = answer[name];
            if (!a.HasShape(e.Shape)) { failures.Add($"{id}: {kind}.{name} is {a.ShapeText()}, oracle {e.ShapeText()}"); continue; }
            for (int i = 0; i < e.Length; i++)
            {
                double d = Math.Abs(a.Data[i] - e.Data[i]);
                worst = Math.Max(worst, d / Math.Max(1.0, Math.Abs(e.Data[i])));
                if (!(d <= Tolerance + Tolerance * Math.Abs(e.Data[i])))
                {
                    failures.Add($"{id}: {kind}.{name}[{i}] is {a.Data[i]:R}, oracle {e.Data[i]:R}");
                    break;
                }
            }
        }
    }
}
