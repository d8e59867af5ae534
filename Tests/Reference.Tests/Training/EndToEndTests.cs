// Training reduces the loss on small seeded problems, one per slide example: many-to-one
// sentiment classification, next-token prediction (with full BPTT and with truncated BPTT), and
// time-series regression with the 1-D CNN and with the LSTM. Every run is deterministic (seeded
// data, initialisation and shuffling); each prints its initial and final losses.
using NUnit.Framework;
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Training;

namespace Rnn.Reference.Tests.Training;

public sealed class EndToEndTests
{
    private static void Report(string label, TrainingHistory h)
    {
        var last = h.Last;
        TestContext.Out.WriteLine(
            $"e2e {label}: loss {h.Initial.Loss:F4} -> {last.TrainLoss:F4}" +
            (last.EndOfEpochTrain is { } e ? $" (end of epoch {e.Loss:F4})" : "") +
            (h.Initial.Accuracy is double a0 ? $", accuracy {a0:F3} -> {last.EndOfEpochTrain?.Accuracy ?? last.TrainAccuracy:F3}" : "") +
            (last.Validation is { } v ? $", validation loss {v.Loss:F4}" + (v.Accuracy is double va ? $", accuracy {va:F3}" : "") : ""));
    }

    [Test]
    public void SentimentClassificationLearnsNotGoodAndNotBad()
    {
        // "The food was good, not bad at all." vs "The food was bad, not good at all."
        var train = SyntheticData.Sentiment(64, seed: 1);
        var validation = SyntheticData.Sentiment(32, seed: 2);
        var model = SequenceClassifier.Create(new SequenceClassifierConfig(SyntheticData.SentimentVocabulary, 4, 8, 2), seed: 3);
        var history = UdaPytorchUtils.ClassifierFit(model, new Adam(new AdamOptions { Lr = 0.03 }), new ClassificationLoss(),
            train, validation, numEpochs: 40, batchSize: 8, seed: 4);
        Report("sentiment (LSTM classifier)", history);
        var end = history.Last.EndOfEpochTrain!;
        Assert.That(end.Loss, Is.LessThan(history.Initial.Loss / 2));
        Assert.That(end.Accuracy, Is.GreaterThan(0.9));                    // chance is 0.5
        Assert.That(history.Last.Validation!.Accuracy, Is.GreaterThan(0.75));
    }

    [Test]
    public void NextTokenPredictionOfARepeatingSequence()
    {
        // 0 1 0 2 0 1 0 2 ...: after a 0 the next token is 1 or 2 depending on the token before
        var train = SyntheticData.RepeatingSequences(16, length: 8, seed: 5);
        var model = NextTokenModel.Create(new NextTokenModelConfig(3, 3, 8), seed: 6);
        var history = Trainer.Fit(model, new ClassificationLoss(), new Adam(new AdamOptions { Lr = 0.03 }), train,
            new TrainingOptions(Epochs: 40, BatchSize: 4) { Seed = 7 });
        Report("next token (LSTM, full BPTT)", history);
        Assert.That(history.Last.TrainLoss, Is.LessThan(history.Initial.Loss / 2));
        // only the very first step of a window is ambiguous (0 -> 1 or 2), so 7.5 of 8 steps are predictable
        Assert.That(Trainer.Evaluate(model, new ClassificationLoss(), train).Accuracy, Is.GreaterThan(0.85));
    }

    [Test]
    public void NextTokenPredictionWithTruncatedBptt()
    {
        // one stream of the pattern, 4 columns of 50 tokens, TBPTT(k1 = 5, k2 = 8)
        var stream = Enumerable.Range(0, 200).Select(t => SyntheticData.Pattern[t % 4]).ToArray();
        var (ids, targets) = TruncatedBptt.Batchify(stream, 4);
        var model = NextTokenModel.Create(new NextTokenModelConfig(3, 3, 8), seed: 8);
        var history = TruncatedBptt.Train(model, new Adam(new AdamOptions { Lr = 0.03 }), ids, targets, k1: 5, k2: 8, epochs: 15);
        Report("next token (LSTM, TBPTT(5, 8))", history);
        Assert.That(history.Last.TrainLoss, Is.LessThan(history.Initial.Loss / 2));
        Assert.That(history.Last.TrainAccuracy, Is.GreaterThan(0.9));     // chance is 1/3
    }

    [Test]
    public void TimeSeriesRegressionWithTheConvolutionalModel()
    {
        var train = SyntheticData.SineForConv(64, 12, seed: 9);
        var model = Conv1dRegressor.Create(new Conv1dRegressorConfig(1, 12, 4, 3, 2, 1), seed: 10);
        var history = Trainer.Fit(model, new MeanSquaredErrorLoss(), new Adam(new AdamOptions { Lr = 0.01 }), train,
            new TrainingOptions(Epochs: 60, BatchSize: 16) { Seed = 11 });
        Report("noisy sine (Conv1d regressor)", history);
        Assert.That(history.Last.TrainLoss, Is.LessThan(history.Initial.Loss / 2));
    }

    [Test]
    public void TimeSeriesRegressionWithTheLstmModel()
    {
        var train = SyntheticData.SineForLstm(64, 12, seed: 9);
        var model = LstmRegressor.Create(new LstmRegressorConfig(1, 8, 1), seed: 12);
        var history = Trainer.Fit(model, new MeanSquaredErrorLoss(), new Adam(new AdamOptions { Lr = 0.01 }), train,
            new TrainingOptions(Epochs: 30, BatchSize: 16) { Seed = 13, Clipping = new ClipNorm(1.0) },
            validation: SyntheticData.SineForLstm(16, 12, seed: 14));
        Report("noisy sine (LSTM regressor)", history);
        Assert.That(history.Last.TrainLoss, Is.LessThan(history.Initial.Loss / 2));
        Assert.That(history.Last.Validation!.Loss, Is.LessThan(history.Initial.Loss / 2));
    }
}
