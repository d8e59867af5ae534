// The assignment loader: what a valid file gives, and that each kind of mistake in a file is
// refused with a message naming the file, the problem and the field.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Autograder;

public sealed class AssignmentLoaderTests
{
    private const string Valid =
        """
        {"format": "rnn-reference/assignment@1", "name": "unit", "title": "Unit", "seed": 7,
         "problems": [
           {"name": "relu-fwd", "title": "ReLU forward", "op": "relu_rnn_slide",
            "sizes": {"T": [1, 3], "I": [1, 2], "H": [1, 2]}, "cases": 2,
            "check": {"outputs": ["output", "last_output"]}, "points": 4},
           {"name": "lstm-bptt", "title": "LSTM BPTT", "op": "lstm", "config": {"num_layers": 1},
            "sizes": {"T": [1, 3], "B": [1, 2], "I": [1, 2], "H": [2, 2]}, "optional_inputs": ["h0", "c0"],
            "cases": 3, "check": {"grads": ["input", "h0", "weight_ih_l0"]}, "points": 6,
            "rtol": 1e-7, "atol": 0, "visibility": "hidden", "time_limit_seconds": 12.5}
         ]}
        """;

    [Test]
    public void ValidFileGivesEveryFieldAndTheDefaults()
    {
        var a = Parse(Valid);
        Assert.That(a.Name, Is.EqualTo("unit"));
        Assert.That(a.Title, Is.EqualTo("Unit"));
        Assert.That(a.Seed, Is.EqualTo(7UL));
        Assert.That(a.MaxScore, Is.EqualTo(10.0));
        var relu = a.Problems[0];
        Assert.That(relu.Op, Is.EqualTo("relu_rnn_slide"));
        Assert.That(relu.Sizes['T'], Is.EqualTo(new SizeRange(1, 3)));
        Assert.That(relu.Sizes.ContainsKey('B'), Is.False);
        Assert.That(relu.Check.Outputs, Is.EqualTo(new[] { "output", "last_output" }));
        Assert.That(relu.Check.Grads, Is.Empty);
        Assert.That(relu.Rtol, Is.EqualTo(AssignmentLoader.DefaultRtol));
        Assert.That(relu.Atol, Is.EqualTo(AssignmentLoader.DefaultAtol));
        Assert.That(relu.Visibility, Is.EqualTo(Visibility.Visible));
        Assert.That(relu.TimeLimitSeconds, Is.EqualTo(AssignmentLoader.DefaultTimeLimitSeconds));
        Assert.That(relu.OptionalInputs, Is.Empty);
        var lstm = a.Problems[1];
        Assert.That(lstm.Cases, Is.EqualTo(3));
        Assert.That(lstm.OptionalInputs, Is.EqualTo(new[] { "h0", "c0" }));
        Assert.That(lstm.Rtol, Is.EqualTo(1e-7));
        Assert.That(lstm.Atol, Is.EqualTo(0.0));
        Assert.That(lstm.Visibility, Is.EqualTo(Visibility.Hidden));
        Assert.That(lstm.TimeLimit, Is.EqualTo(TimeSpan.FromSeconds(12.5)));
        Assert.That(lstm.Config["num_layers"]!.GetValue<int>(), Is.EqualTo(1));
    }

