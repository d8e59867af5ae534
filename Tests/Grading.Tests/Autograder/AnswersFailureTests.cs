// Every way an answers file can be wrong costs only its own problem, with a message that says
// what was wrong. One assignment of small identical problems, graded from a folder with one
// answers file per problem (the layout a submission run produces); each problem's file has
// one kind of fault and every other problem is answered correctly.
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Autograder;

public sealed class AnswersFailureTests
{
    private const long SizeCap = 64 * 1024;

    // Each problem: 2 cases x 2 checked tensors (output, last_output), 4 points, so 1 point per tensor.
    private static readonly (string Problem, double Score, string[] Messages)[] Expectations =
    [
        ("ok", 4, []),
        ("missing-file", 0, ["no answers file: missing-file.json was not found"]),
        ("not-json", 0, ["not-json.json: not valid JSON"]),
        ("bare-nan", 0, ["bare-nan.json: not valid JSON", "must be written as the strings \"NaN\", \"Infinity\", \"-Infinity\""]),
        ("wrong-format", 0, ["wrong-format.json: \"format\" must be \"rnn-reference/results@1\" but is \"rnn-reference/cases@1\""]),
        ("missing-case", 2, ["case missing-case/1: no answer for case missing-case/1"]),
        ("error-entry", 2, ["case error-entry/0: your program reported an error: Traceback (most recent call last):", "more characters not shown"]),
        ("missing-tensor", 3, ["case missing-tensor/0, outputs.last_output: missing from the answer"]),
        ("wrong-section", 3, ["case wrong-section/1, outputs.output: missing from the answer (\"output\" is under \"grads\": it belongs under \"outputs\")"]),
        ("wrong-shape", 3, ["case wrong-shape/1, outputs.output: shape ["]),
        ("nan", 3, ["case nan/0, outputs.output: NaN at [0, 0] where"]),
        ("infinity", 3, ["case infinity/1, outputs.last_output: -Infinity at [0"]),
        ("extras", 4, ["outputs.bonus is not something the oracle gives, so it was ignored (cases extras/0, extras/1)",
                       "answers for case ids that are not cases of this problem were ignored: extras/7"]),
        ("repeated-id", 2, ["the answers hold case repeated-id/0 more than once"]),
        ("oversize", 0, ["oversize.json is ", $"more than the limit of {SizeCap} bytes; it was not read"]),
        ("symlink", 0, ["symlink.json is a symbolic link (to "]),
        ("folder", 0, ["folder.json is a folder, not a file"]),
        ("empty", 0, ["empty.json is empty (or is not a regular file)"]),
        ("named-pipe", 0, ["named-pipe.json is empty (or is not a regular file)"]),
        // a student's program can write any bytes: one bad entry costs only the case it answers
        ("duplicate-key", 2, ["case duplicate-key/0: the answer could not be read: duplicate-key.json: results[0].outputs.output: the key \"shape\" appears twice in one object"]),
        ("duplicate-id-key", 2, ["case duplicate-id-key/0: no answer for case duplicate-id-key/0",
                                 "an answer could not be read, nor its id, so it answers no case: duplicate-id-key.json: results[0]: the key \"id\" appears twice"]),
        ("lone-surrogate", 2, ["case lone-surrogate/0: no answer for case lone-surrogate/0",
                               "nor its id, so it answers no case: lone-surrogate.json: results[0].id: the string starting at byte ", "leaves a UTF-16 surrogate unpaired"]),
        ("low-surrogate", 2, ["case low-surrogate/1: the answer could not be read: low-surrogate.json: results[1].error: the string starting at byte ", "leaves a UTF-16 surrogate unpaired"]),
        ("not-utf8", 2, ["case not-utf8/0: the answer could not be read: not-utf8.json: results[0].outputs: a key starting at byte ", "bytes that are not UTF-8"]),
        ("huge-number", 2, ["case huge-number/0: the answer could not be read: huge-number.json: results[0].outputs.output.data[0]: the number 1e999 is outside the range of a double"]),
        ("bad-tensor", 2, ["case bad-tensor/1: the answer could not be read: bad-tensor.json: results[1].outputs.output.data has 1 numbers but shape"]),
        ("not-an-object", 4, []),
        ("repeated-unreadable", 2, ["case repeated-unreadable/0: the answers hold case repeated-unreadable/0 more than once"]),
        // a fault outside the entries: which entries there are is not known, so nothing is read
        ("duplicate-format", 0, ["duplicate-format.json: the top level: the key \"format\" appears twice"]),
        ("duplicate-results", 0, ["duplicate-results.json: the top level: the key \"results\" appears twice"]),
    ];

