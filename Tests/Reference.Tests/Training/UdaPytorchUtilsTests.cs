using NUnit.Framework;
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;

namespace Rnn.Reference.Tests.Training;

public sealed class UdaPytorchUtilsTests
{
    private static SequenceClassifier Classifier(ulong seed) =>
        SequenceClassifier.Create(new SequenceClassifierConfig(SyntheticData.SentimentVocabulary, 3, 5, 2), seed);

    private static double Accuracy(int[] predicted, int[] labels) =>
        (double)predicted.Zip(labels).Count(p => p.First == p.Second) / labels.Length;

    [Test]
    public void FitReportsTheAccuraciesPredictGivesAfterEachEpoch()
    {
        // UDA_pytorch_classifier_fit computes, after every epoch, UDA_compute_accuracy(
        //   UDA_pytorch_classifier_predict(model, proper_train_dataset), labels) and the same on val_dataset
        var train = SyntheticData.Sentiment(20, seed: 1);
        var validation = SyntheticData.Sentiment(9, seed: 2);
        var model = Classifier(3);
        var history = UdaPytorchUtils.ClassifierFit(model, new Adam(new AdamOptions { Lr = 0.05 }), new ClassificationLoss(),
            train, validation, numEpochs: 4, batchSize: 6, seed: 11);
        Assert.That(history.Epochs, Has.Count.EqualTo(4));
        Assert.That(history.Epochs.All(e => e.Steps == 4));                          // ceil(20 / 6)
        int[] all = Enumerable.Range(0, 20).ToArray(), allVal = Enumerable.Range(0, 9).ToArray();
        var trainPrediction = UdaPytorchUtils.ClassifierPredict(model, train);
        var valPrediction = UdaPytorchUtils.ClassifierPredict(model, validation);
        Assert.That(history.Last.EndOfEpochTrain!.Accuracy, Is.EqualTo(Accuracy(trainPrediction.Labels, train.Targets(all))));
        Assert.That(history.Last.Validation!.Accuracy, Is.EqualTo(Accuracy(valPrediction.Labels, validation.Targets(allVal))));

        // the same seed gives the same run
        var again = Classifier(3);
        var history2 = UdaPytorchUtils.ClassifierFit(again, new Adam(new AdamOptions { Lr = 0.05 }), new ClassificationLoss(),
            train, validation, numEpochs: 4, batchSize: 6, seed: 11);
        Assert.That(again.Parameters.ToFlat(), Is.EqualTo(model.Parameters.ToFlat()));
        Assert.That(history2.TrainLosses, Is.EqualTo(history.TrainLosses));
    }

    [Test]
    public void TransformConcatenatesBatchesAndDoesNotDependOnTheBatchSize()
    {
        var data = SyntheticData.Sentiment(11, seed: 4);
        var model = Classifier(5);
        // one forward over all 11 (padded to the longest of all) ...
        var whole = model.Forward(data.Inputs(Enumerable.Range(0, 11).ToArray()));
        foreach (int batchSize in new[] { 1, 3, 11, 128 })
        {
            // ... equals batches of any size (each padded to its own longest): padding is never read
            var representation = UdaPytorchUtils.ModelTransform(model, data, TransformOutput.Representation, batchSize);
            var output = UdaPytorchUtils.ModelTransform(model, data, TransformOutput.Output, batchSize);
            Assert.That(representation.Shape, Is.EqualTo(new[] { 11, 5 }));
            Assert.That(representation.Data, Is.EqualTo(whole.Last.Data), $"batch size {batchSize}");
            Assert.That(output.Data, Is.EqualTo(whole.Logits.Data), $"batch size {batchSize}");
        }
    }

    [Test]
    public void TransformOfATimeMajorModelConcatenatesAlongTheBatchAxis()
    {
        var data = SyntheticData.RepeatingSequences(5, length: 4, seed: 2);
        var model = NextTokenModel.Create(new NextTokenModelConfig(3, 2, 3, CellKind.Gru), seed: 3);
        var whole = model.Forward(data.Inputs([0, 1, 2, 3, 4]));
        var output = UdaPytorchUtils.ModelTransform(model, data, TransformOutput.Output, batchSize: 2);
        Assert.That(output.Shape, Is.EqualTo(new[] { 4, 5, 3 }));                     // [T, N, V]
        Assert.That(output.Data, Is.EqualTo(whole.Logits.Data));
        var representation = UdaPytorchUtils.ModelTransform(model, data, TransformOutput.Representation, batchSize: 3);
        Assert.That(representation.Data, Is.EqualTo(whole.Representation.Data));
    }