    public static IEnumerable<TestCaseData> Mistakes()
    {
        TestCaseData Case(string name, Action<JsonObject> change, params string[] expected) =>
            new TestCaseData(change, expected).SetName($"Refuses {name}");
        JsonObject P(JsonObject root, int i) => (JsonObject)root["problems"]![i]!;

        yield return Case("a wrong format tag", r => r["format"] = "rnn-reference/assignment@2",
            "test.json: format must be \"rnn-reference/assignment@1\" but is \"rnn-reference/assignment@2\"");
        yield return Case("a missing name", r => r.Remove("name"), "test.json: name must be a non-empty string but is missing");
        yield return Case("a name with capitals and spaces", r => r["name"] = "My Assignment", "test.json: name must be 1 to 64 of a-z, 0-9 and -", "\"My Assignment\"");
        yield return Case("a negative seed", r => r["seed"] = -1, "test.json: seed must be a whole number from 0 to 2^53 but is -1");
        yield return Case("a fractional seed", r => r["seed"] = 1.5, "test.json: seed must be a whole number", "1.5");
        yield return Case("an unknown top-level key", r => r["due"] = "tomorrow", "test.json has an unknown key \"due\"");
        yield return Case("no problems", r => r["problems"] = new JsonArray(), "test.json: problems must be a non-empty list");
        yield return Case("a repeated problem name", r => P(r, 1)["name"] = "relu-fwd",
            "test.json: problems[1].name \"relu-fwd\" is already the name of problems[0]");
        yield return Case("a problem name with an underscore", r => P(r, 0)["name"] = "relu_fwd",
            "test.json: problems[0].name must be 1 to 64 of a-z, 0-9 and -", "\"relu_fwd\"");
        yield return Case("an unknown problem key", r => P(r, 0)["weight"] = 2,
            "test.json: problems[0] (\"relu-fwd\") has an unknown key \"weight\"");
        yield return Case("a missing title", r => P(r, 0).Remove("title"), "problems[0] (\"relu-fwd\").title must be a non-empty string");
        yield return Case("an op the oracle does not know", r => P(r, 0)["op"] = "transformer",
            "test.json: problems[0] (\"relu-fwd\").op \"transformer\" is not an op of the oracle", "lstm");
        yield return Case("an op without a case generator", r => P(r, 0)["op"] = "linear",
            "problems[0] (\"relu-fwd\").op \"linear\" has no case generator", "relu_rnn_slide");
        yield return Case("config that is not an object", r => P(r, 1)["config"] = 3, "problems[1] (\"lstm-bptt\").config must be an object but is 3");
        yield return Case("config setting a generated key", r => P(r, 1)["config"] = new JsonObject { ["hidden_size"] = 3 },
            "problems[1] (\"lstm-bptt\").config.hidden_size is set by the case generator");
        yield return Case("config the op does not take", r => P(r, 1)["config"] = new JsonObject { ["nonlinearity"] = "relu" },
            "problems[1] (\"lstm-bptt\"): the oracle rejects a case made from this problem: config.nonlinearity is not an option of op 'lstm'");
        yield return Case("config of the wrong type", r => P(r, 1)["config"] = new JsonObject { ["bias"] = "yes" },
            "problems[1] (\"lstm-bptt\"): no case can be made from this problem: config.bias must be true or false but is \"yes\"");
        yield return Case("missing sizes", r => P(r, 0).Remove("sizes"), "problems[0] (\"relu-fwd\").sizes must be an object");
        yield return Case("a missing size letter", r => ((JsonObject)P(r, 1)["sizes"]!).Remove("H"),
            "problems[1] (\"lstm-bptt\").sizes has no H (hidden size)");
        yield return Case("an unknown size letter", r => P(r, 0)["sizes"]!["Q"] = new JsonArray(1, 2),
            "problems[0] (\"relu-fwd\").sizes.Q is not a size of op \"relu_rnn_slide\"", "T (time steps)");
        yield return Case("a size range upside down", r => P(r, 0)["sizes"]!["T"] = new JsonArray(3, 1),
            "problems[0] (\"relu-fwd\").sizes.T must be [low, high] with 1 <= low <= high <= 32 but is [3,1]");
        yield return Case("a size of 0", r => P(r, 0)["sizes"]!["T"] = new JsonArray(0, 2), "sizes.T must be [low, high] with 1 <= low", "[0,2]");
        yield return Case("a size above the limit", r => P(r, 0)["sizes"]!["H"] = new JsonArray(1, 33), "sizes.H must be [low, high] with 1 <= low <= high <= 32 but is [1,33]");
        yield return Case("a fractional size", r => P(r, 0)["sizes"]!["I"] = new JsonArray(1, 2.5), "sizes.I must be [low, high]", "[1,2.5]");
        yield return Case("a size that is not a range", r => P(r, 0)["sizes"]!["I"] = 3, "sizes.I must be [low, high]", "but is 3");
        yield return Case("optional inputs the op cannot take", r => P(r, 0)["optional_inputs"] = new JsonArray("c0"),
            "problems[0] (\"relu-fwd\").optional_inputs has \"c0\" but op \"relu_rnn_slide\" can be given h0");
        yield return Case("no cases", r => P(r, 0)["cases"] = 0, "problems[0] (\"relu-fwd\").cases must be a whole number from 1 to 100 but is 0");
        yield return Case("too many cases", r => P(r, 0)["cases"] = 101, "cases must be a whole number from 1 to 100 but is 101");
        yield return Case("a missing check", r => P(r, 0).Remove("check"), "problems[0] (\"relu-fwd\").check must be an object");
        yield return Case("a check of nothing", r => P(r, 0)["check"] = new JsonObject(), "problems[0] (\"relu-fwd\").check names no outputs and no grads");
        yield return Case("an unknown check key", r => P(r, 0)["check"]!["values"] = new JsonArray("output"),
            "problems[0] (\"relu-fwd\").check has an unknown key \"values\"");
        yield return Case("a checked output the op does not give", r => P(r, 0)["check"]!["outputs"] = new JsonArray("output", "h_n"),
            "problems[0] (\"relu-fwd\").check.outputs names \"h_n\" but op \"relu_rnn_slide\" gives outputs output, last_output");
        yield return Case("a checked gradient of an input the cases do not give", r => P(r, 1)["optional_inputs"] = new JsonArray("c0"),
            "problems[1] (\"lstm-bptt\").check.grads names \"h0\" but op \"lstm\" gives grads", "add \"h0\" to optional_inputs");
        yield return Case("a name checked twice", r => P(r, 0)["check"]!["outputs"] = new JsonArray("output", "output"),
            "problems[0] (\"relu-fwd\").check.outputs names \"output\" twice");
        yield return Case("negative points", r => P(r, 0)["points"] = -1, "problems[0] (\"relu-fwd\").points must be a number >= 0 but is -1");
        yield return Case("missing points", r => P(r, 0).Remove("points"), "problems[0] (\"relu-fwd\").points must be a number >= 0 but is missing");
        yield return Case("a tolerance that is text", r => P(r, 0)["rtol"] = "1e-5", "problems[0] (\"relu-fwd\").rtol must be a number >= 0 but is \"1e-5\"");
        yield return Case("a negative atol", r => P(r, 0)["atol"] = -1e-9, "problems[0] (\"relu-fwd\").atol must be a number >= 0");
        yield return Case("an unknown visibility", r => P(r, 0)["visibility"] = "secret",
            "problems[0] (\"relu-fwd\").visibility must be \"visible\", \"hidden\", \"after_due_date\" or \"after_published\" but is \"secret\"");
        yield return Case("a time limit of 0", r => P(r, 0)["time_limit_seconds"] = 0, "problems[0] (\"relu-fwd\").time_limit_seconds must be more than 0 but is 0");
        yield return Case("a time limit over an hour", r => P(r, 0)["time_limit_seconds"] = 4000, "time_limit_seconds must be a number from 0 to 3600 but is 4000");
    }

