// The hostile submissions that attack the grader's resources (time, memory, output, disk),
// graded whole by `grade --submission`: each scores 0 on every problem, with feedback that
// says what stopped it, and results.json stays valid (HostileGrading checks that, the scores
// and the leak search). The two that never finish get a 1 s limit per problem (they score 0
// at the limit however far they got, so that is deterministic), output-flood 10 s (what is
// checked of it holds whether it ends or is timed out); every other one ends by itself
// (at the memory or file-size limit, or at the end of its output) and gets 300 s, a backstop it
// never reaches whatever the machine's speed: memory-hog writes every page of up to 4 GiB before
// the address-space limit stops it, which took more than 10 s on a loaded 2-core machine; the
// test takes as long as that takes. Expected outcomes: grading/examples/hostile/README.md.
// Its tests may run at the same time as each other and as other fixtures: each run has its own
// folders (memory-hog holds up to 4 GiB at a time).
// The fork bomb is graded in ForkBombGradingTests, alone.
using System.Runtime.Versioning;
using NUnit.Framework;

namespace Rnn.Grading.Tests.EndToEnd;

[Parallelizable(ParallelScope.All)]
[SupportedOSPlatform("linux")]
public sealed class HostileLimitsGradingTests
{
    private HostileGrading _grading = null!;

    [OneTimeSetUp]
    public void Prepare() => _grading = new HostileGrading();

    [OneTimeTearDown]
    public void CleanUp() => _grading.Dispose();

    private static void EveryProblemSays(GradeRun run, params string[] texts)
    {
        // an error every case of every problem reported is said once, at the top of results.json
        string top = (string)System.Text.Json.Nodes.JsonNode.Parse(run.ResultsText)!["output"]!;
        Assert.Multiple(() =>
        {
            foreach (var p in run.Problems)
                foreach (string text in texts)
                    Assert.That(p.Output.Contains("the error shown at the top of the results", StringComparison.Ordinal) ? top : p.Output,
                        Does.Contain(text), p.Name);
        });
    }

    [Test]
    public void InfiniteLoopScoresZeroAtTheTimeLimitOfEveryProblem()
    {
        // it reports once its daemon runs, which on a loaded machine may come after 1 s: the limit
        // grows fourfold until some problem's run got that far (the outcome never depends on speed)
        const string Ready = "infinite-loop: daemon started, now spinning forever";
        GradeRun run;
        int limit = 1;
        while (true)
        {
            (run, _) = _grading.Grade("infinite-loop", timeLimitSeconds: limit);
            if (run.Problems.Any(p => p.Output.Contains(Ready)) || limit >= 64) break;
            TestContext.Progress.WriteLine($"no run started its daemon within {limit} s (a loaded machine): grading again with a longer limit");
            limit *= 4;
        }
        EveryProblemSays(run,
            $"No answers could be read for this problem: your program did not finish within the time limit of {limit} s",
            "every process was killed");
        Assert.That(run.Problems.Any(p => p.Output.Contains(Ready)),
            "no run got as far as starting its daemon\n" + run.Show());
    }

    [Test]
    public void MemoryHogScoresZeroWithTheMemoryErrorItHit()
    {
        var (run, _) = _grading.Grade("memory-hog", timeLimitSeconds: 300);
        EveryProblemSays(run, "could not import rnn_student.py: MemoryError", "memory-hog: MemoryError after");
    }

    [Test]
    public void OutputFloodScoresZeroAndOnlyTheHeadAndTailOfItsOutputAreShown()
    {
        var (run, _) = _grading.Grade("output-flood", timeLimitSeconds: 10);   // what is asserted holds whether it ends or times out
        // the grader keeps 64 KiB of each stream, and the feedback the first 6000 characters of those
        EveryProblemSays(run, "output-flood: first line", "more characters not shown]");
        foreach (var p in run.Problems)
            Assert.That(p.Output.Length, Is.LessThan(10_000), $"{p.Name}: the feedback keeps only the start of the flood");
    }

    [Test]
    public void HugeFileScoresZeroStoppedByTheFileSizeLimit()
    {
        var (run, _) = _grading.Grade("huge-file", timeLimitSeconds: 300);
        EveryProblemSays(run, "could not import rnn_student.py: OSError: [Errno 27] File too large",
            "huge-file: stopped after 67108864 bytes");
    }
}
