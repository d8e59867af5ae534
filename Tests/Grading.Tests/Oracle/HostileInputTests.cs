// eval against files written to break it. Each case here once crashed the program (an unhandled
// exception, exit 134), hung it, filled the machine's memory, lost a file or printed raw escape
// sequences; each now gets a documented exit code (Spec/formats.md) and a message naming the
// place in the file. The expected messages are the program's own wording, written out here.
using System.Text;
using NUnit.Framework;
using Rnn.Grading.Commands;
using Rnn.Grading.Oracle;

namespace Rnn.Grading.Tests.Oracle;

public sealed class HostileInputTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rnn-hostile-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string StdErr) Eval(params string[] args)
    {
        var err = new StringWriter();
        int code = EvalCommand.Run(args, () => new MemoryStream(), () => new MemoryStream(), err);
        return (code, err.ToString());
    }

    private string Write(string name, string text) => WriteBytes(name, Encoding.UTF8.GetBytes(text));

    private string WriteBytes(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A case file of one relu case, with `input` as its input array's JSON.</summary>
    private static string OneRelu(string id = "a", string input = "{\"shape\": [2], \"data\": [1, -1]}") =>
        "{\"format\": \"rnn-reference/cases@1\", \"cases\": [{\"id\": \"" + id + "\", \"op\": \"relu\", \"inputs\": {\"input\": " + input + "}}]}";

    private void AssertUnreadable(string casesPath, params string[] messages)
    {
        string results = Path.Combine(_dir, "results.json");
        var (code, stderr) = Eval(casesPath, "-o", results);
        Assert.That(code, Is.EqualTo(ExitCodes.UnreadableInput), stderr);
        foreach (var m in messages) Assert.That(stderr, Does.Contain(m));
        Assert.That(File.Exists(results), Is.False, "nothing is written for an unreadable case file");
    }

    // --- duplicate keys: the four read sites that crashed ---

    [TestCase("{\"format\": \"rnn-reference/cases@1\", \"format\": \"rnn-reference/cases@1\", \"cases\": []}",
        "cases.json: the top level: the key \"format\" appears twice in one object")]
    [TestCase("{\"format\": \"rnn-reference/cases@1\", \"cases\": [{\"id\": \"a\", \"op\": \"relu\", \"op\": \"tanh\"}]}",
        "cases.json: cases[0]: the key \"op\" appears twice")]
    [TestCase("{\"format\": \"rnn-reference/cases@1\", \"cases\": [{\"id\": \"a\", \"op\": \"relu\", \"inputs\": {\"input\": {\"shape\": [1], \"shape\": [1], \"data\": [1]}}}]}",
        "cases.json: cases[0].inputs.input: the key \"shape\" appears twice")]
    [TestCase("{\"format\": \"rnn-reference/cases@1\", \"cases\": [{\"id\": \"a\", \"op\": \"relu\", \"inputs\": {\"input\": {\"shape\": [1], \"data\": [1]}, \"input\": {\"shape\": [1], \"data\": [2]}}}]}",
        "cases.json: cases[0].inputs: the key \"input\" appears twice")]
    [TestCase("{\"format\": \"rnn-reference/cases@1\", \"cases\": [{\"id\": \"a\", \"op\": \"relu\", \"config\": {\"k\": 1, \"k\": 2}}]}",
        "cases.json: cases[0].config: the key \"k\" appears twice")]
    public void ARepeatedKeyIsRefusedWithItsPlace(string text, string message) =>
        AssertUnreadable(Write("cases.json", text), message);

    // --- strings that are not text ---

    [TestCase("\\ud800", "cases[0].id")]            // a high surrogate alone
    [TestCase("x\\udc00", "cases[0].id")]           // a low surrogate alone
    [TestCase("\\ud800\\ud800", "cases[0].id")]     // two highs
    public void ALoneSurrogateEscapeIsRefused(string id, string place) =>
        AssertUnreadable(Write("cases.json", OneRelu(id)), $"cases.json: {place}: the string starting at byte ", "leaves a UTF-16 surrogate unpaired");

    [Test]
    public void APairedSurrogateEscapeIsText()
    {
        string results = Path.Combine(_dir, "r.json");
        var (code, stderr) = Eval(Write("cases.json", OneRelu("\\ud83d\\ude00")), "-o", results);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        using var s = File.OpenRead(results);
        Assert.That(CaseFile.ReadResults(s, "r.json")[0].Id, Is.EqualTo("\U0001F600"));
    }

    [TestCase(new byte[] { 0xFF }, "cases[0].id")]
    [TestCase(new byte[] { 0xC3, 0x28 }, "cases[0].id")]             // a lead byte without its continuation
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 }, "cases[0].id")]       // a surrogate encoded in UTF-8 (CESU)
    [TestCase(new byte[] { 0xC0, 0xAF }, "cases[0].id")]             // an overlong '/'
    public void BytesThatAreNotUtf8AreRefused(byte[] bad, string place)
    {
        byte[] text = Encoding.UTF8.GetBytes(OneRelu("ID"));
        int at = text.AsSpan().IndexOf("ID"u8);
        AssertUnreadable(WriteBytes("cases.json", [.. text[..at], .. bad, .. text[(at + 2)..]]),
            $"cases.json: {place}: the string starting at byte ", "bytes that are not UTF-8");
    }

    [Test]
    public void AKeyThatIsNotUtf8IsRefused()
    {
        byte[] text = Encoding.UTF8.GetBytes(OneRelu());
        int at = text.AsSpan().IndexOf("\"input\":"u8);
        AssertUnreadable(WriteBytes("cases.json", [.. text[..(at + 1)], 0xFE, .. text[(at + 6)..]]),
            "cases.json: cases[0].inputs: a key starting at byte ", "bytes that are not UTF-8");
    }

    // --- numbers ---

    [TestCase("1e400")]
    [TestCase("-1e400")]
    [TestCase("1.8e308")]
    public void ANumberBeyondDoublesRangeIsRefusedNotReadAsInfinity(string number) =>
        AssertUnreadable(Write("cases.json", OneRelu(input: "{\"shape\": [2], \"data\": [1, " + number + "]}")),
            $"cases.json: cases[0].inputs.input.data[1]: the number {number} is outside the range of a double");

    [Test]
    public void TheLargestDoubleIsStillANumber()
    {
        string results = Path.Combine(_dir, "r.json");
        var (code, stderr) = Eval(Write("cases.json", OneRelu(input: "{\"shape\": [2], \"data\": [1.7976931348623157e308, 1e-400]}")), "-o", results);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        using var s = File.OpenRead(results);
        // relu keeps a positive number; 1e-400 is below the smallest double and rounds to 0, as in every JSON reader
        Assert.That(CaseFile.ReadResults(s, "r.json")[0].Outputs["output"].Data, Is.EqualTo(new[] { double.MaxValue, 0.0 }));
    }

    [Test]
    public void AShapeBeyondDoublesRangeIsRefused() =>
        AssertUnreadable(Write("cases.json", OneRelu(input: "{\"shape\": [1e999], \"data\": []}")),
            "cases.json: cases[0].inputs.input.shape[0]: the number 1e999 is outside the range of a double");

    // --- files that are not regular files ---

    [Test]
    public void ADeviceIsRefusedUnread()
    {
        if (!File.Exists("/dev/zero")) Assert.Ignore("no /dev/zero here");
        string link = Path.Combine(_dir, "zero.json");
        File.CreateSymbolicLink(link, "/dev/zero");
        AssertUnreadable(link, "zero.json' is a character device, not a regular file");
    }

    [Test]
    public void AFolderIsRefusedWithWhatItIs()
    {
        string folder = Path.Combine(_dir, "folder.json");
        Directory.CreateDirectory(folder);
        AssertUnreadable(folder, "folder.json' is a directory, not a regular file");
    }

    [Test, CancelAfter(120_000)]   // a backstop only: the refusal is immediate, a regression would block forever
    public void AFifoWithNoWriterIsRefusedWithoutBlocking()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("mkfifo is Linux's");
        string fifo = Path.Combine(_dir, "pipe.json");
        using (var p = System.Diagnostics.Process.Start("mkfifo", [fifo])) p.WaitForExit();
        AssertUnreadable(fifo, "pipe.json' is a FIFO (named pipe), not a regular file");
    }

    [Test]
    public void AMissingFileSaysSo() =>
        AssertUnreadable(Path.Combine(_dir, "none.json"), "none.json' does not exist");

    [Test]
    public void ACaseFileOverTheInputLimitIsRefusedFromItsSize()
    {
        // --max-memory 1M allows a JSON case file of 1 MiB / 16 = 64 KiB
        string path = Write("cases.json", OneRelu(input: "{\"shape\": [1], \"data\": [1]}" + new string(' ', 70_000)));
        var (code, stderr) = Eval(path, "-o", Path.Combine(_dir, "r.json"), "--max-memory", "1M");
        Assert.That(code, Is.EqualTo(ExitCodes.UnreadableInput), stderr);
        Assert.That(stderr, Does.Contain("is 70").And.Contain("bytes, more than the 65536 bytes accepted (see --max-memory)"));
    }

    // --- RESULTS that is the case file under another name ---

    [Test]
    public void ResultsThatIsALinkToTheCaseFileIsRefusedAndTheCaseFileKept()
    {
        string cases = Write("cases.json", OneRelu());
        string symlink = Path.Combine(_dir, "link.json");
        File.CreateSymbolicLink(symlink, cases);
        string hardlink = Path.Combine(_dir, "hard.json");
        using (var p = System.Diagnostics.Process.Start("ln", [cases, hardlink])) p.WaitForExit();
        Assert.That(File.Exists(hardlink), "ln made the hard link");
        foreach (var (input, output) in new[] { (symlink, cases), (cases, symlink), (hardlink, cases), (cases, hardlink) })
        {
            var (code, stderr) = Eval(input, "-o", output);
            Assert.That(code, Is.EqualTo(ExitCodes.Usage), $"{input} -o {output}");
            Assert.That(stderr, Does.Contain("is the case file itself"));
        }
        Assert.That(File.ReadAllText(cases), Is.EqualTo(OneRelu()));
    }

    // --- case ids that cannot name .npz members ---

    [TestCase("../x", "the name has a '..' segment")]
    [TestCase("", "the name is an absolute path")]
    [TestCase("a\\\\b", "the name contains a backslash")]
    [TestCase("/etc", "the name is an absolute path")]
    [TestCase("a\\u0007b", "the name contains the control character \\x07")]
    public void AnIdThatCannotNameNpzMembersIsExitCode4AndWritesNothing(string id, string problem)
    {
        string results = Path.Combine(_dir, "results.npz");
        var (code, stderr) = Eval(Write("cases.json", OneRelu(id)), "-o", results);
        Assert.That(code, Is.EqualTo(ExitCodes.CannotWriteOutput), stderr);
        Assert.That(stderr, Does.Contain("cannot name arrays in an .npz file (" + problem).And.Contain("give RESULTS a .json name"));
        Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "cases.json" }), "nothing written, no temporary file left");
    }

    [Test]
    public void AnOptimizerParameterNameThatCannotNameAnNpzMemberIsExitCode4()
    {
        string text = """
            {"format": "rnn-reference/cases@1", "cases": [{"id": "o", "op": "optimizer", "config": {"name": "sgd", "lr": 0.5},
              "inputs": {"../w": {"shape": [1], "data": [1]}, "../w.grad": {"shape": [1, 1], "data": [2]}}}]}
            """;
        string results = Path.Combine(_dir, "results.npz");
        var (code, stderr) = Eval(Write("cases.json", text), "-o", results);
        Assert.That(code, Is.EqualTo(ExitCodes.CannotWriteOutput), stderr);
        Assert.That(stderr, Does.Contain("cannot write").And.Contain("'..' segment"));
        Assert.That(File.Exists(results), Is.False);
    }

    // --- terminal safety and bounded messages ---

    [Test]
    public void ControlCharactersInAnIdAreEscapedWhenPrinted()
    {
        var (code, stderr) = Eval(Write("cases.json", "{\"format\": \"rnn-reference/cases@1\", \"cases\": [{\"id\": \"a\\u001b[2J\\rb\\u202e\", \"op\": \"nope\"}]}"),
            "-o", Path.Combine(_dir, "r.json"));
        Assert.That(code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        Assert.That(stderr, Does.Contain("case a\\x1b[2J\\x0db\\u202e: unknown op \"nope\""));
        Assert.That(stderr.Where(c => c != '\n').Any(char.IsControl), Is.False, stderr);
    }

    [Test]
    public void AnEnormousIdGivesABoundedMessage()
    {
        string id = new('x', 1_000_000);
        var (code, stderr) = Eval(Write("cases.json", "{\"format\": \"rnn-reference/cases@1\", \"cases\": [{\"id\": \"" + id + "\", \"op\": \"nope\"}, {\"id\": \"" + id + "\", \"op\": \"nope\"}]}"),
            "-o", Path.Combine(_dir, "r.json"));
        Assert.That(code, Is.EqualTo(ExitCodes.UnreadableInput));
        Assert.That(stderr, Does.Contain("repeats the id").And.Contain("more characters not shown"));
        Assert.That(stderr.Length, Is.LessThan(Printable.MaxMessageChars + 200));
    }
}
