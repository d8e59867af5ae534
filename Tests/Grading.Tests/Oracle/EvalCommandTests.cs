// `rnn-grading eval`: round trips, exit codes, errors per case, and that RESULTS is never
// half-written or the case file itself.
using System.Text;
using NUnit.Framework;
using Rnn.Grading.Commands;
using Rnn.Grading.Oracle;

namespace Rnn.Grading.Tests.Oracle;

public sealed class EvalCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rnn-eval-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string ExampleCases => Path.Combine(RepoPaths.Root, "grading", "examples", "cases.json");

    private static (int Code, string StdErr, byte[] StdOut) Run(params string[] args) => Run(args, []);

    private static (int Code, string StdErr, byte[] StdOut) Run(string[] args, byte[] stdin)
    {
        var err = new StringWriter();
        var stdout = new MemoryStream();
        int code = EvalCommand.Run(args, () => new MemoryStream(stdin), () => new NonClosingStream(stdout), err);
        return (code, err.ToString(), stdout.ToArray());
    }

    [Test]
    public void EveryOpOfTheExampleRoundTripsThroughJson()
    {
        string results = Path.Combine(_dir, "results.json");
        var (code, stderr, _) = Run(ExampleCases, "-o", results);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);

        using var cs = File.OpenRead(ExampleCases);
        var cases = CaseFile.ReadCases(cs, "cases.json");
        using var rs = File.OpenRead(results);
        var read = CaseFile.ReadResults(rs, "results.json");
        Assert.That(read.Select(r => r.Id), Is.EqualTo(cases.Select(c => c.Id)));
        Assert.That(cases.Select(c => c.Op).Distinct(), Is.SupersetOf(new[] { "rnn", "lstm", "gru", "relu_rnn_slide", "tanh_rnn_slide" }));
        foreach (var (c, r) in cases.Zip(read))
        {
            Assert.That(r.Error, Is.Null, c.Id);
            // what was written is what the evaluator computes, bit for bit
            var direct = Evaluator.Evaluate(c);
            foreach (var (name, t) in direct.Outputs) Assert.That(r.Outputs[name].Data, Is.EqualTo(t.Data), $"{c.Id} output {name}");
            foreach (var (name, t) in direct.Grads) Assert.That(r.Grads[name].Data, Is.EqualTo(t.Data), $"{c.Id} grad {name}");
            // a gradient for every float input and every param
            foreach (var name in c.Params.Names) Assert.That(r.Grads.Contains(name), $"{c.Id}: grad of param {name}");
            foreach (var name in c.Inputs.Names.Where(n => n != "lengths")) Assert.That(r.Grads.Contains(name), $"{c.Id}: grad of input {name}");
        }
    }

    [Test]
    public void StandardInputAndOutputCarryJson()
    {
        var (code, stderr, stdout) = Run(["-", "-o", "-"], File.ReadAllBytes(ExampleCases));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        var read = CaseFile.ReadResults(new MemoryStream(stdout), "stdout");
        Assert.That(read, Has.Count.EqualTo(6));
    }

    [Test]
    public void ABadCaseGetsAnErrorAndTheOthersAreStillEvaluated()
    {
        string cases = Path.Combine(_dir, "cases.json");
        string json = File.ReadAllText(ExampleCases);
        // break the first case's op and keep the rest
        int at = json.IndexOf("\"op\": \"rnn\"", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThan(0));
        File.WriteAllText(cases, json[..at] + "\"op\": \"rnnn\"" + json[(at + "\"op\": \"rnn\"".Length)..]);
        string results = Path.Combine(_dir, "results.json");
        var (code, stderr, _) = Run(cases, "-o", results);
        Assert.That(code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        Assert.That(stderr, Does.Contain("unknown op \"rnnn\""));
        using var rs = File.OpenRead(results);
        var read = CaseFile.ReadResults(rs, "results.json");
        Assert.That(read[0].Error, Does.Contain("unknown op \"rnnn\"").And.Contain("lstm"));
        Assert.That(read.Skip(1).All(r => r.Error is null));
    }

    [Test]
    public void AShapeErrorNamesTheTensorAndTheShapes()
    {
        string cases = Path.Combine(_dir, "cases.json");
        File.WriteAllText(cases, """
            {"format": "rnn-reference/cases@1", "cases": [{"id": "x", "op": "gru",
              "config": {"input_size": 4, "hidden_size": 1},
              "inputs": {"input": {"shape": [5, 2, 3], "data": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}},
              "params": {"weight_ih_l0": {"shape": [3, 4], "data": [0,0,0,0,0,0,0,0,0,0,0,0]},
                         "weight_hh_l0": {"shape": [3, 1], "data": [0,0,0]},
                         "bias_ih_l0": {"shape": [3], "data": [0,0,0]}, "bias_hh_l0": {"shape": [3], "data": [0,0,0]}}}]}
            """);
        string results = Path.Combine(_dir, "r.json");
        var (code, _, _) = Run(cases, "-o", results);
        Assert.That(code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        using var rs = File.OpenRead(results);
        Assert.That(CaseFile.ReadResults(rs, "r.json")[0].Error,
            Does.Contain("input is [5, 2, 3]").And.Contain("expects input size 4"));
    }

    [Test]
    public void UnknownConfigKeysAndInputsAreErrorsNotIgnored()
    {
        foreach (var (config, inputs, expected) in new[]
        {
            ("{\"input_size\": 1, \"hidden_size\": 1, \"hiden_size\": 2}", "", "config.hiden_size is not an option"),
            ("{\"input_size\": 1, \"hidden_size\": 1}", ", \"hx\": {\"shape\": [1, 1], \"data\": [0]}", "inputs.hx is not taken"),
            ("{\"input_size\": 1, \"hidden_size\": 1, \"dropout\": 0.5}", "", "config.dropout must be 0"),
        })
        {
            string text = $$$$"""
                {"format": "rnn-reference/cases@1", "cases": [{"id": "x", "op": "rnn", "config": {{{{config}}}},
                  "inputs": {"input": {"shape": [1, 1], "data": [0.5]}{{{{inputs}}}}},
                  "params": {"weight_ih_l0": {"shape": [1, 1], "data": [1]}, "weight_hh_l0": {"shape": [1, 1], "data": [1]},
                             "bias_ih_l0": {"shape": [1], "data": [0]}, "bias_hh_l0": {"shape": [1], "data": [0]}}}]}
                """;
            var (code, _, stdout) = Run(["-", "-o", "-"], Encoding.UTF8.GetBytes(text));
            Assert.That(code, Is.EqualTo(ExitCodes.SomeNotEvaluated), expected);
            Assert.That(CaseFile.ReadResults(new MemoryStream(stdout), "out")[0].Error, Does.Contain(expected));
        }
    }

    [TestCase("{", "not valid JSON")]
    [TestCase("[]", "top level must be a JSON object")]
    [TestCase("{\"format\": \"rnn-reference/cases@2\", \"cases\": []}", "\"format\" must be \"rnn-reference/cases@1\"")]
    [TestCase("{\"format\": \"rnn-reference/cases@1\", \"cases\": [{\"id\": \"a\", \"op\": \"rnn\", \"inputs\": {\"x\": {\"shape\": [2], \"data\": [1]}}}]}",
        "cases[0].inputs.x.data has 1 numbers but shape [2] needs 2")]
    [TestCase("{\"format\": \"rnn-reference/cases@1\", \"cases\": [{\"id\": \"a\", \"op\": \"rnn\", \"inputs\": {\"x\": {\"shape\": [-1], \"data\": []}}}]}",
        "cases[0].inputs.x.shape[0] must be a whole number >= 0")]
    [TestCase("{\"format\": \"rnn-reference/cases@1\", \"cases\": [{\"id\": \"a\", \"op\": \"rnn\"}, {\"id\": \"a\", \"op\": \"rnn\"}]}",
        "cases[1] repeats the id \"a\"")]
    [TestCase("{\"format\": \"rnn-reference/cases@1\", \"cases\": [{\"id\": \"a\", \"op\": \"rnn\", \"inputs\": {\"x\": {\"shape\": [1], \"data\": [\"nan\"]}}}]}",
        "must be a number or \"NaN\"")]
    public void AnUnreadableCaseFileIsExitCode3AndWritesNothing(string text, string expected)
    {
        string cases = Path.Combine(_dir, "cases.json");
        File.WriteAllText(cases, text);
        string results = Path.Combine(_dir, "results.json");
        var (code, stderr, _) = Run(cases, "-o", results);
        Assert.That(code, Is.EqualTo(ExitCodes.UnreadableInput));
        Assert.That(stderr, Does.Contain("cases.json").And.Contain(expected));
        Assert.That(File.Exists(results), Is.False);
    }

    [Test]
    public void NonFiniteNumbersTravelAsStrings()
    {
        string text = """
            {"format": "rnn-reference/cases@1", "cases": [{"id": "x", "op": "relu_rnn_slide",
              "inputs": {"input": {"shape": [1, 1], "data": ["Infinity"]}},
              "params": {"W": {"shape": [1, 1], "data": [1]}, "U": {"shape": [1, 1], "data": [1]}, "b": {"shape": [1], "data": ["-Infinity"]}}}]}
            """;
        var (code, _, stdout) = Run(["-", "-o", "-"], Encoding.UTF8.GetBytes(text));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        string json = Encoding.UTF8.GetString(stdout);
        // linear = inf * 1 + (-inf) + 0 = NaN, and max(0, NaN) stays NaN (as np.maximum), written as the string
        Assert.That(json, Does.Contain("\"output\":{\"shape\":[1,1],\"data\":[\"NaN\"]}"));
        var r = CaseFile.ReadResults(new MemoryStream(stdout), "out")[0];
        Assert.That(r.Outputs["output"].Data[0], Is.NaN);
    }

    [Test]
    public void CommandLineMistakesAreExitCode2()
    {
        Assert.That(Run(ExampleCases).Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(Run("-o", "x.json").Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(Run(ExampleCases, "-o", Path.Combine(_dir, "r.txt")).StdErr, Does.Contain("must end in .json or .npz"));
        Assert.That(Run(ExampleCases, "--frobnicate").Code, Is.EqualTo(ExitCodes.Usage));
        var self = Run(ExampleCases, "-o", ExampleCases);
        Assert.That(self.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(self.StdErr, Does.Contain("is the case file itself"));
    }

    [Test]
    public void ComputeChoosesThePlainLoopsOrTheFastPathOnAnyThreadCount()
    {
        using var cs = File.OpenRead(ExampleCases);
        var cases = CaseFile.ReadCases(cs, "cases.json");
        IReadOnlyList<CaseResult> Written(params string[] options)
        {
            string results = Path.Combine(_dir, $"r{Guid.NewGuid():N}.json");
            var (code, stderr, _) = Run([ExampleCases, "-o", results, .. options]);
            Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
            using var rs = File.OpenRead(results);
            return CaseFile.ReadResults(rs, "results.json");
        }
        var plain = Written("--compute", "plain");
        var fastOne = Written("--threads", "1");
        var fastThree = Written("--compute", "fast", "--threads", "3");
        foreach (var (c, k) in cases.Select((c, k) => (c, k)))
        {
            var wantPlain = Evaluator.Evaluate(c, Rnn.Reference.Numerics.Compute.Plain);
            foreach (var (name, t) in wantPlain.Grads) Assert.That(plain[k].Grads[name].Data, Is.EqualTo(t.Data), $"{c.Id} plain grad {name}");
            foreach (var (name, t) in fastOne[k].Grads) Assert.That(fastThree[k].Grads[name].Data, Is.EqualTo(t.Data), $"{c.Id} fast grad {name}: 3 threads vs 1");
        }
    }

    [TestCase("--compute", "gpu", "--compute must be fast or plain but is 'gpu'")]
    [TestCase("--threads", "0", "--threads must be a whole number of at least 1 but is '0'")]
    [TestCase("--threads", "two", "--threads must be a whole number of at least 1 but is 'two'")]
    [TestCase("--threads", "-3", "--threads must be a whole number of at least 1 but is '-3'")]
    public void ABadComputeOptionIsAUsageError(string option, string value, string message)
    {
        var (code, stderr, _) = Run(ExampleCases, "-o", Path.Combine(_dir, "r.json"), option, value);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(stderr, Does.Contain(message));
        Assert.That(File.Exists(Path.Combine(_dir, "r.json")), Is.False);
        var both = Run(ExampleCases, "-o", Path.Combine(_dir, "r.json"), "--compute", "plain", "--threads", "2");
        Assert.That(both.StdErr, Does.Contain("--threads is for --compute fast; the plain loops run on one thread"));
    }

    [Test]
    public void OutputMayBeSpelledOutInFullButGivenOnlyOnce()
    {
        string results = Path.Combine(_dir, "r.json");
        var (code, stderr, _) = Run(ExampleCases, "--output", results);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        Assert.That(File.Exists(results));

        var twice = Run(ExampleCases, "-o", results, "--output", Path.Combine(_dir, "s.json"));
        Assert.That(twice.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(twice.StdErr, Does.Contain("-o was given twice").And.Contain("usage: rnn-grading eval CASES -o RESULTS"));
        var two = Run(ExampleCases, ExampleCases, "-o", results);
        Assert.That(two.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(two.StdErr, Does.Contain($"unexpected argument '{ExampleCases}'"));
    }

    [Test]
    public void AMissingCaseFileIsExitCode3()
    {
        var (code, stderr, _) = Run(Path.Combine(_dir, "nope.json"), "-o", Path.Combine(_dir, "r.json"));
        Assert.That(code, Is.EqualTo(ExitCodes.UnreadableInput));
        Assert.That(stderr, Does.Contain("nope.json"));
    }

    [Test]
    public void AnUnwritableResultsPathIsExitCode4()
    {
        var (code, stderr, _) = Run(ExampleCases, "-o", Path.Combine(_dir, "no-such-dir", "r.json"));
        Assert.That(code, Is.EqualTo(ExitCodes.CannotWriteOutput));
        Assert.That(stderr, Does.Contain("r.json"));
    }

    /// <summary>Keeps the captured stdout readable after the command disposes its stream.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }

    [Test]
    public void AnExistingResultsFileIsReplacedOnlyWithForce()
    {
        string results = Path.Combine(_dir, "results.json");
        File.WriteAllText(results, "mine");
        var (code, stderr, _) = Run(ExampleCases, "-o", results);
        Assert.That(code, Is.EqualTo(ExitCodes.CannotWriteOutput));
        Assert.That(stderr, Does.Contain($"RESULTS '{results}' already exists; give --force to replace it (nothing was written)"));
        Assert.That(File.ReadAllText(results), Is.EqualTo("mine"));
        (code, stderr, _) = Run(ExampleCases, $"--output={results}", "--force");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        Assert.That(File.ReadAllText(results), Does.StartWith("{\"format\":\"rnn-reference/results@1\""));
    }

    [Test]
    public void HelpIsPrintedOnStandardOutput()
    {
        var stdout = new StringWriter();
        int code = EvalCommand.Run([ExampleCases, "--help"], () => Stream.Null, () => Stream.Null, stdout, TextWriter.Null);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(stdout.ToString(), Does.StartWith("usage: rnn-grading eval CASES -o RESULTS [--compute fast|plain] [--threads N] [--max-memory SIZE] [--max-work N] [--force]"));
    }
}
