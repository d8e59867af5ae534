using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;
using Property = FsCheck.Property;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Rnn.Reference.Tests.Training;

public sealed class TrainerTests
{
    private static SequenceClassifier SmallClassifier(ulong seed) =>
        SequenceClassifier.Create(new SequenceClassifierConfig(SyntheticData.SentimentVocabulary, 3, 4, 2), seed);

    private static Conv1dRegressor SmallConv(ulong seed) =>
        Conv1dRegressor.Create(new Conv1dRegressorConfig(1, 8, 2, 3, 2, 1), seed);

    private static double MaxAbsDifference(NamedTensors a, NamedTensors b) =>
        a.ToFlat().Zip(b.ToFlat(), (x, y) => Math.Abs(x - y)).Max();

    [Property(MaxTest = 25)]
    public Property AMinibatchEpochWithBatchSizeNIsOneFullBatchStep() =>
        Prop.ForAll(Gen.Choose(1, 10).ToArbitrary(), Gen.Choose(0, 10000).ToArbitrary(), (N, seed) =>
        {
            // loop: one epoch, batch size N (the shuffled order changes only the summation order)
            var data = SyntheticData.Sentiment(N, (ulong)seed);
            var looped = SmallClassifier((ulong)seed);
            Trainer.Fit(looped, new ClassificationLoss(), new Sgd(new SgdOptions(0.5)), data,
                new TrainingOptions(Epochs: 1, BatchSize: N) { Seed = (ulong)seed + 1 });

            // by hand: "average loss -> compute gradient & move optimizer" over all N examples at once
            var byHand = SmallClassifier((ulong)seed);
            int[] all = Enumerable.Range(0, N).ToArray();
            var cache = byHand.Forward(data.Inputs(all));
            var grads = byHand.Backward(new ClassificationLoss().Compute(cache.Logits, data.Targets(all)).dOutput, cache);
            GradientDescent.Step(byHand.Parameters, grads, 0.5);

            return MaxAbsDifference(looped.Parameters, byHand.Parameters) <= 1e-12;
        });

    [Test]
    public void FullBatchEqualityHoldsForTheConvRegressorToo()
    {
        var data = SyntheticData.SineForConv(13, 8, seed: 4);
        var looped = SmallConv(5);
        Trainer.Fit(looped, new MeanSquaredErrorLoss(), new Sgd(new SgdOptions(0.1)), data, new TrainingOptions(1, 13) { Seed = 9 });
        var byHand = SmallConv(5);
        int[] all = Enumerable.Range(0, 13).ToArray();
        var cache = byHand.Forward(data.Inputs(all));
        GradientDescent.Step(byHand.Parameters, byHand.Backward(new MeanSquaredErrorLoss().Compute(cache.Predictions, data.Targets(all)).dOutput, cache), 0.1);
        Assert.That(MaxAbsDifference(looped.Parameters, byHand.Parameters), Is.LessThanOrEqualTo(1e-12));
        Assert.That(MaxAbsDifference(looped.Parameters, SmallConv(5).Parameters), Is.GreaterThan(1e-4));   // it did move
    }

    [Property(MaxTest = 30)]
    public Property AnEpochTakesCeilNOverBStepsAndSgdWithBatchSize1TakesN() =>
        Prop.ForAll(Gen.Choose(1, 12).ToArbitrary(), Gen.Choose(1, 14).ToArbitrary(), Gen.Choose(1, 3).ToArbitrary(), (N, B, epochs) =>
        {
            var data = SyntheticData.SineForConv(N, 8, seed: 1);
            var counting = new CountingOptimizer(new Sgd(new SgdOptions(0.01)));
            var history = Trainer.Fit(SmallConv(2), new MeanSquaredErrorLoss(), counting, data, new TrainingOptions(epochs, B));
            int perEpoch = (N + B - 1) / B;
            var sgd = new CountingOptimizer(new Sgd(new SgdOptions(0.01)));
            Trainer.Fit(SmallConv(2), new MeanSquaredErrorLoss(), sgd, data, new TrainingOptions(epochs, 1));
            return counting.Steps == epochs * perEpoch
                && history.Epochs.All(e => e.Steps == perEpoch)
                && sgd.Steps == epochs * N;                              // "N updates per epoch"
        });

    [Property(MaxTest = 30)]
    public Property HistoryHasOneRecordPerEpoch() =>
        Prop.ForAll(Gen.Choose(1, 6).ToArbitrary(), Gen.Elements(true, false).ToArbitrary(), Gen.Elements(true, false).ToArbitrary(),
            (epochs, withValidation, endOfEpoch) =>
            {
                var history = Trainer.Fit(SmallConv(3), new MeanSquaredErrorLoss(), new Sgd(new SgdOptions(0.01)),
                    SyntheticData.SineForConv(6, 8, 1), new TrainingOptions(epochs, 4) { EvaluateTrainingSetAfterEpoch = endOfEpoch },
                    withValidation ? SyntheticData.SineForConv(3, 8, 2) : null);
                return history.Epochs.Count == epochs
                    && history.TrainLosses.Length == epochs
                    && history.Epochs.Select(e => e.Epoch).SequenceEqual(Enumerable.Range(1, epochs))
                    && history.Epochs.All(e => (e.Validation is not null) == withValidation && (e.EndOfEpochTrain is not null) == endOfEpoch)
                    && history.Epochs.All(e => e.TrainAccuracy is null);      // regression has no accuracy
            });

