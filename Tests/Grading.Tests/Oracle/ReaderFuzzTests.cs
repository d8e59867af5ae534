// Fuzzing every reader of files someone else wrote: JSON case files (through eval, as a user
// runs it), answers files (through the grader, as a student's program can write them) and .npz
// case files (their zip bytes and their metadata). Small valid files are mutated at random:
// byte flips, bytes that are not UTF-8, surrogate escapes, numbers beyond double's range,
// repeated spans (which repeat keys), deletions and truncation. Whatever the bytes, eval must
// end with one of its documented exit codes (0, 1, 3; 4 for a .npz RESULTS) and print only
// escaped, bounded lines, and the grader must score what it read without an internal error.
// Each mutation i uses its own generator new Random(Seed + i), so a failure names the one
// mutation to replay; every crasher found so far is a named case in HostileInputTests or
// AnswersFailureTests. The counts are small enough for a few seconds in CI; set
// RNN_FUZZ_SCALE=N to run N times as many (a longer search).
using System.Text;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Commands;
using Rnn.Grading.Oracle;
using Rnn.Grading.Tests.Autograder;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Oracle;

public sealed class ReaderFuzzTests
{
    private const int Seed = 14_142_135;

    private static int Scale =>
        int.TryParse(Environment.GetEnvironmentVariable("RNN_FUZZ_SCALE"), out int n) && n > 0 ? n : 1;

    // Small limits, so that no mutated case (a hidden_size of 9999, say) takes long to refuse or to evaluate.
    private static readonly string[] Limits = ["--max-memory", "64M", "--max-work", "1e7"];

    private static readonly string CaseCorpus = """
        {"format": "rnn-reference/cases@1", "cases": [
         {"id": "relu", "op": "relu", "inputs": {"input": {"shape": [2, 2], "data": [1, -2, "NaN", 0.5]}}},
         {"id": "lstm/t", "op": "lstm", "config": {"input_size": 1, "hidden_size": 1, "num_layers": 1, "bidirectional": false},
          "inputs": {"input": {"shape": [2, 1, 1], "data": [0.5, -1]}},
          "params": {"weight_ih_l0": {"shape": [4, 1], "data": [0.1, 0.2, 0.3, 0.4]}, "weight_hh_l0": {"shape": [4, 1], "data": [0.5, 0.6, 0.7, 0.8]},
                     "bias_ih_l0": {"shape": [4], "data": [0, 0, 0, 0]}, "bias_hh_l0": {"shape": [4], "data": [0, 0, 0, 0]}},
          "grad_outputs": {"output": {"shape": [2, 1, 1], "data": [1, 1]}}},
         {"id": "conv", "op": "conv1d", "config": {"stride": 1, "padding": 1},
          "inputs": {"input": {"shape": [1, 1, 3], "data": [1, 2, 3]}},
          "params": {"weight": {"shape": [1, 1, 2], "data": [1, -1]}, "bias": {"shape": [1], "data": [0.5]}}},
         {"id": "opt", "op": "optimizer", "config": {"name": "adam", "lr": 0.1, "betas": [0.9, 0.999]},
          "inputs": {"w": {"shape": [2], "data": [1, 2]}, "w.grad": {"shape": [3, 2], "data": [1, 1, 1, 1, 1, 1]}}},
         {"id": "lin", "op": "linear", "inputs": {"input": {"shape": [1, 2], "data": [1, 2]}},
          "params": {"weight": {"shape": [1, 2], "data": [3, 4]}, "bias": {"shape": [1], "data": [0]}}}
        ]}
        """;

    // Pieces inserted by the mutator: the shapes of trouble seen in real hostile files.
    private static readonly byte[][] Pieces =
    [
        .. new[]
        {
            "\"", "\\ud800", "\\udc00", "\\u0000", "\\u001b[2J", "1e400", "-1e999", "1e-400", "9999", "2147483648", "-1",
            "{", "}", "[", "]", ",", ":", "null", "true", "\"NaN\"", "\"format\": 1, ", "\"shape\": [1], ", "\"id\": \"x\", ",
            "\"num_layers\": 1000000000, ", "\"padding\": 500000000, ", "[1000000000, 0]", "../", "\\\\", "\u202e",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xEF, 0xBB, 0xBF], [0x00], [0x1B],
    ];

