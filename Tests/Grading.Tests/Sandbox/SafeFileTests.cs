// SafeFile.ReadRegularFile reads only a plain regular file with one link within the size cap;
// each other thing a program could leave at the answers path is refused with a message
// saying what it is.
using System.Net.Sockets;
using NUnit.Framework;
using Rnn.Grading.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Sandbox;

public sealed class SafeFileTests
{
    private string dir = "";

    [SetUp]
    public void MakeFolder() => dir = Directory.CreateTempSubdirectory("rnn-safefile-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(dir, recursive: true);

    private string At(string name) => Path.Combine(dir, name);

    [Test]
    public void ARegularFileIsReadExactly()
    {
        byte[] bytes = [0x7b, 0x7d, 0x0a, 0x00, 0xff];
        File.WriteAllBytes(At("answers.json"), bytes);
        var read = SafeFile.ReadRegularFile(dir, "answers.json", 5);
        Assert.That(read.Succeeded);
        Assert.That(read.Failure, Is.Null);
        Assert.That(read.Bytes, Is.EqualTo(bytes));
    }

    [Test]
    public void AFileOverTheCapIsRefusedAndOneExactlyAtItIsRead()
    {
        File.WriteAllBytes(At("answers.json"), new byte[1001]);
        Assert.That(SafeFile.ReadRegularFile(dir, "answers.json", 1000).Failure,
            Is.EqualTo("answers.json holds 1001 bytes, more than the 1000 accepted: it is not read"));
        Assert.That(SafeFile.ReadRegularFile(dir, "answers.json", 1001).Bytes, Has.Length.EqualTo(1001));
    }

    [Test]
    public void ASymbolicLinkIsRefusedEvenToAReadableRegularFile()
    {
        File.WriteAllText(At("real.json"), "{}");
        File.CreateSymbolicLink(At("answers.json"), At("real.json"));
        var read = SafeFile.ReadRegularFile(dir, "answers.json", 1000);
        Assert.That(read.Bytes, Is.Null);
        Assert.That(read.Failure, Is.EqualTo($"answers.json is a symbolic link (to {At("real.json")}), not a file the program wrote: it is not read"));

        File.CreateSymbolicLink(At("dangling.json"), "/no/such/file");
        Assert.That(SafeFile.ReadRegularFile(dir, "dangling.json", 1000).Failure, Does.StartWith("dangling.json is a symbolic link (to /no/such/file)"));
    }

    [Test]
    public void AFifoIsRefusedWithoutBlocking()
    {
        var (code, _, err) = ExternalTools.Run("/usr/bin/mkfifo", [At("answers.json")], TimeSpan.FromSeconds(10));
        Assert.That(code, Is.Zero, err);
        var read = SafeFile.ReadRegularFile(dir, "answers.json", 1000); // opening a FIFO for reading would block
        Assert.That(read.Failure, Is.EqualTo("answers.json is a FIFO (named pipe), not a regular file: it is not read"));
    }

    [Test]
    public void ASocketAFolderAndADeviceAreRefused()
    {
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            socket.Bind(new UnixDomainSocketEndPoint(At("answers.json")));
            Assert.That(SafeFile.ReadRegularFile(dir, "answers.json", 1000).Failure,
                Is.EqualTo("answers.json is a socket, not a regular file: it is not read"));
        }
        Directory.CreateDirectory(At("folder.json"));
        Assert.That(SafeFile.ReadRegularFile(dir, "folder.json", 1000).Failure,
            Is.EqualTo("folder.json is a directory, not a regular file: it is not read"));
        Assert.That(SafeFile.ReadRegularFile("/dev", "null", 1000).Failure,
            Is.EqualTo("null is a character device, not a regular file: it is not read"));
    }

    [Test]
    public void AHardLinkIsRefused()
    {
        File.WriteAllText(At("elsewhere.json"), "{}");
        var (code, _, err) = ExternalTools.Run("/usr/bin/ln", [At("elsewhere.json"), At("answers.json")], TimeSpan.FromSeconds(10));
        Assert.That(code, Is.Zero, err);
        Assert.That(SafeFile.ReadRegularFile(dir, "answers.json", 1000).Failure,
            Is.EqualTo("answers.json has 2 hard links (a regular file the program wrote has 1): it is not read"));
    }

    [Test]
    public void AMissingFileIsReportedAsNotWritten()
    {
        Assert.That(SafeFile.ReadRegularFile(dir, "answers.json", 1000).Failure,
            Is.EqualTo("answers.json does not exist (the program did not write it)"));
    }

    [Test]
    public void NamesThatAreNotPlainFileNamesAreRejected()
    {
        foreach (string name in new[] { "", ".", "..", "a/b", "../answers.json", "/etc/passwd", "a\0b" })
        {
            var e = Assert.Throws<ArgumentException>(() => SafeFile.ReadRegularFile(dir, name, 1000), name);
            Assert.That(e!.ParamName, Is.EqualTo("name"));
            Assert.That(e.Message, Does.StartWith($"name must be a plain file name (not empty, no '/', not \".\" or \"..\") but is \"{name}\""));
        }
        var negative = Assert.Throws<ArgumentException>(() => SafeFile.ReadRegularFile(dir, "answers.json", -1));
        Assert.That(negative!.Message, Does.StartWith("maxBytes must be at least 0 but is -1"));
    }
}
