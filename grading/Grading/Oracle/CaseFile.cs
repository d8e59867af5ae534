// Reading and writing the oracle's JSON files (Spec/formats.md):
//   cases:   {"format": "rnn-reference/cases@1",   "cases":   [{"id", "op", "config", "inputs", "params", "grad_outputs"}]}
//   results: {"format": "rnn-reference/results@1", "results": [{"id", "outputs", "grads", "notes"?} or {"id", "error"}]}
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Oracle;

public static class CaseFile
{
    public const string CasesFormat = "rnn-reference/cases@1";
    public const string ResultsFormat = "rnn-reference/results@1";

    public static IReadOnlyList<Case> ReadCases(Stream stream, string sourceName) => ReadCases(stream, sourceName, DefaultMaxBytes);

    public static IReadOnlyList<Case> ReadCases(Stream stream, string sourceName, long maxBytes)
    {
        var root = Parse(stream, sourceName, maxBytes);
        CheckFormat(root, CasesFormat, sourceName);
        foreach (var (key, _) in root)
            if (key is not ("format" or "cases"))
                throw new CaseFileFormatException($"{sourceName}: unknown top-level key \"{key}\"; a case file has \"format\" and \"cases\"");
        if (root["cases"] is not JsonArray list)
            throw new CaseFileFormatException($"{sourceName}: \"cases\" must be a list but is {JsonArrays.Describe(root["cases"])}");
        var cases = new List<Case>(list.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++)
        {
            var c = ReadCase(list[i], $"{sourceName}: cases[{i}]");
            if (!seen.Add(c.Id))
                throw new CaseFileFormatException($"{sourceName}: cases[{i}] repeats the id \"{c.Id}\"");
            cases.Add(c);
        }
        return cases;
    }

    private static Case ReadCase(JsonNode? node, string where)
    {
        if (node is not JsonObject obj)
            throw new CaseFileFormatException($"{where} must be an object but is {JsonArrays.Describe(node)}");
        foreach (var (key, _) in obj)
            if (key is not ("id" or "op" or "config" or "inputs" or "params" or "grad_outputs"))
                throw new CaseFileFormatException(
                    $"{where} has an unknown key \"{key}\"; a case has id, op, config, inputs, params, grad_outputs");
        string id = RequiredString(obj, "id", where);
        string op = RequiredString(obj, "op", where);
        var config = obj["config"] switch
        {
            null => new JsonObject(),
            JsonObject o => (JsonObject)o.DeepClone(),
            var other => throw new CaseFileFormatException($"{where}.config must be an object but is {JsonArrays.Describe(other)}"),
        };
        return new Case(id, op, config,
            ReadTensors(obj["inputs"], $"{where}.inputs"),
            ReadTensors(obj["params"], $"{where}.params"),
            ReadTensors(obj["grad_outputs"], $"{where}.grad_outputs"));
    }

    private static NamedTensors ReadTensors(JsonNode? node, string where)
    {
        var set = new NamedTensors();
        if (node is null) return set;
        if (node is not JsonObject obj)
            throw new CaseFileFormatException($"{where} must be an object of named arrays but is {JsonArrays.Describe(node)}");
        foreach (var (name, value) in obj)
            set.Add(name, JsonArrays.Read(value, $"{where}.{name}"));
        return set;
    }

    /// <summary>A result's optional "notes": a list of strings (null when absent).</summary>
    private static IReadOnlyList<string>? ReadNotes(JsonNode? node, string where)
    {
        if (node is null) return null;
        if (node is not JsonArray list)
            throw new CaseFileFormatException($"{where} must be a list of strings but is {JsonArrays.Describe(node)}");
        var notes = new List<string>(list.Count);
        for (int i = 0; i < list.Count; i++)
            notes.Add(list[i] is JsonValue v && v.TryGetValue(out string? s) && s is not null
                ? s : throw new CaseFileFormatException($"{where}[{i}] must be a string but is {JsonArrays.Describe(list[i])}"));
        return notes;
    }

    public static IReadOnlyList<CaseResult> ReadResults(Stream stream, string sourceName) => ReadResults(stream, sourceName, DefaultMaxBytes);

