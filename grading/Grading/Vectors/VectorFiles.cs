// The files of the conformance vectors (Spec/vectors.md), written into one folder:
//   cases.json, cases.npz         every vector's case (the same cases in both formats)
//   expected.json, expected.npz   the oracle's results for them
//   manifest.json                 per case: op, convention, what it covers, whether PyTorch
//                                 computes it as it stands, and the tolerance of each tensor;
//                                 the SHA-256 of each of the four files above
// Everything is a function of ConformanceSuite.Build(), so writing twice gives the same bytes.
using System.Security.Cryptography;
using System.Text.Json;
using Rnn.Grading.Oracle;
using Rnn.Reference.Numerics;

namespace Rnn.Grading.Vectors;

public static class VectorFiles
{
    public const string ManifestFormat = "rnn-reference/vectors@1";
    public const string CasesJson = "cases.json", CasesNpz = "cases.npz", ExpectedJson = "expected.json", ExpectedNpz = "expected.npz";
    public const string Manifest = "manifest.json";

    public static IReadOnlyList<string> Files { get; } = [CasesJson, CasesNpz, ExpectedJson, ExpectedNpz, Manifest];

    /// <summary>The suite's files by name, as bytes.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Render(IReadOnlyList<Vector> vectors)
    {
        var cases = vectors.Select(v => v.Case).ToList();
        // on the plain loops, the meaning: the committed bytes then do not depend on the CPU's vector width
        var expected = Evaluator.EvaluateAll(cases, Compute.Plain);
        foreach (var r in expected)
            if (r.Error is not null) throw new InvalidOperationException($"conformance vector {r.Id}: {r.Error}");
        var files = new List<(string, byte[])>
        {
            (CasesJson, Bytes(s => CaseFile.WriteCases(s, cases))),
            (CasesNpz, Bytes(s => NpzCaseFile.WriteCases(s, cases))),
            (ExpectedJson, Bytes(s => CaseFile.WriteResults(s, expected))),
            (ExpectedNpz, Bytes(s => NpzCaseFile.WriteResults(s, expected))),
        };
        files.Add((Manifest, Bytes(s => WriteManifest(s, vectors, expected, files))));
        return files;
    }

    /// <summary>Whether PyTorch computes the case as it stands (torch_cases.py answers it): PyTorch's names, a reset-after GRU, PyTorch's rules.</summary>
    public static bool PyTorchForm(Case c)
    {
        var config = c.Config;
        if (config[Oracle.Ops.ConventionOption.Key] is not null) return false;
        if (c.Op == "gru" && config["reset_after"] is not null && !config["reset_after"]!.GetValue<bool>()) return false;
        if (c.Op == "clip_grad_norm" && config["mode"] is not null && config["mode"]!.GetValue<string>() != "pytorch") return false;
        if (c.Op == "optimizer" && (config["lookahead"] is not null || config["form"] is not null)) return false;
        return true;
    }

    private static void WriteManifest(Stream stream, IReadOnlyList<Vector> vectors, IReadOnlyList<CaseResult> expected,
        IReadOnlyList<(string Name, byte[] Bytes)> files)
    {
        JsonOutput.Write(stream, indented: true, w =>
        {
            w.WriteStartObject();
            w.WriteString("format", ManifestFormat);
            w.WriteString("about", "Conformance vectors of rnn-reference (Spec/vectors.md), written by `rnn-grading vectors -o DIR`. " +
                "cases.* hold the cases, expected.* the oracle's results; an answer passes a tensor when every element has " +
                "|got - expected| <= atol + rtol * |expected| (check with `rnn-grading check cases.json RESULTS`).");
            w.WriteStartObject("files");
            foreach (var (name, bytes) in files) w.WriteString(name, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            w.WriteEndObject();
            w.WriteStartArray("cases");
            foreach (var (v, r) in vectors.Zip(expected))
            {
                w.WriteStartObject();
                w.WriteString("id", v.Case.Id);
                w.WriteString("op", v.Case.Op);
                w.WriteString("convention", v.Convention);
                w.WriteString("covers", v.Covers);
                w.WriteBoolean("pytorch", PyTorchForm(v.Case));
                w.WriteStartObject("tolerances");
                foreach (var name in r.Outputs.Names) WriteTolerance(w, "outputs." + name, v.Tolerance);
                foreach (var name in r.Grads.Names) WriteTolerance(w, "grads." + name, v.Tolerance);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteTolerance(Utf8JsonWriter w, string tensor, Tolerance t)
    {
        w.WriteStartObject(tensor);
        w.WriteNumber("rtol", t.Rtol);
        w.WriteNumber("atol", t.Atol);
        w.WriteEndObject();
    }

    private static byte[] Bytes(Action<Stream> write)
    {
        var s = new MemoryStream();
        write(s);
        return s.ToArray();
    }

    /// <summary>
    /// The tolerances a manifest gives, by case id and tensor ("outputs.NAME", "grads.NAME"); null when
    /// the file is not a vectors manifest at all (another program's manifest.json); an error when it
    /// says it is one but is malformed.
    /// </summary>
    public static Dictionary<string, Dictionary<string, Tolerance>>? ReadTolerances(Stream manifest, string sourceName)
    {
        var result = new Dictionary<string, Dictionary<string, Tolerance>>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(manifest);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f)
                || f.ValueKind != JsonValueKind.String || f.GetString() != ManifestFormat)
                return null;
            foreach (var c in root.GetProperty("cases").EnumerateArray())
            {
                var byTensor = new Dictionary<string, Tolerance>(StringComparer.Ordinal);
                foreach (var t in c.GetProperty("tolerances").EnumerateObject())
                    byTensor[t.Name] = new Tolerance(t.Value.GetProperty("rtol").GetDouble(), t.Value.GetProperty("atol").GetDouble());
                result[c.GetProperty("id").GetString()!] = byTensor;
            }
        }
        catch (JsonException)
        {
            return null;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CaseFileFormatException($"{sourceName}: a malformed {ManifestFormat} manifest ({e.Message})");
        }
        return result;
    }
}
