// Each hostile submission of grading/examples/hostile/ run through StudentProcess.Run with the
// default isolation (namespaces, limits, and the nobody user when root), checking that the
// attack is contained: by what the program itself printed, by what is on disk afterwards,
// and by an independent look at /proc for anything left running.
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Rnn.Grading.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Sandbox;

public sealed class HostileSubmissionTests
{
    [Test]
    public void InfiniteLoopIsKilledAtTheWallClockLimitWithItsDaemon()
    {
        using var work = SandboxKit.Prepare("infinite-loop");
        var outcome = SandboxKit.RunUntilTimedOut(SandboxKit.Request(work), "daemon started");
        SandboxKit.Log(outcome);
        SandboxKit.RequireNamespaces(outcome);

        Assert.That(outcome.Started, outcome.StartError);
        Assert.That(outcome.TimedOut, SandboxKit.Show(outcome));
        Assert.That(outcome.WallTime, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(outcome.Stdout.Text, Does.Contain("daemon started"), "the daemon must have been running to prove it was killed");
        SandboxKit.AssertNothingLeft(outcome, work.Path);
        Assert.That(outcome.Describe(), Does.StartWith("timed out after"));
    }

    [Test]
    public void CpuTimeLimitEndsABusyLoopBeforeTheWallClockLimit()
    {
        using var work = SandboxKit.Prepare("infinite-loop");
        var outcome = StudentProcess.Run(SandboxKit.Request(work) with
        {
            WallClockLimit = SandboxKit.Backstop,   // the CPU limit must end it, however slowly the machine gives it CPU
            CpuTimeLimit = TimeSpan.FromSeconds(1),
        });
        SandboxKit.Log(outcome);
        SandboxKit.RequireNamespaces(outcome);

        Assert.That(outcome.TimedOut, Is.False, SandboxKit.Show(outcome));
        // RLIMIT_CPU soft = hard: the kernel sends SIGKILL (9) at the limit (SIGXCPU, 24, if soft < hard)
        Assert.That(outcome.Signal, Is.EqualTo(9).Or.EqualTo(24), SandboxKit.Show(outcome));
        SandboxKit.AssertNothingLeft(outcome, work.Path);
    }

    // alone: while it holds its children, every other program run as the same student user
    // (other tests' runs, graded in parallel) would find RLIMIT_NPROC used up
    [Test, NonParallelizable]
    public void ForkBombIsStoppedByTheProcessLimitAndKilledWhole()
    {
        SandboxKit.RequireRoot("RLIMIT_NPROC binds only an unprivileged user");
        using var work = SandboxKit.Prepare("fork-bomb");
        var request = SandboxKit.Request(work);
        var outcome = SandboxKit.RunUntilTimedOut(request, "fork-bomb: started");
        SandboxKit.Log(outcome);

        Assert.That(outcome.Isolation.RanAsStudentUser, SandboxKit.Show(outcome));
        Assert.That(outcome.TimedOut, SandboxKit.Show(outcome));
        var m = Regex.Match(outcome.Stdout.Text, @"fork-bomb: started (\d+) children; stopped by: (.*)");
        Assert.That(m.Success, "the fork bomb did not report\n" + SandboxKit.Show(outcome));
        int started = int.Parse(m.Groups[1].Value);
        Assert.That(started, Is.LessThan(request.MaxProcesses), SandboxKit.Show(outcome));
        Assert.That(m.Groups[2].Value, Does.Contain("Resource temporarily unavailable"), "a fork must have failed with EAGAIN");
        SandboxKit.AssertNothingLeft(outcome, work.Path);
    }

    [Test]
    public void MemoryHogHitsTheAddressSpaceLimit()
    {
        ExternalTools.RequirePython("numpy");
        using var work = SandboxKit.Prepare("memory-hog");
        var outcome = StudentProcess.Run(SandboxKit.Request(work) with { MemoryLimitBytes = 512 * StudentRunRequest.MiB });
        SandboxKit.Log(outcome);

        Assert.That(outcome.TimedOut, Is.False, SandboxKit.Show(outcome));
        Assert.That(outcome.ExitCode, Is.Not.Zero, SandboxKit.Show(outcome));
        Assert.That(outcome.Stderr.Text, Does.Contain("MemoryError"), SandboxKit.Show(outcome));
        var m = Regex.Match(outcome.Stdout.Text, @"MemoryError after (\d+) MiB");
        Assert.That(m.Success, SandboxKit.Show(outcome));
        Assert.That(int.Parse(m.Groups[1].Value), Is.LessThan(512));
        SandboxKit.AssertNothingLeft(outcome, work.Path);
    }

    [Test]
    public void ForkedChildrenTogetherAreHeldToTheRunsMemoryLimit()
    {
        SandboxKit.RequireRoot("a memory cgroup is made by root");
        using var work = SandboxKit.Prepare("memory-forks");
        // six children of 150 MiB each, under 256 MiB per process: 900 MiB together, against 400 MiB for the run
        var outcome = StudentProcess.Run(SandboxKit.Request(work) with
        {
            MemoryLimitBytes = 256 * StudentRunRequest.MiB,
            TotalMemoryLimitBytes = 400 * StudentRunRequest.MiB,
        });
        SandboxKit.Log(outcome);
        SandboxKit.RequireMemoryCgroup(outcome);

        var m = Regex.Match(outcome.Stdout.Text, @"memory-forks: (\d+) children forked, (\d+) forks failed, (\d+) held their memory together");
        Assert.That(m.Success, SandboxKit.Show(outcome));
        Assert.That(m.Groups[1].Value, Is.EqualTo("6"), "the process limit is not what stops them\n" + SandboxKit.Show(outcome));
        Assert.That(outcome.Stdout.Text, Does.Contain("memory-forks: a child ended: killed by signal 9"), SandboxKit.Show(outcome));
        Assert.That(outcome.OutOfMemoryKills, Is.GreaterThanOrEqualTo(1), SandboxKit.Show(outcome));
        // the kernel's own high-water mark of the run: at most the limit, where the six would have held 900 MiB
        Assert.That(outcome.PeakMemoryBytes, Is.Not.Null.And.LessThanOrEqualTo(400 * StudentRunRequest.MiB), SandboxKit.Show(outcome));
        Assert.That(outcome.Describe(), Does.Contain("its processes together reached the run's memory limit of 400 MiB, and the kernel killed"));
        SandboxKit.AssertNothingLeft(outcome, work.Path);
    }

    [Test]
    public void WithoutAMemoryCgroupTheProcessLimitTimesTheAddressSpaceBoundsTheRun()
    {
        SandboxKit.RequireRoot("RLIMIT_NPROC binds only an unprivileged user");
        using var work = SandboxKit.Prepare("memory-forks");
        // 768 MiB for the run at 256 MiB per process: RLIMIT_NPROC 3, the parent and two children
        var request = SandboxKit.Request(work) with
        {
            MemoryLimitBytes = 256 * StudentRunRequest.MiB,
            TotalMemoryLimitBytes = 768 * StudentRunRequest.MiB,
            UseMemoryCgroup = false,
            StudentUid = 64998,
            StudentGid = 64998,
        };
        var outcome = StudentProcess.Run(request);
        SandboxKit.Log(outcome);

        Assert.That(outcome.Isolation.MemoryCgroup, Is.Null);
        Assert.That(outcome.Notes, Has.Some.EqualTo("no memory cgroup for the run (UseMemoryCgroup is off)"));
        Assert.That(outcome.Notes, Has.Some.EqualTo(
            "the run's memory is bounded by RLIMIT_NPROC x RLIMIT_AS instead: at most 3 tasks of 256 MiB each, 768 MiB in all (TotalMemoryLimitBytes 768 MiB)"));
        Assert.That(outcome.Stdout.Text, Does.Contain("memory-forks: 2 children forked, 4 forks failed, 2 held their memory together"), SandboxKit.Show(outcome));
        Assert.That(outcome.Stdout.Text, Does.Contain("Resource temporarily unavailable"), SandboxKit.Show(outcome));
        SandboxKit.AssertNothingLeft(outcome, work.Path);
    }

    [Test]
    public void OutputFloodIsReadToTheEndButOnlyItsHeadAndTailAreKept()
    {
        using var work = SandboxKit.Prepare("output-flood");
        var request = SandboxKit.Request(work);
        var outcome = StudentProcess.Run(request);
        SandboxKit.Log(outcome);

        var stdout = outcome.Stdout;
        Assert.That(stdout.Truncated, SandboxKit.Show(outcome));
        Assert.That(stdout.TotalBytes, Is.GreaterThan(10L * request.OutputCapBytes));
        Assert.That(stdout.Text.Length, Is.LessThan(request.OutputCapBytes + 200), "more than the cap was kept");
        Assert.That(stdout.Text, Does.StartWith("output-flood: first line\n"));
        Assert.That(stdout.Text, Does.Contain($"bytes not shown: {stdout.TotalBytes} bytes were written in all"));
        if (!outcome.TimedOut)
        {
            // first line 25 bytes + 1024 blocks of 1027 lines of 1021 bytes + last line 24 bytes
            Assert.That(stdout.TotalBytes, Is.EqualTo(25 + 1024L * 1027 * 1021 + 24), SandboxKit.Show(outcome));
            Assert.That(stdout.Text, Does.EndWith("output-flood: last line\n"));
            Assert.That(outcome.ExitCode, Is.Zero, SandboxKit.Show(outcome));
        }
        Assert.That(outcome.Stderr.Truncated, Is.False);
        Assert.That(outcome.Stderr.Text, Does.StartWith("output-flood: 0 MiB written\n"));
        SandboxKit.AssertNothingLeft(outcome, work.Path);
    }

    [Test]
    public void HugeFileStopsAtTheFileSizeLimit()
    {
        using var work = SandboxKit.Prepare("huge-file");
        var outcome = StudentProcess.Run(SandboxKit.Request(work) with { MaxFileSizeBytes = 1 * StudentRunRequest.MiB });
        SandboxKit.Log(outcome);

        Assert.That(outcome.ExitCode, Is.EqualTo(1), SandboxKit.Show(outcome));
        Assert.That(outcome.Stderr.Text, Does.Contain("File too large"), SandboxKit.Show(outcome));
        Assert.That(new FileInfo(Path.Combine(work.Path, "huge.bin")).Length, Is.EqualTo(1 * StudentRunRequest.MiB));
        SandboxKit.AssertNothingLeft(outcome, work.Path);
    }

    [Test]
    public void WritesResultsCannotWriteOutsideItsWorkFolder()
    {
        SandboxKit.RequireRoot("the program must run as another user for the grader's folders to be closed to it");
        string results = SandboxKit.PrivateFolder();
        try
        {
            string resultsFile = Path.Combine(results, "results.json");
            using var work = SandboxKit.Prepare("writes-results", "write " + resultsFile);
            var outcome = StudentProcess.Run(SandboxKit.Request(work) with { ProtectedPaths = [results] });
            SandboxKit.Log(outcome);

            Assert.That(outcome.ExitCode, Is.Zero, SandboxKit.Show(outcome));
            string parentFile = Path.Combine(work.Root, "results.json");
            Assert.That(outcome.Stdout.Text, Does.Contain($"BLOCKED write {parentFile}: [Errno 13] Permission denied"), SandboxKit.Show(outcome));
            Assert.That(outcome.Stdout.Text, SandboxKit.Blocked($"write {resultsFile}: [Errno "), SandboxKit.Show(outcome));
            Assert.That(File.Exists(parentFile), Is.False);
            Assert.That(File.Exists(resultsFile), Is.False);
            // its own folder is its to write in; the grader never reads a results.json from there
            Assert.That(outcome.Stdout.Text, Does.Contain($"WROTE {Path.Combine(work.Path, "results.json")}"));
            Assert.That(Regex.Matches(outcome.Stdout.Text, "^WROTE ", RegexOptions.Multiline), Has.Count.EqualTo(1), SandboxKit.Show(outcome));
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }

    [Test]
    public void ReadsGraderFilesGetsNoneOfThemAndSeesOnlyTheMinimalEnvironment()
    {
        SandboxKit.RequireRoot("the program must run as another user for the grader's folders to be closed to it");
        string grader = SandboxKit.PrivateFolder();
        try
        {
            const string marker = "GRADER-SECRET-7f3a";
            string assignment = Path.Combine(grader, "rnn-slides.json");
            File.WriteAllText(assignment, $$"""{"hidden": "{{marker}}"}""");
            using var work = SandboxKit.Prepare("reads-grader-files", "read " + assignment, "read " + grader);
            var outcome = StudentProcess.Run(SandboxKit.Request(work) with { ProtectedPaths = [grader] });
            SandboxKit.Log(outcome);

            Assert.That(outcome.ExitCode, Is.Zero, SandboxKit.Show(outcome));
            Assert.That(outcome.Stdout.Text, Does.Not.Contain(marker));
            Assert.That(outcome.Stdout.Text, SandboxKit.Blocked($"{assignment}: [Errno "), SandboxKit.Show(outcome));
            Assert.That(outcome.Stdout.Text, SandboxKit.Blocked($"{grader}: [Errno "), SandboxKit.Show(outcome));
            // its parent is PID 1 of its namespace, a root shell: that environment is closed to it
            Assert.That(outcome.Stdout.Text, Does.Contain("BLOCKED /proc/1/environ"), SandboxKit.Show(outcome));
            // the folder holding the work folder can be passed through but not listed
            Assert.That(outcome.Stdout.Text, Does.Contain($"BLOCKED {work.Root}: [Errno 13] Permission denied"), SandboxKit.Show(outcome));

            var env = Regex.Match(outcome.Stdout.Text, @"^ENV (.*)$", RegexOptions.Multiline);
            Assert.That(env.Success, SandboxKit.Show(outcome));
            string expected = "[" + string.Join(", ", StudentProcess.StudentEnvironment(work.Path)
                .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"('{p.Key}', '{p.Value}')")) + "]";
            Assert.That(env.Groups[1].Value, Is.EqualTo(expected));
        }
        finally
        {
            Directory.Delete(grader, recursive: true);
        }
    }

    [Test]
    public void ReadsExpectedFindsNoExpectedAnswersInTheGradersFolders()
    {
        SandboxKit.RequireRoot("the program must run as another user for the grader's folders to be closed to it");
        string grader = SandboxKit.PrivateFolder();
        try
        {
            const string marker = "EXPECTED-ANSWER-51c9";
            Directory.CreateDirectory(Path.Combine(grader, "fixtures"));
            File.WriteAllText(Path.Combine(grader, "fixtures", "lstm.expected.json"), $$"""{"value": "{{marker}}"}""");
            using var work = SandboxKit.Prepare("reads-expected", "read " + grader);
            var outcome = StudentProcess.Run(SandboxKit.Request(work) with { ProtectedPaths = [grader] });
            SandboxKit.Log(outcome);

            Assert.That(outcome.ExitCode, Is.Zero, SandboxKit.Show(outcome));
            Assert.That(outcome.Stdout.Text, Does.Contain("reads-expected: looked through"), SandboxKit.Show(outcome));
            Assert.That(outcome.Stdout.Text, Does.Not.Contain(marker));
            Assert.That(outcome.Stdout.Text, SandboxKit.Blocked($"{grader}: "), SandboxKit.Show(outcome));
        }
        finally
        {
            Directory.Delete(grader, recursive: true);
        }
    }

    [Test]
    public void SymlinkedAnswersFileIsRefusedBySafeFile()
    {
        using var work = SandboxKit.Prepare("symlink-answers");
        var outcome = StudentProcess.Run(SandboxKit.Request(work));
        SandboxKit.Log(outcome);

        Assert.That(outcome.ExitCode, Is.Zero, SandboxKit.Show(outcome));
        Assert.That(new FileInfo(Path.Combine(work.Path, "answers.json")).LinkTarget, Is.EqualTo("/etc/passwd"), "the link must be there for the test to mean anything");
        var read = SafeFile.ReadRegularFile(work.Path, "answers.json", 1 << 20);
        Assert.That(read.Succeeded, Is.False);
        Assert.That(read.Bytes, Is.Null);
        Assert.That(read.Failure, Is.EqualTo("answers.json is a symbolic link (to /etc/passwd), not a file the program wrote: it is not read"));
    }

    [Test]
    public void SilentExitEndsCleanlyButLeavesNoAnswers()
    {
        using var work = SandboxKit.Prepare("silent-exit");
        var outcome = StudentProcess.Run(SandboxKit.Request(work));
        SandboxKit.Log(outcome);

        Assert.That(outcome.ExitCode, Is.Zero, SandboxKit.Show(outcome));
        Assert.That(outcome.Signal, Is.Null);
        Assert.That(outcome.TimedOut, Is.False);
        Assert.That(outcome.Stdout.TotalBytes, Is.Zero, SandboxKit.Show(outcome));
        Assert.That(outcome.Describe(), Does.StartWith("exited with code 0 after"));
        var read = SafeFile.ReadRegularFile(work.Path, "answers.json", 1 << 20);
        Assert.That(read.Failure, Is.EqualTo("answers.json does not exist (the program did not write it)"));
    }

    [Test]
    public void NetworkIsUnreachableEvenOnLoopbackButReachableWithoutTheNamespace()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        using var work = SandboxKit.Prepare("network", $"connect 127.0.0.1 {port}");
        var outcome = StudentProcess.Run(SandboxKit.Request(work));
        SandboxKit.Log(outcome);
        SandboxKit.RequireNamespaces(outcome);
        Assert.That(outcome.Stdout.Text, Does.Contain($"BLOCKED connect 127.0.0.1:{port}: [Errno 101] Network is unreachable"), SandboxKit.Show(outcome));
        Assert.That(outcome.Stdout.Text, Does.Not.Contain("CONNECTED"), SandboxKit.Show(outcome));
        Assert.That(listener.Pending(), Is.False, "a connection reached the test's listener");

        // The same program without the namespace does reach the listener: the check above can fail.
        using var control = SandboxKit.PrepareWithoutNamespaces("network", $"connect 127.0.0.1 {port}");
        var open = StudentProcess.Run(SandboxKit.Request(control) with { UseNamespaces = false });
        SandboxKit.Log(open);
        Assert.That(open.Stdout.Text, Does.Contain($"CONNECTED 127.0.0.1:{port}"), SandboxKit.Show(open));
        Assert.That(listener.Pending(), Is.True);
    }
}