    [Test]
    public void PredictIsArgmaxWithSoftmaxProbabilities()
    {
        var data = new TokenSequenceDataSet([[1, 2], [3], [5, 4, 0]], null, SyntheticData.SentimentVocabulary);   // inputs only
        var model = Classifier(6);
        var prediction = UdaPytorchUtils.ClassifierPredict(model, data, batchSize: 2);
        var logits = model.Forward(data.Inputs([0, 1, 2])).Logits;
        for (int n = 0; n < 3; n++)
        {
            int argmax = logits.Data[2 * n + 1] > logits.Data[2 * n] ? 1 : 0;
            Assert.That(prediction.Labels[n], Is.EqualTo(argmax));
            Assert.That(prediction.Probabilities.Data[2 * n] + prediction.Probabilities.Data[2 * n + 1], Is.EqualTo(1).Within(1e-15));
            // p1 / p0 = exp(z1 - z0)
            Assert.That(prediction.Probabilities.Data[2 * n + 1] / prediction.Probabilities.Data[2 * n],
                Is.EqualTo(Math.Exp(logits.Data[2 * n + 1] - logits.Data[2 * n])).Within(1e-12));
        }
    }

    [Test]
    public void HeadsKnownValues()
    {
        // softmax of [0, ln 3] = [1/4, 3/4]; loss for label 1 = -ln(3/4) = ln(4/3); dLogits = p - onehot = [1/4, -1/4]
        var logits = new Tensor([1, 2], [0, Math.Log(3)]);
        var ce = new ClassificationLoss().Compute(logits, [1]);
        Assert.That(ce.Loss, Is.EqualTo(Math.Log(4.0 / 3.0)).Within(1e-15));
        Assert.That(ce.dOutput.Data[0], Is.EqualTo(0.25).Within(1e-15));
        Assert.That(ce.dOutput.Data[1], Is.EqualTo(-0.25).Within(1e-15));
        Assert.That(ce.Correct, Is.EqualTo(1));
        Assert.That(ClassificationLoss.Probabilities(logits, ClassifierHead.Softmax).Data[1], Is.EqualTo(0.75).Within(1e-15));

        // sigmoid head: logit ln 3 -> p = 3/4, class 1; logit 0 -> p = 1/2, class 0 (as argmax of [1/2, 1/2]); logit -ln 3 -> 1/4
        //   loss for labels [1, 1, 0] = mean(-ln(3/4), -ln(1/2), -ln(3/4)) = (2 ln(4/3) + ln 2) / 3
        var one = new Tensor([3, 1], [Math.Log(3), 0, -Math.Log(3)]);
        Assert.That(ClassificationLoss.PredictedClasses(one, ClassifierHead.Sigmoid), Is.EqualTo(new[] { 1, 0, 0 }));
        var p = ClassificationLoss.Probabilities(one, ClassifierHead.Sigmoid);
        Assert.That(p.Shape, Is.EqualTo(new[] { 3, 2 }));
        Assert.That(p.Data, Is.EqualTo(new[] { 0.25, 0.75, 0.5, 0.5, 0.75, 0.25 }).Within(1e-15));
        var bce = new ClassificationLoss(ClassifierHead.Sigmoid).Compute(one, [1, 1, 0]);
        Assert.That(bce.Loss, Is.EqualTo((2 * Math.Log(4.0 / 3.0) + Math.Log(2)) / 3).Within(1e-15));
        Assert.That(bce.Correct, Is.EqualTo(2));
        // equal logits: the first class wins, as torch.argmax
        Assert.That(ClassificationLoss.PredictedClasses(new Tensor([1, 3], [2, 2, 1]), ClassifierHead.Softmax), Is.EqualTo(new[] { 0 }));
    }
}
