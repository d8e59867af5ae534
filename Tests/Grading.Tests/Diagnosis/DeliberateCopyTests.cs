// Deliberate copies of reference code, and the check that none of them falls behind.
//
// The diagnosis re-runs a case the way an implementation with a known mistake would, and some
// of those mistaken forms are best written as a copy of the reference with the mistake in it
// (LstmWithoutCellTanh beside LstmCell, GruBiasOutsideResetCell beside GruCell, the mistaken time loop beside RecurrentLayer's). Such
// a copy stays a copy, and says so at the top of the file, one line per reference file it
// copies:
//
//     // copy-of: <reference file, relative to the repository root> sha256:<64 lowercase hex digits>
//
// followed by which lines differ from the reference and why. The hash is the SHA-256 of the
// reference file's text, UTF-8, with line endings normalised to \n, as it was when the copy
// was last compared with it (`sed 's/\r$//' FILE | sha256sum` prints it). When a reference
// file changes, the check below fails naming the reference and the copy: compare the two,
// carry the change into the copy (or note why it does not apply), and record the new hash.
//
// Every .cs file under Reference/ and grading/ is read (bin/ and obj/ skipped). A line that
// mentions copy-of: but is not of that exact form fails the check too, so a mistyped header
// cannot turn a copy into one that is never checked.
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Rnn.Grading.Tests.Diagnosis;

/// <summary>One copy-of header: the copy (relative path), the reference it copies, the hash recorded.</summary>
public sealed record CopyHeader(string Copy, string Reference, string Sha256);

public static partial class DeliberateCopies
{
    private static readonly string[] ScannedFolders = ["Reference", "grading"];

    [GeneratedRegex(@"^// copy-of: (?<path>[A-Za-z0-9_./-]+) sha256:(?<hash>[0-9a-f]{64})$")]
    private static partial Regex HeaderLine();

    /// <summary>SHA-256 (lowercase hex) of the text with \r\n turned into \n, UTF-8 without BOM.</summary>
    public static string Sha256OfText(string text)
    {
        string normalised = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(new UTF8Encoding(false).GetBytes(normalised)));
    }

    /// <summary>The headers in one file's text, and the lines that mention copy-of: without being a header.</summary>
    public static (List<CopyHeader> Headers, List<string> Malformed) Parse(string copy, string text)
    {
        var headers = new List<CopyHeader>();
        var malformed = new List<string>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            if (!lines[n].Contains("copy-of:", StringComparison.Ordinal)) continue;
            var m = HeaderLine().Match(lines[n].TrimEnd());
            if (m.Success) headers.Add(new CopyHeader(copy, m.Groups["path"].Value, m.Groups["hash"].Value));
            else malformed.Add($"{copy}:{n + 1}: \"{lines[n].Trim()}\" is not of the form \"// copy-of: <path> sha256:<64 lowercase hex digits>\"");
        }
        return (headers, malformed);
    }

    /// <summary>Every header under root's scanned folders, and every malformed copy-of line.</summary>
    public static (List<CopyHeader> Headers, List<string> Malformed) Find(string root)
    {
        var headers = new List<CopyHeader>();
        var malformed = new List<string>();
        foreach (var folder in ScannedFolders)
        {
            string dir = Path.Combine(root, folder);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (relative.Split('/').Any(part => part is "bin" or "obj")) continue;
                var (h, bad) = Parse(relative, File.ReadAllText(file));
                headers.AddRange(h);
                malformed.AddRange(bad);
            }
        }
        return (headers, malformed);
    }

    /// <summary>One message per header whose reference is missing or has changed since the copy was reviewed.</summary>
    public static List<string> Stale(string root, IEnumerable<CopyHeader> headers)
    {
        var problems = new List<string>();
        foreach (var h in headers)
        {
            string reference = Path.Combine(root, h.Reference);
            if (!File.Exists(reference))
            {
                problems.Add($"{h.Copy} says it copies {h.Reference}, which does not exist: fix the path (or the copy is no longer one)");
                continue;
            }
            string now = Sha256OfText(File.ReadAllText(reference));
            if (now != h.Sha256)
                problems.Add($"{h.Reference} changed since its copy {h.Copy} was reviewed: compare them and update the hash " +
                    $"(recorded sha256:{h.Sha256}, now sha256:{now})");
        }
        return problems;
    }
}

