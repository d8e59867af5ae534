// `rnn-grading bundle` without publishing: its command line, what it refuses before building
// anything, and how it tells a self-contained Linux grader from one that would need .NET on
// the image. The bundle itself is built and run in BundleTests.
using System.Runtime.Versioning;
using NUnit.Framework;
using Rnn.Grading.Commands;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Bundle;

[SupportedOSPlatform("linux")]
public sealed class BundleCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = BundleCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [TestCase(new string[0], "bundle needs --assignment A and -o FILE.zip")]
    [TestCase(new[] { "--assignment", "a.json" }, "bundle needs --assignment A and -o FILE.zip")]
    [TestCase(new[] { "--assignment", "a.json", "-o", "autograder.tar" }, "-o must end in .zip (Gradescope takes a zip) but is 'autograder.tar'")]
    [TestCase(new[] { "--assignment", "a.json", "-o", "a.zip", "--runtime", "win-x64" }, "--runtime must be one of linux-x64, linux-arm64 but is 'win-x64'")]
    [TestCase(new[] { "--assignment", "a.json", "-o", "a.zip", "--runtime", "linux-x64", "--grader-dir", "g" }, "--runtime and --grader-dir exclude each other")]
    [TestCase(new[] { "--assignment", "a.json", "-o", "a.zip", "-o", "b.zip" }, "-o was given twice")]
    [TestCase(new[] { "--assignment", "a.json", "-o" }, "-o needs a value")]
    [TestCase(new[] { "--assignment", "a.json", "-o", "a.zip", "extra" }, "unexpected argument 'extra'")]
    [TestCase(new[] { "--assignment", "a.json", "-o", "a.zip", "--fast" }, "unknown option '--fast'")]
    public void WrongCommandLinesExitTwo(string[] args, string message)
    {
        var (code, _, err) = Run(args);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(err, Does.Contain(message));
    }

    [Test]
    public void AnExistingZipIsKeptWithoutForce()
    {
        string zip = Path.Combine(TempDir(), "autograder.zip");
        File.WriteAllText(zip, "staff's earlier bundle");
        var (code, _, err) = Run("--assignment", ShippedAssignmentPath, "-o", zip);
        Assert.That(code, Is.EqualTo(ExitCodes.CannotWriteOutput));
        Assert.That(err, Does.Contain($"{zip} exists; give --force to replace it"));
        Assert.That(File.ReadAllText(zip), Is.EqualTo("staff's earlier bundle"));
    }

    [Test]
    public void AnInvalidAssignmentIsNotBundled()
    {
        string dir = TempDir();
        string bad = Path.Combine(dir, "bad.json");
        File.WriteAllText(bad, "{\"format\": \"rnn-reference/assignment@1\", \"name\": \"x\"}");
        string zip = Path.Combine(dir, "autograder.zip");
        var (code, _, err) = Run("--assignment", bad, "-o", zip);
        Assert.That(code, Is.EqualTo(ExitCodes.UnreadableInput));
        Assert.That(err, Does.Contain("bad.json"));
        Assert.That(File.Exists(zip), Is.False);
    }

    [Test]
    public void AGraderFolderWithoutAUsableGraderIsRefused()
    {
        string dir = TempDir();
        string zip = Path.Combine(TempDir(), "autograder.zip");
        var (code, _, err) = Run("--assignment", ShippedAssignmentPath, "-o", zip, "--grader-dir", dir);
        Assert.That(code, Is.EqualTo(ExitCodes.GraderFailed));
        Assert.That(err, Does.Contain($"{dir} has no rnn-grading"));
        Assert.That(File.Exists(zip), Is.False);
    }

    [Test]
    public void GraderProblemNamesWhatIsWrong()
    {
        string dir = TempDir();
        Assert.That(BundleCommand.GraderProblem(Path.Combine(dir, "missing")), Does.EndWith("does not exist"));
        Assert.That(BundleCommand.GraderProblem(dir), Is.EqualTo($"{dir} has no rnn-grading, the grader's executable for Linux"));

        string exe = Path.Combine(dir, "rnn-grading");
        File.WriteAllBytes(exe, "MZ\u0090\0 a Windows program"u8.ToArray());
        Assert.That(BundleCommand.GraderProblem(dir), Is.EqualTo($"{exe} is not a Linux (ELF) executable: publish with -r linux-x64"));

        // an ELF apphost that carries no runtime: a framework-dependent build
        File.WriteAllBytes(exe, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, .. "rnn-grading.dll"u8]);
        Assert.That(BundleCommand.GraderProblem(dir), Does.StartWith($"{exe} is not self-contained"));

        // the same with the runtime's core library inside (single file) or beside it
        File.WriteAllBytes(exe, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, .. "System.Private.CoreLib.dll"u8]);
        Assert.That(BundleCommand.GraderProblem(dir), Is.Null);
        File.WriteAllBytes(exe, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0]);
        File.WriteAllBytes(Path.Combine(dir, "System.Private.CoreLib.dll"), [0]);
        Assert.That(BundleCommand.GraderProblem(dir), Is.Null);
    }

    [Test]
    public void TheRepositoryIsFoundFromAnyFolderInsideIt()
    {
        Assert.That(BundleCommand.FindRepository([Path.Combine(RepoPaths.Root, "grading", "student-kit")]), Is.EqualTo(RepoPaths.Root));
        Assert.That(BundleCommand.FindRepository([Path.GetTempPath(), RepoPaths.Root]), Is.EqualTo(RepoPaths.Root));
        Assert.That(BundleCommand.FindRepository(["/"]), Is.Null);
    }
}
