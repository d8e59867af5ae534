// The program runs in a reduced view of the filesystem (FileView, Spec/sandbox.md, "The files the
// program sees"): the Python runtime, NumPy and the libraries they load, its work folder, four
// devices, its own /proc and temporary folders, and nothing else. What the program lists and opens
// is checked here against lists written out in the test, not against what FileView computed.
using System.Text.Json;
using NUnit.Framework;
using Rnn.Grading.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Sandbox;

public sealed class FileViewTests
{
    /// <summary>Skips (fails in CI, which runs as root with util-linux) a test whose point needs the reduced view, if the run had none.</summary>
    private static void RequireFileView(StudentRunOutcome outcome)
    {
        SandboxKit.RequireNamespaces(outcome);
        if (outcome.Isolation.FileView) return;
        string reason = "the run had no reduced view of the filesystem: " + string.Join("; ", outcome.Notes);
        if (ExternalTools.InCi) Assert.Fail("required in CI: " + reason);
        Assert.Ignore(reason);
    }

    private static StudentRunOutcome RunPython(string code, IReadOnlyList<string>? mayImport = null)
    {
        ExternalTools.RequirePython("numpy");
        using var work = StudentWorkDir.Create();
        var outcome = StudentProcess.Run(new StudentRunRequest
        {
            WorkingDirectory = work.Path,
            Command = ["python3", "-c", code],
            WallClockLimit = SandboxKit.Backstop,
            MayImport = mayImport ?? ["numpy"],
        });
        SandboxKit.Log(outcome);
        return outcome;
    }

    /// <summary>The JSON object the program printed on its last line.</summary>
    private static JsonElement Printed(StudentRunOutcome outcome)
    {
        Assert.That(outcome.ExitCode, Is.Zero, SandboxKit.Show(outcome));
        string last = outcome.Stdout.Text.TrimEnd().Split('\n')[^1];
        return JsonDocument.Parse(last).RootElement;
    }

    private static string[] Names(JsonElement e, string key) => [.. e.GetProperty(key).EnumerateArray().Select(x => x.GetString()!)];

    private const string ListEverything = """
        import json, os
        def ls(p):
            try:
                return sorted(os.listdir(p))
            except OSError as e:
                return ["error: " + e.strerror]
        seen = {p: ls(p) for p in ["/", "/usr", "/usr/lib", "/usr/bin", "/dev", "/etc", "/usr/lib/python3/dist-packages", "/tmp", "/var"]}
        seen["exists"] = [p for p in ["/home", "/root", "/work", "/srv", "/opt", "/usr/share", "/usr/lib/dotnet", "/usr/share/dotnet",
                                      "/etc/passwd", "/etc/ld.so.cache", "/usr/bin/sh", "/bin/sh", "/usr/bin/dotnet", "/sys", "/run",
                                      "/usr/lib/python3/dist-packages/torch", "/usr/local"] if os.path.lexists(p)]
        print(json.dumps(seen))
        """;

    [Test]
    public void AtTheRootTheProgramSeesOnlyTheRuntimeItsDevicesProcAndTemporaryFolders()
    {
        var outcome = RunPython(ListEverything);
        RequireFileView(outcome);
        var seen = Printed(outcome);
        // lib, lib64 (and the like) are the machine's own links into /usr (merged /usr), made again
        Assert.That(Names(seen, "/").Except(["lib", "lib32", "lib64", "libx32", "bin", "sbin"]),
            Is.EquivalentTo(new[] { ".rnn-launch", "dev", "etc", "proc", "tmp", "usr", "var" }), SandboxKit.Show(outcome));
        Assert.That(Names(seen, "/usr").Except(["lib64", "lib32", "libx32"]), Is.EquivalentTo(new[] { "bin", "lib" }));
        Assert.That(Names(seen, "/dev"), Is.EqualTo(new[] { "null", "random", "shm", "urandom", "zero" }));
        Assert.That(Names(seen, "/var"), Is.EqualTo(new[] { "tmp" }));
        Assert.That(Names(seen, "/tmp"), Has.Length.EqualTo(1), "only the way to the work folder");
        Assert.That(Names(seen, "exists"), Is.Empty, "paths outside the view");
    }

    [Test]
    public void UnderUsrTheProgramSeesOnlyPythonNumPyAndTheirLibraries()
    {
        var outcome = RunPython(ListEverything);
        RequireFileView(outcome);
        var seen = Printed(outcome);
        Assert.That(Names(seen, "/usr/bin"), Has.All.Matches<string>(n => n.StartsWith("python3", StringComparison.Ordinal)), SandboxKit.Show(outcome));
        Assert.That(Names(seen, "/usr/bin"), Does.Contain("python3"));
        // python3, python3.11, the multiarch folder of shared libraries: no dotnet, no share, no other packages
        Assert.That(Names(seen, "/usr/lib"), Has.All.Matches<string>(n => n.StartsWith("python3", StringComparison.Ordinal) || n.Contains("-linux-gnu")),
            SandboxKit.Show(outcome));
        // NumPy and its metadata only, not the other packages of dist-packages
        Assert.That(Names(seen, "/usr/lib/python3/dist-packages"), Has.All.StartsWith("numpy"));
        Assert.That(Names(seen, "/usr/lib/python3/dist-packages"), Does.Contain("numpy"));
        // /etc holds only what the libraries reach through links (the BLAS chosen by Debian's alternatives)
        Assert.That(Names(seen, "/etc"), Has.All.Matches<string>(n => n is "alternatives" || n.StartsWith("python3", StringComparison.Ordinal)));
    }

