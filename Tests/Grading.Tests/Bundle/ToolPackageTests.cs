// The two packages, packed and used from a local folder with a fresh package cache, so nothing
// comes from nuget.org. Needs the .NET SDK (the one running the tests).
//
// The program as a .NET tool: `dotnet pack grading/Grading` makes rnn-grading.VERSION.nupkg
// (a tool package holding the kit's runner.py beside the program), and `dotnet tool install
// --tool-path DIR --add-source FOLDER rnn-grading` installs it from that local folder. The
// installed rnn-grading answers --version and evaluates the example case file. The repository's
// tool manifest names it.
//
// The library: `dotnet pack Reference` makes Rnn.Reference.VERSION.nupkg holding the dll, its XML
// documentation and the package readme (Reference/README.md), with the metadata of
// Reference/Reference.csproj in its nuspec and no dependencies. A console project outside the
// repository, whose only package source is that folder, restores it and runs the readme's
// example: a dense layer whose output and input gradient are worked out by hand here.
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NUnit.Framework;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Bundle;

public sealed class ToolPackageTests
{
    private static (int Code, string Output) Dotnet(string workingDirectory, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (string a in args) psi.ArgumentList.Add(a);
        // the SDK finds its own MSBuild: settings inherited from the test run are dropped
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    [Test]
    public void PacksAsAToolThatInstallsFromALocalFolderAndRuns()
    {
        string root = RepoPaths.Root;
        string work = Directory.CreateTempSubdirectory("rnn-tool-").FullName;
        try
        {
            string packages = Path.Combine(work, "packages"), tools = Path.Combine(work, "tools");
            var (code, output) = Dotnet(root, null, "pack", Path.Combine("grading", "Grading", "Grading.csproj"), "-c", "Release",
                "-o", packages, "--artifacts-path", Path.Combine(work, "artifacts"));
            Assert.That(code, Is.Zero, output);
            string nupkg = Directory.GetFiles(packages, "rnn-grading.*.nupkg").Single();
            using (var zip = ZipFile.OpenRead(nupkg))
            {
                var names = zip.Entries.Select(e => e.FullName).ToList();
                Assert.That(names, Does.Contain("tools/net10.0/any/rnn-grading.dll"));
                Assert.That(names, Does.Contain("tools/net10.0/any/student-kit/runner.py"));
                Assert.That(names, Does.Contain("tools/net10.0/any/DotnetToolSettings.xml"));
                Assert.That(names, Does.Contain("README.md"));
            }

            var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work, "cache") };
            (code, output) = Dotnet(work, env, "tool", "install", "rnn-grading", "--tool-path", tools, "--add-source", packages,
                "--ignore-failed-sources");
            Assert.That(code, Is.Zero, output);
            string exe = Path.Combine(tools, OperatingSystem.IsWindows() ? "rnn-grading.exe" : "rnn-grading");
            var (vcode, vout, verr) = ExternalTools.Run(exe, ["--version"], TimeSpan.FromMinutes(1));
            Assert.That(vcode, Is.Zero, verr);
            string version = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(root, ".config", "dotnet-tools.json")))!["tools"]!["rnn-grading"]!["version"]!;
            Assert.That(vout.Trim(), Is.EqualTo($"rnn-grading {version}"), "the manifest names the version the project packs");

            string results = Path.Combine(work, "results.json");
            var (ecode, _, eerr) = ExternalTools.Run(exe, ["eval", Path.Combine(root, "grading", "examples", "cases.json"), $"--output={results}"],
                TimeSpan.FromMinutes(1));
            Assert.That(ecode, Is.Zero, eerr);
            Assert.That(File.ReadAllText(results), Does.StartWith("{\"format\":\"rnn-reference/results@1\""));
        }
        finally { Directory.Delete(work, recursive: true); }
    }

    [Test]
    public void PacksTheLibraryWithItsDocsAndReadmeAndAConsumerRestoresItFromALocalFolder()
    {
        string root = RepoPaths.Root;
        string work = Directory.CreateTempSubdirectory("rnn-library-").FullName;
        try
        {
            string packages = Path.Combine(work, "packages");
            var (code, output) = Dotnet(root, null, "pack", Path.Combine("Reference", "Reference.csproj"), "-c", "Release",
                "-o", packages, "--artifacts-path", Path.Combine(work, "artifacts"));
            Assert.That(code, Is.Zero, output);
            string csproj = File.ReadAllText(Path.Combine(root, "Reference", "Reference.csproj"));
            string version = Regex.Match(csproj, "<Version>([^<]+)</Version>").Groups[1].Value;
            string nupkg = Directory.GetFiles(packages, "*.nupkg").Single();
            Assert.That(Path.GetFileName(nupkg), Is.EqualTo($"Rnn.Reference.{version}.nupkg"));

            using (var zip = ZipFile.OpenRead(nupkg))
            {
                var names = zip.Entries.Select(e => e.FullName).ToList();
                Assert.That(names, Is.SupersetOf(new[] { "lib/net10.0/Rnn.Reference.dll", "lib/net10.0/Rnn.Reference.xml", "README.md", "Rnn.Reference.nuspec" }));
                string Read(string name) { using var r = new StreamReader(zip.GetEntry(name)!.Open()); return r.ReadToEnd(); }

                Assert.That(Read("README.md"), Is.EqualTo(File.ReadAllText(Path.Combine(root, "Reference", "README.md"))), "the packed readme is Reference/README.md");
                // the documentation file holds the doc comments, e.g. Dense.Forward's and the gradient checker's
                var docs = XDocument.Parse(Read("lib/net10.0/Rnn.Reference.xml"));
                var members = docs.Descendants("member").Select(m => (string)m.Attribute("name")!).ToList();
                Assert.That(members, Has.Some.StartsWith("M:Rnn.Reference.Layers.Dense.Forward("));
                Assert.That(members, Does.Contain("T:Rnn.Reference.Checking.GradientCheck"));
                Assert.That(members, Has.Count.GreaterThan(500));

                var nuspec = XDocument.Parse(Read("Rnn.Reference.nuspec"));
                var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
                string? Meta(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
                Assert.That(Meta("id"), Is.EqualTo("Rnn.Reference"));
                Assert.That(Meta("version"), Is.EqualTo(version));
                Assert.That(Meta("authors"), Is.EqualTo("rnn-reference"));
                Assert.That(Meta("readme"), Is.EqualTo("README.md"));
                Assert.That(Meta("description"), Does.StartWith("A reference implementation of recurrent neural networks"));
                Assert.That(Meta("tags")!.Split(' '), Is.SupersetOf(new[] { "rnn", "lstm", "gru", "bptt" }));
                Assert.That((string?)metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("type"), Is.EqualTo("git"));
                var dependencies = metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "dependencies");
                Assert.That(dependencies?.Descendants().Where(e => e.Name.LocalName == "dependency"), Is.Null.Or.Empty, "the library takes no packages");
            }

            // a consumer outside the repository (no Directory.Build.props above it), restoring only from the folder
            string consumer = Path.Combine(work, "consumer");
            Directory.CreateDirectory(consumer);
            File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <InvariantGlobalization>true</InvariantGlobalization>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Rnn.Reference" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{packages}" />
                  </packageSources>
                </configuration>
                """);
            // the program is the readme's example, verbatim
            string readme = File.ReadAllText(Path.Combine(root, "Reference", "README.md"));
            var example = Regex.Match(readme, "```csharp\n(.*?)```", RegexOptions.Singleline);
            Assert.That(example.Success, "Reference/README.md has a ```csharp example");
            File.WriteAllText(Path.Combine(consumer, "Program.cs"), example.Groups[1].Value);

            var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work, "cache") };
            (code, output) = Dotnet(consumer, env, "run", "-c", "Release");
            Assert.That(code, Is.Zero, output);
            // x = [1, 2], W = [[3, 4], [-1, 0.5]] ([out, in]), b = [0.5, 0]:
            //   y = x Wᵀ + b = [1·3 + 2·4 + 0.5, 1·(-1) + 2·0.5 + 0] = [11.5, 0]
            //   dy = [1, 1]: dx = dy W = [3 + (-1), 4 + 0.5] = [2, 4.5]
            var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Is.SupersetOf(new[] { "11.5 0", "2 4.5" }), output);
            Assert.That(Directory.GetDirectories(Path.Combine(work, "cache")).Select(Path.GetFileName),
                Is.EquivalentTo(new[] { "rnn.reference" }), "the consumer needed nothing but the local package");
        }
        finally { Directory.Delete(work, recursive: true); }
    }
}
