// The kit's runner.py never fails because of the student's code: whatever a function raises
// (or however the module fails to import) becomes that case's {"id", "error": "Type: message"},
// the other cases are still answered, the answers file is always valid results JSON, and
// non-finite numbers are written as "NaN" / "Infinity" / "-Infinity". Cases the assignment
// does not cover get an error naming what is not covered. Needs Debian's python3-numpy.
using NUnit.Framework;
using Rnn.Grading.Oracle;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Diagnosis;

public sealed class RunnerTests
{
    private static List<Case> FewCases()
    {
        var rng = new Rnn.Reference.Tensors.SeededRandom(3);
        return
        [
            KitCases.ReluSlide("relu/0", rng, 3, null, 2, 3, h0: false, grads: true),
            KitCases.TanhSlide("tanh/0", rng, 3, 2, 2, 3, 2, h0: true, grads: true),
            KitCases.Gated("lstm/0", "lstm", rng, 3, 2, 2, 3),
            KitCases.Gated("gru/0", "gru", rng, 3, 2, 2, 3),
            KitCases.Clip("clip/0", rng, 1.0, 2, ("a", [2, 2])),
            KitCases.Adam("adam/0", rng, [2], 2, 0.1, 0.9, 0.999, 1e-8, 0.0),
        ];
    }

