// Each demo at its small size, fixed seed 1, learns: the factors below are the claims, with
// room left under what the seeded runs reach (printed to the test log).
using NUnit.Framework;
using Rnn.Grading.Teaching.Figures;

namespace Rnn.Grading.Tests.Teaching;

public sealed class DemoLearningTests
{
    private static IReadOnlyDictionary<string, double> Metrics(string demo)
    {
        var m = SmallRun.Demos[demo].Metrics;
        foreach (var (k, v) in m) TestContext.Out.WriteLine($"{demo}: {k} = {v:G6}");
        foreach (var line in SmallRun.Demos[demo].Report) TestContext.Out.WriteLine(line);
        return m;
    }

    [Test]
    public void TextGenerationLossFallsByAQuarter()
    {
        var m = Metrics("text-generation");
        // it starts at about ln V (uniform guessing) and must end below 3/4 of where it started
        Assert.That(m["initial_loss"], Is.EqualTo(m["uniform_loss"]).Within(0.1 * m["uniform_loss"]));
        Assert.That(m["final_loss"], Is.LessThan(0.75 * m["initial_loss"]));
        Assert.That(m["heldout_loss"], Is.LessThan(0.8 * m["initial_loss"]), "it generalises to the held-out tenth");
    }

    [Test]
    public void SentimentIsFarAboveChanceOnHeldOutReviews()
    {
        var m = Metrics("sentiment");
        Assert.That(m["test_accuracy"], Is.GreaterThan(m["chance"] + 0.3), "chance is 0.5: at least 0.8 held out");
        Assert.That(m["final_loss"], Is.LessThan(0.2 * m["initial_loss"]), "cross-entropy falls by a factor of 5");
    }

    [Test]
    public void NextWordBeatsTheBestConstantGuess()
    {
        var m = Metrics("next-word");
        Assert.That(m["test_accuracy"], Is.GreaterThan(m["constant_guess_accuracy"] + 0.4));
        Assert.That(m["final_loss"], Is.LessThan(0.3 * m["initial_loss"]));
    }

    [Test]
    public void TheLstmCatchesTheEchoTheCnnCannotSee()
    {
        var m = Metrics("time-series");
        // the Conv1d model cannot beat a model blind to the pulse (0.65 in expectation); the LSTM gets far below it
        Assert.That(m["lstm_test_mse"], Is.LessThan(0.25 * m["cnn_test_mse"]));
        Assert.That(m["lstm_test_mse"], Is.LessThan(0.25 * m["blind_mse"]));
        Assert.That(m["cnn_test_mse"], Is.GreaterThan(0.8 * m["blind_mse"]), "the CNN's receptive field misses the pulse");
    }

    [Test]
    public void ClippingKeepsTheExplodingNetworkTraining()
    {
        var runs = ClippedTrainingFigure.Train();                    // the figure's own size: well under a second
        var unclipped = runs[0].History;
        var clipped = runs[1].History;
        TestContext.Out.WriteLine($"unclipped: {string.Join(" ", unclipped.Epochs.Select(e => e.EndOfEpochTrain!.Loss.ToString("G4")))}");
        TestContext.Out.WriteLine($"clipped:   {string.Join(" ", clipped.Epochs.Select(e => e.EndOfEpochTrain!.Loss.ToString("G4")))}");
        // without clipping the loss explodes (past a million times where it started, or to NaN / infinity)
        Assert.That(unclipped.Epochs.Any(e => !(e.EndOfEpochTrain!.Loss < 1e6 * unclipped.Initial.Loss)), Is.True);
        // with clipping it stays finite and falls by half
        Assert.That(clipped.Epochs.All(e => double.IsFinite(e.EndOfEpochTrain!.Loss)), Is.True);
        Assert.That(clipped.Last.EndOfEpochTrain!.Loss, Is.LessThan(0.5 * clipped.Initial.Loss));
    }

    [Test]
    public void SmallerBatchesGetFurtherPerEpoch()
    {
        var runs = BatchSizeFigure.Train(N: 48, epochs: 8);
        var final = runs.Select(r => r.History.Last.EndOfEpochTrain!.Loss).ToArray();
        TestContext.Out.WriteLine($"final training MSE: full batch {final[0]:G4}, minibatch {final[1]:G4}, stochastic {final[2]:G4}");
        Assert.That(runs.Select(r => r.History.Last.Steps), Is.EqualTo(new[] { 1, 3, 48 }), "ceil(N / B) steps per epoch");
        Assert.That(final[1], Is.LessThan(0.5 * final[0]), "after 8 epochs minibatches (24 steps) are well ahead of the full batch (8 steps)");
        Assert.That(final[0], Is.LessThan(runs[0].History.Initial.Loss), "the full batch still descends");
    }
}
