// Shared by the end-to-end tests: the shipped assignment copied into a private folder with
// test-sized time limits, one whole `grade --submission` run through GradeCommand.Run with the
// command line's own submission source (the sandboxed student process and the kit's runner)
// and diagnoser (the mistake catalog), results.json checked against Gradescope's format and
// read back per problem, and a search of the temporary folder for expected values.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Commands;
using Rnn.Grading.Oracle;
using Rnn.Grading.Tests.Autograder;

namespace Rnn.Grading.Tests.EndToEnd;

/// <summary>One Gradescope test of results.json: a problem's score and the text the student reads.</summary>
public sealed record ProblemResult(string Name, double Score, double MaxScore, string Status, string Output);

/// <summary>What one `grade --submission` run left: exit code, staff report, stderr, and results.json.</summary>
public sealed record GradeRun(int ExitCode, string Report, string Errors, string ResultsPath, string ResultsText,
    double Score, IReadOnlyList<ProblemResult> Problems)
{
    public ProblemResult Problem(string name) =>
        Problems.SingleOrDefault(p => p.Name == name) ?? throw new AssertionException($"results.json has no test for problem {name}");

    /// <summary>Everything about the run, for assertion messages.</summary>
    public string Show() => $"exit code {ExitCode}\nstderr:\n{Errors}\nreport:\n{Report}\nresults.json:\n{ResultsText}";
}

internal static class EndToEndKit
{
    public static string ShippedAssignmentPath => AutograderTestSupport.ShippedAssignmentPath;

    public static Assignment Shipped() => AutograderTestSupport.Shipped();

    /// <summary>A new folder under the temporary folder that only its owner can enter (mkdtemp: 0700).</summary>
    public static string PrivateFolder(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>A new folder under the temporary folder that everyone may list and read (0755), as a results folder may be.</summary>
    [SupportedOSPlatform("linux")]
    public static string OpenFolder(string prefix)
    {
        string dir = Directory.CreateTempSubdirectory(prefix).FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101); // 0755
        return dir;
    }

