// AtomicFile, the one way the program writes a user's file: the bytes arrive whole, the mode is
// the one asked for, an existing file is replaced only when allowed, and nothing is left behind
// or half replaced when writing fails.
using NUnit.Framework;

namespace Rnn.Grading.Tests.Commands;

public sealed class AtomicFileTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rnn-atomic-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string[] FolderContents() => [.. Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Test]
    public void WritesTheBytesAndLeavesNoTemporaryFile()
    {
        string path = Path.Combine(_dir, "out.bin");
        AtomicFile.Write(path, s => s.Write([1, 2, 3]));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(FolderContents(), Is.EqualTo(new[] { "out.bin" }));
    }

    [Test]
    public void OwnerOnlyMakesTheFile0600()
    {
        string path = Path.Combine(_dir, "results.json");
        AtomicFile.Write(path, s => s.Write("{}"u8), mode: AtomicFile.OwnerOnly);
        if (OperatingSystem.IsWindows()) Assert.Ignore("Unix file modes only");
        else Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void ReplacesAnExistingFileByDefault()
    {
        string path = Path.Combine(_dir, "out.txt");
        File.WriteAllText(path, "old");
        AtomicFile.Write(path, s => s.Write("new"u8));
        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
        Assert.That(FolderContents(), Is.EqualTo(new[] { "out.txt" }));
    }

    [Test]
    public void WithoutOverwriteAnExistingFileIsKeptAndTheWriteFails()
    {
        string path = Path.Combine(_dir, "scores.csv");
        File.WriteAllText(path, "old");
        Assert.That(() => AtomicFile.Write(path, s => s.Write("new"u8), overwrite: false), Throws.InstanceOf<IOException>());
        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(FolderContents(), Is.EqualTo(new[] { "scores.csv" }));
    }

    [Test]
    public void AFailedWriteKeepsTheOldFileAndRemovesTheTemporaryOne()
    {
        string path = Path.Combine(_dir, "results.json");
        File.WriteAllText(path, "old");
        Assert.That(() => AtomicFile.Write(path, s =>
        {
            s.Write("half"u8);
            throw new IOException("disk full");
        }), Throws.InstanceOf<IOException>().With.Message.EqualTo("disk full"));
        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(FolderContents(), Is.EqualTo(new[] { "results.json" }));
    }

    [Test]
    public void AMissingFolderIsAnIOException()
    {
        Assert.That(() => AtomicFile.Write(Path.Combine(_dir, "no-such-dir", "r.json"), s => s.Write("{}"u8)),
            Throws.InstanceOf<IOException>());
    }
}
