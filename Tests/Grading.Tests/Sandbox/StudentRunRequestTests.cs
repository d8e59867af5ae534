// Requests that are wrong (ArgumentException naming the setting, what was expected and what
// was given) and runs that must not start (the grader's files exposed, the work folder out
// of the student user's reach, the program missing), plus the captured-output format.
using System.Runtime.Versioning;
using NUnit.Framework;
using Rnn.Grading.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Sandbox;

[SupportedOSPlatform("linux")]
public sealed class StudentRunRequestTests
{
    private static StudentRunRequest Valid(string dir) => new() { WorkingDirectory = dir, Command = ["python3", "runner.py"] };

    [Test]
    public void MalformedRequestsAreRejectedNamingTheSetting()
    {
        string dir = Path.GetTempPath();
        var cases = new (StudentRunRequest Request, string Argument, string Message)[]
        {
            (Valid(dir) with { WorkingDirectory = "relative/work" }, "WorkingDirectory", "WorkingDirectory must be an absolute path but is \"relative/work\""),
            (Valid(dir) with { WorkingDirectory = "/no/such/folder" }, "WorkingDirectory", "WorkingDirectory must exist but /no/such/folder does not"),
            (Valid(dir) with { Command = [] }, "Command", "Command must name a program but is []"),
            (Valid(dir) with { Command = ["bin/python3", "x.py"] }, "Command", "Command[0] must be a bare name or an absolute path but is \"bin/python3\""),
            (Valid(dir) with { WallClockLimit = TimeSpan.Zero }, "WallClockLimit", "WallClockLimit must be positive but is 00:00:00"),
            (Valid(dir) with { CpuTimeLimit = TimeSpan.FromSeconds(-1) }, "CpuTimeLimit", "CpuTimeLimit must be positive but is -00:00:01"),
            (Valid(dir) with { MemoryLimitBytes = 1000 }, "MemoryLimitBytes", "MemoryLimitBytes must be at least 16777216 but is 1000"),
            (Valid(dir) with { MaxFileSizeBytes = 0 }, "MaxFileSizeBytes", "MaxFileSizeBytes must be at least 1 but is 0"),
            (Valid(dir) with { MaxProcesses = 0 }, "MaxProcesses", "MaxProcesses must be at least 1 but is 0"),
            (Valid(dir) with { OutputCapBytes = 1 }, "OutputCapBytes", "OutputCapBytes must be at least 2 but is 1"),
            (Valid(dir) with { StudentUid = 0 }, "StudentUid", "StudentUid must be at least 1 but is 0"),
            (Valid(dir) with { ProtectedPaths = ["grader"] }, "ProtectedPaths", "ProtectedPaths must hold absolute paths but holds \"grader\""),
            (Valid(dir) with { MayImport = ["numpy", "../torch"] }, "MayImport", "MayImport must hold top-level module names but holds \"../torch\""),
            (Valid(dir) with { MayImport = ["2d"] }, "MayImport", "MayImport must hold top-level module names but holds \"2d\""),
        };
        foreach (var (request, argument, message) in cases)
        {
            var e = Assert.Throws<ArgumentException>(() => StudentProcess.Run(request));
            Assert.That(e!.ParamName, Is.EqualTo(argument));
            Assert.That(e.Message, Does.StartWith(message));
        }
    }

    [Test]
    public void CpuLimitDefaultsToTheWallClockLimitRoundedUpPlusOneSecond()
    {
        string dir = Path.GetTempPath();
        // 2.5 s + 1 s = 3.5 s, rounded up to 4 whole seconds
        Assert.That((Valid(dir) with { WallClockLimit = TimeSpan.FromSeconds(2.5) }).CpuSeconds, Is.EqualTo(4));
        Assert.That((Valid(dir) with { CpuTimeLimit = TimeSpan.FromSeconds(7) }).CpuSeconds, Is.EqualTo(7));
    }

    [Test]
    public void AMissingProgramIsReportedNotThrown()
    {
        using var work = StudentWorkDir.Create();
        var outcome = StudentProcess.Run(new StudentRunRequest { WorkingDirectory = work.Path, Command = ["/no/such/program"] });
        Assert.That(outcome.Started, Is.False);
        Assert.That(outcome.StartError, Is.EqualTo("/no/such/program was not found (looked for /no/such/program)"));
        Assert.That(outcome.Describe(), Is.EqualTo("the program was not started: /no/such/program was not found (looked for /no/such/program)"));
    }

