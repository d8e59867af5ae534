// Rules of the project's shape that a reviewer would otherwise have to remember.
using NUnit.Framework;

namespace Rnn.Reference.Tests;

public sealed class ProjectRulesTests
{
    [Test]
    public void ReferenceLibraryHasNoPackageReferences()
    {
        string csproj = File.ReadAllText(Path.Combine(RepoPaths.Root, "Reference", "Reference.csproj"));
        Assert.That(csproj, Does.Not.Contain("PackageReference"),
            "Reference/Reference.csproj must take no package references");
        Assert.That(csproj, Does.Contain("<Project Sdk=\"Microsoft.NET.Sdk\">"));
    }
}
