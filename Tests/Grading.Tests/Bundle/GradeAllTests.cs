// `rnn-grading grade-all`: a folder of students graded in parallel as `grade --submission`
// grades each, one CSV row per student, per-student results.json and report.txt, grader
// errors that stop only their own row, and nothing existing replaced without --force.
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Commands;
using Rnn.Grading.Diagnosis;
using Rnn.Grading.Tests.Autograder;
using Rnn.Grading.Tests.Support;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Bundle;

[SupportedOSPlatform("linux")]
public sealed class GradeAllTests
{
    private static (int Code, string Out, string Err) Run(Func<string, string, IAnswerSource> source, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = GradeAllCommand.Run(args, stdout, stderr, source, new MistakeCatalog());
        return (code, stdout.ToString(), stderr.ToString());
    }

    // ---- the real thing: students' NumPy programs in the sandbox ------------------------

    [Test]
    public void ThreeStudentsGradedTwoAtATime()
    {
        ExternalTools.RequirePython("numpy");
        var assignment = Shipped();
        string work = TempDir();
        string dir = Path.Combine(work, "submissions");
        BundleKit.Submission(dir, "alice", null);
        BundleKit.Submission(dir, "bob", KnownMistakes.LstmNoTanhOnCell);
        Directory.CreateDirectory(Path.Combine(dir, "carol, \"the empty\"")); // a name the CSV must quote
        string csv = Path.Combine(work, "scores.csv");
        string results = Path.Combine(work, "results");

        var (code, output, err) = Run(GradeCommand.OpenSubmission,
            dir, "--assignment", ShippedAssignmentPath, "--jobs", "2", "--out", csv, "--results-dir", results, GradeCommand.AllowReadableGrader);

        Assert.That(code, Is.EqualTo(ExitCodes.Ok), err);
        Assert.That(output, Does.Contain("graded 3 of 3 students"));
        var rows = BundleKit.ReadCsv(File.ReadAllText(csv));
        Assert.That(rows[0], Is.EqualTo(new[] { "student", "score", "max_score" }
            .Concat(assignment.Problems.Select(p => p.Name)).Append("status")));
        Assert.That(rows.Skip(1).Select(r => r[0]), Is.EqualTo(new[] { "alice", "bob", "carol, \"the empty\"" }), "sorted by name");
        Assert.That(rows.All(r => r.Count == assignment.Problems.Count + 4), "every row has every column");

        int lstmForward = 3 + assignment.Problems.ToList().FindIndex(p => p.Name == "lstm-forward");
        int lstmBptt = 3 + assignment.Problems.ToList().FindIndex(p => p.Name == "lstm-bptt");
        var alice = rows[1];
        Assert.That(alice[1], Is.EqualTo("100"));
        Assert.That(alice[2], Is.EqualTo("100"));
        for (int k = 0; k < assignment.Problems.Count; k++)
            Assert.That(double.Parse(alice[3 + k], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(assignment.Problems[k].Points),
                $"alice, {assignment.Problems[k].Name}");
        Assert.That(alice[^1], Is.EqualTo("graded"));

        // bob's LSTM has h = o * c: only the LSTM problems lose points
        var bob = rows[2];
        Assert.That(Score(bob[1]), Is.LessThan(100));
        for (int k = 0; k < assignment.Problems.Count; k++)
        {
            double points = Score(bob[3 + k]);
            if (3 + k == lstmForward || 3 + k == lstmBptt) Assert.That(points, Is.LessThan(assignment.Problems[k].Points), assignment.Problems[k].Name);
            else Assert.That(points, Is.EqualTo(assignment.Problems[k].Points), assignment.Problems[k].Name);
        }
        Assert.That(Score(bob[1]), Is.EqualTo(Enumerable.Range(3, assignment.Problems.Count).Sum(c => Score(bob[c]))).Within(1e-5));

        var carol = rows[3];
        Assert.That(carol[1], Is.EqualTo("0"));
        Assert.That(carol[^1], Is.EqualTo("graded; the submission folder is empty"));

        foreach (var (name, row) in new[] { ("alice", alice), ("bob", bob), ("carol, \"the empty\"", carol) })
        {
            string resultsJson = Path.Combine(results, name, "results.json");
            GradescopeSchema.AssertValid(resultsJson);
            Assert.That(JsonNode.Parse(File.ReadAllText(resultsJson))!["score"]!.GetValue<double>(), Is.EqualTo(Score(row[1])).Within(1e-6), name);
            Assert.That(File.ReadAllText(Path.Combine(results, name, "report.txt")), Does.StartWith("rnn-slides: "), name);
        }
        string bobResults = File.ReadAllText(Path.Combine(results, "bob", "results.json"));
        Assert.That(JsonNode.Parse(bobResults)!["tests"]![lstmForward - 3]!["output"]!.GetValue<string>(),
            Does.Contain(new MistakeCatalog().Get(KnownMistakes.LstmNoTanhOnCell).Message));
        // the empty submission cannot be imported: said once, at the top of its results
        string carolResults = File.ReadAllText(Path.Combine(results, "carol, \"the empty\"", "results.json"));
        Assert.That(JsonNode.Parse(carolResults)!["output"]!.GetValue<string>(), Does.Contain("could not import rnn_student.py"),
            "the empty submission's feedback says why it has no answers");

        // a second run replaces nothing
        byte[] before = File.ReadAllBytes(csv);
        var again = Run(GradeCommand.OpenSubmission, dir, "--assignment", ShippedAssignmentPath, "--out", csv, "--results-dir", results);
        Assert.That(again.Code, Is.EqualTo(ExitCodes.CannotWriteOutput));
        Assert.That(again.Err, Does.Contain(csv).And.Contain("give --force to replace them"));
        Assert.That(File.ReadAllBytes(csv), Is.EqualTo(before));
    }

    private static double Score(string cell) => double.Parse(cell, System.Globalization.CultureInfo.InvariantCulture);

    // ---- the command itself, with answers files standing in for the programs ------------

    /// <summary>Two problems a, b of 4 points, 2 cases x 2 tensors each (AutograderTestSupport.ReluForwardAssignment).</summary>
    private static (string Path, Assignment Assignment) SmallAssignment()
    {
        string path = Path.Combine(TempDir(), "small.json");
        File.WriteAllText(path, ReluForwardAssignment("a", "b").ToJsonString());
        return (path, AssignmentLoader.Load(path));
    }

    /// <summary>Each student's folder holds answers.json (or not): the source reads it, as --answers would.</summary>
    private static readonly Func<string, string, IAnswerSource> AnswersInFolder =
        (dir, _) => new AnswersFileSource(Path.Combine(dir, "answers.json"));

    private static string Students(Assignment a, params (string Name, string[]? LeftOut)[] students)
    {
        string dir = TempDir();
        foreach (var (name, leftOut) in students)
        {
            string folder = Path.Combine(dir, name);
            Directory.CreateDirectory(folder);
            if (leftOut is not null)
                WriteAnswers(Path.Combine(folder, "answers.json"), CorrectAnswers(a).Where(r => !leftOut.Contains(r.Id)));
            else
                File.WriteAllText(Path.Combine(folder, "notes.txt"), "no answers here");
        }
        return dir;
    }

    [Test]
    public void ScoresAndStatusesOfKnownAnswers()
    {
        var (assignmentPath, a) = SmallAssignment();
        // full: 4 + 4 = 8. partial: b/0 unanswered, 2 of b's 4 tensors lost: 4 + 4 * 2/4 = 6.
        // silent: a folder without answers.json, every problem fails at the source: 0.
        string dir = Students(a, ("full", []), ("partial", ["b/0"]), ("silent", null));
        string work = TempDir();
        var (code, _, err) = Run(AnswersInFolder, dir, "--assignment", assignmentPath, "--out", Path.Combine(work, "s.csv"));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), err);
        var rows = BundleKit.ReadCsv(File.ReadAllText(Path.Combine(work, "s.csv")));
        Assert.That(rows, Is.EqualTo(new[]
        {
            new[] { "student", "score", "max_score", "a", "b", "status" },
            ["full", "8", "8", "4", "4", "graded"],
            ["partial", "6", "8", "4", "2", "graded"],
            ["silent", "0", "8", "0", "0", "graded; no answers for 2 of 2 problems (a: no answers file: answers.json was not found)"],
        }));
        Assert.That(File.Exists(Path.Combine(work, "results", "partial", "results.json")), "RDIR defaults to results/ beside the CSV");
    }

    [Test]
    public void AGraderErrorStopsOnlyItsOwnStudent()
    {
        var (assignmentPath, a) = SmallAssignment();
        string dir = Students(a, ("ann", []), ("ben", []), ("cat", []));
        Func<string, string, IAnswerSource> source = (folder, assignment) => Path.GetFileName(folder) == "ben"
            ? throw new InvalidOperationException("the sandbox is broken\non two lines")
            : AnswersInFolder(folder, assignment);
        string csv = Path.Combine(TempDir(), "s.csv");
        var (code, output, _) = Run(source, dir, "--assignment", assignmentPath, "--out", csv, "--jobs", "3");
        Assert.That(code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        Assert.That(output, Does.Contain("graded 2 of 3 students (1 grader error"));
        var rows = BundleKit.ReadCsv(File.ReadAllText(csv));
        Assert.That(rows[1], Is.EqualTo(new[] { "ann", "8", "8", "4", "4", "graded" }));
        Assert.That(rows[2], Is.EqualTo(new[] { "ben", "", "8", "", "", "grader error: InvalidOperationException: the sandbox is broken on two lines" }));
        Assert.That(rows[3], Is.EqualTo(new[] { "cat", "8", "8", "4", "4", "graded" }));
    }

    [Test]
    public void AnErrorInsideTheGraderKeepsTheProblemsGradedBeforeIt()
    {
        var (assignmentPath, a) = SmallAssignment();
        string dir = Students(a, ("dan", []));
        Func<string, string, IAnswerSource> source = (folder, _) => new FailsOnProblem("b", new AnswersFileSource(Path.Combine(folder, "answers.json")));
        string csv = Path.Combine(TempDir(), "s.csv");
        var (code, _, _) = Run(source, dir, "--assignment", assignmentPath, "--out", csv);
        Assert.That(code, Is.EqualTo(ExitCodes.SomeNotEvaluated));
        var rows = BundleKit.ReadCsv(File.ReadAllText(csv));
        Assert.That(rows[1], Is.EqualTo(new[] { "dan", "", "8", "4", "", "grader error: while grading problem b: IOException: disk gone" }));
        GradescopeSchema.AssertValid(Path.Combine(Path.GetDirectoryName(csv)!, "results", "dan", "results.json"));
    }

    private sealed class FailsOnProblem(string problem, IAnswerSource inner) : IAnswerSource
    {
        public string Description => inner.Description;

        public AnswerOutcome GetAnswers(AnswerRequest request) =>
            request.Problem.Name == problem ? throw new IOException("disk gone") : inner.GetAnswers(request);
    }

    [Test]
    public void ForceReplacesWhatExists()
    {
        var (assignmentPath, a) = SmallAssignment();
        string dir = Students(a, ("eve", ["a/0", "a/1"]));
        string work = TempDir();
        string csv = Path.Combine(work, "s.csv");
        File.WriteAllText(csv, "kept\r\n");
        var refused = Run(AnswersInFolder, dir, "--assignment", assignmentPath, "--out", csv);
        Assert.That(refused.Code, Is.EqualTo(ExitCodes.CannotWriteOutput));
        Assert.That(refused.Err, Does.Contain($"1 file would be replaced: {csv}; give --force to replace them"));
        Assert.That(File.ReadAllText(csv), Is.EqualTo("kept\r\n"));
        Assert.That(Directory.Exists(Path.Combine(work, "results")), Is.False, "nothing was graded");

        var forced = Run(AnswersInFolder, dir, "--assignment", assignmentPath, "--out", csv, "--force");
        Assert.That(forced.Code, Is.EqualTo(ExitCodes.Ok), forced.Err);
        Assert.That(BundleKit.ReadCsv(File.ReadAllText(csv))[1], Is.EqualTo(new[] { "eve", "4", "8", "0", "4", "graded" }));

        // an existing per-student results.json is protected the same way
        File.Delete(csv);
        var results = Run(AnswersInFolder, dir, "--assignment", assignmentPath, "--out", csv);
        Assert.That(results.Code, Is.EqualTo(ExitCodes.CannotWriteOutput));
        Assert.That(results.Err, Does.Contain(Path.Combine(work, "results", "eve", "results.json")));
        Assert.That(File.Exists(csv), Is.False);
    }

    [Test]
    public void FoldersStartingWithADotAndLooseFilesAreNotStudents()
    {
        var (assignmentPath, a) = SmallAssignment();
        string dir = Students(a, ("zed", []), (".git", []));
        File.WriteAllText(Path.Combine(dir, "submission_metadata.yml"), "{}");
        string csv = Path.Combine(TempDir(), "s.csv");
        var (code, _, err) = Run(AnswersInFolder, dir, "--assignment", assignmentPath, "--out", csv);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), err);
        Assert.That(BundleKit.ReadCsv(File.ReadAllText(csv)).Skip(1).Select(r => r[0]), Is.EqualTo(new[] { "zed" }));
        Assert.That(err, Does.Contain("folders starting with '.' are not graded: .git"));
        Assert.That(err, Does.Contain("1 file directly in"));
    }

    [Test]
    public void RowsAreSortedByOrdinalNameWhateverTheOrderOfGrading()
    {
        var (assignmentPath, a) = SmallAssignment();
        string[] names = ["b2", "B1", "a,1", "a", "_x", "Zoe", "\u00e9mile"];
        string dir = Students(a, [.. names.Select(n => (n, (string[]?)Array.Empty<string>()))]);
        string csv = Path.Combine(TempDir(), "s.csv");
        var (code, _, err) = Run(AnswersInFolder, dir, "--assignment", assignmentPath, "--out", csv, "--jobs", "4");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), err);
        // ordinal (UTF-16 code units): 'B' 0x42 < 'Z' 0x5A < '_' 0x5F < 'a' 0x61 < 'b' 0x62 < 'é' 0xE9; "a" < "a,1"
        Assert.That(BundleKit.ReadCsv(File.ReadAllText(csv)).Skip(1).Select(r => r[0]),
            Is.EqualTo(new[] { "B1", "Zoe", "_x", "a", "a,1", "b2", "\u00e9mile" }));
        Assert.That(File.ReadAllText(csv), Does.Contain("\r\n\"a,1\",8,8,4,4,graded\r\n"));
    }

    [TestCase("", "")]
    [TestCase("plain", "plain")]
    [TestCase("a,b", "\"a,b\"")]
    [TestCase("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [TestCase("two\nlines", "\"two\nlines\"")]
    [TestCase("cr\rhere", "\"cr\rhere\"")]
    public void CsvFieldsAreQuotedOnlyWhenRfc4180NeedsIt(string value, string expected)
    {
        Assert.That(GradeAllCommand.CsvField(value), Is.EqualTo(expected));
    }

    [Test]
    public void TheResultsFolderMayNotBeInsideTheSubmissions()
    {
        var (assignmentPath, a) = SmallAssignment();
        string dir = Students(a, ("fay", []));
        var (code, _, err) = Run(AnswersInFolder, dir, "--assignment", assignmentPath, "--out", Path.Combine(TempDir(), "s.csv"),
            "--results-dir", Path.Combine(dir, "fay"));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(err, Does.Contain("is inside DIR"));
        Assert.That(Directory.GetFiles(Path.Combine(dir, "fay")), Is.EqualTo(new[] { Path.Combine(dir, "fay", "answers.json") }), "nothing was written there");
    }

    [Test]
    public void AFolderWithoutStudentsIsAUsageError()
    {
        var (assignmentPath, _) = SmallAssignment();
        var (code, _, err) = Run(AnswersInFolder, TempDir(), "--assignment", assignmentPath, "--out", Path.Combine(TempDir(), "s.csv"));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(err, Does.Contain("holds no student folders"));
    }

    [Test]
    public void AnUnreadableAssignmentExitsThree()
    {
        string bad = Path.Combine(TempDir(), "bad.json");
        File.WriteAllText(bad, "{\"format\": \"rnn-reference/assignment@1\"}");
        var (code, _, err) = Run(AnswersInFolder, TempDir(), "--assignment", bad, "--out", Path.Combine(TempDir(), "s.csv"));
        Assert.That(code, Is.EqualTo(ExitCodes.UnreadableInput));
        Assert.That(err, Does.Contain("bad.json"));
    }

    [TestCase(new string[0], "grade-all needs DIR")]
    [TestCase(new[] { "DIR" }, "grade-all needs --assignment A")]
    [TestCase(new[] { "DIR", "--assignment", "a.json", "--jobs", "0" }, "--jobs must be a whole number from 1 to 64 but is '0'")]
    [TestCase(new[] { "DIR", "--assignment", "a.json", "--jobs", "65" }, "--jobs must be a whole number from 1 to 64 but is '65'")]
    [TestCase(new[] { "DIR", "--assignment", "a.json", "--jobs", "two" }, "--jobs must be a whole number from 1 to 64 but is 'two'")]
    [TestCase(new[] { "DIR", "--assignment", "a.json", "--out", "scores.txt" }, "--out must end in .csv but is 'scores.txt'")]
    [TestCase(new[] { "DIR", "--assignment", "a.json", "--assignment", "b.json" }, "--assignment was given twice")]
    [TestCase(new[] { "DIR", "--assignment" }, "--assignment needs a value")]
    [TestCase(new[] { "DIR", "--assignment", "a.json", "--verbose" }, "unknown option '--verbose'")]
    [TestCase(new[] { "DIR", "OTHER", "--assignment", "a.json" }, "unexpected argument 'OTHER' (DIR is already DIR)")]
    public void WrongCommandLinesExitTwo(string[] args, string message)
    {
        var (code, _, err) = Run(AnswersInFolder, args);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(err, Does.Contain(message));
    }

    [Test]
    public void DirMustBeAFolder()
    {
        string missing = Path.Combine(TempDir(), "missing");
        var (code, _, err) = Run(AnswersInFolder, missing, "--assignment", "a.json");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(err, Does.Contain($"DIR {missing} is not a folder"));
    }
}
