// Compares the oracle's results with PyTorch's, fixture by fixture. Each fixture is a pair
// of files under Tests/Fixtures/pytorch/: NAME.cases.json (what was asked) and
// NAME.expected.json (what PyTorch answered, in the results format). The cases are
// evaluated through Evaluator, the same code path as `rnn-grading eval`.
using NUnit.Framework;
using Rnn.Grading.Oracle;
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Parity;

public static class Parity
{
    public static string FixtureDir => Path.Combine(RepoPaths.Root, "Tests", "Fixtures", "pytorch");

    /// <summary>
    /// Largest |ours - theirs| / max(1e-300, max |theirs|) over every tensor of every case, per op;
    /// fails listing every tensor above the tolerance. Returns the worst difference per op.
    /// compute: how the oracle computes (null: Evaluator's default, the fast path).
    /// </summary>
    public static Dictionary<string, double> CheckFixture(string name, double tolerance, Compute? compute = null)
    {
        compute ??= Evaluator.Current;
        var cases = Read(Path.Combine(FixtureDir, name + ".cases.json"), CaseFile.ReadCases);
        var expected = Read(Path.Combine(FixtureDir, name + ".expected.json"), CaseFile.ReadResults)
            .ToDictionary(r => r.Id, StringComparer.Ordinal);
        Assert.That(cases, Is.Not.Empty, $"fixture {name} has no cases");

        var worstPerOp = new Dictionary<string, double>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var c in cases)
        {
            Assert.That(expected.ContainsKey(c.Id), $"{name}: no expected result for case {c.Id}");
            var want = expected[c.Id];
            var got = Evaluator.Evaluate(c, compute);
            if (got.Error is not null) { failures.Add($"{c.Id}: error: {got.Error}"); continue; }
            double worst = 0;
            Compare(c.Id, "outputs", want.Outputs, got.Outputs, tolerance, failures, ref worst);
            Compare(c.Id, "grads", want.Grads, got.Grads, tolerance, failures, ref worst);
            worstPerOp[c.Op] = Math.Max(worstPerOp.GetValueOrDefault(c.Op), worst);
        }
        foreach (var (op, worst) in worstPerOp.OrderBy(p => p.Key, StringComparer.Ordinal))
            TestContext.Out.WriteLine($"parity {name} {op} ({compute}): worst relative difference {worst:E2} (tolerance {tolerance:E0})");
        Assert.That(failures, Is.Empty, $"{name}: {failures.Count} tensors differ from PyTorch:\n" + string.Join("\n", failures.Take(40)));
        return worstPerOp;
    }

    /// <summary>The cases of fixture NAME (what was asked of PyTorch).</summary>
    public static IReadOnlyList<Case> Cases(string name) => Read(Path.Combine(FixtureDir, name + ".cases.json"), CaseFile.ReadCases);

    private static void Compare(string id, string kind, NamedTensors want, NamedTensors got, double tolerance,
        List<string> failures, ref double worst)
    {
        foreach (var (tensorName, w) in want)
        {
            if (!got.TryGet(tensorName, out var g)) { failures.Add($"{id}: {kind}.{tensorName} missing"); continue; }
            if (!g.HasShape(w.Shape)) { failures.Add($"{id}: {kind}.{tensorName} is {g.ShapeText()}, PyTorch {w.ShapeText()}"); continue; }
            double scale = 0, diff = 0;
            int at = -1;
            for (int i = 0; i < w.Length; i++) scale = Math.Max(scale, Math.Abs(w.Data[i]));
            for (int i = 0; i < w.Length; i++)
            {
                double d = Math.Abs(w.Data[i] - g.Data[i]);
                if (double.IsNaN(d) && !(double.IsNaN(w.Data[i]) && double.IsNaN(g.Data[i]))) d = double.PositiveInfinity;
                if (d > diff || (at < 0 && double.IsNaN(d) == false && d >= diff)) { diff = d; at = i; }
            }
            double rel = scale > 0 ? diff / scale : diff;
            worst = Math.Max(worst, rel);
            if (!(rel <= tolerance))
                failures.Add($"{id}: {kind}.{tensorName} {w.ShapeText()} differs by {rel:E2} of its largest magnitude at flat index {at}: PyTorch {w.Data[Math.Max(at, 0)]:R}, ours {g.Data[Math.Max(at, 0)]:R}");
        }
        foreach (var (tensorName, _) in got)
            if (!want.Contains(tensorName)) failures.Add($"{id}: {kind}.{tensorName} is not in PyTorch's result");
    }

    private static T Read<T>(string path, Func<Stream, string, T> reader)
    {
        Assert.That(File.Exists(path), $"fixture file {path} is missing: run the generator (Tests/Fixtures/README.md)");
        using var s = File.OpenRead(path);
        return reader(s, Path.GetFileName(path));
    }
}
