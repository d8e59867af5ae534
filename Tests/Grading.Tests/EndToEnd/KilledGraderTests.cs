// A grader killed with SIGKILL while a student's program runs (no clean-up code of its own runs):
// the run's processes end with it (parent-death signal, then the namespace), and the work folder
// it leaves on disk, which holds the problem's cases.json, can be read by no other user: it lies
// in the grader's 0700 base folder. The next StudentWorkDir.Create deletes it. The grader is a
// real `rnn-grading grade --submission` process, with its own temporary folder (TMPDIR), killed
// only once the submission has written its marker, so nothing depends on the machine's speed.
using System.Diagnostics;
using System.Runtime.Versioning;
using NUnit.Framework;
using Rnn.Grading.Commands;
using Rnn.Grading.Sandbox;
using Rnn.Grading.Tests.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.EndToEnd;

[SupportedOSPlatform("linux")]
public sealed class KilledGraderTests
{
    private const string Submission = """
        # writes its marker in its work folder, then waits to be killed (bounded: 120 s)
        import time
        with open("started.txt", "w") as f:
            f.write("running\n")
        time.sleep(120)
        """;

    [Test]
    public void AfterSigkillOfTheGraderNothingOfTheRunRunsOrCanBeReadByOthersAndTheNextStartRemovesIt()
    {
        SandboxKit.RequireRoot("the student's program runs as nobody, and the leftovers are judged for other users");
        ExternalTools.RequirePython("numpy");
        string dir = EndToEndKit.PrivateFolder("rnn-killed-");
        try
        {
            string tmp = Path.Combine(dir, "tmp");                  // the grader's TMPDIR: its base folder is found here
            Directory.CreateDirectory(tmp, (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit);
            string submission = Path.Combine(dir, "submission");
            Directory.CreateDirectory(submission);
            File.WriteAllText(Path.Combine(submission, "rnn_student.py"), Submission);
            string assignment = EndToEndKit.WriteAssignment(dir, timeLimitSeconds: 300);
            string results = Path.Combine(dir, "results.json");

            string host = Environment.ProcessPath is { } p && Path.GetFileName(p) == "dotnet" ? p : "dotnet";
            var psi = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "rnn-grading.dll"), "grade", "--assignment", assignment,
                         "--submission", submission, "--results", results, "--report", "none", GradeCommand.AllowReadableGrader })
                psi.ArgumentList.Add(a);
            psi.Environment["TMPDIR"] = tmp;
            psi.WorkingDirectory = RepoPaths.Root;
            using var grader = Process.Start(psi)!;
            var output = grader.StandardOutput.ReadToEndAsync();
            var errors = grader.StandardError.ReadToEndAsync();

            string baseFolder = Path.Combine(tmp, "rnn-grading-0");
            string? marker = WaitFor(() => Directory.Exists(baseFolder)
                ? Directory.EnumerateFiles(baseFolder, "started.txt", new EnumerationOptions { RecurseSubdirectories = true }).FirstOrDefault()
                : null, grader);
            Assert.That(marker, Is.Not.Null, $"the submission never started\nstderr: {Done(errors)}");
            string work = Path.GetDirectoryName(marker!)!;
            Assert.That(SandboxKit.ProcessesWorkingIn(work), Is.Not.Empty, "the student's program runs");

            grader.Kill();                                         // SIGKILL
            grader.WaitForExit();
            Assert.That(WaitFor(() => SandboxKit.ProcessesWorkingIn(work).Count == 0 ? "" : null, null), Is.Not.Null,
                "processes of the run outlived the grader: " + string.Join("; ", SandboxKit.ProcessesWorkingIn(work)));

            // what the killed grader left: the work folder with the hidden cases, unreadable by anyone else
            Assert.That(File.Exists(Path.Combine(work, "cases.json")), "the premise: a killed grader leaves its run's folder");
            Assert.That((int)File.GetUnixFileMode(baseFolder), Is.EqualTo(0b111_000_000), "the base folder is 0700");
            foreach (string uid in new[] { "65534", "64001", "12345" })
            {
                var (code, _, err) = ExternalTools.Run("/usr/bin/setpriv",
                    [$"--reuid={uid}", $"--regid={uid}", "--clear-groups", "/bin/cat", Path.Combine(work, "cases.json")], TimeSpan.FromSeconds(60));
                Assert.That(code, Is.Not.Zero, $"uid {uid} read the killed run's cases.json");
                Assert.That(err, Does.Contain("Permission denied"), $"uid {uid}");
                (code, _, err) = ExternalTools.Run("/usr/bin/setpriv",
                    [$"--reuid={uid}", $"--regid={uid}", "--clear-groups", "/bin/ls", baseFolder], TimeSpan.FromSeconds(60));
                Assert.That(code, Is.Not.Zero, $"uid {uid} listed the base folder");
            }

            // the next start removes the leftover (its lock is free now), and only it
            string root = Path.GetDirectoryName(work)!;
            Assert.That(StudentWorkDir.RemoveLeftovers(baseFolder), Is.EqualTo(1), "the killed run's folder");
            Assert.That(Directory.Exists(root), Is.False);
            TestContext.Out.WriteLine($"grader output: {Done(output)} {Done(errors)}");
        }
        finally
        {
            EndToEndKit.DeleteFolder(dir);
        }
    }

    [Test]
    public void ALiveRunIsNotRemovedAndALeftoverIsRemovedByCreate()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("Linux only");
        using var live = StudentWorkDir.Create();
        string baseFolder = Path.GetDirectoryName(live.Root)!;
        // a leftover as a killed grader leaves it: a run folder whose .lock nobody holds
        string leftover = Path.Combine(baseFolder, StudentWorkDir.RootPrefix + "0123abcd-left");
        Directory.CreateDirectory(Path.Combine(leftover, "work"));
        File.WriteAllText(Path.Combine(leftover, StudentWorkDir.LockName), "");
        File.WriteAllText(Path.Combine(leftover, "work", "cases.json"), "{}");

        using (StudentWorkDir.Create())
        {
            Assert.That(Directory.Exists(leftover), Is.False, "Create removes a run folder whose grader is gone");
            Assert.That(Directory.Exists(live.Path), "a live run's folder stays (its .lock is held)");
        }
        Assert.That(StudentWorkDir.RemoveLeftovers(baseFolder), Is.Zero, "the live run still holds its lock");
        Assert.That(Directory.Exists(live.Path));
    }

    /// <summary>Polls every 50 ms until found returns non-null (or the grader, if given, has exited), with a 300 s backstop.</summary>
    private static string? WaitFor(Func<string?> found, Process? grader)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(300))
        {
            if (found() is { } hit) return hit;
            if (grader is { HasExited: true }) return found();
            Thread.Sleep(50);
        }
        return null;
    }

    private static string Done(Task<string> text) => text.Wait(TimeSpan.FromSeconds(10)) ? text.Result : "(still open)";
}
