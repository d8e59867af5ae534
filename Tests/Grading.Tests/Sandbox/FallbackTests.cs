// The degraded paths, forced on a system that could do better: no namespaces (a session of
// its own, killed by group, tree and a /proc sweep) and no user switch. Each must still
// contain the program, and say in Notes what it could not do.
using System.Text.RegularExpressions;
using NUnit.Framework;
using Rnn.Grading.Sandbox;

namespace Rnn.Grading.Tests.Sandbox;

public sealed class FallbackTests
{
    [Test]
    public void WithoutNamespacesTheTimeoutStillKillsTheDaemonThatLeftTheSession()
    {
        using var work = SandboxKit.PrepareWithoutNamespaces("infinite-loop");
        var outcome = SandboxKit.RunUntilTimedOut(SandboxKit.Request(work) with { UseNamespaces = false }, "daemon started");
        SandboxKit.Log(outcome);

        Assert.That(outcome.Isolation.PidNamespace, Is.False);
        Assert.That(outcome.Notes, Has.Some.Contains("no PID or network namespace (UseNamespaces is off)"));
        Assert.That(outcome.TimedOut, SandboxKit.Show(outcome));
        Assert.That(outcome.Stdout.Text, Does.Contain("daemon started"));
        // the daemon left the session and the process tree; only the look for processes in the work folder finds it
        SandboxKit.AssertNothingLeft(outcome, work.Path);
    }

    [Test]
    public void WithoutNamespacesADaemonLeftBehindByAProgramThatEndedIsKilled()
    {
        using var work = SandboxKit.PrepareWithoutNamespaces("silent-exit");
        var outcome = StudentProcess.Run(SandboxKit.Request(work) with { Command = ["python3", "-c", DaemonThenExit], UseNamespaces = false });
        SandboxKit.Log(outcome);

        Assert.That(outcome.ExitCode, Is.Zero, SandboxKit.Show(outcome));
        Assert.That(outcome.LeftoverProcessesKilled, Is.EqualTo(1), SandboxKit.Show(outcome));
        Assert.That(outcome.Notes, Has.Some.StartsWith("1 process of the run still running after it ended, killed: pid "));
        SandboxKit.AssertNothingLeft(outcome, work.Path);
    }

    [Test]
    public void WithNamespacesADaemonLeftBehindEndsWithTheNamespace()
    {
        using var work = SandboxKit.Prepare("silent-exit");
        var outcome = StudentProcess.Run(SandboxKit.Request(work) with { Command = ["python3", "-c", DaemonThenExit] });
        SandboxKit.Log(outcome);
        SandboxKit.RequireNamespaces(outcome);

        Assert.That(outcome.ExitCode, Is.Zero, SandboxKit.Show(outcome));
        Assert.That(outcome.LeftoverProcessesKilled, Is.Zero, "the kernel ends every process of the namespace with its PID 1\n" + SandboxKit.Show(outcome));
        SandboxKit.AssertNothingLeft(outcome, work.Path);
    }

    // a daemon (double fork, new session) that sleeps 60 s, then the program itself exits at once
    private const string DaemonThenExit =
        "import os, time\n" +
        "if os.fork() == 0:\n" +
        "    os.setsid()\n" +
        "    if os.fork() == 0:\n" +
        "        time.sleep(60)\n" +
        "    os._exit(0)\n" +
        "os.wait()\n" +
        "time.sleep(0.2)\n";

    [Test]
    public void WithoutNamespacesTheForkBombIsStillLimitedAndKilled()
    {
        SandboxKit.RequireRoot("RLIMIT_NPROC binds only an unprivileged user");
        using var work = SandboxKit.PrepareWithoutNamespaces("fork-bomb");
        // Its own user: without a PID namespace the killed children are reaped by the system's
        // init, and until then they count against RLIMIT_NPROC of their user (Spec/sandbox.md).
        var request = SandboxKit.Request(work) with { UseNamespaces = false, StudentUid = 64999, StudentGid = 64999 };
        var outcome = SandboxKit.RunUntilTimedOut(request, "fork-bomb: started");
        SandboxKit.Log(outcome);

        Assert.That(outcome.Isolation.RanAsStudentUser, SandboxKit.Show(outcome));
        Assert.That(outcome.Isolation.Uid, Is.EqualTo(64999));
        Assert.That(outcome.TimedOut, SandboxKit.Show(outcome));
        var m = Regex.Match(outcome.Stdout.Text, @"fork-bomb: started (\d+) children");
        Assert.That(m.Success, SandboxKit.Show(outcome));
        Assert.That(int.Parse(m.Groups[1].Value), Is.LessThan(request.MaxProcesses));
        SandboxKit.AssertNothingLeft(outcome, work.Path);
    }

    [Test]
    public void WithoutTheUserSwitchTheNoteSaysTheProgramRunsAsRoot()
    {
        SandboxKit.RequireRoot("only root switches users");
        using var work = SandboxKit.Prepare("silent-exit");
        var outcome = StudentProcess.Run(SandboxKit.Request(work) with { SwitchUser = false });
        SandboxKit.Log(outcome);

        Assert.That(outcome.ExitCode, Is.Zero, SandboxKit.Show(outcome));
        Assert.That(outcome.Isolation.RanAsStudentUser, Is.False);
        Assert.That(outcome.Isolation.Uid, Is.Zero);
        Assert.That(outcome.Notes, Has.Some.EqualTo("SwitchUser is off: the student program runs as root"));
        Assert.That(outcome.Notes, Has.Some.Contains("RLIMIT_NPROC does not bind root"));
    }

    [Test]
    public void AsRootTheProgramRunsAsTheStudentUserWhoOwnsTheWorkFolder()
    {
        SandboxKit.RequireRoot("only root switches users");
        using var work = SandboxKit.Prepare("silent-exit");
        var outcome = StudentProcess.Run(SandboxKit.Request(work) with
        {
            Command = ["python3", "-c", "import os; print(os.getuid(), os.getgid(), os.getgroups(), os.stat('.').st_uid)"],
        });

        Assert.That(outcome.Isolation.RanAsStudentUser, SandboxKit.Show(outcome));
        Assert.That(outcome.Stdout.Text, Is.EqualTo("65534 65534 [] 65534\n"), SandboxKit.Show(outcome));
        Assert.That(outcome.Notes, Is.Empty, "nothing degraded on a system with every tool");
    }
}
