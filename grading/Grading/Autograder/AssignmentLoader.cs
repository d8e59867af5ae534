// Reads an assignment file (format "rnn-reference/assignment@1", Spec/autograder.md) and checks
// everything that can be checked before any student is graded: every field's type and range,
// unique problem names, ops that exist and have a case generator, size letters the generator
// reads, and finally that the oracle accepts a case made from each problem and produces every
// output and gradient named under "check". Each error names the file, the place and the problem,
// e.g. `rnn-slides.json: problems[4] ("lstm-bptt").sizes.T must be [low, high] with
// 1 <= low <= high <= 32 but is [0, 6]`.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Autograder;

/// <summary>An assignment file that cannot be used; the message names the file, the field and the problem.</summary>
public sealed class AssignmentFormatException(string message) : Exception(message);

public static partial class AssignmentLoader
{
    public const double DefaultRtol = 1e-5;
    public const double DefaultAtol = 1e-8;
    public const double DefaultTimeLimitSeconds = 60;
    public const int MaxCases = 100;
    public const double MaxTimeLimitSeconds = 3600;

    /// <summary>An assignment is a short file written by staff; anything larger is refused unread.</summary>
    public const long MaxBytes = 16L * 1024 * 1024;

    private static readonly string[] TopKeys = ["format", "name", "title", "seed", "may_import", "problems"];
    private static readonly string[] ProblemKeys =
        ["name", "title", "op", "config", "sizes", "optional_inputs", "cases", "check", "points", "rtol", "atol", "visibility", "time_limit_seconds"];

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex NamePattern();

