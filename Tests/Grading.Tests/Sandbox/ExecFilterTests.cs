// The guard's two layers (PythonGuard, Spec/sandbox.md "What a submission may use"): the kernel's
// seccomp filter refuses execve/execveat even to code that gets around the audit hook, and the
// hook's import policy comes from the assignment. Each hostile program runs under the real guard
// and, as a control, without it, so the test shows that the guard is what stops it.
using System.Runtime.Versioning;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Sandbox;

[SupportedOSPlatform("linux")]
public sealed class ExecFilterTests
{
    private static StudentRunOutcome RunGuarded(StudentWorkDir work, IReadOnlyList<string> mayImport, long memory = StudentRunRequest.GiB)
    {
        PythonGuard.WriteInto(work.Path, mayImport);
        var outcome = StudentProcess.Run(SandboxKit.Request(work) with
        {
            Command = PythonGuard.Command("runner.py", "cases.json", "answers.json"),
            MemoryLimitBytes = memory,
            MayImport = mayImport,
        });
        SandboxKit.Log(outcome);
        return outcome;
    }

    [Test]
    public void WithoutTheGuardTheBypassRunsTheShellAndACopiedBinary()
    {
        using var work = SandboxKit.Prepare("bypasses-guard-exec");
        // the machine's files (no reduced view, which holds no shell): the exec filter alone is what is shown
        var outcome = StudentProcess.Run(SandboxKit.Request(work) with { MayImport = null });
        SandboxKit.Log(outcome);
        Assert.That(outcome.Stdout.Text, Does.Contain("bypasses-guard-exec: the shell says RAN"), SandboxKit.Show(outcome));
        Assert.That(outcome.Stdout.Text, Does.Contain("bypasses-guard-exec: RAN the shell").And.Contain("bypasses-guard-exec: RAN a copied binary"));
    }

    [Test]
    public void TheKernelFilterRefusesExecToCodeTheAuditHookDoesNotSee()
    {
        using var work = SandboxKit.Prepare("bypasses-guard-exec");
        var outcome = RunGuarded(work, Assignment.DefaultMayImport);
        Assert.That(outcome.Stdout.Text, Does.Contain("bypasses-guard-exec: BLOCKED the shell: [Errno 1] Operation not permitted"), SandboxKit.Show(outcome));
        Assert.That(outcome.Stdout.Text, Does.Contain("bypasses-guard-exec: BLOCKED a copied binary: [Errno 1] Operation not permitted"));
        Assert.That(outcome.Stdout.Text, Does.Not.Contain("RAN"));
        Assert.That(outcome.Stderr.Text, Does.Not.Contain("not in force"), SandboxKit.Show(outcome));
        SandboxKit.AssertNothingLeft(outcome, work.Path);
    }

    [Test]
    public void TheGuardedProcessRunsUnderASeccompFilterWithNoNewPrivileges()
    {
        using var work = SandboxKit.Prepare("silent-exit");
        File.WriteAllText(Path.Combine(work.Path, "runner.py"),
            "import numpy\nfor line in open('/proc/self/status'):\n    if line.startswith(('Seccomp:', 'NoNewPrivs:')): print(line.split()[0], line.split()[1])\n");
        var outcome = RunGuarded(work, Assignment.DefaultMayImport);
        // 2: SECCOMP_MODE_FILTER
        Assert.That(outcome.Stdout.Text, Is.EqualTo("NoNewPrivs: 1\nSeccomp: 2\n"), SandboxKit.Show(outcome));
        Assert.That(outcome.Stderr.Text, Is.Empty, "importing NumPy says nothing: its own optional imports are refused silently\n" + SandboxKit.Show(outcome));
    }

    [Test]
    public void TheDefaultPolicyRefusesTorchByNameWithTheRule()
    {
        using var work = SandboxKit.Prepare("imports-torch");
        var outcome = RunGuarded(work, Assignment.DefaultMayImport);
        Assert.That(outcome.Stderr.Text, Does.Contain(
            "rnn-grading: importing 'torch' is not allowed in this assignment: a submission may use Python's standard library and numpy only, and may not run other programs"),
            SandboxKit.Show(outcome));
        Assert.That(outcome.Stdout.Text, Does.Not.Contain("torch imported"));
    }

    [Test]
    public void AnAssignmentThatAllowsTorchLetsItBeImported()
    {
        ExternalTools.RequirePython("torch");
        using var work = SandboxKit.Prepare("imports-torch");
        var outcome = RunGuarded(work, ["numpy", "torch"], memory: 4 * StudentRunRequest.GiB);
        Assert.That(outcome.Stdout.Text, Does.Contain("imports-torch: torch imported"), SandboxKit.Show(outcome));
        Assert.That(outcome.Stderr.Text, Does.Not.Contain("importing 'torch' is not allowed"));
    }

    [Test]
    public void OnAMachineWithoutAFilterTableTheRunSaysSoAndTheGuardSaysItOnStandardError()
    {
        // the guard's Python table and the grader's list name the same machines
        foreach (string machine in PythonGuard.ExecFilterMachines)
        {
            Assert.That(PythonGuard.SourceFor(["numpy"]), Does.Contain($"\"{machine}\": (0x"));
            Assert.That(PythonGuard.ExecFilterNote(machine), Is.Null);
        }
        Assert.That(PythonGuard.ExecFilterNote("riscv64"), Does.StartWith("the guard's exec filter (seccomp) has no table for this machine (riscv64): "));
        Assert.That(PythonGuard.ExecFilterNote("x86_64"), Is.Null);
        // and the guard itself, told it runs on such a machine, goes on with the hook alone and says so
        using var work = SandboxKit.Prepare("runs-shell");
        File.WriteAllText(Path.Combine(work.Path, "runner.py"), "import os\nos.system('true')\n");
        PythonGuard.WriteInto(work.Path, ["numpy"]);
        string guard = Path.Combine(work.Path, PythonGuard.FileName);
        File.WriteAllText(guard, "import platform\nplatform.machine = lambda: 'riscv64'\n" + File.ReadAllText(guard));
        var outcome = StudentProcess.Run(SandboxKit.Request(work) with { Command = PythonGuard.Command("runner.py") });
        SandboxKit.Log(outcome);
        Assert.That(outcome.Stderr.Text, Does.Contain("rnn-grading: the kernel's exec filter is not in force (no filter is written for this machine (riscv64))"), SandboxKit.Show(outcome));
        Assert.That(outcome.Stderr.Text, Does.Contain("running a shell command (os.system) is not allowed"));
    }

    [Test]
    public void TheRuleNamesThePolicy()
    {
        Assert.That(PythonGuard.Rule([]), Is.EqualTo("a submission may use Python's standard library only, and may not run other programs"));
        Assert.That(PythonGuard.Rule(["numpy", "scipy", "torch"]),
            Is.EqualTo("a submission may use Python's standard library, numpy, scipy and torch only, and may not run other programs"));
        Assert.Throws<ArgumentException>(() => PythonGuard.SourceFor(["numpy\"; import os"]));
        Assert.That(PythonGuard.SourceFor(["numpy", "torch"]), Does.Contain("_ALLOWED_PACKAGES = {\"numpy\", \"torch\"}"));
        Assert.That(PythonGuard.SourceFor([]), Does.Contain("_ALLOWED_PACKAGES = set()"));
    }
}
