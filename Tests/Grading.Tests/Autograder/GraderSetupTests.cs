// The grader installed somewhere other than beside its student kit (dotnet build -o DIR, then
// run from the working tree): the kit's runner is found from the working folder or the
// assignment's folder; when it is nowhere, grade exits 5 with a results.json that says the
// autograder is misconfigured, never with an unhandled exception.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Commands;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Autograder;

public sealed class GraderSetupTests
{
    [Test]
    public void TheKitRunnerIsFoundUpwardsFromAWorkingTreeFolder()
    {
        string tree = TempDir();
        string kit = Path.Combine(tree, "grading", "student-kit");
        Directory.CreateDirectory(kit);
        File.WriteAllText(Path.Combine(kit, "runner.py"), "# runner\n");
        string deep = Path.Combine(tree, "grading", "assignments", "more");
        Directory.CreateDirectory(deep);
        string elsewhere = TempDir();

        Assert.That(SubmissionSource.FindKitRunnerFrom([elsewhere, deep]), Is.EqualTo(Path.Combine(kit, "runner.py")));
        Assert.That(SubmissionSource.FindKitRunnerFrom([tree]), Is.EqualTo(Path.Combine(kit, "runner.py")));
        // a bundle's layout: student-kit/ beside the grader
        string bundle = TempDir();
        Directory.CreateDirectory(Path.Combine(bundle, "student-kit"));
        File.WriteAllText(Path.Combine(bundle, "student-kit", "runner.py"), "# runner\n");
        Assert.That(SubmissionSource.FindKitRunnerFrom([bundle, tree]), Is.EqualTo(Path.Combine(bundle, "student-kit", "runner.py")));
        Assert.That(SubmissionSource.FindKitRunnerFrom([elsewhere]), Is.Null);
    }

    [Test]
    public void NoKitRunnerIsExitCode5WithAMisconfiguredResultsJson()
    {
        string dir = TempDir();
        string results = Path.Combine(dir, "results.json");
        string submission = Path.Combine(dir, "submission");
        Directory.CreateDirectory(submission);
        var stderr = new StringWriter();
        int code = GradeCommand.Run(["--assignment", ShippedAssignmentPath, "--submission", submission, "--results", results],
            new StringWriter(), stderr,
            (_, _) => throw new GraderSetupException("the student kit's runner.py was not found: looked for it"), NoDiagnosis.Instance);
        Assert.That(code, Is.EqualTo(ExitCodes.GraderFailed));
        Assert.That(stderr.ToString(), Does.Contain("rnn-grading: the student kit's runner.py was not found"));
        GradescopeSchema.AssertValid(results);
        var json = JsonNode.Parse(File.ReadAllText(results))!;
        Assert.That((double)json["score"]!, Is.EqualTo(0));
        Assert.That((string)json["output"]!, Does.Contain("misconfigured").And.Contain("not a fault of your code"));
    }
}
