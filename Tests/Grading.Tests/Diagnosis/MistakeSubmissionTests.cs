// Every example submission under grading/examples/mistakes/ID (the correct submission with
// one mistake patched in) is run through the kit's runner on cases of the ops its patch
// touches. Wherever its answer fails, MistakeCatalog must name exactly that mistake; every op
// the patch touches must fail somewhere (the patch shows). Where the patch says its whole
// answer is predicted, every output and gradient must equal the mistake's re-evaluation: the
// NumPy patch and the C# variant are two independent implementations of the same mistake. The patches themselves must apply
// to the correct submission (each edit found exactly once) and name a catalog mistake, and
// every catalog mistake must have a submission. Needs Debian's python3-numpy.
using NUnit.Framework;
using Rnn.Grading.Diagnosis;
using Rnn.Grading.Oracle;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Diagnosis;

public sealed class MistakeSubmissionTests
{
    private const double Rtol = 1e-7, Atol = 1e-9;

    public static IEnumerable<string> MistakeIds() => StudentKit.MistakeIds();

    [Test]
    public void EveryCatalogMistakeHasAnExampleSubmissionAndNoOther()
    {
        Assert.That(StudentKit.MistakeIds(), Is.EquivalentTo(KnownMistakes.All.Select(m => m.Id)));
        Assert.That(KnownMistakes.All, Has.Count.GreaterThanOrEqualTo(12));
    }

    [TestCaseSource(nameof(MistakeIds))]
    public void PatchAppliesAndTouchesOnlyOpsOfItsMistake(string id)
    {
        var patch = StudentKit.ReadPatch(id);
        Assert.That(patch.Mistake, Is.EqualTo(id));
        Assert.That(patch.File, Is.EqualTo("rnn_student.py"));
        Assert.That(patch.Edits, Is.Not.Empty);
        var mistake = new MistakeCatalog().Get(id);
        Assert.That(mistake.Ops, Is.SupersetOf(patch.Ops), $"{id}: the patch touches ops the catalog does not list for it");
        string correct = File.ReadAllText(Path.Combine(StudentKit.CorrectDir, "rnn_student.py"));
        string mistaken = StudentKit.Apply(correct, patch);
        Assert.That(mistaken, Is.Not.EqualTo(correct));
    }

    [TestCaseSource(nameof(MistakeIds))]
    public void SubmissionIsDiagnosedAsItsMistake(string id)
    {
        string python = ExternalTools.RequirePython("numpy");
        var patch = StudentKit.ReadPatch(id);
        var cases = patch.Ops.SelectMany((op, k) => KitCases.Revealing(op, seed: (ulong)(1000 + k))).ToList();
        var catalog = new MistakeCatalog();
        string dir = StudentKit.Materialize(id);
        try
        {
            var answers = StudentKit.Run(python, dir, cases);
            var failingOps = new HashSet<string>();
            foreach (var c in cases)
            {
                var expected = Evaluator.Evaluate(c);
                var answer = answers[c.Id];
                Assert.That(answer.Error, Is.Null, $"{id} {c.Id}: the submission answered with an error: {answer.Error}");
                var failed = StudentKit.FailedTensors(c, expected, answer, Rtol, Atol);
                if (failed.Count == 0) continue;
                failingOps.Add(c.Op);
                var found = catalog.Identify(c, expected, answer, failed, Rtol, Atol);
                TestContext.Out.WriteLine($"{id} {c.Id}: failed {string.Join(", ", failed)} -> {found?.Mistake.Id ?? "no diagnosis"}");
                Assert.That(found?.Mistake.Id, Is.EqualTo(id), $"{c.Id}: failed {string.Join(", ", failed)}");
                Assert.That(catalog.Diagnose(c, expected, answer, failed, Rtol, Atol), Is.EqualTo(catalog.Get(id).Message));
                if (patch.WholeAnswerPredicted)
                {
                    // the NumPy submission and the C# re-evaluation, written independently, agree on every tensor
                    foreach (var (name, t) in answer.Outputs)
                        Assert.That(TensorMatch.Close(t, found!.Mistaken.Outputs[name], Rtol, Atol), $"{c.Id}: outputs.{name} is not the mistake's");
                    foreach (var (name, t) in answer.Grads)
                        Assert.That(TensorMatch.Close(t, found!.Mistaken.Grads[name], Rtol, Atol), $"{c.Id}: grads.{name} is not the mistake's");
                }
            }
            Assert.That(failingOps, Is.EquivalentTo(patch.Ops), $"{id}: the ops on which the submission fails");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
