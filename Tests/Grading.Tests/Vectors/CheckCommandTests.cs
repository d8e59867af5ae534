// `rnn-grading check` (Spec/vectors.md): another implementation's answers against the oracle.
// The wrong answers here are made by hand in the test from the committed expected results (a
// transposed tensor, gate blocks moved, a doubled bias gradient, ...) or by running the oracle
// on parameters rearranged the way the mistake rearranges them, so each is the answer that
// mistake gives; check must fail them, point at the tensor and name the mistake.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Commands;
using Rnn.Grading.Oracle;
using Rnn.Grading.Vectors;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Vectors;

public sealed class CheckCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rnn-check-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string Vectors => Path.Combine(RepoPaths.Root, "Spec", "vectors");
    private static string CasesPath => Path.Combine(Vectors, VectorFiles.CasesJson);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CheckCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static List<CaseResult> Expected()
    {
        using var s = File.OpenRead(Path.Combine(Vectors, VectorFiles.ExpectedJson));
        return [.. CaseFile.ReadResults(s, "expected.json")];
    }

    private static Case CaseOf(string id)
    {
        using var s = File.OpenRead(CasesPath);
        return CaseFile.ReadCases(s, "cases.json").Single(c => c.Id == id);
    }

    private string Write(IEnumerable<CaseResult> results, string name = "answers.json")
    {
        string path = Path.Combine(_dir, name);
        using var s = File.Create(path);
        FileFormats.WriteResults(s, [.. results], FileFormats.FromPath(path)!.Value);
        return path;
    }

    /// <summary>The expected results with one tensor of one case replaced.</summary>
    private static List<CaseResult> With(string id, string section, string name, Func<Tensor, Tensor> edit)
    {
        var results = Expected();
        int k = results.FindIndex(r => r.Id == id);
        var r = results[k];
        var set = new NamedTensors();
        foreach (var (n, t) in section == "outputs" ? r.Outputs : r.Grads) set.Add(n, n == name ? edit(t.Clone()) : t);
        results[k] = section == "outputs" ? r with { Outputs = set } : r with { Grads = set };
        return results;
    }

    /// <summary>Rows a and b blocks of H rows swapped (blocks along the first axis).</summary>
    private static Tensor SwapRowBlocks(Tensor t, int H, int a, int b)
    {
        int row = t.Length / t.Shape[0];
        var d = (double[])t.Data.Clone();
        for (int i = 0; i < H * row; i++) (d[a * H * row + i], d[b * H * row + i]) = (t.Data[b * H * row + i], t.Data[a * H * row + i]);
        return new Tensor(t.Shape, d);
    }

    [Test]
    public void TheOraclesOwnResultsPassEveryCase()
    {
        var (code, output, err) = Run(CasesPath, Path.Combine(Vectors, VectorFiles.ExpectedJson));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), err);
        Assert.That(output, Does.Contain("90 of 90 cases pass, 0 fail"));
        Assert.That(output, Does.Contain("tolerance from manifest.json beside CASES"));
        // .npz answers read the same
        (code, output, _) = Run(CasesPath, Path.Combine(Vectors, VectorFiles.ExpectedNpz));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), output);
    }

    [Test]
    public void CsGateOrderInTheGradientIsPointedOut()
    {
        // lstm/small, H = 2: the gradient of weight_ih_l0 with blocks g and o (rows 4..5 and 6..7) swapped
        var (code, output, _) = Run(CasesPath, Write(With("lstm/small", "grads", "weight_ih_l0", t => SwapRowBlocks(t, 2, 2, 3))));
        Assert.That(code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        Assert.That(output, Does.Contain("FAIL lstm/small (lstm)"));
        Assert.That(output, Does.Contain("FAIL grads.weight_ih_l0: "));
        Assert.That(output, Does.Contain("worst at ["));
        Assert.That(output, Does.Contain("likely: grads.weight_ih_l0's gate blocks are in the order i, f, o, g where this case's order is i, f, g, o (CS231n's order)"));
        Assert.That(output, Does.Contain("pass outputs.output"));
        Assert.That(output, Does.Contain("89 of 90 cases pass, 1 fail (1 tensors failed)"));
    }

    [Test]
    public void KerasGruGateOrderIsNamedInKerasLetters()
    {
        // keras/gru-reset-after: kernel [I 3, 3H 6] with gates z, r, h side by side; swap the z and r columns
        var (_, output, _) = Run(CasesPath, Write(With("keras/gru-reset-after", "grads", "kernel", t =>
        {
            var d = (double[])t.Data.Clone();
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++)
                    (d[i * 6 + j], d[i * 6 + 2 + j]) = (t.Data[i * 6 + 2 + j], t.Data[i * 6 + j]);
            return new Tensor(t.Shape, d);
        })));
        Assert.That(output, Does.Contain("grads.kernel's gate blocks are in the order r, z, h where this case's order is z, r, h"));
    }

    [Test]
    public void ATransposedWeightGradientIsPointedOut()
    {
        var (_, output, _) = Run(CasesPath, Write(With("keras/lstm", "grads", "kernel", t =>
        {
            int I = t.Shape[0], GH = t.Shape[1];
            var d = new double[t.Length];
            for (int i = 0; i < I; i++)
                for (int j = 0; j < GH; j++) d[j * I + i] = t.Data[i * GH + j];
            return new Tensor([GH, I], d);
        })));
        Assert.That(output, Does.Contain("FAIL grads.kernel: shape [8, 3], but [3, 8] was expected"));
        Assert.That(output, Does.Contain("likely: grads.kernel is the transpose of the expected [3, 8]: convention \"keras\" stores it [3, 8]"));
    }

    [Test]
    public void ADoubledMergedBiasAndAZeroBiasHhArePointedOut()
    {
        var answers = With("cs231n/lstm", "grads", "b", t => new Tensor(t.Shape, [.. t.Data.Select(v => 2 * v)]));
        var (_, output, _) = Run(CasesPath, Write(answers));
        Assert.That(output, Does.Contain("likely: grads.b is twice the expected gradient"));
        (_, output, _) = Run(CasesPath, Write(With("gru/small", "grads", "bias_hh_l0", t => Tensor.Zeros(t.Shape))));
        Assert.That(output, Does.Contain("likely: grads.bias_hh_l0 is zero: PyTorch's bias_hh gets the same gradient as bias_ih"));
    }

    [Test]
    public void ABatchMajorOutputForATimeMajorCaseIsPointedOut()
    {
        // rnn/small: output [T 3, B 2, H 2] given as [B, T, H]
        var (_, output, _) = Run(CasesPath, Write(With("rnn/small", "outputs", "output", t =>
        {
            var d = new double[t.Length];
            for (int s = 0; s < 3; s++)
                for (int b = 0; b < 2; b++)
                    for (int j = 0; j < 2; j++) d[(b * 3 + s) * 2 + j] = t.Data[(s * 2 + b) * 2 + j];
            return new Tensor([2, 3, 2], d);
        })));
        Assert.That(output, Does.Contain("likely: outputs.output has its first two axes swapped: the case is time-major"));
    }

    [Test]
    public void AnLstmReadInCsOrderIsNamedFromTheCatalog()
    {
        // an implementation that reads PyTorch's blocks as i, f, o, g answers the oracle's LSTM with
        // blocks g and o of every weight and bias swapped, and its gradients swapped back
        var c = CaseOf("lstm/small");
        var swapped = new NamedTensors();
        foreach (var (n, t) in c.Params) swapped.Add(n, SwapRowBlocks(t, 2, 2, 3));
        var r = Evaluator.Evaluate(c with { Params = swapped });
        var grads = new NamedTensors();
        foreach (var (n, g) in r.Grads) grads.Add(n, c.Params.Contains(n) ? SwapRowBlocks(g, 2, 2, 3) : g);
        var answers = Expected();
        answers[answers.FindIndex(x => x.Id == c.Id)] = r with { Grads = grads };
        var (code, output, _) = Run(CasesPath, Write(answers), "--only", "lstm/small");
        Assert.That(code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        Assert.That(output, Does.Contain("FAIL outputs.output"));
        Assert.That(output, Does.Contain("known mistake lstm-gate-order-ifog: Your LSTM reads the gate blocks in the order i, f, o, g"));
        Assert.That(output, Does.Contain("0 of 1 cases pass"));
    }

    [Test]
    public void NgsUpdateGateTakenForPyTorchsZIsNamed()
    {
        // ng/gru-reset-before (I 3, H 2): Wu [H, H+I] = -[W_hz | W_iz], bu = -(b_iz + b_hz). An implementation
        // that takes Γu for z runs PyTorch's reset-before GRU with z's rows = +Wu. Map Ng's tensors to that
        // GRU here by hand, run it, and map its gradients back the same way.
        var c = CaseOf("ng/gru-reset-before");
        int H = 2, I = 3;
        var p = c.Params;
        double[] Wih = new double[3 * H * I], Whh = new double[3 * H * H], bih = new double[3 * H];
        foreach (var (gate, block) in new[] { ("r", 0), ("u", 1), ("c", 2) })
        {
            var W = p["W" + gate].Data;                             // [H, H + I]: the state's columns first
            for (int j = 0; j < H; j++)
            {
                for (int k = 0; k < H; k++) Whh[(block * H + j) * H + k] = W[j * (H + I) + k];
                for (int k = 0; k < I; k++) Wih[(block * H + j) * I + k] = W[j * (H + I) + H + k];
                bih[block * H + j] = p["b" + gate].Data[j];
            }
        }
        var config = (JsonObject)c.Config.DeepClone();
        config.Remove("convention");
        config["reset_after"] = false;
        var torchCase = c with
        {
            Config = config,
            Params = new NamedTensors
            {
                { "weight_ih_l0", new Tensor([3 * H, I], Wih) }, { "weight_hh_l0", new Tensor([3 * H, H], Whh) },
                { "bias_ih_l0", new Tensor([3 * H], bih) }, { "bias_hh_l0", Tensor.Zeros(3 * H) },
            },
        };
        var r = Evaluator.Evaluate(torchCase);
        Assert.That(r.Error, Is.Null);
        var grads = new NamedTensors();
        foreach (var name in new[] { "input", "h0" }) grads.Add(name, r.Grads[name]);
        foreach (var (gate, block) in new[] { ("u", 1), ("r", 0), ("c", 2) })
        {
            var dW = new double[H * (H + I)];
            var db = new double[H];
            for (int j = 0; j < H; j++)
            {
                for (int k = 0; k < H; k++) dW[j * (H + I) + k] = r.Grads["weight_hh_l0"].Data[(block * H + j) * H + k];
                for (int k = 0; k < I; k++) dW[j * (H + I) + H + k] = r.Grads["weight_ih_l0"].Data[(block * H + j) * I + k];
                db[j] = r.Grads["bias_ih_l0"].Data[block * H + j];
            }
            grads.Add("W" + gate, new Tensor([H, H + I], dW));
            grads.Add("b" + gate, new Tensor([H, 1], db));
        }
        var answers = Expected();
        answers[answers.FindIndex(x => x.Id == c.Id)] = new CaseResult(c.Id, r.Outputs, grads);
        var (code, output, _) = Run(CasesPath, Write(answers), "--only", "ng/");
        Assert.That(code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        Assert.That(output, Does.Contain("FAIL ng/gru-reset-before (gru)"));
        Assert.That(output, Does.Contain("known mistake ng-update-gate-as-z: Your GRU takes Ng's update gate Γu for PyTorch's z"));
        Assert.That(output, Does.Contain("4 of 5 cases pass"));
    }

    [Test]
    public void MissingAnswersAndReportedErrorsFailUnlessSkipped()
    {
        var answers = Expected().Where(r => !r.Id.StartsWith("optimizer/", StringComparison.Ordinal)).ToList();
        answers[answers.FindIndex(r => r.Id == "softmax/large")] = CaseResult.Failed("softmax/large", "ZeroDivisionError: boom");
        string path = Write(answers);
        var (code, output, _) = Run(CasesPath, path);
        Assert.That(code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        Assert.That(output, Does.Contain("FAIL optimizer/adam (optimizer)\n  RESULTS has no result with this id"));
        Assert.That(output, Does.Contain("the implementation reported an error: ZeroDivisionError: boom"));
        (code, output, _) = Run(CasesPath, path, "--skip-missing", "--only", "optimizer,softmax/dim0");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), output);
        Assert.That(output, Does.Contain("1 of 1 cases pass"));
        Assert.That(output, Does.Contain("11 cases not answered (--skip-missing): optimizer/sgd-nesterov"));
    }

    [Test]
    public void AnExistingReportIsReplacedOnlyWithForce()
    {
        string report = Path.Combine(_dir, "kept.md");
        File.WriteAllText(report, "the user's notes");
        var answers = Write(With("gru/small", "grads", "bias_hh_l0", t => Tensor.Zeros(t.Shape)));
        var (code, _, err) = Run(CasesPath, answers, "--report", report);
        Assert.That(code, Is.EqualTo(ExitCodes.CannotWriteOutput));
        Assert.That(err, Does.Contain($"the report '{report}' already exists; give --force to replace it (nothing was written)"));
        Assert.That(File.ReadAllText(report), Is.EqualTo("the user's notes"));
        (code, _, _) = Run(CasesPath, answers, "--report", report, "--force");
        Assert.That(code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        Assert.That(File.ReadAllText(report), Does.StartWith("# check: "));
    }

    [Test]
    public void TheReportIsMarkdownWithEveryFailure()
    {
        string report = Path.Combine(_dir, "report.md");
        var (code, _, _) = Run(CasesPath, Write(With("gru/small", "grads", "bias_hh_l0", t => Tensor.Zeros(t.Shape))), "--report", report);
        Assert.That(code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        string md = File.ReadAllText(report);
        Assert.That(md, Does.StartWith("# check: "));
        Assert.That(md, Does.Contain("89 of 90 cases pass, 1 fail."));
        Assert.That(md, Does.Contain("| gru/small | gru | FAIL | grads.bias_hh_l0 |  |"));
        Assert.That(md, Does.Contain("## gru/small (gru)"));
        Assert.That(md, Does.Contain("- `grads.bias_hh_l0`: **fail**: 6 of 6 elements outside the tolerance"));
    }

    [Test]
    public void CommandLineTolerancesReplaceTheManifests()
    {
        // every bias_hh_l0 gradient of gru/small off by 1e-6: fails at the manifest's rtol 1e-7, passes at 1e-4
        string path = Write(With("gru/small", "grads", "bias_hh_l0", t => new Tensor(t.Shape, [.. t.Data.Select(v => v * (1 + 1e-6))])));
        Assert.That(Run(CasesPath, path).Code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        var (code, output, _) = Run(CasesPath, path, "--rtol", "1e-4", "--atol", "1e-6");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), output);
        Assert.That(output, Does.Contain("tolerance from --rtol/--atol"));
    }

    [Test]
    public void AnotherProgramsManifestBesideTheCasesIsIgnored()
    {
        string cases = Path.Combine(_dir, "cases.json");
        File.Copy(CasesPath, cases);
        File.WriteAllText(Path.Combine(_dir, "manifest.json"), "{\"name\": \"my-package\", \"version\": 2}");
        var (code, output, err) = Run(cases, Path.Combine(Vectors, VectorFiles.ExpectedJson));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), err);
        Assert.That(output, Does.Contain("tolerance from rtol 1e-07, atol 1e-10 (float64)"));
        // one that says it is a vectors manifest but is broken is an error naming it
        File.WriteAllText(Path.Combine(_dir, "manifest.json"), "{\"format\": \"rnn-reference/vectors@1\", \"cases\": 3}");
        (code, _, err) = Run(cases, Path.Combine(Vectors, VectorFiles.ExpectedJson));
        Assert.That(code, Is.EqualTo(ExitCodes.UnreadableInput));
        Assert.That(err, Does.Contain("manifest.json: a malformed rnn-reference/vectors@1 manifest"));
    }

    [Test]
    public void BadCommandLinesAndFilesGetTheDocumentedCodes()
    {
        string answers = Path.Combine(Vectors, VectorFiles.ExpectedJson);
        Assert.That(Run(CasesPath).Code, Is.EqualTo(ExitCodes.Usage));
        var (code, _, err) = Run(CasesPath, answers, "--rtol", "-1");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(err, Does.Contain("--rtol must be a number >= 0 but is '-1'"));
        (code, _, err) = Run(CasesPath, answers, "--only", "lstmm");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(err, Does.Contain("--only 'lstmm' is neither the op nor the start of the id of any case"));
        (code, _, err) = Run(CasesPath, Path.Combine(_dir, "absent.json"));
        Assert.That(code, Is.EqualTo(ExitCodes.UnreadableInput));
        Assert.That(err, Does.Contain("absent.json"));
        File.WriteAllText(Path.Combine(_dir, "broken.json"), "{\"format\": \"rnn-reference/results@1\", \"results\": 3}");
        (code, _, err) = Run(CasesPath, Path.Combine(_dir, "broken.json"));
        Assert.That(code, Is.EqualTo(ExitCodes.UnreadableInput));
        Assert.That(err, Does.Contain("\"results\" must be a list"));
        (code, _, err) = Run(CasesPath, Path.Combine(_dir, "answers.txt"));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(err, Does.Contain("must end in .json or .npz"));
        (code, _, err) = Run(CasesPath, answers, "--report", Path.Combine(_dir, "no-such-folder", "r.md"));
        Assert.That(code, Is.EqualTo(ExitCodes.CannotWriteOutput));
        Assert.That(err, Does.Contain("cannot write the report"));
    }
}
