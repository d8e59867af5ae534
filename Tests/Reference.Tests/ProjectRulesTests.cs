// Rules of the project's shape that a reviewer would otherwise have to remember.
using NUnit.Framework;

namespace Rnn.Reference.Tests;

public sealed class ProjectRulesTests
{
    [TestCase("Reference/Reference.csproj")]
    [TestCase("Reference.Gpu/Reference.Gpu.csproj")]
    public void LibrariesHaveNoPackageReferences(string project)
    {
        string csproj = File.ReadAllText(Path.Combine(RepoPaths.Root, project));
        Assert.That(csproj, Does.Not.Contain("PackageReference"), $"{project} must take no package references");
        Assert.That(csproj, Does.Contain("<Project Sdk=\"Microsoft.NET.Sdk\">"));
    }

    [Test]
    public void TheGpuLibraryReferencesOnlyTheReferenceLibrary()
    {
        string csproj = File.ReadAllText(Path.Combine(RepoPaths.Root, "Reference.Gpu", "Reference.Gpu.csproj"));
        var references = System.Text.RegularExpressions.Regex.Matches(csproj, "<ProjectReference Include=\"([^\"]+)\"").Select(m => m.Groups[1].Value);
        Assert.That(references, Is.EqualTo(new[] { "../Reference/Reference.csproj" }));
    }

    /// <summary>
    /// Every public type and member of the library is documented, and stays so: the XML
    /// documentation file is generated, a missing doc comment (CS1591) is an error, and nothing
    /// turns that warning off, in the project file or in the code.
    /// </summary>
    [Test]
    public void EveryPublicMemberMustHaveADocComment()
    {
        string library = Path.Combine(RepoPaths.Root, "Reference");
        var csproj = System.Xml.Linq.XDocument.Load(Path.Combine(library, "Reference.csproj"));
        string[] Values(string property) => [.. csproj.Descendants(property).Select(e => e.Value)];
        Assert.That(Values("GenerateDocumentationFile"), Is.EqualTo(new[] { "true" }));
        Assert.That(Values("WarningsAsErrors").SelectMany(v => v.Split(';')), Does.Contain("CS1591"));
        Assert.That(Values("NoWarn").Where(v => v.Contains("1591")), Is.Empty);
        var suppressing = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), @"#pragma\s+warning\s+disable[^\n]*1591|SuppressMessage[^\n]*1591"))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f));
        Assert.That(suppressing, Is.Empty, "doc comments are required, not suppressed");
    }

    /// <summary>
    /// Speed lives in Reference/Fast alone: the readable library (every other folder) uses no
    /// threads, no hardware intrinsics and no unsafe code, and nothing in the library is unsafe.
    /// </summary>
    [Test]
    public void OnlyTheFastPathUsesThreadsAndIntrinsics()
    {
        string library = Path.Combine(RepoPaths.Root, "Reference");
        string fast = Path.Combine(library, "Fast") + Path.DirectorySeparatorChar;
        string[] fastOnly = ["System.Runtime.Intrinsics", "System.Threading", "Parallel.", "Task.Run", "new Thread(", "stackalloc", "MemoryMarshal", "Unsafe."];
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            string text = File.ReadAllText(file);
            string name = Path.GetRelativePath(RepoPaths.Root, file);
            if (System.Text.RegularExpressions.Regex.IsMatch(text, @"\bunsafe\b")) found.Add($"{name}: unsafe");
            if (file.StartsWith(fast, StringComparison.Ordinal)) continue;
            found.AddRange(fastOnly.Where(word => text.Contains(word, StringComparison.Ordinal)).Select(word => $"{name}: {word}"));
        }
        Assert.That(found, Is.Empty, "threads, intrinsics and span tricks belong in Reference/Fast only, and unsafe nowhere");
        Assert.That(File.ReadAllText(Path.Combine(library, "Reference.csproj")), Does.Not.Contain("AllowUnsafeBlocks"));
    }
}
