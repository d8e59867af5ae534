// The argument reader and the one Fail every command reports through, and the exit codes'
// numbers, which are documented (each command's --help, Spec/formats.md, Spec/autograder.md,
// Spec/gradescope.md, grading/bundle/run_autograder) and so may never change.
using NUnit.Framework;
using Rnn.Grading.Commands;

namespace Rnn.Grading.Tests.Commands;

public sealed class CommandLineTests
{
    [Test]
    public void ExitCodesKeepTheirDocumentedNumbers()
    {
        Assert.That(ExitCodes.Ok, Is.EqualTo(0));
        Assert.That(ExitCodes.SomeNotEvaluated, Is.EqualTo(1));
        Assert.That(ExitCodes.Usage, Is.EqualTo(2));
        Assert.That(ExitCodes.UnreadableInput, Is.EqualTo(3));
        Assert.That(ExitCodes.CannotWriteOutput, Is.EqualTo(4));
        Assert.That(ExitCodes.GraderFailed, Is.EqualTo(5));
    }

    [Test]
    public void ReadsValuesFlagsAndOnePositional()
    {
        var parsed = CommandLine.Parse(["DIR", "--jobs", "2", "--force"], ["--jobs"], ["--force"], "DIR", out string? error);
        Assert.That(error, Is.Null);
        Assert.That(parsed!.Positionals, Is.EqualTo(new[] { "DIR" }));
        Assert.That(parsed.Values["--jobs"], Is.EqualTo("2"));
        Assert.That(parsed.Flags, Does.Contain("--force"));
    }

    [Test]
    public void ADashAloneIsPositionalAndAValueMayBeADash()
    {
        var parsed = CommandLine.Parse(["-", "-o", "-"], ["-o"], [], "CASES", out string? error);
        Assert.That(error, Is.Null);
        Assert.That(parsed!.Positionals, Is.EqualTo(new[] { "-" }));
        Assert.That(parsed.Values["-o"], Is.EqualTo("-"));
    }

    [Test]
    public void AnAliasIsFiledAndNamedUnderItsOption()
    {
        var aliases = new Dictionary<string, string> { ["--output"] = "-o" };
        var parsed = CommandLine.Parse(["--output", "r.json"], ["-o"], [], null, out string? error, aliases);
        Assert.That(error, Is.Null);
        Assert.That(parsed!.Values["-o"], Is.EqualTo("r.json"));

        Assert.That(CommandLine.Parse(["-o", "a", "--output", "b"], ["-o"], [], null, out error, aliases), Is.Null);
        Assert.That(error, Is.EqualTo("-o was given twice"));
        Assert.That(CommandLine.Parse(["--output"], ["-o"], [], null, out error, aliases), Is.Null);
        Assert.That(error, Is.EqualTo("-o needs a value"));
    }

    [TestCase(new[] { "--nope" }, "unknown option '--nope'")]
    [TestCase(new[] { "-o" }, "-o needs a value")]
    [TestCase(new[] { "-o", "a", "-o", "b" }, "-o was given twice")]
    [TestCase(new[] { "a", "b" }, "unexpected argument 'b' (CASES is already a)")]
    public void MistakesAreNamed(string[] args, string expected)
    {
        Assert.That(CommandLine.Parse(args, ["-o"], [], "CASES", out string? error), Is.Null);
        Assert.That(error, Is.EqualTo(expected));
    }

    [Test]
    public void APositionalWhereNoneIsTakenIsAnError()
    {
        Assert.That(CommandLine.Parse(["x"], ["-o"], [], null, out string? error), Is.Null);
        Assert.That(error, Is.EqualTo("unexpected argument 'x'"));
    }

    [Test]
    public void FailPrintsTheUsageOnlyAfterAWrongCommandLine()
    {
        var usage = new StringWriter();
        Assert.That(CommandLine.Fail(usage, ExitCodes.Usage, "bad", "usage: x"), Is.EqualTo(ExitCodes.Usage));
        Assert.That(usage.ToString().ReplaceLineEndings("\n"), Is.EqualTo("rnn-grading: bad\nusage: x\n"));

        var other = new StringWriter();
        Assert.That(CommandLine.Fail(other, ExitCodes.CannotWriteOutput, "cannot write", "usage: x"), Is.EqualTo(ExitCodes.CannotWriteOutput));
        Assert.That(other.ToString().ReplaceLineEndings("\n"), Is.EqualTo("rnn-grading: cannot write\n"));
    }

    [Test]
    public void AValueMayFollowAnEqualsSign()
    {
        var parsed = CommandLine.Parse(["--jobs=3", "--assignment=a=b.json", "--force"], ["--jobs", "--assignment"], ["--force"], null, out string? error);
        Assert.That(error, Is.Null);
        Assert.That(parsed!.Values["--jobs"], Is.EqualTo("3"));
        Assert.That(parsed.Values["--assignment"], Is.EqualTo("a=b.json"), "only the first = separates");
        Assert.That(CommandLine.Parse(["--jobs="], ["--jobs"], [], null, out _)!.Values["--jobs"], Is.EqualTo(""));
    }

    [Test]
    public void EqualsSignErrorsNameTheOption()
    {
        Assert.That(CommandLine.Parse(["--force=yes"], [], ["--force"], null, out string? error), Is.Null);
        Assert.That(error, Is.EqualTo("--force takes no value but was given 'yes'"));
        Assert.That(CommandLine.Parse(["--colour=red"], ["--jobs"], [], null, out error), Is.Null);
        Assert.That(error, Is.EqualTo("unknown option '--colour'"));
        Assert.That(CommandLine.Parse(["--jobs=1", "--jobs", "2"], ["--jobs"], [], null, out error), Is.Null);
        Assert.That(error, Is.EqualTo("--jobs was given twice"));
    }

    [Test]
    public void OutputIsAlwaysAnotherSpellingOfDashO()
    {
        var parsed = CommandLine.Parse(["--output", "x.json"], ["-o"], [], null, out string? error);
        Assert.That(error, Is.Null);
        Assert.That(parsed!.Values["-o"], Is.EqualTo("x.json"));
        Assert.That(CommandLine.Parse(["--output=y.json"], ["-o"], [], null, out _)!.Values["-o"], Is.EqualTo("y.json"));
        Assert.That(CommandLine.Parse(["-o", "a", "--output", "b"], ["-o"], [], null, out error), Is.Null);
        Assert.That(error, Is.EqualTo("-o was given twice"));
        // a command without -o does not take --output
        Assert.That(CommandLine.Parse(["--output", "x"], ["--out"], [], null, out error), Is.Null);
        Assert.That(error, Is.EqualTo("unknown option '--output'"));
    }

    [TestCase(new[] { "--help" }, true)]
    [TestCase(new[] { "x.json", "-o", "y.json", "-h" }, true)]
    [TestCase(new[] { "x.json", "-o", "y.json" }, false)]
    [TestCase(new string[0], false)]
    public void HelpMayBeAskedAnywhere(string[] args, bool wanted) => Assert.That(CommandLine.WantsHelp(args), Is.EqualTo(wanted));
}
