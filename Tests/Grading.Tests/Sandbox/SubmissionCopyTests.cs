// SubmissionCopy copies regular files and folders only, never follows a link, and stops at
// its caps, naming everything it left out.
using NUnit.Framework;
using Rnn.Grading.Sandbox;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Sandbox;

public sealed class SubmissionCopyTests
{
    private string source = "", dest = "", outside = "";

    [SetUp]
    public void MakeFolders()
    {
        source = Directory.CreateTempSubdirectory("rnn-submission-").FullName;
        dest = Directory.CreateTempSubdirectory("rnn-work-").FullName;
        outside = Directory.CreateTempSubdirectory("rnn-outside-").FullName;
        File.WriteAllText(Path.Combine(outside, "secret.json"), "SECRET");
    }

    [TearDown]
    public void RemoveFolders()
    {
        foreach (string d in new[] { source, dest, outside }) Directory.Delete(d, recursive: true);
    }

    private void Write(string relative, string text)
    {
        string path = Path.Combine(source, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Test]
    public void RegularFilesAndFoldersAreCopiedExactly()
    {
        Write("rnn_student.py", "import numpy as np\n");
        Write("helpers/__init__.py", "");
        Write("helpers/lstm.py", "def step(): pass\n");
        var report = SubmissionCopy.Copy(source, dest);

        Assert.That(report.Complete);
        Assert.That(report.Skipped, Is.Empty);
        Assert.That(report.Copied, Is.EqualTo(new[] { "helpers/", "helpers/__init__.py", "helpers/lstm.py", "rnn_student.py" }));
        Assert.That(report.TotalBytes, Is.EqualTo(19 + 0 + 17));
        Assert.That(File.ReadAllText(Path.Combine(dest, "helpers", "lstm.py")), Is.EqualTo("def step(): pass\n"));
    }

    [Test]
    public void LinksFifosAndLinkedFoldersAreSkippedNotFollowed()
    {
        Write("rnn_student.py", "x = 1\n");
        File.CreateSymbolicLink(Path.Combine(source, "answers.json"), Path.Combine(outside, "secret.json"));
        Directory.CreateSymbolicLink(Path.Combine(source, "grader"), outside);
        var (code, _, err) = ExternalTools.Run("/usr/bin/mkfifo", [Path.Combine(source, "pipe")], TimeSpan.FromSeconds(10));
        Assert.That(code, Is.Zero, err);

        var report = SubmissionCopy.Copy(source, dest);
        Assert.That(report.Complete);
        Assert.That(report.Copied, Is.EqualTo(new[] { "rnn_student.py" }));
        Assert.That(report.Skipped, Is.EqualTo(new[]
        {
            $"answers.json: is a symbolic link (to {Path.Combine(outside, "secret.json")}); only regular files and folders are copied",
            $"grader: is a symbolic link (to {outside}); only regular files and folders are copied",
            "pipe: is a FIFO (named pipe); only regular files and folders are copied",
        }));
        Assert.That(Directory.EnumerateFileSystemEntries(dest, "*", SearchOption.AllDirectories).Select(Path.GetFileName),
            Is.EqualTo(new[] { "rnn_student.py" }));
    }

    [Test]
    public void CopyingStopsAtTheTotalSizeCap()
    {
        Write("a.py", new string('a', 600));
        Write("b.py", new string('b', 600));
        var report = SubmissionCopy.Copy(source, dest, new SubmissionCopyLimits { MaxTotalBytes = 1000 });
        Assert.That(report.Complete, Is.False);
        Assert.That(report.Copied, Is.EqualTo(new[] { "a.py" }));
        Assert.That(report.StoppedBecause, Is.EqualTo("the submission holds more than 1000 bytes; copying stopped at b.py (600 bytes)"));
        Assert.That(File.Exists(Path.Combine(dest, "b.py")), Is.False);
    }

    [Test]
    public void CopyingStopsAtTheEntryCapAndSkipsFoldersTooDeep()
    {
        for (int i = 0; i < 5; i++) Write($"f{i}.py", "");
        var report = SubmissionCopy.Copy(source, dest, new SubmissionCopyLimits { MaxEntries = 3 });
        Assert.That(report.Complete, Is.False);
        Assert.That(report.Copied, Has.Count.EqualTo(3));
        Assert.That(report.StoppedBecause, Is.EqualTo("the submission has more than 3 files and folders; copying stopped at f3.py"));

        Write("d1/d2/d3/deep.py", "");
        string dest2 = Directory.CreateTempSubdirectory("rnn-work-").FullName;
        try
        {
            report = SubmissionCopy.Copy(source, dest2, new SubmissionCopyLimits { MaxDepth = 2 });
            Assert.That(report.Complete);
            Assert.That(report.Skipped, Is.EqualTo(new[] { "d1/d2/d3: folder nested deeper than 2 levels" }));
            Assert.That(report.Copied, Does.Contain("d1/d2/"));
        }
        finally
        {
            Directory.Delete(dest2, recursive: true);
        }
    }

    [Test]
    public void AFileAlreadyInTheWorkFolderIsNotOverwritten()
    {
        Write("runner.py", "student's runner");
        File.WriteAllText(Path.Combine(dest, "runner.py"), "kit's runner");
        var report = SubmissionCopy.Copy(source, dest);
        Assert.That(report.Skipped, Has.Count.EqualTo(1));
        Assert.That(report.Skipped[0], Does.StartWith("runner.py: could not be copied: "));
        Assert.That(File.ReadAllText(Path.Combine(dest, "runner.py")), Is.EqualTo("kit's runner"));
    }

    [Test]
    public void RelativePathsThatClimbOrAreAbsoluteAreNotSafe()
    {
        Assert.That(SubmissionCopy.IsSafeRelativePath("rnn_student.py"));
        Assert.That(SubmissionCopy.IsSafeRelativePath("helpers/lstm.py"));
        foreach (string bad in new[] { "", "/etc/passwd", "../x", "a/../b", "a/..", "./a", "a//b", "a/", "a\0b" })
            Assert.That(SubmissionCopy.IsSafeRelativePath(bad), Is.False, bad);
    }

    [Test]
    public void ASourceThatIsALinkToAFolderIsRejected()
    {
        string link = Path.Combine(dest, "link");
        Directory.CreateSymbolicLink(link, outside);
        var e = Assert.Throws<ArgumentException>(() => SubmissionCopy.Copy(link, source));
        Assert.That(e!.ParamName, Is.EqualTo("source"));
        Assert.That(e.Message, Does.StartWith($"source must be a folder (not a symbolic link to one) but {link} is a symbolic link"));
    }
}