    private static byte[] Mutate(byte[] original, Random rng)
    {
        var bytes = new List<byte>(original);
        int edits = rng.Next(4) == 0 ? 2 : 1;   // mostly one edit, so that many mutants still get past the reader
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = rng.Next(bytes.Count);
            switch (rng.Next(12))
            {
                case 0: bytes[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: bytes.InsertRange(at, Pieces[rng.Next(Pieces.Length)]); break;
                case 2: bytes.RemoveRange(at, Math.Min(1 + rng.Next(8), bytes.Count - at)); break;
                case 3:
                {
                    // repeat a span right after itself: repeats keys, elements and whole objects
                    int length = Math.Min(1 + rng.Next(60), bytes.Count - at);
                    bytes.InsertRange(at + length, bytes.GetRange(at, length));
                    break;
                }
                case 4: bytes.RemoveRange(at, bytes.Count - at); break;
                case 5: bytes[at] = (byte)rng.Next(256); break;
                default: bytes.InsertRange(at, Pieces[rng.Next(Pieces.Length)]); break;
            }
        }
        return [.. bytes];
    }

    private static string Replay(int i, byte[] mutated) =>
        $"mutation {i} (new Random({Seed} + {i})): {Printable.Escape(Encoding.UTF8.GetString(mutated), 600)}\n";

    private static void AssertPrintable(string stderr, int i, byte[] mutated)
    {
        foreach (var line in stderr.Split('\n'))
        {
            if (line.Any(c => char.IsControl(c) && c != '\r'))
                Assert.Fail(Replay(i, mutated) + "a printed line holds a control character: " + Printable.Escape(line, 300));
            if (line.Length > 2 * Printable.MaxMessageChars)
                Assert.Fail(Replay(i, mutated) + $"a printed line is {line.Length} characters long");
        }
    }

    [Test]
    public void MutatedJsonCaseFilesGiveOnlyDocumentedExitCodes()
    {
        byte[] original = Encoding.UTF8.GetBytes(CaseCorpus);
        var seen = new SortedDictionary<int, int>();
        int n = 1500 * Scale;
        for (int i = 0; i < n; i++)
        {
            byte[] mutated = Mutate(original, new Random(Seed + i));
            var err = new StringWriter();
            int code;
            try
            {
                code = EvalCommand.Run(["-", "-o", "-", .. Limits], () => new MemoryStream(mutated), () => new MemoryStream(), err);
            }
            catch (Exception e)
            {
                Assert.Fail(Replay(i, mutated) + $"{e.GetType().Name} escaped: {e}");
                return;
            }
            if (code is not (ExitCodes.Ok or ExitCodes.SomeNotEvaluated or ExitCodes.UnreadableInput))
                Assert.Fail(Replay(i, mutated) + $"exit code {code}: {err}");
            AssertPrintable(err.ToString(), i, mutated);
            seen[code] = seen.GetValueOrDefault(code) + 1;
        }
        TestContext.Out.WriteLine($"{n} mutations, exit codes: {string.Join(", ", seen.Select(kv => $"{kv.Key}: {kv.Value}"))}");
        // the search is not vacuous: some mutations still evaluate, many are refused
        Assert.That(seen.GetValueOrDefault(ExitCodes.UnreadableInput), Is.GreaterThan(n / 4));
        Assert.That(seen.GetValueOrDefault(ExitCodes.Ok) + seen.GetValueOrDefault(ExitCodes.SomeNotEvaluated), Is.GreaterThan(n / 40));
    }