    [Test]
    public void EachEpochVisitsEveryExampleOnceInTheSeedsOrder()
    {
        var data = new RecordingDataSet<Tensor, Tensor>(SyntheticData.SineForConv(10, 8, 1));
        Trainer.Fit(SmallConv(1), new MeanSquaredErrorLoss(), new Sgd(new SgdOptions(0.01)), data,
            new TrainingOptions(Epochs: 3, BatchSize: 4) { Seed = 77, EvaluationBatchSize = 10 });
        // request 0: the initial evaluation (all 10, in order); then 3 epochs of batches 4, 4, 2
        Assert.That(data.Requests[0], Is.EqualTo(Enumerable.Range(0, 10)));
        var epochs = data.Requests.Skip(1).ToList();
        Assert.That(epochs.Select(r => r.Length), Is.EqualTo(new[] { 4, 4, 2, 4, 4, 2, 4, 4, 2 }));
        var rng = new SeededRandom(77);
        for (int e = 0; e < 3; e++)
        {
            var visited = epochs.Skip(3 * e).Take(3).SelectMany(r => r).ToArray();
            Assert.That(visited, Is.EqualTo(EpochOrder.Shuffled(10, rng)), $"epoch {e + 1}");
            Assert.That(visited.Order(), Is.EqualTo(Enumerable.Range(0, 10)));
        }

        var inOrder = new RecordingDataSet<Tensor, Tensor>(SyntheticData.SineForConv(5, 8, 1));
        Trainer.Fit(SmallConv(1), new MeanSquaredErrorLoss(), new Sgd(new SgdOptions(0.01)), inOrder,
            new TrainingOptions(2, 2) { Shuffle = false, EvaluationBatchSize = 5 });
        Assert.That(inOrder.Requests.Skip(1).SelectMany(r => r), Is.EqualTo(new[] { 0, 1, 2, 3, 4, 0, 1, 2, 3, 4 }));
    }

    [Test]
    public void WithoutShufflingStochasticGradientDescentIsAPlainLoopOverTheExamples()
    {
        var data = SyntheticData.Sentiment(7, seed: 3);
        var looped = SmallClassifier(4);
        Trainer.Fit(looped, new ClassificationLoss(), new Sgd(new SgdOptions(0.2)), data, new TrainingOptions(2, 1) { Shuffle = false });
        // "SGD: compute gradient using only 1 training example at a time"
        var byHand = SmallClassifier(4);
        var sgd = new Sgd(new SgdOptions(0.2));
        for (int epoch = 0; epoch < 2; epoch++)
            for (int n = 0; n < 7; n++)
                Trainer.Step(byHand, new ClassificationLoss(), sgd, data.Inputs([n]), data.Targets([n]));
        Assert.That(looped.Parameters.ToFlat(), Is.EqualTo(byHand.Parameters.ToFlat()));
    }

    [Test]
    public void TrainLossIsTheBatchSizeWeightedMeanOfTheBatchLosses()
    {
        // with lr = 0 nothing moves, so the weighted mean over batches of 3, 3 and 1 examples is exactly
        // the mean over the 7 examples; the plain mean of the three batch means is not
        var data = SyntheticData.Sentiment(7, seed: 5);
        var model = SmallClassifier(6);
        var loss = new ClassificationLoss();
        var history = Trainer.Fit(model, loss, new Sgd(new SgdOptions(0)), data, new TrainingOptions(1, 3) { Shuffle = false });
        var whole = Trainer.Evaluate(model, loss, data, batchSize: 7);
        Assert.That(history.Last.TrainLoss, Is.EqualTo(whole.Loss).Within(1e-14));
        Assert.That(history.Last.TrainAccuracy, Is.EqualTo(whole.Accuracy));
        Assert.That(history.Initial.Loss, Is.EqualTo(whole.Loss).Within(1e-14));
        double[] batchMeans =
        [
            loss.Compute(model.Forward(data.Inputs([0, 1, 2])).Logits, data.Targets([0, 1, 2])).Loss,
            loss.Compute(model.Forward(data.Inputs([3, 4, 5])).Logits, data.Targets([3, 4, 5])).Loss,
            loss.Compute(model.Forward(data.Inputs([6])).Logits, data.Targets([6])).Loss,
        ];
        Assert.That((3 * batchMeans[0] + 3 * batchMeans[1] + batchMeans[2]) / 7, Is.EqualTo(history.Last.TrainLoss).Within(1e-14));
        Assert.That(Math.Abs(batchMeans.Average() - history.Last.TrainLoss), Is.GreaterThan(1e-6));
    }