    public static IReadOnlyList<CaseResult> ReadResults(Stream stream, string sourceName, long maxBytes)
    {
        var root = Parse(stream, sourceName, maxBytes);
        CheckFormat(root, ResultsFormat, sourceName);
        if (root["results"] is not JsonArray list)
            throw new CaseFileFormatException($"{sourceName}: \"results\" must be a list but is {JsonArrays.Describe(root["results"])}");
        var results = new List<CaseResult>(list.Count);
        for (int i = 0; i < list.Count; i++)
            results.Add(ReadResult(list[i], $"{sourceName}: results[{i}]"));
        return results;
    }

    /// <summary>One entry of a results file's "results" list; `where` names it in errors ("answers.json: results[3]").</summary>
    public static CaseResult ReadResult(JsonNode? node, string where)
    {
        if (node is not JsonObject obj)
            throw new CaseFileFormatException($"{where} must be an object but is {JsonArrays.Describe(node)}");
        foreach (var (key, _) in obj)
            if (key is not ("id" or "outputs" or "grads" or "error" or "notes"))
                throw new CaseFileFormatException($"{where} has an unknown key \"{key}\"; a result has id, outputs, grads, notes (or error)");
        string id = RequiredString(obj, "id", where);
        string? error = obj["error"] is null ? null : RequiredString(obj, "error", where);
        return new CaseResult(id, ReadTensors(obj["outputs"], $"{where}.outputs"),
            ReadTensors(obj["grads"], $"{where}.grads"), error, ReadNotes(obj["notes"], $"{where}.notes"));
    }

    public static void WriteResults(Stream stream, IEnumerable<CaseResult> results)
    {
        JsonOutput.Write(stream, indented: false, w =>
        {
            w.WriteStartObject();
            w.WriteString("format", ResultsFormat);
            w.WriteStartArray("results");
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WriteString("id", r.Id);
                if (r.Error is not null)
                    w.WriteString("error", r.Error);
                else
                {
                    WriteTensors(w, "outputs", r.Outputs);
                    WriteTensors(w, "grads", r.Grads);
                    if (r.Notes is { Count: > 0 } notes)
                    {
                        w.WriteStartArray("notes");
                        foreach (var note in notes) w.WriteStringValue(note);
                        w.WriteEndArray();
                    }
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    public static void WriteCases(Stream stream, IEnumerable<Case> cases)
    {
        JsonOutput.Write(stream, indented: false, w =>
        {
            w.WriteStartObject();
            w.WriteString("format", CasesFormat);
            w.WriteStartArray("cases");
            foreach (var c in cases)
            {
                w.WriteStartObject();
                w.WriteString("id", c.Id);
                w.WriteString("op", c.Op);
                w.WritePropertyName("config");
                c.Config.WriteTo(w);
                WriteTensors(w, "inputs", c.Inputs);
                WriteTensors(w, "params", c.Params);
                WriteTensors(w, "grad_outputs", c.GradOutputs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>"key": {NAME: {"shape", "data"}, ...}, as in every case and results file.</summary>
    public static void WriteTensors(Utf8JsonWriter w, string key, NamedTensors set)
    {
        w.WriteStartObject(key);
        foreach (var (name, t) in set)
        {
            w.WritePropertyName(name);
            JsonArrays.Write(w, t);
        }
        w.WriteEndObject();
    }

    /// <summary>The largest case or results file read as JSON, unless the caller says otherwise (Spec/formats.md, "Limits").</summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    private static JsonObject Parse(Stream stream, string sourceName, long maxBytes)
    {
        var node = StrictJson.Parse(stream, sourceName, maxBytes, message => new CaseFileFormatException(message));
        return node as JsonObject
            ?? throw new CaseFileFormatException($"{sourceName}: the top level must be a JSON object but is {JsonArrays.Describe(node)}");
    }

    private static void CheckFormat(JsonObject root, string expected, string sourceName)
    {
        string? format = root["format"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        if (format != expected)
            throw new CaseFileFormatException(
                $"{sourceName}: \"format\" must be \"{expected}\" but is {JsonArrays.Describe(root["format"])}");
    }

    private static string RequiredString(JsonObject obj, string key, string where)
    {
        if (obj[key] is JsonValue v && v.TryGetValue(out string? s) && s is not null) return s;
        throw new CaseFileFormatException($"{where}.{key} must be a string but is {JsonArrays.Describe(obj[key])}");
    }
}
