// The conformance vectors (Spec/vectors.md): the committed suite is what `vectors` writes (drift
// check), its manifest's hashes are the files' SHA-256s, it covers every op and every
// convention's cells and the edge cases it names, and PyTorch itself (Tests/Fixtures/torch_cases.py)
// agrees with the expected results of every case PyTorch can compute.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Commands;
using Rnn.Grading.Oracle;
using Rnn.Grading.Tests.Support;
using Rnn.Grading.Vectors;
using Rnn.Reference.Conventions;
using Rnn.Reference.Recurrent;

namespace Rnn.Grading.Tests.Vectors;

public sealed class ConformanceVectorTests
{
    private static string Committed => Path.Combine(RepoPaths.Root, "Spec", "vectors");

    private static IReadOnlyList<Case> CommittedCases()
    {
        using var s = File.OpenRead(Path.Combine(Committed, VectorFiles.CasesJson));
        return CaseFile.ReadCases(s, VectorFiles.CasesJson);
    }

    private static JsonObject Manifest() => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Committed, VectorFiles.Manifest)))!;

    [Test]
    public void TheCommittedSuiteIsWhatTheCommandWritesByteForByte()
    {
        string dir = Directory.CreateTempSubdirectory("rnn-vectors-").FullName;
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            Assert.That(VectorsCommand.Run(["-o", dir], stdout, stderr), Is.EqualTo(ExitCodes.Ok), stderr.ToString());
            foreach (var name in VectorFiles.Files)
                Assert.That(File.ReadAllBytes(Path.Combine(dir, name)), Is.EqualTo(File.ReadAllBytes(Path.Combine(Committed, name))),
                    $"Spec/vectors/{name} differs from what `rnn-grading vectors` writes now: regenerate it (rnn-grading vectors -o Spec/vectors --force) and review the change");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void TheManifestHoldsEveryFilesSha256()
    {
        var files = (JsonObject)Manifest()["files"]!;
        Assert.That(files.Select(f => f.Key), Is.EquivalentTo(VectorFiles.Files.Where(f => f != VectorFiles.Manifest)));
        foreach (var (name, hash) in files)
            Assert.That((string)hash!, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Committed, name))))), name);
    }

    [Test]
    public void TheJsonAndNpzFilesHoldTheSameCasesAndResults()
    {
        var json = CommittedCases();
        using var npzStream = File.OpenRead(Path.Combine(Committed, VectorFiles.CasesNpz));
        var npz = NpzCaseFile.ReadCases(npzStream, VectorFiles.CasesNpz);
        Assert.That(npz.Select(c => c.Id), Is.EqualTo(json.Select(c => c.Id)));
        foreach (var (a, b) in json.Zip(npz))
            foreach (var (name, t) in a.Params.Concat(a.Inputs).Concat(a.GradOutputs))
                Assert.That((b.Params.Contains(name) ? b.Params : b.Inputs.Contains(name) ? b.Inputs : b.GradOutputs)[name].Data, Is.EqualTo(t.Data), $"{a.Id} {name}");
        using var ej = File.OpenRead(Path.Combine(Committed, VectorFiles.ExpectedJson));
        using var en = File.OpenRead(Path.Combine(Committed, VectorFiles.ExpectedNpz));
        var rj = CaseFile.ReadResults(ej, "expected.json");
        var rn = NpzCaseFile.ReadResults(en, "expected.npz");
        foreach (var (a, b) in rj.Zip(rn))
            foreach (var (name, t) in a.Grads)
                Assert.That(b.Grads[name].Data, Is.EqualTo(t.Data), $"{a.Id} grads.{name}");
    }

    [Test]
    public void EveryOpAndEveryConventionsCellsAreCovered()
    {
        var cases = CommittedCases();
        Assert.That(cases.Select(c => c.Op).Distinct(), Is.EquivalentTo(OpRegistry.Names));
        var conventionCases = cases.Where(c => c.Config["convention"] is not null)
            .Select(c => (Convention: (string)c.Config["convention"]!, c.Op, c.Id)).ToList();
        foreach (var convention in ConventionRegistry.All.Where(c => c.Name != "pytorch"))
        {
            var mine = conventionCases.Where(x => x.Convention == convention.Name).ToList();
            bool has(CellKind kind) => convention.Unsupported(new CellShape(kind, 3, 2, convention.Name != "stats507")) is null;
            if (has(CellKind.Lstm)) Assert.That(mine.Any(x => x.Op == "lstm"), $"{convention.Name} LSTM");
            if (has(CellKind.Gru)) Assert.That(mine.Any(x => x.Id.EndsWith("gru-reset-after", StringComparison.Ordinal)), $"{convention.Name} GRU");
            if (has(CellKind.GruResetBefore)) Assert.That(mine.Any(x => x.Id.EndsWith("gru-reset-before", StringComparison.Ordinal)), $"{convention.Name} reset-before GRU");
            Assert.That(mine.Any(x => x.Op == "rnn"), $"{convention.Name} RNN");
            if (convention.Linear is not null) Assert.That(mine.Any(x => x.Op == "linear"), $"{convention.Name} dense layer");
        }
    }

    [Test]
    public void TheEdgeCasesTheSpecNamesAreThere()
    {
        var byId = CommittedCases().ToDictionary(c => c.Id);
        foreach (var op in new[] { "rnn", "lstm", "gru" })
        {
            // T = 1 and H = 1
            var t1 = byId[$"{op}/t1-h1"];
            Assert.That(t1.Inputs["input"].Shape[0], Is.EqualTo(1));
            Assert.That((int)t1.Config["hidden_size"]!, Is.EqualTo(1));
            // a length short of T: zeros past the end in the expected output
            Assert.That(byId[$"{op}/lengths"].Inputs["lengths"].Data, Does.Contain(1.0));
        }
        using var s = File.OpenRead(Path.Combine(Committed, VectorFiles.ExpectedJson));
        var expected = CaseFile.ReadResults(s, "expected.json").ToDictionary(r => r.Id);
        // lstm/lengths: element 1 has length 1, so output[t, 1, :] is 0 for t >= 1 (output [T 4, B 3, H 3])
        var output = expected["lstm/lengths"].Outputs["output"];
        for (int t = 1; t < 4; t++)
            for (int j = 0; j < 3; j++)
                Assert.That(output.Data[(t * 3 + 1) * 3 + j], Is.EqualTo(0.0), $"output[{t}, 1, {j}]");
        // saturated gates: at step 0 (h0 = 0) some gate pre-activation W_ih x_0 + b_ih + b_hh is beyond ±5,
        // where σ' < 0.007 and tanh' < 2e-4
        foreach (var op in new[] { "rnn", "lstm", "gru" })
        {
            var c = byId[$"{op}/saturated"];
            var W = c.Params["weight_ih_l0"];
            int rows = W.Shape[0], I = W.Shape[1];
            double largest = 0;
            for (int b = 0; b < c.Inputs["input"].Shape[1]; b++)
                for (int j = 0; j < rows; j++)
                {
                    double a = c.Params["bias_ih_l0"].Data[j] + c.Params["bias_hh_l0"].Data[j];
                    for (int k = 0; k < I; k++) a += W.Data[j * I + k] * c.Inputs["input"].Data[b * I + k];
                    largest = Math.Max(largest, Math.Abs(a));
                }
            Assert.That(largest, Is.GreaterThan(5), $"{op}/saturated: the largest |pre-activation| at step 0");
        }
        // ReLU exactly at 0: unit 0's pre-activation is 0, so its output and its weights' gradient rows are 0
        var relu = expected["rnn/relu-at-zero"];
        for (int t = 0; t < 3; t++)
            for (int b = 0; b < 2; b++)
                Assert.That(relu.Outputs["output"].Data[(t * 2 + b) * 2], Is.EqualTo(0.0));
        Assert.That(relu.Grads["weight_ih_l0"].Data[..2], Is.EqualTo(new[] { 0.0, 0.0 }), "ReLU'(0) = 0: no gradient reaches row 0");
        Assert.That(relu.Grads["weight_hh_l0"].Data[..2], Is.EqualTo(new[] { 0.0, 0.0 }));
    }

    [Test]
    public void EveryTensorOfTheExpectedResultsHasATolerance()
    {
        using var s = File.OpenRead(Path.Combine(Committed, VectorFiles.ExpectedJson));
        var expected = CaseFile.ReadResults(s, "expected.json");
        using var m = File.OpenRead(Path.Combine(Committed, VectorFiles.Manifest));
        var tolerances = VectorFiles.ReadTolerances(m, "manifest.json")!;
        foreach (var r in expected)
        {
            Assert.That(r.Error, Is.Null, r.Id);
            var names = r.Outputs.Names.Select(n => "outputs." + n).Concat(r.Grads.Names.Select(n => "grads." + n));
            Assert.That(tolerances[r.Id].Keys, Is.EquivalentTo(names), r.Id);
        }
    }

    [Test]
    public void PyTorchAgreesWithEveryPyTorchFormVector()
    {
        string python = ExternalTools.RequirePython("torch", "numpy");
        string dir = Directory.CreateTempSubdirectory("rnn-vectors-torch-").FullName;
        try
        {
            string answers = Path.Combine(dir, "torch.json");
            var (code, stdout, stderr) = ExternalTools.Run(python,
                [Path.Combine(RepoPaths.Root, "Tests", "Fixtures", "torch_cases.py"), Path.Combine(Committed, VectorFiles.CasesJson), answers],
                TimeSpan.FromMinutes(5));
            Assert.That(code, Is.EqualTo(0), stdout + stderr);
            using var a = File.OpenRead(answers);
            var torch = CaseFile.ReadResults(a, "torch.json").ToDictionary(r => r.Id);
            var pytorchIds = ((JsonArray)Manifest()["cases"]!).Where(c => (bool)c!["pytorch"]!).Select(c => (string)c!["id"]!).ToList();
            Assert.That(torch.Keys, Is.EquivalentTo(pytorchIds), "torch answers exactly the cases the manifest marks pytorch");
            Assert.That(pytorchIds, Has.Count.GreaterThan(50));

            using var e = File.OpenRead(Path.Combine(Committed, VectorFiles.ExpectedJson));
            double worst = 0;
            foreach (var r in CaseFile.ReadResults(e, "expected.json").Where(r => torch.ContainsKey(r.Id)))
                foreach (var (section, want, got) in new[] { ("outputs", r.Outputs, torch[r.Id].Outputs), ("grads", r.Grads, torch[r.Id].Grads) })
                    foreach (var (name, t) in want)
                    {
                        var g = got[name];
                        Assert.That(g.Shape, Is.EqualTo(t.Shape), $"{r.Id} {section}.{name}");
                        for (int i = 0; i < t.Length; i++)
                        {
                            // the manifest's float64 tolerance, and in fact far inside it
                            Assert.That(g.Data[i], Is.EqualTo(t.Data[i]).Within(1e-10 + 1e-7 * Math.Abs(t.Data[i])), $"{r.Id} {section}.{name}[{i}]");
                            if (double.IsFinite(t.Data[i])) worst = Math.Max(worst, Math.Abs(g.Data[i] - t.Data[i]));
                        }
                    }
            TestContext.Out.WriteLine($"worst |torch - oracle| over the PyTorch-form vectors: {worst:G3}");
            Assert.That(worst, Is.LessThan(1e-12));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void VectorsReplacesNothingWithoutForce()
    {
        string dir = Directory.CreateTempSubdirectory("rnn-vectors-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, VectorFiles.Manifest), "mine");
            var stderr = new StringWriter();
            Assert.That(VectorsCommand.Run(["-o", dir], new StringWriter(), stderr), Is.EqualTo(ExitCodes.CannotWriteOutput));
            Assert.That(stderr.ToString(), Does.Contain("manifest.json would be replaced; give --force"));
            Assert.That(File.ReadAllText(Path.Combine(dir, VectorFiles.Manifest)), Is.EqualTo("mine"));
            Assert.That(VectorsCommand.Run(["-o", dir, "--force"], new StringWriter(), stderr), Is.EqualTo(ExitCodes.Ok));
            Assert.That(File.ReadAllText(Path.Combine(dir, VectorFiles.Manifest)), Does.StartWith("{"));
            Assert.That(VectorsCommand.Run([], new StringWriter(), stderr), Is.EqualTo(ExitCodes.Usage));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
