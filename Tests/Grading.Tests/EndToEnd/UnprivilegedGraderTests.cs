// A grader that is not root makes the run's namespaces inside an unprivileged user namespace
// (Spec/sandbox.md, "When a tool is missing or a step is not permitted"): the private /tmp and the
// reduced view of the filesystem are made there too. The grader is a real `rnn-grading grade
// --submission` process started as uid 12345 (which may read the machine's /etc/passwd and this
// checkout): the correct NumPy submission scores full marks, and a submission that looks for the
// machine's files finds none of them.
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Tests.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.EndToEnd;

[SupportedOSPlatform("linux")]
public sealed class UnprivilegedGraderTests
{
    private const int Uid = 12345;

    /// <summary>Grades the submission folder with the grader running as Uid; returns results.json.</summary>
    private static JsonNode GradeAsUnprivilegedUser(string submissionSource, string dir)
    {
        string own = Path.Combine(dir, "grader");                    // the unprivileged grader's home, TMPDIR, submission and results
        string submission = Path.Combine(own, "submission");
        Directory.CreateDirectory(submission);
        foreach (string file in Directory.GetFiles(submissionSource)) File.Copy(file, Path.Combine(submission, Path.GetFileName(file)));
        string assignment = EndToEndKit.WriteAssignment(own, timeLimitSeconds: 300);
        string results = Path.Combine(own, "results.json");
        foreach (string path in Directory.GetFileSystemEntries(own, "*", SearchOption.AllDirectories).Append(own))
            File.SetUnixFileMode(path, Directory.Exists(path) ? (UnixFileMode)0b111_000_000 : (UnixFileMode)0b110_000_000);
        var (chown, _, chownErr) = ExternalTools.Run("/bin/chown", ["-R", $"{Uid}:{Uid}", own], TimeSpan.FromSeconds(60));
        Assert.That(chown, Is.Zero, chownErr);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101); // 0755: the grader's user may pass

        string host = Environment.ProcessPath is { } p && Path.GetFileName(p) == "dotnet" ? p : "/usr/bin/dotnet";
        var (code, stdout, stderr) = ExternalTools.Run("/usr/bin/setpriv",
            [$"--reuid={Uid}", $"--regid={Uid}", "--clear-groups", "/usr/bin/env", $"HOME={own}", $"TMPDIR={own}", $"DOTNET_CLI_HOME={own}",
             host, Path.Combine(AppContext.BaseDirectory, "rnn-grading.dll"), "grade", "--assignment", assignment,
             "--submission", submission, "--results", results, "--report", "none"],
            TimeSpan.FromSeconds(600), workingDirectory: own);
        if (!File.Exists(results))
        {
            string reason = $"the grader could not run as uid {Uid} (exit {code}): {stderr.Trim()} {stdout.Trim()}";
            if (ExternalTools.InCi) Assert.Fail("required in CI: " + reason);
            Assert.Ignore(reason);
        }
        return JsonNode.Parse(File.ReadAllText(results))!;
    }

    private static string Outputs(JsonNode results) =>
        string.Join("\n", results["tests"]!.AsArray().Select(t => t!["output"]?.GetValue<string>() ?? "")) + results["output"]?.GetValue<string>();

    [Test]
    public void TheCorrectSubmissionScoresFullMarksUnderAnUnprivilegedGrader()
    {
        SandboxKit.RequireRoot("the test starts the grader as another user");
        ExternalTools.RequirePython("numpy");
        string dir = EndToEndKit.PrivateFolder("rnn-unprivileged-");
        try
        {
            var results = GradeAsUnprivilegedUser(Path.Combine(RepoPaths.Root, "grading", "examples", "correct"), dir);
            string outputs = Outputs(results);
            if (outputs.Contains("no PID or network namespace"))
            {
                string reason = "the kernel gives an unprivileged user no user namespace: " + outputs;
                if (ExternalTools.InCi) Assert.Fail("required in CI: " + reason);
                Assert.Ignore(reason);
            }
            Assert.That(results["score"]!.GetValue<double>(), Is.EqualTo(100), outputs);
        }
        finally { EndToEndKit.DeleteFolder(dir); }
    }

    [Test]
    public void LookingOutsideTheRuntimeFindsNothingUnderAnUnprivilegedGrader()
    {
        SandboxKit.RequireRoot("the test starts the grader as another user");
        ExternalTools.RequirePython("numpy");
        string dir = EndToEndKit.PrivateFolder("rnn-unprivileged-");
        try
        {
            var results = GradeAsUnprivilegedUser(SandboxKit.HostileDir("looks-outside-view"), dir);
            string outputs = Outputs(results);
            Assert.That(outputs, Does.Not.Contain("no reduced view of the filesystem"), outputs);
            Assert.That(results["score"]!.GetValue<double>(), Is.Zero, outputs);
            // uid 12345 may read these on the machine: in the run they do not exist
            Assert.That(outputs, Does.Contain("BLOCKED /etc/passwd: [Errno 2] No such file or directory"), outputs);
            Assert.That(outputs, Does.Contain("BLOCKED /usr/lib/python3/dist-packages/torch: [Errno 2] No such file or directory"));
            Assert.That(outputs, Does.Not.Contain("SEEN "));
        }
        finally { EndToEndKit.DeleteFolder(dir); }
    }
}
