// The fork bomb graded whole by `grade --submission`: 0 on every problem, each stopped at the
// time limit (1 s here). Not run beside other fixtures: the process limit it runs into
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
        var (run, _) = grading.Grade("fork-bomb", timeLimitSeconds: 1);
        Assert.Multiple(() =>
        {
            foreach (var p in run.Problems)
                Assert.That(p.Output, Does.Contain("your program did not finish within the time limit of 1 s"), p.Name);
        });
        // the bomb reports only once its forks have stopped, which a loaded machine may not reach within 1 s every time
        Assert.That(run.Problems.Any(p => p.Output.Contains("stopped by: BlockingIOError(11, 'Resource temporarily unavailable')")),
            "no run reached the process limit\n" + run.Show());
    }
}