    /// <summary>The correct answers as JSON text, with `edit` applied to it (the hostile part).</summary>
    private static void WriteEdited(string file, List<CaseResult> answers, Func<string, string> edit)
    {
        WriteAnswers(file, answers);
        string text = File.ReadAllText(file);
        string edited = edit(text);
        Assert.That(edited, Is.Not.EqualTo(text), $"{file}: the edit changed nothing");
        File.WriteAllText(file, edited);
    }

    /// <summary>text with the first occurrence of find replaced.</summary>
    private static string First(string text, string find, string replacement)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        return at < 0 ? text : text[..at] + replacement + text[(at + find.Length)..];
    }

    /// <summary>A named pipe: opening it for reading would wait for a writer forever.</summary>
    private static void MakeFifo(string path)
    {
        using var p = System.Diagnostics.Process.Start("mkfifo", [path]);
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(0), "mkfifo failed");
    }

    private static GradingRun GradeFaultyFolder(out string dir, out string resultsPath)
    {
        var a = Parse(ReluForwardAssignment([.. Expectations.Select(e => e.Problem)]));
        dir = TempDir();
        string secret = Path.Combine(dir, "..", "elsewhere-" + Guid.NewGuid().ToString("N") + ".json");
        foreach (var p in a.Problems)
        {
            string file = Path.Combine(dir, p.Name + ".json");
            var answers = CorrectAnswers(a, p);
            switch (p.Name)
            {
                case "missing-file":
                    break;
                case "not-json":
                    File.WriteAllText(file, "{\"format\": \"rnn-reference/results@1\", \"results\": [");
                    break;
                case "bare-nan":
                    File.WriteAllText(file, "{\"format\": \"rnn-reference/results@1\", \"results\": [{\"id\": \"bare-nan/0\", \"outputs\": {\"output\": {\"shape\": [1], \"data\": [NaN]}}}]}");
                    break;
                case "wrong-format":
                    File.WriteAllText(file, "{\"format\": \"rnn-reference/cases@1\", \"results\": []}");
                    break;
                case "missing-case":
                    WriteAnswers(file, answers.Where(r => r.Id != "missing-case/1"));
                    break;
                case "error-entry":
                    answers[0] = CaseResult.Failed("error-entry/0", "Traceback (most recent call last):\n" + new string('x', 3000));
                    WriteAnswers(file, answers);
                    break;
                case "missing-tensor":
                    answers[0] = Without(answers[0], "last_output");
                    WriteAnswers(file, answers);
                    break;
                case "wrong-section":
                {
                    var grads = answers[1].Grads.Clone();
                    grads.Add("output", answers[1].Outputs["output"]);
                    answers[1] = Without(answers[1], "output") with { Grads = grads };
                    WriteAnswers(file, answers);
                    break;
                }
                case "wrong-shape":
                {
                    var output = answers[1].Outputs["output"];           // [T, H] -> [T, H, 1]
                    var outputs = Without(answers[1], "output").Outputs;
                    outputs.Add("output", new Tensor([.. output.Shape, 1], output.Data));
                    answers[1] = answers[1] with { Outputs = outputs };
                    WriteAnswers(file, answers);
                    break;
                }
                case "nan":
                    answers[0].Outputs["output"].Data[0] = double.NaN;
                    WriteAnswers(file, answers);
                    break;
                case "infinity":
                    answers[1].Outputs["last_output"].Data[0] = double.NegativeInfinity;
                    WriteAnswers(file, answers);
                    break;
                case "extras":
                    foreach (var r in answers) r.Outputs.Add("bonus", Tensor.Scalar(1));
                    answers.Add(CaseResult.Failed("extras/7", "not a case"));
                    answers.Add(CaseResult.Failed("another-problem/0", "answers of other problems are not looked at"));
                    WriteAnswers(file, answers);
                    break;
                case "repeated-id":
                    answers.Add(answers[0]);
                    WriteAnswers(file, answers);
                    break;
                case "oversize":
                    WriteAnswers(file, answers);
                    File.AppendAllText(file, new string(' ', (int)SizeCap));
                    break;
                case "symlink":
                    WriteAnswers(secret, answers);
                    File.CreateSymbolicLink(file, secret);
                    break;
                case "folder":
                    Directory.CreateDirectory(file);
                    break;
                case "empty":
                    File.WriteAllText(file, "");
                    break;
                case "named-pipe":
                    MakeFifo(file);
                    break;
                case "duplicate-key":
                    WriteEdited(file, answers, t => First(t, "\"shape\":", "\"shape\":[1],\"shape\":"));
                    break;
                case "duplicate-id-key":
                    WriteEdited(file, answers, t => First(t, "\"id\":", "\"id\":\"x\",\"id\":"));
                    break;
                case "lone-surrogate":
                    WriteEdited(file, answers, t => First(t, "\"id\":\"", "\"id\":\"\\ud800"));
                    break;
                case "low-surrogate":
                    answers[1] = CaseResult.Failed(answers[1].Id, "SURROGATE");
                    WriteEdited(file, answers, t => First(t, "SURROGATE", "ab\\udc00cd"));
                    break;
                case "not-utf8":
                    WriteAnswers(file, answers);
                    File.WriteAllBytes(file, [.. ReplaceFirst(File.ReadAllBytes(file), "\"output\""u8.ToArray(), [(byte)'"', 0xC3, 0x28, (byte)'"'])]);
                    break;
                case "huge-number":
                    WriteEdited(file, answers, t => First(t, "\"data\":[", "\"data\":[1e999,"));
                    break;
                case "bad-tensor":
                    answers[1] = answers[1] with { Error = "BAD-TENSOR" };
                    WriteEdited(file, answers, t => First(t, "\"error\":\"BAD-TENSOR\"",
                        "\"outputs\":{\"output\":{\"shape\":[2,3],\"data\":[1]}}"));
                    break;
                case "not-an-object":
                    // an entry that is no result at all answers no case; every case has its answer
                    WriteEdited(file, answers, t => First(t, "\"results\":[", "\"results\":[7,"));
                    break;
                case "repeated-unreadable":
                    answers.Add(CaseResult.Failed(answers[0].Id, "SECOND"));
                    WriteEdited(file, answers, t => First(t, "\"error\":\"SECOND\"", "\"outputs\":{\"output\":{\"shape\":[1],\"data\":[]}}"));
                    break;
                case "duplicate-format":
                    WriteEdited(file, answers, t => First(t, "\"format\":", "\"format\":\"x\",\"format\":"));
                    break;
                case "duplicate-results":
                    WriteEdited(file, answers, t => First(t, "\"results\":", "\"results\":[],\"results\":"));
                    break;
                default:
                    WriteAnswers(file, answers);
                    break;
            }
        }
        resultsPath = Path.Combine(dir, "results.json");
        return new Grader(new AnswersDirectorySource(dir, SizeCap)).Grade(a, resultsPath);
    }

    private static byte[] ReplaceFirst(byte[] bytes, byte[] find, byte[] replacement)
    {
        int at = bytes.AsSpan().IndexOf(find);
        Assert.That(at, Is.GreaterThanOrEqualTo(0));
        return [.. bytes[..at], .. replacement, .. bytes[(at + find.Length)..]];
    }

    private static CaseResult Without(CaseResult r, string output)
    {
        var outputs = new NamedTensors();
        foreach (var (name, t) in r.Outputs) if (name != output) outputs.Add(name, t);
        return r with { Outputs = outputs };
    }

    [Test]
    public void EachFaultCostsOnlyItsProblemAndSaysWhy()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("the named pipe is made with Linux's mkfifo");
        var run = GradeFaultyFolder(out _, out string resultsPath);
        Assert.That(run.InternalError, Is.Null);
        Assert.Multiple(() =>
        {
            foreach (var (name, score, messages) in Expectations)
            {
                var o = run.Problems.Single(p => p.Problem.Name == name);
                Assert.That(o.Score, Is.EqualTo(score), $"{name}: score");
                string feedback = Feedback.ForProblem(o);
                foreach (var m in messages)
                    Assert.That(feedback, Does.Contain(m), $"{name}: feedback");
            }
        });
        GradescopeSchema.AssertValid(resultsPath);
    }

    [Test]
    public void ErrorTextIsTruncated()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("the named pipe is made with Linux's mkfifo");
        var run = GradeFaultyFolder(out _, out _);
        string feedback = Feedback.ForProblem(run.Problems.Single(p => p.Problem.Name == "error-entry"));
        Assert.That(feedback, Does.Not.Contain(new string('x', 600)));
        Assert.That(feedback.Length, Is.LessThan(3000));
    }

    [Test]
    public void OneAnswersFileForEveryProblemThatCannotBeReadCostsEachProblemWithTheSameMessage()
    {
        var a = Parse(ReluForwardAssignment("one", "two"));
        string dir = TempDir();
        string path = Path.Combine(dir, "answers.json");
        File.WriteAllText(path, "not json");
        var run = new Grader(new AnswersFileSource(path)).Grade(a, Path.Combine(dir, "results.json"));
        foreach (var o in run.Problems)
        {
            Assert.That(o.Score, Is.EqualTo(0.0));
            Assert.That(o.SourceFailure, Does.StartWith("answers.json: not valid JSON"));
        }
    }

    [Test]
    public void OneAnswersFileHoldsEveryProblem()
    {
        var a = Parse(ReluForwardAssignment("one", "two"));
        string dir = TempDir();
        string path = Path.Combine(dir, "answers.json");
        var answers = CorrectAnswers(a);
        answers[3].Outputs["last_output"].Data[0] += 1;                // two/1
        WriteAnswers(path, answers);
        var run = new Grader(new AnswersFileSource(path)).Grade(a, Path.Combine(dir, "results.json"));
        Assert.That(run.Problems.Select(o => o.Score), Is.EqualTo(new[] { 4.0, 3.0 }));
        Assert.That(run.Problems.SelectMany(o => o.Notes), Is.Empty, "answers of the other problem are not extras");
    }

    [Test]
    public void GradeAnswersFileWithBadPartsScoresEveryReadableResultAndSaysWhatWasWrongPerProblem()
    {
        // a hand-written answers file for two problems of 2 cases x 2 tensors (1 point each):
        // one/0 repeats a key inside its tensor, two/1 holds a lone surrogate in one value
        string dir = TempDir();
        string assignmentPath = Path.Combine(dir, "assignment.json");
        File.WriteAllText(assignmentPath, ReluForwardAssignment("one", "two").ToJsonString());
        var a = AssignmentLoader.Load(assignmentPath);
        var answers = CorrectAnswers(a);
        Assert.That(answers.Select(r => r.Id), Is.EqualTo(new[] { "one/0", "one/1", "two/0", "two/1" }));
        answers[3] = CaseResult.Failed("two/1", "SURROGATE");
        string path = Path.Combine(dir, "answers.json");
        WriteEdited(path, answers, t => First(First(t, "\"shape\":", "\"shape\":[9],\"shape\":"), "SURROGATE", "oops \\udfff"));
        string results = Path.Combine(dir, "results.json");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Rnn.Grading.Commands.GradeCommand.Run(["--assignment", assignmentPath, "--answers", path, "--results", results],
            stdout, stderr, null, NoDiagnosis.Instance);

        Assert.That(code, Is.EqualTo(Rnn.Grading.Commands.ExitCodes.Ok), "a student's malformed answers are not the grader's fault\n" + stderr);
        GradescopeSchema.AssertValid(results);
        var tests = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(results))!["tests"]!.AsArray();
        Assert.That(tests.Select(t => t!["score"]!.GetValue<double>()), Is.EqualTo(new[] { 2.0, 2.0 }));
        string one = tests[0]!["output"]!.GetValue<string>(), two = tests[1]!["output"]!.GetValue<string>();
        Assert.That(one, Does.Contain("- case one/0: the answer could not be read: answers.json: results[0].outputs.output: the key \"shape\" appears twice in one object"));
        Assert.That(one, Does.Not.Contain("two/1"));
        Assert.That(two, Does.Contain("- case two/1: the answer could not be read: answers.json: results[3].error: the string starting at byte "));
        Assert.That(two, Does.Contain("leaves a UTF-16 surrogate unpaired"));
        Assert.That(two, Does.Not.Contain("one/0"));
    }

    [Test]
    public void AnEntryReadOnItsOwnNamesItsPlaceAndByteFromTheFilesStart()
    {
        const string text = """{"format": "rnn-reference/results@1", "results": [{"id": "a/0", "error": "fine"}, {"id": "a/1", "error": "\ud800"}]}""";
        var read = AnswersFile.Read(WriteText(text), "answers.json");
        Assert.That(read.Answers!.Select(r => r.Id), Is.EqualTo(new[] { "a/0" }));
        var bad = read.Unreadable.Single();
        int at = text.IndexOf("\"\\ud800\"", StringComparison.Ordinal) + 1;  // byte positions count from 1
        Assert.That(bad, Is.EqualTo(new UnreadableAnswer(1, "a/1",
            $"answers.json: results[1].error: the string starting at byte {at} is not valid text: a \\u escape leaves a UTF-16 surrogate unpaired (such as \"\\ud800\" alone); "
            + "a surrogate escape must be a high one (\\ud800-\\udbff) followed by a low one (\\udc00-\\udfff)")));
    }

    [Test]
    public void TextThatIsNotJsonIsStillRefusedWhole()
    {
        var read = AnswersFile.Read(WriteText("""{"format": "rnn-reference/results@1", "results": [{"id": "a/0", "error": "x"}, {"id": """), "answers.json");
        Assert.That(read.Succeeded, Is.False);
        Assert.That(read.Failure, Does.StartWith("answers.json: not valid JSON"));
    }

    private static string WriteText(string text)
    {
        string path = Path.Combine(TempDir(), "answers.json");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void SizeLimitIsCheckedBeforeReading()
    {
        string dir = TempDir();
        string path = Path.Combine(dir, "big.json");
        File.WriteAllText(path, "{\"format\": \"rnn-reference/results@1\", \"results\": []}");
        Assert.That(AnswersFile.Read(path, "big.json", maxBytes: 52).Succeeded, Is.True);
        var refused = AnswersFile.Read(path, "big.json", maxBytes: 51);
        Assert.That(refused.Failure, Is.EqualTo("big.json is 52 bytes, more than the limit of 51 bytes; it was not read"));
    }
}
