// The teaching commands as a user meets them: help, exit codes, what they write, and that an
// existing output file is replaced only with --force.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Commands;

namespace Rnn.Grading.Tests.Teaching;

public sealed class CommandTests
{
    private static readonly string TraceCases = Path.Combine(RepoPaths.Root, "grading", "examples", "trace", "cases.json");

    private static (int Code, string Out, string Err) Run(Func<string[], TextWriter, TextWriter, int> command, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = command(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private readonly List<string> _dirs = [];

    private string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rnn-teaching-cmd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        _dirs.Add(dir);
        return dir;
    }

    [TearDown]
    public void RemoveTempDirs()
    {
        foreach (var dir in _dirs) Directory.Delete(dir, recursive: true);
        _dirs.Clear();
    }

    [Test]
    public void TracePrintsOneCaseOrAllAndAsJson()
    {
        var one = Run(TraceCommand.Run, TraceCases, "--case", "lstm-tiny");
        Assert.That(one.Code, Is.EqualTo(ExitCodes.Ok), one.Err);
        Assert.That(one.Out, Does.Contain("trace of case lstm-tiny").And.Contain("FORWARD").And.Contain("dL/dc_t"));
        Assert.That(one.Out, Does.Not.Contain("gru-tiny"));
        var all = Run(TraceCommand.Run, TraceCases, "--json");
        Assert.That(all.Code, Is.EqualTo(ExitCodes.Ok), all.Err);
        var traces = JsonNode.Parse(all.Out)!["traces"]!.AsArray();
        Assert.That(traces.Select(t => (string?)t!["case"]), Is.EqualTo(new[] { "lstm-tiny", "gru-tiny", "gru-reset-before-tiny", "rnn-tiny", "relu-slide-tiny", "tanh-slide-tiny" }));
    }

    [Test]
    public void TraceSaysWhatIsWrong()
    {
        var missing = Run(TraceCommand.Run, TraceCases, "--case", "nope");
        Assert.That(missing.Code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        Assert.That(missing.Err, Does.Contain("no case with id 'nope'").And.Contain("lstm-tiny"));
        Assert.That(Run(TraceCommand.Run).Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(Run(TraceCommand.Run, TraceCases, "--bogus").Err, Does.Contain("unknown option '--bogus'"));
        var dir = TempDir();
        File.WriteAllText(Path.Combine(dir, "bad.json"), "{not json");
        Assert.That(Run(TraceCommand.Run, Path.Combine(dir, "bad.json")).Code, Is.EqualTo(ExitCodes.UnreadableInput));
        File.WriteAllText(Path.Combine(dir, "linear.json"),
            """{"format": "rnn-reference/cases@1", "cases": [{"id": "l", "op": "linear", "inputs": {}, "params": {}}]}""");
        var linear = Run(TraceCommand.Run, Path.Combine(dir, "linear.json"), "--case", "l");
        Assert.That(linear.Code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        Assert.That(linear.Err, Does.Contain("case l: ").And.Contain("'linear'"));
        Assert.That(Run(TraceCommand.Run, "--help").Out, Does.Contain("rnn-grading trace CASES"));
    }

    [Test]
    public void DemoWritesItsFiguresAndReportAndReplacesThemOnlyWithForce()
    {
        var dir = TempDir();
        var first = Run(DemoCommand.Run, "sentiment", "--small", "-o", dir);
        Assert.That(first.Code, Is.EqualTo(ExitCodes.Ok), first.Err);
        Assert.That(first.Out, Does.Contain("epoch 1/6"), "progress per epoch");
        Assert.That(first.Out, Does.Contain("held-out accuracy"));
        foreach (var f in new[] { "sentiment.svg", "sentiment.csv", "sentiment.txt" })
            Assert.That(File.Exists(Path.Combine(dir, f)), Is.True, f);

        var again = Run(DemoCommand.Run, "sentiment", "--small", "-o", dir, "--quiet");
        Assert.That(again.Code, Is.EqualTo(ExitCodes.CannotWriteOutput));
        Assert.That(again.Err, Does.Contain("would be replaced").And.Contain("--force"));
        // another demo into the same folder writes other files: no conflict
        var other = Run(DemoCommand.Run, "time-series", "--small", "-o", dir, "--quiet");
        Assert.That(other.Code, Is.EqualTo(ExitCodes.Ok), other.Err);
        Assert.That(other.Out, Does.Not.Contain("epoch 1/"), "--quiet silences the progress");
        Assert.That(Run(DemoCommand.Run, "sentiment", "--small", "-o", dir, "--quiet", "--force").Code, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void DemoRefusesBadArguments()
    {
        var unknown = Run(DemoCommand.Run, "poetry");
        Assert.That(unknown.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(unknown.Err, Does.Contain("no demo is called 'poetry'").And.Contain("text-generation"));
        Assert.That(Run(DemoCommand.Run).Code, Is.EqualTo(ExitCodes.Usage));
        var seed = Run(DemoCommand.Run, "sentiment", "--seed", "-3");
        Assert.That(seed.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(seed.Err, Does.Contain("--seed must be a whole number"));
        Assert.That(Run(DemoCommand.Run, "--help").Out, Does.Contain("time-series").And.Contain("--quiet"));
    }

    [Test]
    public void FiguresWritesOneOrAll()
    {
        var dir = TempDir();
        var one = Run(FiguresCommand.Run, "-o", dir, "--only", "optimizer-race");
        Assert.That(one.Code, Is.EqualTo(ExitCodes.Ok), one.Err);
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "optimizer-race-surface.csv", "optimizer-race.csv", "optimizer-race.svg" }));
        Assert.That(Run(FiguresCommand.Run, "-o", dir, "--only", "optimizer-race").Code, Is.EqualTo(ExitCodes.CannotWriteOutput));
        Assert.That(Run(FiguresCommand.Run, "-o", dir, "--only", "nope").Err, Does.Contain("no figure is called 'nope'"));
        Assert.That(Run(FiguresCommand.Run).Err, Does.Contain("figures needs -o DIR"));
        File.WriteAllText(Path.Combine(dir, "afile"), "");
        Assert.That(Run(FiguresCommand.Run, "-o", Path.Combine(dir, "afile")).Err, Does.Contain("is a file, not a folder"));
    }

    [Test]
    public void GalleryLinksEveryFigureToItsSlideAndSpecPage()
    {
        var dir = TempDir();
        var run = Run(GalleryCommand.Run, "-o", dir, "--small", "--quiet");
        Assert.That(run.Code, Is.EqualTo(ExitCodes.Ok), run.Err);
        string html = File.ReadAllText(Path.Combine(dir, "index.html"));
        foreach (var name in new[] { "skier", "optimizer-race", "batch-size", "gradient-flow", "clipped-training", "clipping-rules",
                                     "text-generation", "sentiment", "next-word", "time-series" })
        {
            Assert.That(html, Does.Contain($"<img src=\"{name}.svg\""), name);
            Assert.That(html, Does.Contain($"href=\"{name}.csv\""), name);
            Assert.That(File.Exists(Path.Combine(dir, name + ".svg")), Is.True, name);
        }
        Assert.That(html.Split("<p class=\"slide\">Slide: ").Length - 1, Is.EqualTo(10), "every figure names its slide");
        // the Spec links resolve from the gallery's folder to the repository's pages
        var links = System.Text.RegularExpressions.Regex.Matches(html, "href=\"([^\"#]*\\.md)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.That(links, Is.Not.Empty);
        foreach (var link in links)
            Assert.That(File.Exists(Path.GetFullPath(Path.Combine(dir, link))), Is.True, link);
    }
}
