// The student kit's self-check (grading/student-kit/self_check.py with sample_cases.json and
// sample_check.json): the kit's files are exactly what `grade sample-cases --self-check`
// writes (one sample set everywhere); the correct submission passes every sampled problem;
// each catalog mistake's submission fails with that mistake's hint; a float32 LSTM fails
// lstm-forward; the template's NotImplementedError is shown once, not once per case; and
// answers to the sample cases, fed to the grader, are said to be sample answers.
// Needs Debian's python3-numpy.
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Commands;
using Rnn.Grading.Diagnosis;
using Rnn.Grading.Oracle;
using Rnn.Grading.Tests.Autograder;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Diagnosis;

public sealed class SelfCheckTests
{
    private static (int Code, string Out) SelfCheck(string python, string studentDir)
    {
        var (code, stdout, stderr) = ExternalTools.Run(python, [Path.Combine(StudentKit.KitDir, "self_check.py")],
            TimeSpan.FromMinutes(2), workingDirectory: studentDir);
        TestContext.Out.WriteLine(stdout + stderr);
        return (code, stdout + stderr);
    }

    [Test]
    public void TheKitsSampleFilesAreWhatGradeSampleCasesWrites()
    {
        string dir = AutograderTestSupport.TempDir();
        string cases = Path.Combine(dir, "sample_cases.json"), check = Path.Combine(dir, "sample_check.json");
        var stderr = new StringWriter();
        int code = GradeCommand.Run(["sample-cases", "--assignment", AutograderTestSupport.ShippedAssignmentPath, "-o", cases,
            "--self-check", check], new StringWriter(), stderr, null, NoDiagnosis.Instance);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr.ToString());
        foreach (var (fresh, name) in new[] { (cases, "sample_cases.json"), (check, "sample_check.json") })
            Assert.That(File.ReadAllText(fresh), Is.EqualTo(File.ReadAllText(Path.Combine(StudentKit.KitDir, name))),
                $"grading/student-kit/{name} differs from what `grade sample-cases --assignment grading/assignments/rnn-slides.json " +
                "-o grading/student-kit/sample_cases.json --self-check grading/student-kit/sample_check.json` writes: run it again");
    }

    [Test]
    public void TheSelfCheckFileHoldsOnlyVisibleProblemsAndTheirSampleIds()
    {
        var a = AutograderTestSupport.Shipped();
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(StudentKit.KitDir, "sample_check.json")))!;
        var names = root["problems"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
        Assert.That(names, Is.EqualTo(a.Problems.Where(p => p.Visibility == Visibility.Visible).Select(p => p.Name)));
        var graded = a.Problems.SelectMany(p => CaseStreams.Graded(a, p)).Select(c => c.Id).ToHashSet();
        foreach (var p in root["problems"]!.AsArray())
            foreach (var c in p!["cases"]!.AsArray())
            {
                string id = (string)c!["id"]!;
                Assert.That(id, Does.StartWith((string)p["name"]! + "/sample-"));
                Assert.That(graded, Does.Not.Contain(id));
            }
        Assert.That(root["not_sampled"]!.AsArray().Select(p => (string)p!["name"]!), Is.EqualTo(new[] { "lstm-bptt", "gru-bptt" }));
        // the expected values are the oracle's (computed independently of the file here)
        var kitCases = ReadKitCases();
        var first = root["problems"]![0]!["cases"]![0]!;
        var oracle = Evaluator.Evaluate(kitCases.Single(c => c.Id == (string)first["id"]!));
        var output = first["expected"]!["outputs"]!["output"]!;
        Assert.That(output["data"]!.AsArray().Select(v => (double)v!), Is.EqualTo(oracle.Outputs["output"].Data));
    }

    [Test]
    public void TheCorrectSubmissionPassesEverySampledProblem()
    {
        string python = ExternalTools.RequirePython("numpy");
        string dir = StudentKit.Materialize(null);
        try
        {
            var (code, output) = SelfCheck(python, dir);
            Assert.That(code, Is.EqualTo(0));
            Assert.That(output, Does.Contain("7 of 7 problems pass on the sample cases."));
            Assert.That(output, Does.Not.Contain("FAIL"));
            Assert.That(output, Does.Contain("lstm-bptt").And.Contain("gru-bptt"), "the problems without samples are named");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void EveryMistakeSubmissionFailsWithItsHint([ValueSource(typeof(StudentKit), nameof(StudentKit.MistakeIds))] string id)
    {
        string python = ExternalTools.RequirePython("numpy");
        var mistake = new MistakeCatalog().Get(StudentKit.ReadPatch(id).Mistake);
        string dir = StudentKit.Materialize(id);
        try
        {
            var (code, output) = SelfCheck(python, dir);
            Assert.That(code, Is.EqualTo(1));
            Assert.That(output, Does.Contain("FAIL"));
            var hints = output.Split('\n').Where(l => l.TrimStart().StartsWith("hint (", StringComparison.Ordinal)).ToList();
            Assert.That(hints, Is.Not.Empty, "no hint at all");
            Assert.That(hints.Any(h => h.EndsWith("): " + mistake.Message, StringComparison.Ordinal)), Is.True,
                $"no hint naming {mistake.Id}:\n{string.Join("\n", hints)}");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void AFloat32LstmFailsLstmForwardAndOnlyThat()
    {
        string python = ExternalTools.RequirePython("numpy");
        string dir = StudentKit.WithStudentSource(Float32LstmSource);
        try
        {
            File.Copy(Path.Combine(StudentKit.CorrectDir, "rnn_student.py"), Path.Combine(dir, "rnn_correct.py"));
            var (code, output) = SelfCheck(python, dir);
            Assert.That(code, Is.EqualTo(1));
            Assert.That(output, Does.Contain("FAIL  lstm-forward"));
            Assert.That(output, Does.Contain("6 of 7 problems pass"));
            Assert.That(output, Does.Contain("float32"), "the precision hint");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>The correct submission, with its LSTM computed in float32 (inputs, weights and upstream gradients cast).</summary>
    public const string Float32LstmSource =
        """
        import numpy as np
        import rnn_correct as correct
        from rnn_correct import *

        def _f32(arrays):
            return [np.asarray(a, dtype=np.float32) for a in arrays]

        def lstm_forward(*args):
            return correct.lstm_forward(*_f32(args))

        def lstm_backward(doutput, dh_n, dc_n, cache):
            return correct.lstm_backward(*_f32([doutput, dh_n, dc_n]), cache)
        """;

    [Test]
    public void TheTemplatesErrorIsShownOnceNotPerCase()
    {
        string python = ExternalTools.RequirePython("numpy");
        string dir = StudentKit.WithStudentSource(File.ReadAllText(Path.Combine(StudentKit.KitDir, "rnn_student.py")));
        try
        {
            var (code, output) = SelfCheck(python, dir);
            Assert.That(code, Is.EqualTo(1));
            Assert.That(output, Does.Contain("0 of 7 problems pass"));
            // 36 cases raise; each distinct traceback is printed once (at most three are shown)
            int tracebacks = output.Split("Traceback (most recent call last):").Length - 1;
            Assert.That(tracebacks, Is.InRange(1, 3));
            Assert.That(output, Does.Contain("NotImplementedError: relu_rnn_forward: write this function"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void AnswersToTheSampleCasesAreSaidToBeSampleAnswersWhenGraded()
    {
        string python = ExternalTools.RequirePython("numpy");
        string dir = StudentKit.Materialize(null);
        try
        {
            var answers = StudentKit.Run(python, dir, ReadKitCases());
            var run = new Grader(new AutograderTestSupport.ListSource([.. answers.Values])).Grade(
                AutograderTestSupport.Shipped(), Path.Combine(dir, "results.json"));
            var first = run.Problems[0];
            Assert.That(first.Score, Is.Zero);
            Assert.That(first.Notes, Has.Some.Contains("answers to the sample cases (relu-rnn-forward/sample-0"));
            Assert.That(first.Notes, Has.Some.Contains("the grader grades its own cases, relu-rnn-forward/0 to relu-rnn-forward/4"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static IReadOnlyList<Case> ReadKitCases()
    {
        using var s = File.OpenRead(Path.Combine(StudentKit.KitDir, "sample_cases.json"));
        return CaseFile.ReadCases(s, "sample_cases.json");
    }
}