    [TestCaseSource(nameof(Mistakes))]
    public void MistakeIsNamed(Action<JsonObject> change, string[] expected)
    {
        var root = (JsonObject)JsonNode.Parse(Valid)!;
        change(root);
        var e = Assert.Throws<AssignmentFormatException>(() => Parse(root));
        Assert.That(e!.Message, Does.StartWith("test.json"));
        foreach (var part in expected) Assert.That(e.Message, Does.Contain(part));
    }

    [Test]
    public void CheckThatSmallCasesLackIsRefused()
    {
        // with N = 1 a clipping case has only weight_ih_l0, so checking only "bias" would leave it nothing to check
        var e = Assert.Throws<AssignmentFormatException>(() => Parse(
            """
            {"format": "rnn-reference/assignment@1", "name": "c", "title": "Clip", "seed": 1,
             "problems": [{"name": "clip", "title": "clip", "op": "clip_grad_norm",
               "sizes": {"N": [1, 3], "I": [1, 2], "H": [1, 2]}, "cases": 2,
               "check": {"outputs": ["bias"]}, "points": 1}]}
            """));
        Assert.That(e!.Message, Is.EqualTo(
            "test.json: problems[0] (\"clip\").check: a case with the smallest sizes would have none of the checked tensors; check one it always has"));
    }

    [Test]
    public void NotJsonIsRefused()
    {
        var e = Assert.Throws<AssignmentFormatException>(() => Parse("{\"format\": "));
        Assert.That(e!.Message, Does.StartWith("test.json: not valid JSON"));
    }

    [Test]
    public void TopLevelListIsRefused()
    {
        var e = Assert.Throws<AssignmentFormatException>(() => Parse("[1, 2]"));
        Assert.That(e!.Message, Is.EqualTo("test.json: the top level must be a JSON object but is [1,2]"));
    }

    [Test]
    public void MissingFileIsNamed()
    {
        string path = Path.Combine(TempDir(), "nowhere.json");
        var e = Assert.Throws<AssignmentFormatException>(() => AssignmentLoader.Load(path));
        Assert.That(e!.Message, Does.StartWith($"{path}: cannot be read"));
    }
}
