// The oracle's case and result files as NumPy .npz archives (Spec/formats.md, "The same in .npz"):
//   cases:   "__cases__.json" {"format": "rnn-reference/cases@1", "cases": [{"id", "op", "config"}]}
//            plus one array per tensor keyed ID/inputs/NAME, ID/params/NAME, ID/grad_outputs/NAME
//   results: "__results__.json" {"format": "rnn-reference/results@1", "results": [{"id"} or {"id", "error"}]}
//            plus ID/outputs/NAME and ID/grads/NAME
// Array keys are matched to cases by their "ID/" prefix, so an id may itself contain '/'.
using System.Text.Json;
using System.Text.Json.Nodes;
using Rnn.Grading.NumPy;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Oracle;

public static class NpzCaseFile
{
    public const string CasesMember = "__cases__.json";
    public const string ResultsMember = "__results__.json";
    private static readonly string[] CaseSections = ["inputs", "params", "grad_outputs"];
    private static readonly string[] ResultSections = ["outputs", "grads"];

    public static IReadOnlyList<Case> ReadCases(Stream stream, string sourceName)
    {
        var (arrays, raw) = Npz.Read(stream, sourceName, [CasesMember]);
        if (!raw.TryGetValue(CasesMember, out var metaBytes))
            throw new CaseFileFormatException($"{sourceName}: no {CasesMember} member (the list of cases with their op and config)");
        var meta = CaseFile.ReadCases(new MemoryStream(metaBytes), $"{sourceName}, {CasesMember}");
        var tensors = Assign(arrays, meta.Select(c => c.Id).ToList(), CaseSections, sourceName);
        var cases = new List<Case>(meta.Count);
        foreach (var c in meta)
        {
            if (c.Inputs.Count + c.Params.Count + c.GradOutputs.Count > 0)
                throw new CaseFileFormatException($"{sourceName}, {CasesMember}: case {c.Id} holds arrays; in .npz they are separate .npy members");
            var t = tensors[c.Id];
            cases.Add(c with { Inputs = t["inputs"], Params = t["params"], GradOutputs = t["grad_outputs"] });
        }
        return cases;
    }

    public static IReadOnlyList<CaseResult> ReadResults(Stream stream, string sourceName)
    {
        var (arrays, raw) = Npz.Read(stream, sourceName, [ResultsMember]);
        if (!raw.TryGetValue(ResultsMember, out var metaBytes))
            throw new CaseFileFormatException($"{sourceName}: no {ResultsMember} member (the list of results)");
        var meta = CaseFile.ReadResults(new MemoryStream(metaBytes), $"{sourceName}, {ResultsMember}");
        var tensors = Assign(arrays, meta.Select(r => r.Id).ToList(), ResultSections, sourceName);
        return meta.Select(r => r with { Outputs = tensors[r.Id]["outputs"], Grads = tensors[r.Id]["grads"] }).ToList();
    }

    public static void WriteResults(Stream stream, IReadOnlyList<CaseResult> results)
    {
        var meta = new MemoryStream();
        CaseFile.WriteResults(meta, results.Select(r => r.Error is null
            ? new CaseResult(r.Id, new NamedTensors(), new NamedTensors(), Notes: r.Notes)
            : CaseResult.Failed(r.Id, r.Error)));
        var arrays = new List<(string, Tensor)>();
        foreach (var r in results.Where(r => r.Error is null))
        {
            foreach (var (name, t) in r.Outputs) arrays.Add(($"{r.Id}/outputs/{name}", t));
            foreach (var (name, t) in r.Grads) arrays.Add(($"{r.Id}/grads/{name}", t));
        }
        Npz.Write(stream, arrays, [(ResultsMember, meta.ToArray())]);
    }

    public static void WriteCases(Stream stream, IReadOnlyList<Case> cases)
    {
        var meta = new MemoryStream();
        CaseFile.WriteCases(meta, cases.Select(c => c with { Inputs = new(), Params = new(), GradOutputs = new() }));
        var arrays = new List<(string, Tensor)>();
        foreach (var c in cases)
        {
            foreach (var (name, t) in c.Inputs) arrays.Add(($"{c.Id}/inputs/{name}", t));
            foreach (var (name, t) in c.Params) arrays.Add(($"{c.Id}/params/{name}", t));
            foreach (var (name, t) in c.GradOutputs) arrays.Add(($"{c.Id}/grad_outputs/{name}", t));
        }
        Npz.Write(stream, arrays, [(CasesMember, meta.ToArray())]);
    }

    /// <summary>
    /// Why a case id cannot start the keys of its arrays in an .npz file (empty, absolute, a
    /// "." or ".." segment, a backslash or a control character: Npz's safe-key rule), or null.
    /// </summary>
    public static string? IdProblem(string id) =>
        Npz.KeyProblem(id + "/outputs/x.npy", out _);

    /// <summary>Sorts every array key ID/SECTION/NAME into its case and section; a key that fits no case is an error.</summary>
    private static Dictionary<string, Dictionary<string, NamedTensors>> Assign(
        IReadOnlyList<(string Key, NpyArray Array)> arrays, IReadOnlyList<string> ids, string[] sections, string sourceName)
    {
        var result = new Dictionary<string, Dictionary<string, NamedTensors>>(StringComparer.Ordinal);
        foreach (var id in ids)
            result[id] = sections.ToDictionary(s => s, _ => new NamedTensors(), StringComparer.Ordinal);
        // longest ids first, so "a/b" wins over "a" for the key "a/b/inputs/x"
        var byLength = ids.OrderByDescending(id => id.Length).ToList();
        foreach (var (key, array) in arrays)
        {
            string? id = byLength.FirstOrDefault(i => key.StartsWith(i + "/", StringComparison.Ordinal));
            string rest = id is null ? "" : key[(id.Length + 1)..];
            int slash = rest.IndexOf('/');
            string section = slash < 0 ? "" : rest[..slash];
            string name = slash < 0 ? "" : rest[(slash + 1)..];
            if (id is null || Array.IndexOf(sections, section) < 0 || name.Length == 0 || name.Contains('/'))
                throw new CaseFileFormatException(
                    $"{sourceName}: the array '{key}' is not ID/SECTION/NAME for a listed case id and a section among {string.Join(", ", sections)}");
            result[id][section].Add(name, array.ToTensor());
        }
        return result;
    }
}