    [Test]
    public void ValidationAndEndOfEpochNumbersAreEvaluationsAfterTheEpoch()
    {
        var train = SyntheticData.Sentiment(12, seed: 8);
        var validation = SyntheticData.Sentiment(5, seed: 9);
        var model = SmallClassifier(10);
        var loss = new ClassificationLoss();
        var history = Trainer.Fit(model, loss, new Adam(new AdamOptions { Lr = 0.05 }), train,
            new TrainingOptions(3, 4) { EvaluateTrainingSetAfterEpoch = true }, validation);
        Assert.That(history.Last.Validation, Is.EqualTo(Trainer.Evaluate(model, loss, validation)));
        Assert.That(history.Last.EndOfEpochTrain, Is.EqualTo(Trainer.Evaluate(model, loss, train)));
        Assert.That(history.Last.EndOfEpochTrain!.Loss, Is.Not.EqualTo(history.Last.TrainLoss));   // the running mean is another number
    }

    [Test]
    public void ClippingIsAppliedBeforeEachStep()
    {
        // clip_grad_value_ to 1e-3 then SGD with lr 1: every parameter moves by exactly -clamp(g, -1e-3, 1e-3)
        var data = SyntheticData.SineForConv(6, 8, 2);
        var model = SmallConv(3);
        var before = model.Parameters.Clone();
        Trainer.Fit(model, new MeanSquaredErrorLoss(), new Sgd(new SgdOptions(1)), data,
            new TrainingOptions(1, 6) { Shuffle = false, Clipping = new ClipValue(1e-3) });
        var cache = before.Clone();
        var reference = new Conv1dRegressor(SmallConv(3).Config, cache);
        int[] all = Enumerable.Range(0, 6).ToArray();
        var c = reference.Forward(data.Inputs(all));
        var g = reference.Backward(new MeanSquaredErrorLoss().Compute(c.Predictions, data.Targets(all)).dOutput, c).ToFlat();
        var moved = model.Parameters.ToFlat().Zip(before.ToFlat(), (a, b) => a - b).ToArray();
        Assert.That(g.Count(v => Math.Abs(v) > 1e-3), Is.GreaterThan(0), "some gradients must be big enough to clip");
        for (int i = 0; i < g.Length; i++)
            Assert.That(moved[i], Is.EqualTo(-Math.Clamp(g[i], -1e-3, 1e-3)).Within(1e-15));

        // global-norm clipping: after the step the parameters moved by lr * g * max_norm / (||g|| + 1e-6)
        var model2 = SmallConv(3);
        Trainer.Fit(model2, new MeanSquaredErrorLoss(), new Sgd(new SgdOptions(1)), data,
            new TrainingOptions(1, 6) { Shuffle = false, Clipping = new ClipNorm(0.01) });
        double norm = Math.Sqrt(g.Sum(v => v * v));
        Assert.That(norm, Is.GreaterThan(0.01));
        var moved2 = model2.Parameters.ToFlat().Zip(before.ToFlat(), (a, b) => a - b).ToArray();
        for (int i = 0; i < g.Length; i++)
            Assert.That(moved2[i], Is.EqualTo(-g[i] * 0.01 / (norm + 1e-6)).Within(1e-15));
    }

    [Test]
    public void ProgressWritesOneLinePerEpochAndNullWritesNothing()
    {
        var originalOut = Console.Out;
        var originalError = Console.Error;
        var console = new StringWriter();
        try
        {
            Console.SetOut(console);
            Console.SetError(console);
            Trainer.Fit(SmallClassifier(1), new ClassificationLoss(), new Sgd(new SgdOptions(0.1)), SyntheticData.Sentiment(6, 1),
                new TrainingOptions(3, 2), SyntheticData.Sentiment(3, 2), progress: null);
            UdaPytorchUtils.ClassifierFit(SmallClassifier(1), new Sgd(new SgdOptions(0.1)), new ClassificationLoss(),
                SyntheticData.Sentiment(6, 1), null, numEpochs: 2, batchSize: 2);
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
        Assert.That(console.ToString(), Is.Empty);

        var progress = new StringWriter();
        Trainer.Fit(SmallClassifier(1), new ClassificationLoss(), new Sgd(new SgdOptions(0.1)), SyntheticData.Sentiment(6, 1),
            new TrainingOptions(3, 2), SyntheticData.Sentiment(3, 2), progress);
        var lines = progress.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Does.StartWith("epoch 1/3 - 3 steps - cross_entropy "));
        Assert.That(lines[2], Does.StartWith("epoch 3/3 - 3 steps - cross_entropy ").And.Contain(" - accuracy ").And.Contain(" - val_cross_entropy ").And.Contain(" - val_accuracy "));
    }
}