    private static Dictionary<string, CaseResult> RunSource(string source, IEnumerable<Case> cases)
    {
        string python = ExternalTools.RequirePython("numpy");
        string dir = StudentKit.WithStudentSource(source);
        try { return StudentKit.Run(python, dir, cases); }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static string CorrectSource => File.ReadAllText(Path.Combine(StudentKit.CorrectDir, "rnn_student.py"));

    [Test]
    public void TheTemplateAnswersEveryCaseWithNotImplementedError()
    {
        var cases = FewCases();
        var answers = RunSource(File.ReadAllText(Path.Combine(StudentKit.KitDir, "rnn_student.py")), cases);
        Assert.That(answers.Keys, Is.EquivalentTo(cases.Select(c => c.Id)));
        Assert.That(answers["relu/0"].Error, Is.EqualTo("NotImplementedError: relu_rnn_forward: write this function"));
        Assert.That(answers["lstm/0"].Error, Is.EqualTo("NotImplementedError: lstm_forward: write this function"));
        Assert.That(answers["clip/0"].Error, Is.EqualTo("NotImplementedError: clip_grad_norm: write this function"));
        Assert.That(answers["adam/0"].Error, Is.EqualTo("NotImplementedError: adam_step: write this function"));
    }

    [Test]
    public void AnExceptionFailsOnlyItsOwnCases()
    {
        string source = CorrectSource + "\n\ndef gru_forward(*args):\n    return 1 / 0\n";
        var answers = RunSource(source, FewCases());
        Assert.That(answers["gru/0"].Error, Is.EqualTo("ZeroDivisionError: division by zero"));
        foreach (var id in new[] { "relu/0", "tanh/0", "lstm/0", "clip/0", "adam/0" })
            Assert.That(answers[id].Error, Is.Null, id);
    }

    [Test]
    public void SysExitInStudentCodeIsAnErrorNotTheEnd()
    {
        string source = CorrectSource + "\n\nimport sys\ndef tanh_rnn_backward(*args):\n    sys.exit(3)\n";
        var answers = RunSource(source, FewCases());
        Assert.That(answers["tanh/0"].Error, Is.EqualTo("SystemExit: 3"));
        Assert.That(answers["adam/0"].Error, Is.Null);
    }

    [Test]
    public void AModuleThatCannotBeImportedFailsEveryCase()
    {
        var answers = RunSource("def relu_rnn_forward(:\n", FewCases());
        Assert.That(answers, Has.Count.EqualTo(6));
        foreach (var (id, r) in answers)
            Assert.That(r.Error, Does.StartWith("ImportError: could not import rnn_student.py: SyntaxError"), id);
    }

    [Test]
    public void WrongReturnValuesAreReportedByFunctionName()
    {
        string source = CorrectSource + "\n\ndef lstm_forward(*args):\n    return 1, 2, 3\n";
        var answers = RunSource(source, FewCases());
        Assert.That(answers["lstm/0"].Error, Is.EqualTo("TypeError: lstm_forward must return 4 values but returned a tuple of length 3"));
    }

    [Test]
    public void NonFiniteNumbersAreWrittenAsTheStringsTheFormatUses()
    {
        string source = CorrectSource + """


            def clip_grad_norm(grads, max_norm, norm_type=2.0):
                return [g * float("nan") for g in grads[:1]] + [g * float("inf") for g in grads[1:]], float("-inf")
            """;
        var rng = new Rnn.Reference.Tensors.SeededRandom(5);
        var c = KitCases.Clip("clip/nan", rng, 1.0, 2, ("a", [2]), ("b", [2]));
        var answer = RunSource(source, [c])["clip/nan"];
        Assert.That(answer.Error, Is.Null);
        Assert.That(answer.Outputs["a"].Data, Is.All.NaN);
        Assert.That(answer.Outputs["b"].Data.Select(Math.Abs), Is.All.EqualTo(double.PositiveInfinity));
        Assert.That(answer.Outputs["total_norm"].Data, Is.EqualTo(new[] { double.NegativeInfinity }));
    }

    [Test]
    public void ForwardOnlyCasesNeedNoBackwardPass()
    {
        // the template's backward functions still raise: forward problems pass without them
        string template = File.ReadAllText(Path.Combine(StudentKit.KitDir, "rnn_student.py"));
        string correct = CorrectSource;
        string forwardOnly = correct.Replace("def relu_rnn_backward(", "def _unused_relu_rnn_backward(")
            .Replace("def lstm_backward(", "def _unused_lstm_backward(")
            + "\n\ndef relu_rnn_backward(doutputs, cache):\n    raise NotImplementedError('later')\n"
            + "\n\ndef lstm_backward(doutput, dh_n, dc_n, cache):\n    raise NotImplementedError('later')\n";
        Assert.That(template, Does.Contain("def relu_rnn_backward("));
        var rng = new Rnn.Reference.Tensors.SeededRandom(9);
        var cases = new List<Case>
        {
            KitCases.ReluSlide("relu/forward", rng, 3, null, 2, 3, h0: false, grads: false),
            KitCases.ReluSlide("relu/bptt", rng, 3, null, 2, 3, h0: false, grads: true),
            KitCases.Gated("lstm/forward", "lstm", rng, 3, 2, 2, 3, grads: false),
        };
        var answers = RunSource(forwardOnly, cases);
        Assert.That(answers["relu/forward"].Error, Is.Null);
        Assert.That(answers["relu/forward"].Outputs.Names, Is.EqualTo(new[] { "output", "last_output" }));
        Assert.That(answers["relu/forward"].Grads.Count, Is.Zero);
        Assert.That(answers["lstm/forward"].Error, Is.Null);
        Assert.That(answers["relu/bptt"].Error, Is.EqualTo("NotImplementedError: later"));
    }

    [Test]
    public void CasesOutsideTheAssignmentAreErrorsThatSayWhy()
    {
        var rng = new Rnn.Reference.Tensors.SeededRandom(11);
        var twoLayers = KitCases.Gated("lstm/two-layers", "lstm", rng, 3, 2, 2, 3);
        twoLayers = KitCases.RoundTrip(Rnn.Grading.Diagnosis.CaseEdits.WithConfig(twoLayers, "num_layers", 2));
        var rnnOp = KitCases.RoundTrip(twoLayers with { Id = "rnn/0", Op = "rnn" });
        var sgd = KitCases.RoundTrip(Rnn.Grading.Diagnosis.CaseEdits.WithConfig(
            KitCases.Adam("sgd/0", rng, [2], 1, 0.1, 0.9, 0.999, 1e-8, 0), "name", "sgd"));
        var perTensor = KitCases.RoundTrip(Rnn.Grading.Diagnosis.CaseEdits.WithConfig(
            KitCases.Clip("clip/per-tensor", rng, 1.0, 2, ("a", [2])), "mode", "per_tensor"));
        var answers = RunSource(CorrectSource, [twoLayers, rnnOp, sgd, perTensor]);
        Assert.That(answers["lstm/two-layers"].Error, Is.EqualTo("CaseNotSupported: num_layers must be 1 in this assignment"));
        Assert.That(answers["rnn/0"].Error, Does.StartWith("CaseNotSupported: op 'rnn' is not part of this assignment"));
        Assert.That(answers["sgd/0"].Error, Does.StartWith("CaseNotSupported: optimizer 'sgd' is not part of this assignment"));
        Assert.That(answers["clip/per-tensor"].Error, Does.StartWith("CaseNotSupported: only mode \"pytorch\""));
    }

    [Test]
    public void AnswersAreWrittenInCaseOrderAndTheFileIsValidAfterEveryCase()
    {
        var cases = FewCases();
        string python = ExternalTools.RequirePython("numpy");
        // the third case never returns: the file written so far must still hold the first two
        string source = CorrectSource + "\n\nimport os\ndef lstm_forward(*args):\n    os._exit(9)\n";
        string dir = StudentKit.WithStudentSource(source);
        try
        {
            using (var s = File.Create(Path.Combine(dir, "cases.json"))) CaseFile.WriteCases(s, cases);
            var (code, _, _) = ExternalTools.Run(python, ["runner.py", "cases.json", "answers.json"], TimeSpan.FromMinutes(1), dir);
            Assert.That(code, Is.EqualTo(9));
            IReadOnlyList<CaseResult> written;
            using (var s = File.OpenRead(Path.Combine(dir, "answers.json"))) written = CaseFile.ReadResults(s, "answers.json");
            Assert.That(written.Select(r => r.Id), Is.EqualTo(new[] { "relu/0", "tanh/0" }));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