    public static void DeleteFolder(string? dir)
    {
        if (dir is not null && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    /// <summary>
    /// The shipped assignment with every problem's time_limit_seconds set (and, if given, another
    /// seed), written as DIR/rnn-slides.json. Everything else (problems, cases, points,
    /// tolerances) is the shipped file's: with the same seed the graded cases are the same.
    /// </summary>
    public static string WriteAssignment(string dir, double timeLimitSeconds, ulong? seed = null)
    {
        var root = JsonNode.Parse(File.ReadAllText(ShippedAssignmentPath))!.AsObject();
        foreach (var problem in root["problems"]!.AsArray())
            problem!["time_limit_seconds"] = timeLimitSeconds;
        if (seed is { } s) root["seed"] = s;
        string path = Path.Combine(dir, "rnn-slides.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    /// <summary>
    /// `rnn-grading grade --assignment A --submission DIR --results PATH --allow-readable-grader` through GradeCommand.Run
    /// with GradeCommand.OpenSubmission and GradeCommand.Diagnoser. Asserts that results.json
    /// exists, is valid in Gradescope's format and holds one test per problem, in order.
    /// </summary>
    public static GradeRun Grade(string assignmentPath, string submissionDir, string resultsPath)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var clock = Stopwatch.StartNew();
        // --allow-readable-grader: the grader's program is this checkout's build folder, readable by
        // everyone; the assignment folders the tests make (0700) are still checked and protected
        int code = GradeCommand.Run(["--assignment", assignmentPath, "--submission", submissionDir, "--results", resultsPath,
                GradeCommand.AllowReadableGrader],
            stdout, stderr, GradeCommand.OpenSubmission, GradeCommand.Diagnoser);
        clock.Stop();
        TestContext.Out.WriteLine($"graded {submissionDir} in {clock.Elapsed.TotalSeconds:0.0} s");

        GradescopeSchema.AssertValid(resultsPath);
        string text = File.ReadAllText(resultsPath);
        var root = JsonNode.Parse(text)!;
        var assignment = AssignmentLoader.Load(assignmentPath);
        var tests = root["tests"]!.AsArray();
        Assert.That(tests, Has.Count.EqualTo(assignment.Problems.Count), "one test per problem\n" + text);
        var problems = new List<ProblemResult>();
        for (int i = 0; i < tests.Count; i++)
        {
            var t = tests[i]!;
            string name = assignment.Problems[i].Name;
            Assert.That(t["name"]!.GetValue<string>(), Does.StartWith(name + ": "), $"test {i + 1} is not problem {name}");
            problems.Add(new ProblemResult(name, t["score"]!.GetValue<double>(), t["max_score"]!.GetValue<double>(),
                t["status"]!.GetValue<string>(), t["output"]!.GetValue<string>()));
        }
        return new GradeRun(code, stdout.ToString(), stderr.ToString(), resultsPath, text,
            root["score"]!.GetValue<double>(), problems);
    }

    /// <summary>
    /// A few expected values of the assignment's graded cases, as text a file holding them would
    /// contain: for the first case of every problem, the largest element (by magnitude) of each
    /// checked tensor, written with every digit (as JSON and Python write doubles) and cut to
    /// its first 9 significant digits, without the sign. Only values in [0.01, 1000) (written
    /// without an exponent), with at least 9 significant digits, that appear nowhere in the
    /// cases' inputs (a clipped tensor that was not clipped is its input).
    /// </summary>
    public static List<string> ExpectedValueTexts(Assignment assignment)
    {
        var allCases = assignment.Problems.SelectMany(p => CaseStreams.Graded(assignment, p)).ToList();
        string inputs = AutograderTestSupport.Serialize(allCases);
        var texts = new List<string>();
        foreach (var problem in assignment.Problems)
        {
            var c = CaseStreams.Graded(assignment, problem)[0];
            var expected = Evaluator.Evaluate(c);
            Assert.That(expected.Error, Is.Null, $"the oracle could not evaluate {c.Id}");
            foreach (string qualified in ProblemGrading.CheckedNames(problem, expected))
            {
                string name = qualified[(qualified.IndexOf('.') + 1)..];
                var tensor = qualified.StartsWith("outputs.", StringComparison.Ordinal) ? expected.Outputs[name] : expected.Grads[name];
                double largest = tensor.Data.Where(x => Math.Abs(x) >= 0.01 && Math.Abs(x) < 1000)
                    .Select(Math.Abs).DefaultIfEmpty(0).Max();
                if (largest == 0) continue;
                string? text = FirstDigits(largest, 9);
                if (text is not null && !inputs.Contains(text, StringComparison.Ordinal) && !texts.Contains(text))
                    texts.Add(text);
            }
        }
        Assert.That(texts, Has.Count.GreaterThanOrEqualTo(assignment.Problems.Count), "too few expected values to look for");
        return texts;
    }

    /// <summary>"0.123456789" for 0.12345678901234: the shortest round-trip text cut after n significant digits; null if it has fewer.</summary>
    public static string? FirstDigits(double x, int n)
    {
        string s = x.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E')) return null;
        int digits = 0;
        bool significant = false;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '.') continue;
            if (s[i] != '0') significant = true;
            if (significant && ++digits == n) return s[..(i + 1)];
        }
        return null;
    }

    /// <summary>
    /// Every file under the temporary folder written at or after `since` (less a second for
    /// coarse clocks), outside the excluded folders, that contains one of the texts: as
    /// "PATH: TEXT". Empty files (FIFOs and sockets among them) and files that vanish or cannot
    /// be read while looking are passed over.
    /// </summary>
    public static List<string> FilesContaining(IReadOnlyList<string> texts, DateTime sinceUtc, params string[] excludedFolders)
    {
        var hits = new List<string>();
        string root = Path.GetTempPath();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        var excluded = excludedFolders.Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d)) + "/").ToList();
        foreach (string path in Directory.EnumerateFiles(root, "*", options))
        {
            if (excluded.Any(d => path.StartsWith(d, StringComparison.Ordinal))) continue;
            try
            {
                var info = new FileInfo(path);
                // a FIFO (the .NET runtime keeps clr-debug-pipe-* in /tmp) has length 0 and would block the read
                if (info.LastWriteTimeUtc < sinceUtc.AddSeconds(-1) || info.Length == 0 || info.Length > 16 * 1024 * 1024) continue;
                string content = Encoding.Latin1.GetString(File.ReadAllBytes(path));
                foreach (string text in texts)
                    if (content.Contains(text, StringComparison.Ordinal)) hits.Add($"{path}: {text}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // removed or changed meanwhile by another process
            }
        }
        return hits;
    }
}
