// grading/bundle/run_autograder on its own, with stand-in graders (small shell scripts) in
// place of the published one: the command line it gives the grader, the results.json it
// writes when the grader cannot start or leaves none, the partial results.json it keeps when
// the grader dies after writing one, and the results folder it closes to other users.
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Tests.Autograder;

namespace Rnn.Grading.Tests.Bundle;

[SupportedOSPlatform("linux")]
public sealed class RunAutograderScriptTests
{
    private static string Template(string name) => Path.Combine(BundleKit.TemplatesDir, name);

    /// <summary>ROOT laid out like /autograder with the template run_autograder and, if given, a stand-in grader script.</summary>
    private static string Root(string? graderScript)
    {
        string root = BundleKit.AutograderRoot();
        File.Copy(Template("run_autograder"), Path.Combine(root, "source", "run_autograder"));
        File.WriteAllText(Path.Combine(root, "source", "assignment.json"), "{}");
        if (graderScript is not null)
        {
            Directory.CreateDirectory(Path.Combine(root, "source", "grader"));
            string grader = Path.Combine(root, "source", "grader", "rnn-grading");
            File.WriteAllText(grader, "#!/bin/sh\n" + graderScript);
            File.SetUnixFileMode(grader, (UnixFileMode)0b111_101_101);
        }
        return root;
    }

    private static JsonObject Results(string root)
    {
        string path = Path.Combine(root, "results", "results.json");
        GradescopeSchema.AssertValid(path);
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }

    private static void AssertFallback(string root)
    {
        var results = Results(root);
        Assert.That(results["score"]!.GetValue<double>(), Is.EqualTo(0));
        Assert.That(results["tests"]!.AsArray(), Is.Empty);
        Assert.That(results["output"]!.GetValue<string>(), Does.StartWith("The autograder could not run and graded nothing. This is not a fault of your code"));
        Assert.That(results["stdout_visibility"]!.GetValue<string>(), Is.EqualTo("hidden"));
    }

    [Test]
    public void TheTemplatesParse()
    {
        BundleKit.RunBashSyntaxCheck(Template("run_autograder"));
        BundleKit.RunBashSyntaxCheck(Template("setup.sh"));
    }

    [Test]
    public void AGraderThatIsMissingLeavesAResultThatScoresZeroAndSaysSo()
    {
        string root = Root(graderScript: null);
        var (code, output) = BundleKit.RunAutograder(root, TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("the grader exited with code 127").And.Contain("the grader left no results.json"));
        AssertFallback(root);
        Directory.Delete(root, recursive: true);
    }

    [Test]
    public void TheGraderIsGivenTheAssignmentTheSubmissionAndTheResultsPath()
    {
        string root = Root("printf '%s\\n' \"$@\" > \"$AUTOGRADER_ROOT/args.txt\"\nexit 1\n");
        var (code, output) = BundleKit.RunAutograder(root, TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(File.ReadAllLines(Path.Combine(root, "args.txt")), Is.EqualTo(new[]
        {
            "grade", "--assignment", $"{root}/source/assignment.json", "--submission", $"{root}/submission",
            "--results", $"{root}/results/results.json",
        }));
        Assert.That(output, Does.Contain("the grader exited with code 1"));
        AssertFallback(root);
        Directory.Delete(root, recursive: true);
    }

    [Test]
    public void AResultsFileTheGraderWroteBeforeDyingIsKept()
    {
        // what the grader leaves after the first of two problems (the second not graded yet)
        const string Partial = """
            {"score": 5, "execution_time": 1, "output": "1 of 2 problems graded", "output_format": "text",
             "visibility": "visible", "stdout_visibility": "hidden",
             "tests": [{"name": "a", "number": "1", "score": 5, "max_score": 5, "status": "passed", "output": "",
                        "output_format": "text", "visibility": "visible", "tags": []},
                       {"name": "b", "number": "2", "score": 0, "max_score": 5, "status": "failed", "output": "not graded yet",
                        "output_format": "text", "visibility": "visible", "tags": []}]}
            """;
        string root = Root($"cat > \"$7\" <<'EOF'\n{Partial}\nEOF\nkill -9 $$\n");
        var (code, output) = BundleKit.RunAutograder(root, TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("the grader exited with code 137"));
        Assert.That(output, Does.Not.Contain("left no results.json"));
        Assert.That(File.ReadAllText(Path.Combine(root, "results", "results.json")).Trim(), Is.EqualTo(Partial.Trim()));
        Directory.Delete(root, recursive: true);
    }

    [Test]
    public void AResultsFileFromAnEarlierRunIsNeverShown()
    {
        string root = Root("exit 0\n");
        File.WriteAllText(Path.Combine(root, "results", "results.json"), """{"score": 99, "tests": []}""");
        var (code, output) = BundleKit.RunAutograder(root, TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(0), output);
        AssertFallback(root);
        Directory.Delete(root, recursive: true);
    }

    [Test]
    public void TheResultsFolderIsClosedToOtherUsers()
    {
        string root = Root("exit 0\n");
        File.SetUnixFileMode(Path.Combine(root, "results"), (UnixFileMode)0b111_101_101);
        BundleKit.RunAutograder(root, TimeSpan.FromSeconds(60));
        var mode = File.GetUnixFileMode(Path.Combine(root, "results"));
        Assert.That(mode & (UnixFileMode)0b000_111_111, Is.EqualTo(UnixFileMode.None), $"results/ is {mode}");
        Directory.Delete(root, recursive: true);
    }

    [Test]
    public void AMissingResultsFolderIsMade()
    {
        string root = Root("exit 0\n");
        Directory.Delete(Path.Combine(root, "results"));
        var (code, output) = BundleKit.RunAutograder(root, TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(0), output);
        AssertFallback(root);
        Directory.Delete(root, recursive: true);
    }
}
