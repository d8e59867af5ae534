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
}
