// ViewBuilder carries out the reduced view's folders, links and mounts in one process (Spec/sandbox.md,
// "How the view is made"). Here its plan runs alone in a mount namespace of its own, on folders of
// the test, and what it made is read back with the shell's own tools: contents, links, which mounts
// take writes, and their options in /proc/self/mountinfo.
using NUnit.Framework;
using Rnn.Grading.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Sandbox;

public sealed class ViewBuilderTests
{
    [Test]
    public void MountOptionsAreSplitIntoFlagsAndTheFileSystemsData()
    {
        var (flags, data) = ViewBuilder.SplitOptions("size=16m,nr_inodes=16384,mode=0755,nosuid,nodev");
        Assert.That(flags, Is.EqualTo(new[] { "nosuid", "nodev" }));
        Assert.That(data, Is.EqualTo("size=16m,nr_inodes=16384,mode=0755"));

        (flags, data) = ViewBuilder.SplitOptions("nosuid,nodev,noexec");
        Assert.That(flags, Is.EqualTo(new[] { "nosuid", "nodev", "noexec" }));
        Assert.That(data, Is.Null);
    }

    [Test]
    public void ThePlanMakesFoldersLinksAndBindsAndTheReadOnlyOnesTakeNoWrites()
    {
        using var scratch = new Scratch();
        string source = scratch.File("src/notes.txt", "hello from the machine\n");
        string writable = scratch.File("src/writable.txt", "before\n");
        string sourceFolder = Path.GetDirectoryName(source)!;
        string v = scratch.Path + "/view";

        var build = new ViewBuilder();
        build.Folder(v);
        build.FileSystem("tmpfs", "rnn-test-view", v, "size=1m,nr_inodes=64,mode=0755,nosuid,nodev");
        build.Folders([v + "/a/b", v + scratch.Path + "/files"]);
        build.Links([KeyValuePair.Create(v + "/a/link", "b")]);
        build.Binds(v, [sourceFolder], readOnly: true);
        build.Bind(source, v + scratch.Path + "/files/notes.txt", readOnly: true);
        build.Bind(writable, v + "/a/b/writable.txt", readOnly: false);
        build.RemountReadOnly(v, "nosuid,nodev");

        string check = string.Join("; ",
            $"cat {v}{source}",
            $"cat {v}{scratch.Path}/files/notes.txt",
            $"readlink {v}/a/link",
            $"ls {v}/a/link/",
            $"(echo changed > {v}{source}) 2>/dev/null && echo wrote-bound-folder || echo bound-folder-refused",
            $"(echo changed > {v}{scratch.Path}/files/notes.txt) 2>/dev/null && echo wrote-bound-file || echo bound-file-refused",
            $"(mkdir {v}/new) 2>/dev/null && echo made-folder || echo root-refused",
            $"echo after > {v}/a/b/writable.txt && echo wrote-writable",
            $"grep ' {v} ' /proc/self/mountinfo | cut -d' ' -f6");
        var (exitCode, stdout, stderr) = RunInMountNamespace(build.Command(StudentProcess.PythonPath) + " && " + check);

        Assert.That(exitCode, Is.Zero, stderr);
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "hello from the machine",
            "hello from the machine",
            "b",
            "writable.txt",
            "bound-folder-refused",
            "bound-file-refused",
            "root-refused",
            "wrote-writable",
            "ro,nosuid,nodev,relatime",
        }), stderr);
        Assert.That(File.ReadAllText(source), Is.EqualTo("hello from the machine\n"), "the read-only binds left the machine's file as it was");
        Assert.That(File.ReadAllText(writable), Is.EqualTo("after\n"), "the writable bind reached the machine's file");
    }

    [Test]
    public void AStepThatFailsStopsThePlanWithItsPathAndReason()
    {
        using var scratch = new Scratch();
        string v = scratch.Path + "/view";
        string missing = scratch.Path + "/not-there.so";
        var build = new ViewBuilder();
        build.Folder(v);
        build.FileSystem("tmpfs", "rnn-test-view", v, "size=1m,mode=0755");
        build.Binds(v, [missing], readOnly: true);
        build.Folder(v + "/after");

        var (exitCode, stdout, stderr) = RunInMountNamespace(build.Command(StudentProcess.PythonPath) + "; echo exit $?; ls " + v);

        Assert.That(exitCode, Is.Zero, stderr);
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "exit 1" }), "stopped at the failing step: no later folder");
        Assert.That(stderr, Does.StartWith("the view could not be made: "));
        Assert.That(stderr, Does.Contain("No such file or directory"));
        Assert.That(stderr, Does.Contain(missing));
    }

    /// <summary>/bin/sh -c script in a private mount namespace (inside a user namespace when not root); skips (fails in CI) where the system allows neither.</summary>
    private static (int ExitCode, string StdOut, string StdErr) RunInMountNamespace(string script)
    {
        ExternalTools.RequirePython("ctypes", "json");
        string[] flags = Environment.IsPrivilegedProcess ? ["--mount", "--propagation", "private"] : ["--user", "--map-root-user", "--mount", "--propagation", "private"];
        var probe = File.Exists("/usr/bin/unshare")
            ? ExternalTools.Run("/usr/bin/unshare", [.. flags, "true"], TimeSpan.FromSeconds(30))
            : (ExitCode: -1, StdOut: "", StdErr: "/usr/bin/unshare is not installed");
        if (probe.ExitCode != 0)
        {
            string reason = "no private mount namespace: " + probe.StdErr.Trim();
            if (ExternalTools.InCi) Assert.Fail("required in CI: " + reason);
            Assert.Ignore(reason);
        }
        return ExternalTools.Run("/usr/bin/unshare", [.. flags, "/bin/sh", "-c", "umask 022; " + script], TimeSpan.FromSeconds(60));
    }

    /// <summary>A folder of the test's own, removed at the end.</summary>
    private sealed class Scratch : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("rnn-viewbuilder-").FullName;

        public string File(string relative, string text)
        {
            string path = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            System.IO.File.WriteAllText(path, text);
            return path;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
