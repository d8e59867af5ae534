// Shared support for the autograder tests: small assignments written in the test, the shipped
// assignment, the answers a correct program would give, temporary folders, and a validator
// for Gradescope's results.json.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Oracle;

namespace Rnn.Grading.Tests.Autograder;

public static class AutograderTestSupport
{
    public static string ShippedAssignmentPath => Path.Combine(RepoPaths.Root, "grading", "assignments", "rnn-slides.json");

    public static string DemoAnswersPath => Path.Combine(RepoPaths.Root, "grading", "examples", "answers", "with-mistakes.json");

    public static Assignment Shipped() => AssignmentLoader.Load(ShippedAssignmentPath);

    public static Assignment Parse(string json, string sourceName = "test.json") =>
        AssignmentLoader.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), sourceName);

    public static Assignment Parse(JsonNode json, string sourceName = "test.json") => Parse(json.ToJsonString(), sourceName);

    /// <summary>An assignment of small relu_rnn_slide forward problems: 2 cases x 2 checked tensors, 4 points each.</summary>
    public static JsonObject ReluForwardAssignment(params string[] problemNames)
    {
        var problems = new JsonArray();
        foreach (var name in problemNames)
            problems.Add(new JsonObject
            {
                ["name"] = name,
                ["title"] = "ReLU RNN forward " + name,
                ["op"] = "relu_rnn_slide",
                ["sizes"] = new JsonObject { ["T"] = new JsonArray(1, 3), ["I"] = new JsonArray(1, 2), ["H"] = new JsonArray(1, 2) },
                ["cases"] = 2,
                ["check"] = new JsonObject { ["outputs"] = new JsonArray("output", "last_output") },
                ["points"] = 4,
            });
        return new JsonObject
        {
            ["format"] = "rnn-reference/assignment@1",
            ["name"] = "unit",
            ["title"] = "Unit test assignment",
            ["seed"] = 11,
            ["problems"] = problems,
        };
    }

    /// <summary>What a correct program answers: the oracle on the graded cases (used as input to the grader, never as a test's expected value).</summary>
    public static List<CaseResult> CorrectAnswers(Assignment a, Problem p) => [.. Evaluator.EvaluateAll(CaseStreams.Graded(a, p))];

    public static List<CaseResult> CorrectAnswers(Assignment a) => [.. a.Problems.SelectMany(p => CorrectAnswers(a, p))];

    public static void WriteAnswers(string path, IEnumerable<CaseResult> answers)
    {
        using var s = File.Create(path);
        CaseFile.WriteResults(s, answers);
    }

    public static string Serialize(IEnumerable<Case> cases)
    {
        using var s = new MemoryStream();
        CaseFile.WriteCases(s, cases);
        return Encoding.UTF8.GetString(s.ToArray());
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "rnn-grader-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>An answer source that answers from a list and records what it was asked.</summary>
    public sealed class ListSource(IReadOnlyList<CaseResult> answers) : IAnswerSource
    {
        public List<AnswerRequest> Requests { get; } = [];

        public string Description => "answers in memory";

        public AnswerOutcome GetAnswers(AnswerRequest request)
        {
            Requests.Add(request);
            return AnswerOutcome.Answered(answers);
        }
    }
}

/// <summary>
/// Checks a results.json against Gradescope's format as this grader writes it: the required
/// keys with their types, allowed visibility / status / format values, test scores within
/// [0, max_score], status "passed" exactly for full marks, and the top score = sum of tests.
/// </summary>
public static class GradescopeSchema
{
    private static readonly string[] Visibilities = ["visible", "hidden", "after_due_date", "after_published"];
    private static readonly string[] Formats = ["text", "html", "simple_format", "md", "ansi"];

    public static List<string> Problems(string json)
    {
        var errors = new List<string>();
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException e)
        {
            return [$"not JSON: {e.Message}"];
        }
        if (root.ValueKind != JsonValueKind.Object) return ["the top level is not an object"];
        Number(root, "score", errors);
        Number(root, "execution_time", errors);
        String(root, "output", errors);
        OneOf(root, "output_format", Formats, errors);
        OneOf(root, "visibility", Visibilities, errors);
        OneOf(root, "stdout_visibility", Visibilities, errors);
        if (!root.TryGetProperty("tests", out var tests) || tests.ValueKind != JsonValueKind.Array)
        {
            errors.Add("tests is missing or not a list");
            return errors;
        }
        double sum = 0;
        int i = 0;
        foreach (var t in tests.EnumerateArray())
        {
            var before = errors.Count;
            String(t, "name", errors);
            String(t, "number", errors);
            String(t, "output", errors);
            OneOf(t, "status", ["passed", "failed"], errors);
            OneOf(t, "visibility", Visibilities, errors);
            OneOf(t, "output_format", Formats, errors);
            double score = Number(t, "score", errors), max = Number(t, "max_score", errors);
            if (!t.TryGetProperty("tags", out var tags) || tags.ValueKind != JsonValueKind.Array
                || tags.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
                errors.Add("tags is missing or not a list of strings");
            if (errors.Count == before)
            {
                if (score < 0 || score > max + 1e-9) errors.Add($"score {score} is outside [0, {max}]");
                bool passed = t.GetProperty("status").GetString() == "passed";
                if (passed != (Math.Abs(score - max) < 1e-9)) errors.Add($"status {(passed ? "passed" : "failed")} with score {score} of {max}");
            }
            for (int e = before; e < errors.Count; e++) errors[e] = $"tests[{i}]: {errors[e]}";
            sum += score;
            i++;
        }
        if (root.TryGetProperty("score", out var total) && total.ValueKind == JsonValueKind.Number && Math.Abs(total.GetDouble() - sum) > 1e-5)
            errors.Add($"score {total.GetDouble()} is not the sum of the tests' scores {sum}");
        return errors;
    }

    public static void AssertValid(string path)
    {
        Assert.That(File.Exists(path), $"{path} was not written");
        var errors = Problems(File.ReadAllText(path));
        Assert.That(errors, Is.Empty, $"{path} is not a valid results.json:\n" + string.Join("\n", errors));
    }

    private static double Number(JsonElement obj, string key, List<string> errors)
    {
        if (obj.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        errors.Add($"{key} is missing or not a number");
        return double.NaN;
    }

    private static void String(JsonElement obj, string key, List<string> errors)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind != JsonValueKind.String) errors.Add($"{key} is missing or not a string");
    }

    private static void OneOf(JsonElement obj, string key, string[] allowed, List<string> errors)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind != JsonValueKind.String || !allowed.Contains(v.GetString()))
            errors.Add($"{key} is missing or not one of {string.Join(", ", allowed)}");
    }
}