    [Test]
    public void ExposedGraderFilesStopTheRunBeforeItStarts()
    {
        SandboxKit.RequireRoot("the exposure check applies when the program runs as another user");
        string grader = Directory.CreateTempSubdirectory("rnn-grader-").FullName;
        try
        {
            File.SetUnixFileMode(grader, (UnixFileMode)0b111_101_101); // 0755: anyone may list and read
            using var work = SandboxKit.Prepare("silent-exit");
            var outcome = StudentProcess.Run(SandboxKit.Request(work) with { ProtectedPaths = [grader] });

            Assert.That(outcome.Started, Is.False);
            Assert.That(outcome.StartError, Is.EqualTo(
                $"the grader's files are not protected from the program: {grader} can be listed by uid 65534 (mode 0755, owner 0:0); make the grader's folders 0700 (Spec/sandbox.md)"));

            // a results file not written yet is judged by its folder
            string results = Path.Combine(grader, "out", "results.json");
            outcome = StudentProcess.Run(SandboxKit.Request(work) with { ProtectedPaths = [results] });
            Assert.That(outcome.StartError, Does.Contain($"{results} (judged by {grader}, which exists) can be listed by uid 65534"));

            File.SetUnixFileMode(grader, (UnixFileMode)0b111_000_000); // 0700
            outcome = StudentProcess.Run(SandboxKit.Request(work) with { ProtectedPaths = [grader, results] });
            Assert.That(outcome.Started, SandboxKit.Show(outcome));
        }
        finally
        {
            Directory.Delete(grader, recursive: true);
        }
    }

    [Test]
    public void AWorkFolderTheStudentUserCannotReachStopsTheRun()
    {
        SandboxKit.RequireRoot("reachability matters when the program runs as another user");
        string closed = Directory.CreateTempSubdirectory("rnn-closed-").FullName; // 0700
        try
        {
            string workDir = Path.Combine(closed, "work");
            Directory.CreateDirectory(workDir);
            var outcome = StudentProcess.Run(new StudentRunRequest { WorkingDirectory = workDir, Command = ["python3", "-c", "pass"] });
            Assert.That(outcome.Started, Is.False);
            Assert.That(outcome.StartError, Is.EqualTo(
                $"the work folder {workDir} cannot be reached by the program's user: {closed} (mode 0700, owner 0:0) does not let uid 65534 through; make the folders above it searchable (0711), e.g. with StudentWorkDir.Create()"));
        }
        finally
        {
            Directory.Delete(closed, recursive: true);
        }
    }

    [Test]
    public void StudentWorkDirIsAnUnlistableFolderHoldingAnUnguessableWorkFolder()
    {
        string root;
        using (var work = StudentWorkDir.Create())
        {
            root = work.Root;
            Assert.That(Path.GetDirectoryName(work.Path), Is.EqualTo(work.Root));
            Assert.That(Path.GetFileName(work.Path), Does.Match("^[0-9a-f]{32}$"));
            Assert.That(Path.GetFileName(work.Root), Does.Match("^rnn-student-[0-9a-f]{8}$"));
            Assert.That((int)File.GetUnixFileMode(work.Root), Is.EqualTo(0b111_001_001), "root folder must be 0711");
            string baseFolder = Path.GetDirectoryName(work.Root)!;
            Assert.That(Path.GetFileName(baseFolder), Does.Match("^rnn-grading-[0-9]+(-open)?$"));
            Assert.That((int)File.GetUnixFileMode(baseFolder), Is.EqualTo(baseFolder.EndsWith("-open", StringComparison.Ordinal) ? 0b111_001_001 : 0b111_000_000),
                "the base is 0700 (0711 for runs without a private /tmp)");
            Assert.That((int)File.GetUnixFileMode(work.Path), Is.EqualTo(0b111_000_000), "work folder must be 0700");
            File.WriteAllText(Path.Combine(work.Path, "x"), "x");
        }
        Assert.That(Directory.Exists(root), Is.False, "Dispose must delete everything");
    }

    [Test]
    public void SmallOutputIsKeptWhole()
    {
        ExternalTools.RequirePython("json");
        using var work = StudentWorkDir.Create();
        var outcome = StudentProcess.Run(new StudentRunRequest
        {
            WorkingDirectory = work.Path,
            Command = ["python3", "-c", "import sys; print('hello'); sys.stderr.write('oops\\n')"],
            WallClockLimit = SandboxKit.Backstop,
        });
        Assert.That(outcome.Stdout, Is.EqualTo(new CapturedOutput("hello\n", 6, false)), SandboxKit.Show(outcome));
        Assert.That(outcome.Stderr, Is.EqualTo(new CapturedOutput("oops\n", 5, false)), SandboxKit.Show(outcome));
    }

    [Test]
    public void LongOutputKeepsItsFirstAndLastHalvesOfTheCap()
    {
        ExternalTools.RequirePython("json");
        using var work = StudentWorkDir.Create();
        var outcome = StudentProcess.Run(new StudentRunRequest
        {
            WorkingDirectory = work.Path,
            // 5000 'A', then 5000 'B': 10000 bytes; with a cap of 1000 the first 500 and the last 500 are kept
            Command = ["python3", "-c", "import sys; sys.stdout.write('A' * 5000); sys.stdout.flush(); sys.stdout.write('B' * 5000)"],
            OutputCapBytes = 1000,
            WallClockLimit = SandboxKit.Backstop,
        });
        Assert.That(outcome.Stdout.Truncated);
        Assert.That(outcome.Stdout.TotalBytes, Is.EqualTo(10000));
        Assert.That(outcome.Stdout.Text, Is.EqualTo(
            new string('A', 500) + "\n[... 9000 bytes not shown: 10000 bytes were written in all ...]\n" + new string('B', 500)));
    }
}
