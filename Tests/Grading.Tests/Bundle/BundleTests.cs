// The Gradescope bundle, built once for the fixture with `rnn-grading bundle` (which publishes
// the grader self-contained for linux-x64), then unpacked into a folder laid out like
// Gradescope's /autograder and run with AUTOGRADER_ROOT pointing there: the correct example
// submission scores full marks, a submission with a known mistake loses points on exactly the
// problems it touches and its feedback names the mistake. setup.sh is checked with bash -n and
// run with a stand-in apt-get (it would otherwise change the system).
using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Commands;
using Rnn.Grading.Diagnosis;
using Rnn.Grading.Tests.Autograder;
using Rnn.Grading.Tests.Sandbox;
using Rnn.Grading.Tests.Support;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Bundle;

[SupportedOSPlatform("linux")]
[TestFixture]
public sealed class BundleTests
{
    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101;  // 0755
    private const UnixFileMode Plain = (UnixFileMode)0b110_100_100;       // 0644

    private string _work = null!;
    private string _zip = null!;
    private string _unpacked = null!;

    [OneTimeSetUp]
    public void BuildTheBundleOnce()
    {
        _work = Directory.CreateTempSubdirectory("rnn-bundle-test-").FullName;
        _zip = Path.Combine(_work, "autograder.zip");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var clock = Stopwatch.StartNew();
        int code = BundleCommand.Run(["--assignment", ShippedAssignmentPath, "-o", _zip], stdout, stderr);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), $"{stdout}\n{stderr}");
        TestContext.Progress.WriteLine($"bundle: {clock.Elapsed.TotalSeconds:0.0} s, {new FileInfo(_zip).Length / 1e6:0.0} MB; {stderr.ToString().Trim()}");
        _unpacked = Path.Combine(_work, "unpacked");
        ZipFile.ExtractToDirectory(_zip, _unpacked);
    }

    [OneTimeTearDown]
    public void RemoveTheBundle()
    {
        if (_work is not null && Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
    }

    private static readonly string[] Required =
        ["setup.sh", "run_autograder", "README.md", "assignment.json", "grader/rnn-grading", "grader/student-kit/runner.py"];

    [Test]
    public void TheZipHoldsTheScriptsTheAssignmentTheGraderAndTheKit()
    {
        using var zip = ZipFile.OpenRead(_zip);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.That(names, Is.SupersetOf(Required));
        Assert.That(names.Except(Required), Has.All.Matches(@"^grader/[^/]+\.pdb$"), "besides those, only the grader's debug symbols");

        string repo = RepoPaths.Root;
        var sameAs = new Dictionary<string, string>
        {
            ["setup.sh"] = Path.Combine(repo, "grading", "bundle", "setup.sh"),
            ["run_autograder"] = Path.Combine(repo, "grading", "bundle", "run_autograder"),
            ["README.md"] = Path.Combine(repo, "grading", "bundle", "README.md"),
            ["assignment.json"] = ShippedAssignmentPath,
            ["grader/student-kit/runner.py"] = Path.Combine(repo, "grading", "student-kit", "runner.py"),
        };
        foreach (var (name, source) in sameAs)
            Assert.That(File.ReadAllBytes(Path.Combine(_unpacked, name)), Is.EqualTo(File.ReadAllBytes(source)), name);
    }

    [Test]
    public void ScriptsAndTheGraderAreExecutableInTheZipAndWhenUnpacked()
    {
        using var zip = ZipFile.OpenRead(_zip);
        foreach (var entry in zip.Entries)
        {
            bool executable = entry.FullName is "setup.sh" or "run_autograder" or "grader/rnn-grading";
            // st_mode in the upper 16 bits: S_IFREG (0100000) | 0755 or 0644
            int expected = unchecked((int)((0x8000u | (uint)(executable ? Executable : Plain)) << 16));
            Assert.That(entry.ExternalAttributes, Is.EqualTo(expected), entry.FullName);
            UnixFileMode mode = File.GetUnixFileMode(Path.Combine(_unpacked, entry.FullName));
            Assert.That(mode & UnixFileMode.UserExecute, Is.EqualTo(executable ? UnixFileMode.UserExecute : UnixFileMode.None), entry.FullName);
        }
    }

    [Test]
    public void TheGraderIsSelfContainedAndStarts()
    {
        string grader = Path.Combine(_unpacked, "grader", "rnn-grading");
        Assert.That(BundleCommand.GraderProblem(Path.GetDirectoryName(grader)!), Is.Null);
        Assert.That(File.Exists(Path.Combine(_unpacked, "grader", "rnn-grading.runtimeconfig.json")), Is.False, "one file, no runtime configuration beside it");
        var (code, stdout, stderr) = ExternalTools.Run(grader, ["ops"], TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout.Split('\n'), Does.Contain("lstm").And.Contain("optimizer"));
    }

    [Test]
    public void SetupScriptParsesInstallsNumPyAndClosesTheSourceFolder()
    {
        string setup = Path.Combine(_unpacked, "setup.sh");
        BundleKit.RunBashSyntaxCheck(setup);
        string text = File.ReadAllText(setup);
        Assert.That(text, Does.Contain("apt-get install -y --no-install-recommends python3 python3-numpy"));
        Assert.That(text, Does.Contain("chown -R 0:0 \"$source_dir\""));
        Assert.That(text, Does.Contain("chmod 0700 \"$source_dir\""));
    }

    [Test]
    public void SetupScriptRunWithAStandInAptGetLeavesTheSourceToRootOnly()
    {
        SandboxKit.RequireRoot("setup.sh gives /autograder/source to root");
        ExternalTools.RequirePython("numpy");
        string root = Directory.CreateTempSubdirectory("rnn-setup-").FullName;
        try
        {
            string source = Path.Combine(root, "source");
            CopyTree(_unpacked, source);
            File.SetUnixFileMode(source, Executable);
            // apt-get is found on PATH first in fakebin: it records its arguments and changes nothing
            string fakebin = Path.Combine(root, "fakebin");
            Directory.CreateDirectory(fakebin);
            string aptLog = Path.Combine(root, "apt-get.log");
            File.WriteAllText(Path.Combine(fakebin, "apt-get"), $"#!/bin/sh\necho \"$*\" >> '{aptLog}'\n");
            File.SetUnixFileMode(Path.Combine(fakebin, "apt-get"), Executable);

            var psi = new ProcessStartInfo("/bin/bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
            psi.ArgumentList.Add(Path.Combine(source, "setup.sh"));
            psi.Environment["AUTOGRADER_ROOT"] = root;
            psi.Environment["PATH"] = fakebin + ":/usr/bin:/bin:/usr/sbin:/sbin";
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.That(p.WaitForExit(TimeSpan.FromSeconds(60)), "setup.sh finished");
            p.WaitForExit();
            Assert.That(p.ExitCode, Is.EqualTo(0), stdout.Result + stderr.Result);
            Assert.That(stdout.Result, Does.Contain("setup.sh: NumPy").And.Contain("setup.sh: done"));
            Assert.That(File.ReadAllLines(aptLog), Is.EqualTo(new[] { "update", "install -y --no-install-recommends python3 python3-numpy" }));
            Assert.That(File.GetUnixFileMode(source), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
            var (code, owner, _) = ExternalTools.Run("/usr/bin/stat", ["-c", "%u:%g", source], TimeSpan.FromSeconds(10));
            Assert.That((code, owner.Trim()), Is.EqualTo((0, "0:0")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void TheCorrectSubmissionScoresFullMarks()
    {
        ExternalTools.RequirePython("numpy");
        var (results, output) = Grade(null);
        Assert.That(results["score"]!.GetValue<double>(), Is.EqualTo(100));
        var tests = results["tests"]!.AsArray();
        Assert.That(tests, Has.Count.EqualTo(Shipped().Problems.Count));
        Assert.That(tests.Select(t => t!["status"]!.GetValue<string>()), Has.All.EqualTo("passed"), output);
        Assert.That(output, Does.Contain("run_autograder: the grader exited with code 0"));
        if (Environment.IsPrivilegedProcess)
            Assert.That(output, Does.Not.Contain("readable by the student's user"), "the source folder (0700) hides the grader and the assignment");
    }

    [Test]
    public void ASubmissionWithAKnownMistakeLosesPointsWithTheDiagnosisInItsFeedback()
    {
        ExternalTools.RequirePython("numpy");
        var (results, output) = Grade(KnownMistakes.LstmNoTanhOnCell);
        Assert.That(results["score"]!.GetValue<double>(), Is.LessThan(100));
        string message = new MistakeCatalog().Get(KnownMistakes.LstmNoTanhOnCell).Message;
        var assignment = Shipped();
        var tests = results["tests"]!.AsArray();
        for (int k = 0; k < assignment.Problems.Count; k++)
        {
            var problem = assignment.Problems[k];
            var test = tests[k]!;
            Assert.That(test["name"]!.GetValue<string>(), Does.StartWith(problem.Name + ": "));
            if (problem.Op == "lstm")
            {
                Assert.That(test["status"]!.GetValue<string>(), Is.EqualTo("failed"), problem.Name);
                Assert.That(test["score"]!.GetValue<double>(), Is.LessThan(problem.Points), problem.Name);
                Assert.That(test["output"]!.GetValue<string>(), Does.Contain("Likely cause").And.Contain(message), problem.Name);
            }
            else
                Assert.That(test["status"]!.GetValue<string>(), Is.EqualTo("passed"), $"{problem.Name}\n{output}");
        }
    }

    [Test]
    public void BundlingAgainFromThePublishedGraderGivesTheSameFiles()
    {
        string again = Path.Combine(_work, "again.zip");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = BundleCommand.Run(["--assignment", ShippedAssignmentPath, "-o", again, "--grader-dir", Path.Combine(_unpacked, "grader")], stdout, stderr);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr.ToString());
        Assert.That(stderr.ToString(), Does.Not.Contain("publishing"));
        using var first = ZipFile.OpenRead(_zip);
        using var second = ZipFile.OpenRead(again);
        Assert.That(second.Entries.Select(e => e.FullName).Order(), Is.EqualTo(first.Entries.Select(e => e.FullName).Order()));
        foreach (var entry in first.Entries)
            Assert.That(second.GetEntry(entry.FullName)!.Crc32, Is.EqualTo(entry.Crc32), entry.FullName);

        var refused = BundleCommand.Run(["--assignment", ShippedAssignmentPath, "-o", again, "--grader-dir", Path.Combine(_unpacked, "grader")], stdout, stderr);
        Assert.That(refused, Is.EqualTo(ExitCodes.CannotWriteOutput), "an existing zip is not replaced without --force");
    }

    /// <summary>Gradescope's layout with the bundle unpacked in source/ (0700) and the submission; runs run_autograder there.</summary>
    private (JsonObject Results, string Output) Grade(string? mistakeId)
    {
        string root = BundleKit.AutograderRoot();
        try
        {
            string source = Path.Combine(root, "source");
            CopyTree(_unpacked, source);
            string submission = BundleKit.Submission(root, "student", mistakeId);
            Directory.Delete(Path.Combine(root, "submission"));
            Directory.Move(submission, Path.Combine(root, "submission"));

            var (code, output) = BundleKit.RunAutograder(root, TimeSpan.FromMinutes(5));
            Assert.That(code, Is.EqualTo(0), output);
            string resultsPath = Path.Combine(root, "results", "results.json");
            GradescopeSchema.AssertValid(resultsPath);
            return (JsonNode.Parse(File.ReadAllText(resultsPath))!.AsObject(), output);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Copies files and folders, keeping each file's Unix mode (as unpacking the zip would).</summary>
    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }
}