    [Test]
    public void NumPyAndItsBlasWorkInTheView()
    {
        var outcome = RunPython("""
            import json, numpy as np
            a = np.arange(2500, dtype=np.float64).reshape(50, 50) / 2500
            # a 50 x 50 product goes through the BLAS (dgemm); its trace written out: sum_i sum_k a[i,k] a[k,i]
            t = float(np.trace(a @ a))
            expected = sum((i * 50 + k) * (k * 50 + i) for i in range(50) for k in range(50)) / 2500 ** 2
            print(json.dumps({"close": abs(t - expected) < 1e-9 * expected, "inv": bool(np.allclose(np.linalg.inv(np.eye(3) * 2), np.eye(3) / 2))}))
            """);
        RequireFileView(outcome);
        var seen = Printed(outcome);
        Assert.That(seen.GetProperty("close").GetBoolean() && seen.GetProperty("inv").GetBoolean(), SandboxKit.Show(outcome));
    }

    [Test]
    public void LooksOutsideTheViewFindsNothingAndLoadsNothing()
    {
        // the grader's own folder (the test's bin folder holds rnn-grading.dll) and a file in it
        string graderDll = Path.Combine(AppContext.BaseDirectory, "rnn-grading.dll");
        using var work = SandboxKit.Prepare("looks-outside-view", "read " + AppContext.BaseDirectory, "read " + graderDll,
            "read " + RepoPaths.Root, "read " + Path.Combine(RepoPaths.Root, "Spec", "sandbox.md"));
        var outcome = StudentProcess.Run(SandboxKit.Request(work));
        SandboxKit.Log(outcome);
        RequireFileView(outcome);

        string text = outcome.Stdout.Text;
        Assert.That(outcome.ExitCode, Is.Zero, SandboxKit.Show(outcome));
        Assert.That(text, Does.Not.Contain("SEEN "), SandboxKit.Show(outcome));
        foreach (string path in new[] { "/usr/lib/dotnet", "/etc/passwd", "/home", "/root", "/work", "/usr/lib/python3/dist-packages/torch",
                     "/bin/sh", AppContext.BaseDirectory.TrimEnd('/'), graderDll, RepoPaths.Root })
            Assert.That(text, Does.Contain($"BLOCKED {path}: [Errno 2] No such file or directory"), SandboxKit.Show(outcome));
        Assert.That(text, Does.Contain("DLLS []"));
        // what it listed at / and in /usr/lib: the view's folders only
        var root = System.Text.RegularExpressions.Regex.Match(text, @"^ROOT \[(.*)\]$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.That(root.Success, SandboxKit.Show(outcome));
        Assert.That(root.Groups[1].Value.Split(", ").Select(n => n.Trim('\'')).Except(["lib", "lib32", "lib64", "libx32", "bin", "sbin"]),
            Is.EquivalentTo(new[] { ".rnn-launch", "dev", "etc", "proc", "tmp", "usr", "var" }));
        Assert.That(text, Does.Match(@"USRLIB \['python3', 'python3\.\d+', '[a-z0-9_]+-linux-gnu[a-z]*'\]"));
        Assert.That(text, Does.Contain("BLOCKED load /usr/lib/dotnet/shared/Microsoft.NETCore.App/libcoreclr.so: "));
        foreach (string library in new[] { "libcoreclr.so", "libOpenCL.so.1", "libtorch_cpu.so" })
            Assert.That(text, Does.Contain($"BLOCKED load {library}: {library}: cannot open shared object file: No such file or directory"));
    }

    [Test]
    public void AnAssignmentThatAllowsTorchShowsTorchAndWhatItNeeds()
    {
        ExternalTools.RequirePython("numpy", "torch");
        var outcome = RunPython("""
            import json, os, torch
            x = torch.ones(3, dtype=torch.float64)
            print(json.dumps({"sum": float(x.sum()), "packages": sorted(os.listdir("/usr/lib/python3/dist-packages"))}))
            """, mayImport: ["numpy", "torch"]);
        RequireFileView(outcome);
        var seen = Printed(outcome);
        Assert.That(seen.GetProperty("sum").GetDouble(), Is.EqualTo(3.0), SandboxKit.Show(outcome));
        var packages = Names(seen, "packages");
        Assert.That(packages, Does.Contain("torch").And.Contain("numpy"));
        // what torch requires comes along (its metadata's Requires-Dist), other packages do not
        Assert.That(packages, Does.Contain("typing_extensions.py"));
        Assert.That(packages, Has.None.StartsWith("scipy").And.None.StartsWith("pip"));
    }

    [Test]
    public void WithoutMayImportTheProgramSeesTheMachineAndANoteSaysSo()
    {
        ExternalTools.RequirePython("json");
        using var work = StudentWorkDir.Create();
        var outcome = StudentProcess.Run(new StudentRunRequest
        {
            WorkingDirectory = work.Path,
            Command = ["python3", "-c", "import os; print(os.path.exists('/etc/passwd'))"],
            WallClockLimit = SandboxKit.Backstop,
            MayImport = null,
        });
        Assert.That(outcome.Isolation.FileView, Is.False);
        Assert.That(outcome.Stdout.Text, Is.EqualTo("True\n"), SandboxKit.Show(outcome));
        Assert.That(outcome.Notes, Has.Some.StartsWith("no reduced view of the filesystem was asked for (MayImport is null)"));
    }
}
