// The program as a .NET tool: `dotnet pack grading/Grading` makes rnn-grading.VERSION.nupkg
// (a tool package holding the kit's runner.py beside the program), and `dotnet tool install
// --tool-path DIR --add-source FOLDER rnn-grading` installs it from that local folder, with a
// fresh package cache, so nothing comes from nuget.org. The installed rnn-grading answers
// --version and evaluates the example case file. The repository's tool manifest names it.
// Needs the .NET SDK (the one running the tests).
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
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
}