    public static Assignment Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Parse(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AssignmentFormatException($"{path}: cannot be read ({e.Message})");
        }
    }

    public static Assignment Parse(Stream stream, string sourceName)
    {
        var node = StrictJson.Parse(stream, sourceName, MaxBytes, message => new AssignmentFormatException(message));
        if (node is not JsonObject root)
            throw new AssignmentFormatException($"{sourceName}: the top level must be a JSON object but is {JsonArrays.Describe(node)}");
        string top = sourceName + ":";
        OnlyKeys(root, TopKeys, top, "the top level");
        string format = String(root, "format", top);
        if (format != Assignment.Format)
            throw new AssignmentFormatException($"{sourceName}: format must be \"{Assignment.Format}\" but is \"{format}\"");
        string name = Name(root, "name", top);
        string title = String(root, "title", top);
        ulong seed = Seed(root, top);
        if (root["problems"] is not JsonArray list || list.Count == 0)
            throw new AssignmentFormatException($"{sourceName}: problems must be a non-empty list but is {JsonArrays.Describe(root["problems"])}");

        var problems = new List<Problem>(list.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++)
        {
            var problem = ReadProblem(list[i], sourceName, i);
            if (seen.TryGetValue(problem.Name, out int first))
                throw new AssignmentFormatException(
                    $"{sourceName}: problems[{i}].name \"{problem.Name}\" is already the name of problems[{first}]; names must be unique");
            seen[problem.Name] = i;
            problems.Add(problem);
        }
        return new Assignment(name, title, seed, problems) { MayImport = MayImport(root, top) };
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex ModuleName();

    /// <summary>"may_import": top-level module names (NumPy when absent); the standard library is always allowed.</summary>
    private static IReadOnlyList<string> MayImport(JsonObject root, string at)
    {
        if (!root.ContainsKey("may_import")) return Assignment.DefaultMayImport;
        if (root["may_import"] is not JsonArray list)
            throw new AssignmentFormatException($"{Field(at, "may_import")} must be a list of module names (such as [\"numpy\"]) but is {JsonArrays.Describe(root["may_import"])}");
        var names = new List<string>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonValue v || !v.TryGetValue(out string? name) || name is null || !ModuleName().IsMatch(name))
                throw new AssignmentFormatException($"{Field(at, "may_import")}[{i}] must be a top-level module name (letters, digits, _) but is {JsonArrays.Describe(list[i])}");
            if (names.Contains(name))
                throw new AssignmentFormatException($"{Field(at, "may_import")}[{i}] repeats \"{name}\"");
            names.Add(name);
        }
        return names;
    }

    private static Problem ReadProblem(JsonNode? node, string source, int i)
    {
        string at = $"{source}: problems[{i}]";
        if (node is not JsonObject obj)
            throw new AssignmentFormatException($"{at} must be an object but is {JsonArrays.Describe(node)}");
        string name = Name(obj, "name", at);
        at = $"{source}: problems[{i}] (\"{name}\")";
        OnlyKeys(obj, ProblemKeys, at, "a problem");
        string title = String(obj, "title", at);
        string op = String(obj, "op", at);
        if (!OpRegistry.TryGet(op, out _))
            throw new AssignmentFormatException($"{at}.op \"{op}\" is not an op of the oracle; the ops are {string.Join(", ", OpRegistry.Names)}");
        if (!CaseGenerators.TryGet(op, out var generator))
            throw new AssignmentFormatException(
                $"{at}.op \"{op}\" has no case generator; problems can use {string.Join(", ", CaseGenerators.Ops)}");

        var config = obj["config"] switch
        {
            null => new JsonObject(),
            JsonObject o => (JsonObject)o.DeepClone(),
            var other => throw new AssignmentFormatException($"{at}.config must be an object but is {JsonArrays.Describe(other)}"),
        };
        foreach (var key in generator.GeneratedConfigKeys)
            if (config.ContainsKey(key))
                throw new AssignmentFormatException(
                    $"{at}.config.{key} is set by the case generator (from the drawn sizes or tensors); remove it from config");

        var sizes = Sizes(obj, generator, at);
        var optionalInputs = StringList(obj, "optional_inputs", at, required: false);
        var allowedInputs = generator.OptionalInputs(op);
        foreach (var input in optionalInputs)
            if (!allowedInputs.Contains(input))
                throw new AssignmentFormatException(
                    $"{at}.optional_inputs has \"{input}\" but op \"{op}\" can be given {(allowedInputs.Count == 0 ? "no optional inputs" : string.Join(", ", allowedInputs))}");

        int cases = WholeNumber(obj, "cases", at, 1, MaxCases);
        var check = Check(obj, at);
        double points = Number(obj, "points", at, null, min: 0);
        double rtol = Number(obj, "rtol", at, DefaultRtol, min: 0);
        double atol = Number(obj, "atol", at, DefaultAtol, min: 0);
        var visibility = Visibility.Visible;
        if (obj["visibility"] is not null)
        {
            string text = String(obj, "visibility", at);
            if (!VisibilityNames.TryParse(text, out visibility))
                throw new AssignmentFormatException(
                    $"{at}.visibility must be \"visible\", \"hidden\", \"after_due_date\" or \"after_published\" but is \"{text}\"");
        }
        double timeLimit = Number(obj, "time_limit_seconds", at, DefaultTimeLimitSeconds, min: 0, max: MaxTimeLimitSeconds);
        if (timeLimit <= 0)
            throw new AssignmentFormatException($"{at}.time_limit_seconds must be more than 0 but is {timeLimit}");

        var problem = new Problem(name, title, op, config, sizes, optionalInputs, cases, check, points, rtol, atol, visibility, timeLimit);
        TryOneCase(problem, generator, at);
        return problem;
    }

    /// <summary>
    /// Makes one case with the largest sizes and evaluates it: the oracle must accept it and
    /// produce every checked name. (Names never depend on sizes except clipping's N, which is
    /// largest here.)
    /// </summary>
    private static void TryOneCase(Problem problem, CaseGenerator generator, string at)
    {
        Case c;
        try
        {
            c = generator.Generate(problem, 0, CaseGenerator.LargestSizes(problem), new SeededRandom(0));
        }
        catch (ArgumentException e)
        {
            throw new AssignmentFormatException($"{at}: no case can be made from this problem: {e.Message}");
        }
        var result = Evaluator.Evaluate(c);
        if (result.Error is not null)
            throw new AssignmentFormatException($"{at}: the oracle rejects a case made from this problem: {result.Error}");
        CheckNames(problem.Check.Outputs, result.Outputs, "outputs", problem, c, at);
        CheckNames(problem.Check.Grads, result.Grads, "grads", problem, c, at);

        // with the smallest sizes (clipping's N = 1 gives only weight_ih_l0) a case must still check something
        var smallest = Evaluator.Evaluate(generator.Generate(problem, 0, problem.Sizes.ToDictionary(p => p.Key, p => p.Value.Low), new SeededRandom(0)));
        if (smallest.Error is not null)
            throw new AssignmentFormatException($"{at}: the oracle rejects a case made from this problem with its smallest sizes: {smallest.Error}");
        if (ProblemGrading.CheckedNames(problem, smallest).Count == 0)
            throw new AssignmentFormatException(
                $"{at}.check: a case with the smallest sizes would have none of the checked tensors; check one it always has");
    }

    private static void CheckNames(IReadOnlyList<string> names, NamedTensors produced, string kind, Problem problem, Case c, string at)
    {
        foreach (var name in names)
        {
            if (produced.Contains(name)) continue;
            string hint = kind == "grads" && !c.Inputs.Contains(name) && CaseGenerators.For(problem.Op).OptionalInputs(problem.Op).Contains(name)
                ? $" (its gradient exists only when the case gives it: add \"{name}\" to optional_inputs)" : "";
            string list = produced.Count == 0 ? "none" : string.Join(", ", produced.Names);
            throw new AssignmentFormatException(
                $"{at}.check.{kind} names \"{name}\" but op \"{problem.Op}\" gives {kind} {list} for this problem{hint}");
        }
    }

    private static IReadOnlyDictionary<char, SizeRange> Sizes(JsonObject obj, CaseGenerator generator, string at)
    {
        if (obj["sizes"] is not JsonObject sizesObj)
            throw new AssignmentFormatException($"{at}.sizes must be an object of letter -> [low, high] but is {JsonArrays.Describe(obj["sizes"])}");
        var letters = generator.Letters;
        string known = string.Join(", ", letters.Select(l => $"{l.Letter} ({l.Meaning})"));
        var sizes = new Dictionary<char, SizeRange>();
        foreach (var (key, value) in sizesObj)
        {
            var letter = key.Length == 1 ? letters.FirstOrDefault(l => l.Letter == key[0]) : null;
            if (letter is null)
                throw new AssignmentFormatException($"{at}.sizes.{key} is not a size of op \"{String(obj, "op", at)}\"; its sizes are {known}");
            string where = $"{at}.sizes.{key}";
            string wanted = $"must be [low, high] with 1 <= low <= high <= {letter.Max}";
            if (value is not JsonArray pair || pair.Count != 2
                || !TryWhole(pair[0], out long low) || !TryWhole(pair[1], out long high)
                || low < 1 || low > high || high > letter.Max)
                throw new AssignmentFormatException($"{where} {wanted} but is {JsonArrays.Describe(value)}");
            sizes[letter.Letter] = new SizeRange((int)low, (int)high);
        }
        foreach (var letter in letters)
            if (letter.Required && !sizes.ContainsKey(letter.Letter))
                throw new AssignmentFormatException($"{at}.sizes has no {letter.Letter} ({letter.Meaning}); op \"{String(obj, "op", at)}\" needs {known}");
        return sizes;
    }

    private static CheckedTensors Check(JsonObject obj, string at)
    {
        if (obj["check"] is not JsonObject check)
            throw new AssignmentFormatException($"{at}.check must be an object {{\"outputs\": [...], \"grads\": [...]}} but is {JsonArrays.Describe(obj["check"])}");
        OnlyKeys(check, ["outputs", "grads"], $"{at}.check", "check");
        var outputs = StringList(check, "outputs", $"{at}.check", required: false);
        var grads = StringList(check, "grads", $"{at}.check", required: false);
        if (outputs.Count + grads.Count == 0)
            throw new AssignmentFormatException($"{at}.check names no outputs and no grads; at least one tensor must be checked");
        return new CheckedTensors(outputs, grads);
    }

    private static void OnlyKeys(JsonObject obj, string[] known, string at, string what)
    {
        foreach (var (key, _) in obj)
            if (Array.IndexOf(known, key) < 0)
                throw new AssignmentFormatException($"{(at.EndsWith(':') ? at[..^1] : at)} has an unknown key \"{key}\"; {what} has {string.Join(", ", known)}");
    }

    /// <summary>"file: key" at the top level, "file: problems[2] (\"name\").key" inside.</summary>
    private static string Field(string at, string key) => at.EndsWith(':') ? $"{at} {key}" : $"{at}.{key}";

    private static string String(JsonObject obj, string key, string at)
    {
        if (obj[key] is JsonValue v && v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s)
            return s;
        throw new AssignmentFormatException($"{Field(at, key)} must be a non-empty string but is {JsonArrays.Describe(obj[key])}");
    }

    private static string Name(JsonObject obj, string key, string at)
    {
        string name = String(obj, key, at);
        if (!NamePattern().IsMatch(name))
            throw new AssignmentFormatException(
                $"{Field(at, key)} must be 1 to 64 of a-z, 0-9 and - (it names files and case ids) but is \"{name}\"");
        return name;
    }

    private static ulong Seed(JsonObject obj, string at)
    {
        if (obj["seed"] is JsonValue v && v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number
            && e.TryGetUInt64(out ulong seed) && seed <= (1UL << 53))
            return seed;
        throw new AssignmentFormatException($"{Field(at, "seed")} must be a whole number from 0 to 2^53 but is {JsonArrays.Describe(obj["seed"])}");
    }

    private static bool TryWhole(JsonNode? node, out long value)
    {
        value = 0;
        return node is JsonValue v && v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value);
    }

    private static int WholeNumber(JsonObject obj, string key, string at, int min, int max)
    {
        if (TryWhole(obj[key], out long value) && value >= min && value <= max) return (int)value;
        throw new AssignmentFormatException($"{Field(at, key)} must be a whole number from {min} to {max} but is {JsonArrays.Describe(obj[key])}");
    }

    private static double Number(JsonObject obj, string key, string at, double? fallback, double min, double max = double.MaxValue)
    {
        var node = obj[key];
        if (node is null && fallback is { } f) return f;
        if (node is JsonValue v && v.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number
            && e.GetDouble() is var d && double.IsFinite(d) && d >= min && d <= max)
            return d;
        string range = max == double.MaxValue ? $">= {min}" : $"from {min} to {max}";
        throw new AssignmentFormatException($"{Field(at, key)} must be a number {range} but is {JsonArrays.Describe(node)}");
    }

    private static IReadOnlyList<string> StringList(JsonObject obj, string key, string at, bool required)
    {
        var node = obj[key];
        if (node is null && !required) return [];
        if (node is not JsonArray list)
            throw new AssignmentFormatException($"{Field(at, key)} must be a list of names but is {JsonArrays.Describe(node)}");
        var names = new List<string>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonValue v || !v.TryGetValue(out JsonElement e) || e.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(e.GetString()))
                throw new AssignmentFormatException($"{Field(at, key)}[{i}] must be a non-empty string but is {JsonArrays.Describe(list[i])}");
            string s = e.GetString()!;
            if (names.Contains(s))
                throw new AssignmentFormatException($"{Field(at, key)} names \"{s}\" twice");
            names.Add(s);
        }
        return names;
    }
}
