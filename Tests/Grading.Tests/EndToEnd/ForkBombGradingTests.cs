// The fork bomb graded whole by `grade --submission`: 0 on every problem, each stopped at the
// time limit (1 s here, longer if a loaded machine needs it). Not run beside other fixtures: the process limit it runs into
// (RLIMIT_NPROC) counts every process of the student's user, so while it holds its 63
// children another run's student program could not start.
using System.Runtime.Versioning;
using NUnit.Framework;

namespace Rnn.Grading.Tests.EndToEnd;

[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class ForkBombGradingTests
{
    [Test]
    public void ForkBombScoresZeroAtTheTimeLimitOfEveryProblem()
    {
        using var grading = new HostileGrading();
        // the bomb reports only once its forks have stopped; a loaded machine may not get there
        // within 1 s, so the limit grows fourfold until some problem's run did (the scores and
        // the messages are asserted at whatever limit was used: the outcome never depends on speed)
        const string Stopped = "stopped by: BlockingIOError(11, 'Resource temporarily unavailable')";
        GradeRun run;
        int limit = 1;
        while (true)
        {
            (run, _) = grading.Grade("fork-bomb", timeLimitSeconds: limit);
            if (run.Problems.Any(p => p.Output.Contains(Stopped)) || limit >= 64) break;
            TestContext.Progress.WriteLine($"no run reached the process limit within {limit} s (a loaded machine): grading again with a longer limit");
            limit *= 4;
        }
        Assert.Multiple(() =>
        {
            foreach (var p in run.Problems)
                Assert.That(p.Output, Does.Contain($"your program did not finish within the time limit of {limit} s"), p.Name);
        });
        Assert.That(run.Problems.Any(p => p.Output.Contains(Stopped)),
            "no run reached the process limit\n" + run.Show());
    }
}