    [Test]
    public void MutatedNpzCaseFilesGiveOnlyDocumentedExitCodes()
    {
        using var cs = new MemoryStream(Encoding.UTF8.GetBytes(CaseCorpus));
        var cases = CaseFile.ReadCases(cs, "corpus").ToList();
        var npz = new MemoryStream();
        NpzCaseFile.WriteCases(npz, cases);
        byte[] original = npz.ToArray();
        // the metadata member alone, to mutate it and zip it again (zip bytes mutated mostly fail their CRC)
        var meta = new MemoryStream();
        CaseFile.WriteCases(meta, cases.Select(c => c with { Inputs = new(), Params = new(), GradOutputs = new() }));

        string dir = TempDir();
        string input = Path.Combine(dir, "cases.npz");
        var seen = new SortedDictionary<int, int>();
        int n = 400 * Scale;
        for (int i = 0; i < n; i++)
        {
            var rng = new Random(Seed + i);
            byte[] mutated;
            if (rng.Next(2) == 0)
                mutated = Mutate(original, rng);
            else
            {
                var metaMutated = Mutate(meta.ToArray(), rng);
                var arrays = cases.SelectMany(c => c.Inputs.Select(t => ($"{c.Id}/inputs/{t.Key}", t.Value))
                    .Concat(c.Params.Select(t => ($"{c.Id}/params/{t.Key}", t.Value)))
                    .Concat(c.GradOutputs.Select(t => ($"{c.Id}/grad_outputs/{t.Key}", t.Value))));
                var zip = new MemoryStream();
                Rnn.Grading.NumPy.Npz.Write(zip, arrays, [(NpzCaseFile.CasesMember, metaMutated)]);
                mutated = zip.ToArray();
            }
            File.WriteAllBytes(input, mutated);
            var err = new StringWriter();
            int code;
            try
            {
                code = EvalCommand.Run([input, "-o", Path.Combine(dir, "results.npz"), "--force", .. Limits], () => new MemoryStream(), () => new MemoryStream(), err);
            }
            catch (Exception e)
            {
                Assert.Fail(Replay(i, mutated) + $"{e.GetType().Name} escaped: {e}");
                return;
            }
            if (code is not (ExitCodes.Ok or ExitCodes.SomeNotEvaluated or ExitCodes.UnreadableInput or ExitCodes.CannotWriteOutput))
                Assert.Fail(Replay(i, mutated) + $"exit code {code}: {err}");
            AssertPrintable(err.ToString(), i, mutated);
            seen[code] = seen.GetValueOrDefault(code) + 1;
        }
        TestContext.Out.WriteLine($"{n} mutations, exit codes: {string.Join(", ", seen.Select(kv => $"{kv.Key}: {kv.Value}"))}");
        Assert.That(seen.GetValueOrDefault(ExitCodes.UnreadableInput), Is.GreaterThan(n / 4));
        Assert.That(seen.GetValueOrDefault(ExitCodes.Ok) + seen.GetValueOrDefault(ExitCodes.SomeNotEvaluated), Is.GreaterThan(n / 40));
    }

    [Test]
    public void MutatedAnswersFilesAreScoredWithoutAnInternalError()
    {
        var a = Parse(ReluForwardAssignment("one", "two"));
        string dir = TempDir();
        string answers = Path.Combine(dir, "answers.json");
        WriteAnswers(answers, CorrectAnswers(a));
        byte[] original = File.ReadAllBytes(answers);
        int n = 150 * Scale, unread = 0, full = 0;
        for (int i = 0; i < n; i++)
        {
            byte[] mutated = Mutate(original, new Random(Seed + i));
            File.WriteAllBytes(answers, mutated);
            string results = Path.Combine(dir, "results.json");
            GradingRun run;
            try
            {
                run = new Grader(new AnswersFileSource(answers)).Grade(a, results);
            }
            catch (Exception e)
            {
                Assert.Fail(Replay(i, mutated) + $"{e.GetType().Name} escaped: {e}");
                return;
            }
            if (run.InternalError is not null)
                Assert.Fail(Replay(i, mutated) + $"internal error: {run.InternalError}");
            GradescopeSchema.AssertValid(results);
            if (run.Problems.All(p => p.SourceFailure is not null)) unread++;
            if (run.Problems.All(p => p.Score == p.Problem.Points)) full++;
        }
        TestContext.Out.WriteLine($"{n} mutations: {unread} unreadable, {full} still full marks");
        Assert.That(unread, Is.GreaterThan(n / 4));
        Assert.That(n - unread, Is.GreaterThan(0), "some mutants must still be read and scored");
    }
}
