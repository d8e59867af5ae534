// The committed PyTorch fixtures cannot rot: every generator Tests/Fixtures/gen_*.py is run
// again with PyTorch into a temporary folder, and what it writes must equal the committed
// files (the cases exactly, PyTorch's answers within 1e-10 of each tensor's largest
// magnitude, since another PyTorch build may round differently). gen_conventions.py (NumPy
// only) writes Tests/Fixtures/conventions/conventions.json, compared number by number: within 1e-10
// of their size, except its central-difference gradients (under "grads"), within 1e-8: on another CPU
// NumPy's BLAS sums in another order, the forward's loss moves by some 1e-15, and a central difference
// with step 1e-6 divides that by 2e-6 (the generator states them about 1e-9 accurate). Needs Debian's
// python3-torch: skipped without it on a developer's machine, a failure in CI.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Parity;

public sealed class FixtureRegenerationTests
{
    private static string FixturesDir => Path.Combine(RepoPaths.Root, "Tests", "Fixtures");

    public static IEnumerable<string> Generators() =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "Tests", "Fixtures"), "gen_*.py").Select(Path.GetFileName).Order()!;

    [Test]
    public void EveryGeneratorIsCovered() => Assert.That(Generators(), Is.Not.Empty);

    [TestCaseSource(nameof(Generators))]
    public void RegeneratedFixturesEqualTheCommittedOnes(string generator)
    {
        string python = ExternalTools.RequirePython("torch", "numpy");
        string outDir = Directory.CreateTempSubdirectory("rnn-fixtures-").FullName;
        try
        {
            var (code, stdout, stderr) = ExternalTools.Run(python, [Path.Combine(FixturesDir, generator), outDir],
                TimeSpan.FromMinutes(5), workingDirectory: RepoPaths.Root);
            Assert.That(code, Is.EqualTo(0), $"{generator} failed:\n{stdout}\n{stderr}");
            var written = Directory.GetFiles(outDir, "*.json");
            Assert.That(written, Is.Not.Empty, $"{generator} wrote no fixture");
            foreach (var fresh in written)
            {
                string name = Path.GetFileName(fresh);
                string folder = CommittedFolder(generator);
                string committed = Path.Combine(folder, name);
                Assert.That(File.Exists(committed), $"{generator} writes {name}, which is not committed under {Path.GetRelativePath(RepoPaths.Root, folder)}");
                if (generator == "gen_conventions.py")
                    SameJson(JsonNode.Parse(File.ReadAllText(committed)), JsonNode.Parse(File.ReadAllText(fresh)), name, ComputedTolerance);
                else if (name.EndsWith(".cases.json", StringComparison.Ordinal))
                    CompareCases(Read(committed, CaseFile.ReadCases), Read(fresh, CaseFile.ReadCases), name);
                else
                    CompareResults(Read(committed, CaseFile.ReadResults), Read(fresh, CaseFile.ReadResults), name);
            }
        }
        finally { Directory.Delete(outDir, recursive: true); }
    }

    /// <summary>Where a generator's files are committed: the PyTorch fixtures' folder, or the conventions' own.</summary>
    private static string CommittedFolder(string generator) =>
        generator == "gen_conventions.py" ? Path.Combine(FixturesDir, "conventions") : Parity.FixtureDir;

    /// <summary>Relative tolerance of a value the generator computes (another NumPy build may round differently).</summary>
    private const double ComputedTolerance = 1e-10;

    /// <summary>Relative tolerance of a central-difference gradient, under "grads": the forward's rounding divided by 2 * 1e-6.</summary>
    private const double CentralDifferenceTolerance = 1e-8;

    /// <summary>The same JSON tree, numbers within tolerance of their size, and those under a "grads" key within CentralDifferenceTolerance.</summary>
    private static void SameJson(JsonNode? a, JsonNode? b, string where, double tolerance)
    {
        switch (a)
        {
            case JsonObject o:
                Assert.That(b, Is.InstanceOf<JsonObject>(), where);
                Assert.That(((JsonObject)b!).Select(p => p.Key), Is.EqualTo(o.Select(p => p.Key)), $"{where}: keys");
                foreach (var (key, value) in o)
                    SameJson(value, b![key], $"{where}.{key}", key == "grads" ? CentralDifferenceTolerance : tolerance);
                break;
            case JsonArray l:
                Assert.That(b, Is.InstanceOf<JsonArray>(), where);
                Assert.That(((JsonArray)b!).Count, Is.EqualTo(l.Count), $"{where}: length");
                for (int i = 0; i < l.Count; i++) SameJson(l[i], b[i], $"{where}[{i}]", tolerance);
                break;
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                double x = v.GetValue<double>(), y = b!.GetValue<double>();
                Assert.That(y, Is.EqualTo(x).Within(tolerance * Math.Max(1, Math.Abs(x))), where);
                break;
            default:
                Assert.That(b?.ToJsonString(), Is.EqualTo(a?.ToJsonString()), where);
                break;
        }
    }

    private static void CompareCases(IReadOnlyList<Case> committed, IReadOnlyList<Case> fresh, string file)
    {
        Assert.That(fresh.Select(c => c.Id), Is.EqualTo(committed.Select(c => c.Id)), $"{file}: case ids");
        foreach (var (a, b) in committed.Zip(fresh))
        {
            Assert.That(b.Op, Is.EqualTo(a.Op), $"{file} {a.Id}: op");
            Assert.That(b.Config.ToJsonString(), Is.EqualTo(a.Config.ToJsonString()), $"{file} {a.Id}: config");
            SameTensors(a.Inputs, b.Inputs, 0, $"{file} {a.Id} inputs");
            SameTensors(a.Params, b.Params, 0, $"{file} {a.Id} params");
            SameTensors(a.GradOutputs, b.GradOutputs, 0, $"{file} {a.Id} grad_outputs");
        }
    }

    private static void CompareResults(IReadOnlyList<CaseResult> committed, IReadOnlyList<CaseResult> fresh, string file)
    {
        Assert.That(fresh.Select(r => r.Id), Is.EqualTo(committed.Select(r => r.Id)), $"{file}: result ids");
        foreach (var (a, b) in committed.Zip(fresh))
        {
            SameTensors(a.Outputs, b.Outputs, 1e-10, $"{file} {a.Id} outputs");
            SameTensors(a.Grads, b.Grads, 1e-10, $"{file} {a.Id} grads");
        }
    }

    private static void SameTensors(NamedTensors a, NamedTensors b, double tolerance, string where)
    {
        Assert.That(b.Names, Is.EqualTo(a.Names), $"{where}: names");
        foreach (var (name, t) in a)
        {
            var u = b[name];
            Assert.That(u.Shape, Is.EqualTo(t.Shape), $"{where}.{name}: shape");
            double scale = t.Data.Length == 0 ? 0 : t.Data.Max(Math.Abs);
            for (int i = 0; i < t.Length; i++)
            {
                if (double.IsNaN(t.Data[i]) && double.IsNaN(u.Data[i])) continue;
                if (t.Data[i] == u.Data[i]) continue;
                Assert.That(Math.Abs(t.Data[i] - u.Data[i]), Is.LessThanOrEqualTo(tolerance * scale),
                    $"{where}.{name}[{i}]: committed {t.Data[i]:R}, regenerated {u.Data[i]:R}");
            }
        }
    }

    private static T Read<T>(string path, Func<Stream, string, T> reader)
    {
        using var s = File.OpenRead(path);
        return reader(s, Path.GetFileName(path));
    }
}
