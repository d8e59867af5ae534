// The correct NumPy submission and every submission with one known mistake
// (grading/examples/mistakes/ID: the correct one with that mistake's patch applied), each graded
// whole by `grade --submission` on the shipped assignment (time limits set to a 300 s backstop; the seed,
// and so every graded case, unchanged). The points each mistake must lose are written by hand
// in its patch.json ("expected_lost": points lost per problem and why, reasoned from which
// tensors of which graded cases the mistake changes): the test compares every problem's score
// with them, and requires the feedback of each problem that loses points to carry exactly that
// mistake's catalog message, and no other.
// Its tests may run at the same time as each other and as other fixtures: every run has its own
// submission folder and results file. Needs Debian's python3-numpy.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Commands;
using Rnn.Grading.Diagnosis;
using Rnn.Grading.Tests.Diagnosis;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.EndToEnd;

[Parallelizable(ParallelScope.All)]
public sealed class SubmissionGradingTests
{
    private const double TimeLimitSeconds = 300;   // a backstop: every program here ends by itself, however loaded the machine
    private const double PointsTolerance = 1e-5;   // results.json rounds scores to 6 decimals; expected_lost is written to 6

    private string _assignmentDir = null!;   // the assignment alone, as the grader's own folder
    private string _dir = null!;             // submissions and results files
    private string _assignment = null!;

    [OneTimeSetUp]
    public void WriteAssignment()
    {
        _assignmentDir = EndToEndKit.PrivateFolder("rnn-e2e-assignment-");
        _dir = EndToEndKit.PrivateFolder("rnn-e2e-submissions-");
        _assignment = EndToEndKit.WriteAssignment(_assignmentDir, TimeLimitSeconds);
    }

    [OneTimeTearDown]
    public void DeleteFolders()
    {
        EndToEndKit.DeleteFolder(_assignmentDir);
        EndToEndKit.DeleteFolder(_dir);
    }

    public static IEnumerable<string> MistakeIds() => StudentKit.MistakeIds();

    /// <summary>A submission folder holding only rnn_student.py with the given source.</summary>
    private string Submission(string name, string source)
    {
        string dir = Path.Combine(_dir, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "rnn_student.py"), source);
        return dir;
    }

    private static string CorrectSource => File.ReadAllText(Path.Combine(StudentKit.CorrectDir, "rnn_student.py"));

    /// <summary>patch.json's "expected_lost": the points lost per problem (problems not named lose none) and why.</summary>
    private static (Dictionary<string, double> Points, string Why) ExpectedLost(string id)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(StudentKit.MistakesDir, id, "patch.json")))!;
        var lost = root["expected_lost"] ?? throw new AssertionException($"{id}/patch.json has no expected_lost");
        var points = lost["points"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<double>());
        return (points, lost["why"]!.GetValue<string>());
    }

    [Test]
    public void CorrectSubmissionScoresFullMarks()
    {
        ExternalTools.RequirePython("numpy");
        var run = EndToEndKit.Grade(_assignment, Submission("correct", CorrectSource), Path.Combine(_dir, "correct-results.json"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Show());
        Assert.That(run.Score, Is.EqualTo(100.0), run.Show());
        var shipped = EndToEndKit.Shipped();
        Assert.That(run.Problems.Select(p => p.MaxScore), Is.EqualTo(shipped.Problems.Select(p => p.Points)));
        foreach (var p in run.Problems)
        {
            Assert.That(p.Status, Is.EqualTo("passed"), $"{p.Name}\n{p.Output}");
            Assert.That(p.Score, Is.EqualTo(p.MaxScore), p.Name);
            Assert.That(p.Output, Does.Not.Contain("What did not match").And.Not.Contain("Likely cause"), p.Name);
        }
    }

    [Test]
    public void EveryMistakeStatesWhatItLoses()
    {
        var problems = EndToEndKit.Shipped().Problems.ToDictionary(p => p.Name, p => p.Points);
        foreach (string id in StudentKit.MistakeIds())
        {
            var (points, why) = ExpectedLost(id);
            Assert.That(why, Is.Not.Empty, id);
            foreach (var (problem, lost) in points)
            {
                Assert.That(problems.ContainsKey(problem), $"{id}: expected_lost names {problem}, which is not a problem of the shipped assignment");
                Assert.That(lost, Is.GreaterThan(0).And.LessThanOrEqualTo(problems[problem]), $"{id}: {problem}");
            }
        }
    }

    [TestCaseSource(nameof(MistakeIds))]
    public void MistakeLosesExactlyItsExpectedPointsWithItsDiagnosis(string id)
    {
        ExternalTools.RequirePython("numpy");
        var (expectedLost, why) = ExpectedLost(id);
        string source = StudentKit.Apply(CorrectSource, StudentKit.ReadPatch(id));
        var run = EndToEndKit.Grade(_assignment, Submission(id, source), Path.Combine(_dir, id + "-results.json"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Show());

        var catalog = new MistakeCatalog();
        string message = catalog.Get(id).Message;
        var otherMessages = catalog.Mistakes.Where(m => m.Id != id).ToList();
        var shipped = EndToEndKit.Shipped();
        Assert.Multiple(() =>
        {
            foreach (var problem in shipped.Problems)
            {
                var result = run.Problem(problem.Name);
                double lost = problem.Points - result.Score;
                double want = expectedLost.GetValueOrDefault(problem.Name, 0);
                Assert.That(lost, Is.EqualTo(want).Within(PointsTolerance),
                    $"{id}: points lost on {problem.Name} (expected_lost says: {why})\n{result.Output}");
                if (want > 0)
                {
                    Assert.That(result.Status, Is.EqualTo("failed"), $"{id}: {problem.Name}");
                    Assert.That(result.Output, Does.Contain(message), $"{id}: {problem.Name} does not name the mistake\n{result.Output}");
                }
                else
                {
                    Assert.That(result.Status, Is.EqualTo("passed"), $"{id}: {problem.Name}\n{result.Output}");
                }
                foreach (var other in otherMessages)
                    Assert.That(result.Output, Does.Not.Contain(other.Message), $"{id}: {problem.Name} names another mistake, {other.Id}");
            }
            Assert.That(run.Score, Is.EqualTo(100 - expectedLost.Values.Sum()).Within(PointsTolerance), $"{id}: total");
        });
    }
}
