// The .npz forms of case and result files: eval reads and writes them, they carry the same
// numbers as JSON, and NumPy reads them as Spec/formats.md says.
using NUnit.Framework;
using Rnn.Grading.Commands;
using Rnn.Grading.NumPy;
using Rnn.Grading.Oracle;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Oracle;

public sealed class NpzCaseFileTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rnn-npz-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static IReadOnlyList<Case> ExampleCases()
    {
        using var s = File.OpenRead(Path.Combine(RepoPaths.Root, "grading", "examples", "cases.json"));
        return CaseFile.ReadCases(s, "cases.json");
    }

    private static int Eval(params string[] args) =>
        EvalCommand.Run(args, () => Stream.Null, () => Stream.Null, TextWriter.Null);

    [Test]
    public void EvalGivesTheSameNumbersFromNpzAsFromJson()
    {
        string npzCases = Path.Combine(_dir, "cases.npz");
        using (var s = File.Create(npzCases)) NpzCaseFile.WriteCases(s, ExampleCases());
        string jsonCases = Path.Combine(RepoPaths.Root, "grading", "examples", "cases.json");

        Assert.That(Eval(npzCases, "-o", Path.Combine(_dir, "r.npz")), Is.EqualTo(ExitCodes.Ok));
        Assert.That(Eval(jsonCases, "-o", Path.Combine(_dir, "r.json")), Is.EqualTo(ExitCodes.Ok));
        IReadOnlyList<CaseResult> fromNpz, fromJson;
        using (var s = File.OpenRead(Path.Combine(_dir, "r.npz"))) fromNpz = NpzCaseFile.ReadResults(s, "r.npz");
        using (var s = File.OpenRead(Path.Combine(_dir, "r.json"))) fromJson = CaseFile.ReadResults(s, "r.json");
        Assert.That(fromNpz.Select(r => r.Id), Is.EqualTo(fromJson.Select(r => r.Id)));
        foreach (var (a, b) in fromNpz.Zip(fromJson))
        {
            Assert.That(a.Outputs.Names, Is.EqualTo(b.Outputs.Names), a.Id);
            Assert.That(a.Grads.Names, Is.EqualTo(b.Grads.Names), a.Id);
            foreach (var (name, t) in b.Outputs.Concat(b.Grads))
            {
                var u = a.Outputs.Contains(name) && b.Outputs.Contains(name) ? a.Outputs[name] : a.Grads[name];
                Assert.That(u.Shape, Is.EqualTo(t.Shape), $"{a.Id} {name}");
                Assert.That(u.Data, Is.EqualTo(t.Data), $"{a.Id} {name}");
            }
        }
    }

    [Test]
    public void ErrorsAreListedInTheResultsMember()
    {
        var cases = ExampleCases().Select((c, i) => i == 0 ? c with { Op = "nope" } : c).ToList();
        string path = Path.Combine(_dir, "cases.npz");
        using (var s = File.Create(path)) NpzCaseFile.WriteCases(s, cases);
        Assert.That(Eval(path, "-o", Path.Combine(_dir, "r.npz")), Is.EqualTo(ExitCodes.SomeNotEvaluated));
        using var r = File.OpenRead(Path.Combine(_dir, "r.npz"));
        var results = NpzCaseFile.ReadResults(r, "r.npz");
        Assert.That(results[0].Error, Does.Contain("unknown op \"nope\""));
        Assert.That(results.Skip(1).All(x => x.Error is null && x.Outputs.Count > 0));
    }

    [Test]
    public void ACaseArchiveWithoutItsListOrWithAStrayArrayIsRejected()
    {
        string path = Path.Combine(_dir, "bare.npz");
        using (var s = File.Create(path)) Npz.Write(s, [("x/inputs/input", Rnn.Reference.Tensors.Tensor.Zeros(1, 1))]);
        using (var s = File.OpenRead(path))
            Assert.That(() => NpzCaseFile.ReadCases(s, "bare.npz"),
                Throws.TypeOf<CaseFileFormatException>().With.Message.Contain("no __cases__.json"));

        var cases = ExampleCases().Take(1).ToList();
        string stray = Path.Combine(_dir, "stray.npz");
        var meta = new MemoryStream();
        CaseFile.WriteCases(meta, cases.Select(c => c with { Inputs = new(), Params = new(), GradOutputs = new() }));
        using (var s = File.Create(stray))
            Npz.Write(s, [("someone-else/inputs/input", Rnn.Reference.Tensors.Tensor.Zeros(1))], [(NpzCaseFile.CasesMember, meta.ToArray())]);
        using (var s = File.OpenRead(stray))
            Assert.That(() => NpzCaseFile.ReadCases(s, "stray.npz"),
                Throws.TypeOf<CaseFileFormatException>().With.Message.Contain("'someone-else/inputs/input' is not ID/SECTION/NAME"));
    }

    [Test]
    public void NumPyReadsResultsAndWritesCasesAsTheSpecShows()
    {
        string python = ExternalTools.RequirePython("numpy");
        string results = Path.Combine(_dir, "results.npz");
        Assert.That(Eval(Path.Combine(RepoPaths.Root, "grading", "examples", "cases.json"), "-o", results), Is.EqualTo(ExitCodes.Ok));
        // NumPy reads our results; then it writes a case file (np.savez + the __cases__.json member) that eval reads
        string script = """
            import json, sys, zipfile
            import numpy as np
            z = np.load(sys.argv[1])
            meta = json.loads(z["__results__.json"])
            assert meta["format"] == "rnn-reference/results@1", meta
            first = meta["results"][0]["id"]
            out = z[first + "/outputs/output"]
            assert out.dtype == np.float64 and out.ndim >= 2, out
            x = np.linspace(-1, 1, 6).reshape(3, 2)
            np.savez(sys.argv[2], **{"c/0/inputs/input": x, "c/0/params/W": np.eye(2), "c/0/params/U": 0.5 * np.eye(2),
                                     "c/0/params/b": np.array([0.1, -0.2], dtype=np.float32)})
            with zipfile.ZipFile(sys.argv[2], "a") as f:
                f.writestr("__cases__.json", json.dumps({"format": "rnn-reference/cases@1",
                           "cases": [{"id": "c/0", "op": "relu_rnn_slide", "config": {}}]}))
            print(first)
            """;
        string scriptPath = Path.Combine(_dir, "client.py");
        File.WriteAllText(scriptPath, script);
        string cases = Path.Combine(_dir, "from-numpy.npz");
        var (code, stdout, stderr) = ExternalTools.Run(python, [scriptPath, results, cases], TimeSpan.FromMinutes(1));
        Assert.That(code, Is.EqualTo(0), stdout + stderr);

        Assert.That(Eval(cases, "-o", Path.Combine(_dir, "answer.json")), Is.EqualTo(ExitCodes.Ok));
        using var r = File.OpenRead(Path.Combine(_dir, "answer.json"));
        var answer = CaseFile.ReadResults(r, "answer.json")[0];
        // by hand: state 0; t0: linear = [-1, -0.6] + [0.1, -0.2] = [-0.9, -0.8] -> relu [0, 0];
        // t1: [-0.2, 0.2] + b = [-0.1, 0] -> [0, 0]; t2: [0.6, 1] + b = [0.7, 0.8] -> [0.7, 0.8]
        // (b is float32 in the file: 0.1f and -0.2f widened exactly)
        Assert.That(answer.Outputs["output"].Shape, Is.EqualTo(new[] { 3, 2 }));
        Assert.That(answer.Outputs["last_output"].Data[0], Is.EqualTo(0.6 + (double)0.1f).Within(1e-15));
        Assert.That(answer.Outputs["last_output"].Data[1], Is.EqualTo(1.0 + (double)-0.2f).Within(1e-15));
    }
}