public sealed class DeliberateCopyTests
{
    [Test]
    public void EveryCopyWasReviewedAgainstTheReferenceFileAsItIsNow()
    {
        var (headers, malformed) = DeliberateCopies.Find(RepoPaths.Root);
        var problems = malformed.Concat(DeliberateCopies.Stale(RepoPaths.Root, headers)).ToList();
        foreach (var h in headers) TestContext.Out.WriteLine($"{h.Copy} copies {h.Reference}");
        Assert.That(problems, Is.Empty, string.Join(Environment.NewLine, problems));
    }

    [Test]
    public void TheKnownCopiesAreFound()
    {
        // so that the check above cannot pass by finding nothing
        var (headers, _) = DeliberateCopies.Find(RepoPaths.Root);
        var found = headers.Select(h => $"{h.Copy} -> {h.Reference}").ToList();
        Assert.That(found, Is.SupersetOf(new[]
        {
            "grading/Grading/Diagnosis/LstmWithoutCellTanh.cs -> Reference/Recurrent/LstmCell.cs",
            "grading/Grading/Diagnosis/GruBiasOutsideResetCell.cs -> Reference/Recurrent/GruCell.cs",
            "grading/Grading/Diagnosis/GatedRnnUnderMistake.cs -> Reference/Recurrent/RecurrentLayer.cs",
            "grading/Grading/Diagnosis/SlideRnnUnderMistake.cs -> Reference/Recurrent/SlideReluRnn.cs",
            "grading/Grading/Diagnosis/SlideRnnUnderMistake.cs -> Reference/Recurrent/SlideTanhRnn.cs",
            "grading/Grading/Diagnosis/AdamUnderMistake.cs -> Reference/Optimizers/AdamUpdate.cs",
            "grading/Grading/Diagnosis/ClipUnderMistake.cs -> Reference/Clipping/ClipGradNorm.cs",
        }));
    }

    [Test]
    public void AChangedReferenceIsReportedWithBothNames()
    {
        string root = Path.Combine(Path.GetTempPath(), "deliberate-copy-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "Reference", "Recurrent"));
            Directory.CreateDirectory(Path.Combine(root, "grading", "Diagnosis"));
            string reference = Path.Combine(root, "Reference", "Recurrent", "Cell.cs");
            File.WriteAllText(reference, "h = o * tanh(c);\r\n");
            // the hash of the text with \n line endings, worked out independently: sha256 of "h = o * tanh(c);\n"
            string reviewed = Convert.ToHexStringLower(SHA256.HashData("h = o * tanh(c);\n"u8.ToArray()));
            File.WriteAllText(Path.Combine(root, "grading", "Diagnosis", "CellCopy.cs"),
                $"// copy-of: Reference/Recurrent/Cell.cs sha256:{reviewed}\n// differs: h = o * c\n");

            var (headers, malformed) = DeliberateCopies.Find(root);
            Assert.That(malformed, Is.Empty);
            Assert.That(headers, Has.Count.EqualTo(1));
            Assert.That(DeliberateCopies.Stale(root, headers), Is.Empty, "CRLF and LF hash alike");

            File.WriteAllText(reference, "h = o * Tanh(c);\n");
            var stale = DeliberateCopies.Stale(root, headers);
            Assert.That(stale, Has.Count.EqualTo(1));
            Assert.That(stale[0], Does.StartWith(
                "Reference/Recurrent/Cell.cs changed since its copy grading/Diagnosis/CellCopy.cs was reviewed: compare them and update the hash"));

            File.Delete(reference);
            Assert.That(DeliberateCopies.Stale(root, headers).Single(), Does.Contain("which does not exist"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestCase("// copy-of: Reference/Recurrent/LstmCell.cs")]
    [TestCase("// copy-of: Reference/Recurrent/LstmCell.cs sha256:ABCDEF")]
    [TestCase("//copy-of: Reference/Recurrent/LstmCell.cs sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    public void AMistypedHeaderIsReportedNotSkipped(string line)
    {
        var (headers, malformed) = DeliberateCopies.Parse("grading/X.cs", line + "\nnamespace X;\n");
        Assert.That(headers, Is.Empty);
        Assert.That(malformed.Single(), Does.StartWith("grading/X.cs:1: "));
    }
}
