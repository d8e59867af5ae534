// Each run gets its own empty /tmp, /var/tmp and /dev/shm (a tmpfs of 64 MiB each in its mount
// namespace): a program cannot stash a hidden problem's cases there for a later, visible run,
// nor leave anything for another student, and what it writes there is gone when it ends.
using NUnit.Framework;
using Rnn.Grading.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Sandbox;

public sealed class PrivateTmpTests
{
    private static readonly string[] Folders = ["/tmp", "/var/tmp", "/dev/shm"];

    private static StudentRunOutcome RunPython(string code)
    {
        ExternalTools.RequirePython("json");
        using var work = StudentWorkDir.Create();
        var outcome = StudentProcess.Run(new StudentRunRequest
        {
            WorkingDirectory = work.Path,
            Command = ["python3", "-c", code],
            WallClockLimit = SandboxKit.Backstop,
        });
        SandboxKit.Log(outcome);
        return outcome;
    }

    [Test]
    public void WhatOneRunPlantsInTheTemporaryFoldersNoLaterRunAndNotTheMachineSees()
    {
        string name = "rnn-planted-" + Guid.NewGuid().ToString("N");
        string list = string.Join(", ", Folders.Select(f => $"'{f}/{name}'"));
        var plant = RunPython($"""
            import os
            for p in [{list}]:
                with open(p, "w") as f: f.write("hidden cases")
            # the work folder is /tmp/rnn-grading-UID/rnn-student-XXXXXXXX/<hex>: the base and the run's own folder are remade
            base, root = os.getcwd().split("/")[2:4]
            print("planted", sorted(os.listdir("/tmp")) == sorted([base, "{name}"]), os.listdir("/tmp/" + base) == [root])
            """);
        SandboxKit.RequireNamespaces(plant);
        Assert.That(plant.Isolation.PrivateTmp, SandboxKit.Show(plant));
        // the program saw an empty /tmp holding only the way to its own work folder and what it wrote
        Assert.That(plant.Stdout.Text, Is.EqualTo("planted True True\n"), SandboxKit.Show(plant));
        foreach (var f in Folders)
            Assert.That(File.Exists(Path.Combine(f, name)), Is.False, $"{f}/{name} reached the machine's {f}");

        var look = RunPython($"""
            import os
            print("found", [p for p in [{list}] if os.path.exists(p)], sorted(os.listdir("/dev/shm")), sorted(os.listdir("/var/tmp")))
            """);
        Assert.That(look.Stdout.Text, Is.EqualTo("found [] [] []\n"), SandboxKit.Show(look));
    }

    [Test]
    public void ATemporaryFolderHoldsAtMost64MiB()
    {
        // files of 4 MiB each, so the file-size limit is never what stops it
        var outcome = RunPython("""
            import errno
            written = 0
            try:
                for i in range(25):
                    with open(f"/dev/shm/fill{i}", "wb") as f:
                        for _ in range(4):
                            f.write(b"x" * (1 << 20)); f.flush(); written += 1
                print("wrote all", written)
            except OSError as e:
                print("stopped", errno.errorcode.get(e.errno), written < 65)
            """);
        SandboxKit.RequireNamespaces(outcome);
        Assert.That(outcome.Stdout.Text, Is.EqualTo("stopped ENOSPC True\n"), SandboxKit.Show(outcome));
    }
}
