// grading/examples/answers/with-mistakes.json: it is exactly what `grade demo-answers` writes
// (so its README describes it truly), and grading it loses points exactly where the README
// says the mistakes are.
using System.Text;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Oracle;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Autograder;

public sealed class DemoAnswersTests
{
    [Test]
    public void CheckedInFileIsWhatTheCommandWrites()
    {
        using var s = new MemoryStream();
        CaseFile.WriteResults(s, DemoAnswers.Build(Shipped()));
        Assert.That(File.ReadAllText(DemoAnswersPath), Is.EqualTo(Encoding.UTF8.GetString(s.ToArray())),
            "regenerate: dotnet run --project grading/Grading -c Release -- grade demo-answers "
            + "--assignment grading/assignments/rnn-slides.json -o grading/examples/answers/with-mistakes.json");
    }

    [Test]
    public void PointsAreLostExactlyWhereTheMistakesAre()
    {
        var a = Shipped();
        var run = new Grader(new AnswersFileSource(DemoAnswersPath)).Grade(a, Path.Combine(TempDir(), "results.json"));
        ProblemOutcome P(string name) => run.Problems.Single(o => o.Problem.Name == name);

        foreach (var name in new[] { "relu-rnn-forward", "relu-rnn-bptt", "gru-forward", "gru-bptt" })
            Assert.That(P(name).FullMarks, Is.True, name);

        // gate order i, f, o, g changes every output and every gradient
        Assert.That(P("lstm-forward").PassedTensors, Is.EqualTo(0));
        Assert.That(P("lstm-bptt").PassedTensors, Is.EqualTo(0));

        // Adam without bias correction moves the weight differently from the first step on
        Assert.That(P("adam-step").PassedTensors, Is.EqualTo(0));

        // one error entry, in the case with the smallest batch: its 7 checked tensors of 35 fail, 15 * 28 / 35 = 12
        var tanh = P("tanh-rnn-cell");
        var smallest = CaseStreams.Graded(a, tanh.Problem).OrderBy(c => c.Inputs["input"].Shape[1]).First().Id;
        Assert.That(tanh.Failures.Select(f => (f.CaseId, f.Reason)),
            Is.EqualTo(new[] { (smallest, "your program reported an error: " + DemoAnswers.TanhErrorText) }));
        Assert.That(tanh.Score, Is.EqualTo(12.0));

        // squared norm: total_norm (the sum of squares) is wrong in every case; the clipped
        // gradients are right only where neither rule clips
        var clip = P("clip-grad-norm");
        var cases = CaseStreams.Graded(a, clip.Problem);
        foreach (var c in cases)
            Assert.That(clip.Failures.Any(f => f.CaseId == c.Id && f.Tensor == "outputs.total_norm"), c.Id);
        Assert.That(clip.PassedTensors, Is.GreaterThan(0));
        Assert.That(clip.Score, Is.LessThan(clip.Problem.Points));
        foreach (var c in cases.Where((_, k) => k % 2 == 0))
            Assert.That(clip.Failures.Any(f => f.CaseId == c.Id && f.Tensor == "outputs.weight_ih_l0"), $"{c.Id} clips, so its result differs");
    }
}
