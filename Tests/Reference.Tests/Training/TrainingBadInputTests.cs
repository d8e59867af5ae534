// Bad input to the training loops and data sets: an ArgumentException that names the argument,
// what was expected and what was found, thrown before any parameter moves.
using NUnit.Framework;
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;

namespace Rnn.Reference.Tests.Training;

public sealed class TrainingBadInputTests
{
    private static Conv1dRegressor Conv() => Conv1dRegressor.Create(new Conv1dRegressorConfig(1, 8, 2, 3, 2, 1), 1);

    [TestCase(0, 4, "epochs", "epochs must be at least 1 but is 0")]
    [TestCase(-2, 4, "epochs", "epochs must be at least 1 but is -2")]
    [TestCase(3, 0, "batchSize", "batchSize must be at least 1 but is 0")]
    [TestCase(3, -1, "batchSize", "batchSize must be at least 1 but is -1")]
    public void NonPositiveEpochsOrBatchSize(int epochs, int batchSize, string name, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(Conv(), new MeanSquaredErrorLoss(), new Sgd(new SgdOptions(0.1)),
            SyntheticData.SineForConv(4, 8, 1), new TrainingOptions(epochs, batchSize)))!;
        Assert.That(e.ParamName, Is.EqualTo(name));
        Assert.That(e.Message, Does.Contain(message));
        e = Assert.Throws<ArgumentException>(() => Trainer.Fit(Conv(), new MeanSquaredErrorLoss(), new Sgd(new SgdOptions(0.1)),
            SyntheticData.SineForConv(4, 8, 1), new TrainingOptions(1, 1) { EvaluationBatchSize = 0 }))!;
        Assert.That(e.Message, Does.Contain("evaluationBatchSize must be at least 1 but is 0"));
    }

    [Test]
    public void UdaFitNamesItsOwnArguments()
    {
        var model = SequenceClassifier.Create(new SequenceClassifierConfig(6, 2, 3, 2), 1);
        var data = SyntheticData.Sentiment(4, 1);
        var e = Assert.Throws<ArgumentException>(() => UdaPytorchUtils.ClassifierFit(model, new Sgd(new SgdOptions(0.1)), new ClassificationLoss(), data, null, 0, 2))!;
        Assert.That(e.ParamName, Is.EqualTo("numEpochs"));
        Assert.That(e.Message, Does.Contain("numEpochs must be at least 1 but is 0"));
        e = Assert.Throws<ArgumentException>(() => UdaPytorchUtils.ClassifierFit(model, new Sgd(new SgdOptions(0.1)), new ClassificationLoss(), data, null, 1, -5))!;
        Assert.That(e.ParamName, Is.EqualTo("batchSize"));
        Assert.That(e.Message, Does.Contain("batchSize must be at least 1 but is -5"));
        e = Assert.Throws<ArgumentException>(() => UdaPytorchUtils.ModelTransform(model, data, TransformOutput.Output, batchSize: 0))!;
        Assert.That(e.ParamName, Is.EqualTo("batchSize"));
    }

    [Test]
    public void NonPositiveOrNonFiniteLearningRate()
    {
        // the optimizers take PyTorch's range (lr >= 0; 0 is allowed there and freezes the model);
        // the skier's plain gradient descent needs lr > 0
        var e = Assert.Throws<ArgumentException>(() => new Sgd(new SgdOptions(-0.01)))!;
        Assert.That(e.ParamName, Is.EqualTo("lr"));
        Assert.That(e.Message, Does.Contain("lr must be a finite number >= 0 but is -0.01"));
        e = Assert.Throws<ArgumentException>(() => new Adam(new AdamOptions { Lr = double.PositiveInfinity }))!;
        Assert.That(e.Message, Does.Contain("lr must be a finite number >= 0 but is ∞").Or.Contain("but is Infinity"));
        e = Assert.Throws<ArgumentException>(() => DescentPath.Run(LossSurfaces.Bowl(), [0.0], learningRate: 0, steps: 1))!;
        Assert.That(e.Message, Does.Contain("learningRate must be a finite number > 0 but is 0"));
    }

    [Test]
    public void InvalidClippingIsRejectedBeforeTraining()
    {
        var model = Conv();
        var before = model.Parameters.ToFlat();
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, new MeanSquaredErrorLoss(), new Sgd(new SgdOptions(0.1)),
            SyntheticData.SineForConv(4, 8, 1), new TrainingOptions(1, 2) { Clipping = new ClipNorm(-1) }))!;
        Assert.That(e.Message, Does.Contain("max_norm must be a finite number >= 0 but is -1"));
        e = Assert.Throws<ArgumentException>(() => new TrainingOptions(1, 2)
        { Clipping = new ClipNorm(1, Rnn.Reference.Clipping.NormClipMode.PerTensor, NormType: 1) }.Validate())!;
        Assert.That(e.Message, Does.Contain("norm_type must be 2 for mode PerTensor"));
        e = Assert.Throws<ArgumentException>(() => new TrainingOptions(1, 2) { Clipping = new ClipValue(double.NaN) }.Validate())!;
        Assert.That(e.Message, Does.Contain("clip_value must be a finite number >= 0 but is NaN"));
        Assert.That(model.Parameters.ToFlat(), Is.EqualTo(before));
    }

    [Test]
    public void MismatchedExampleCounts()
    {
        var e = Assert.Throws<ArgumentException>(() => new TensorDataSet(Tensor.Zeros(5, 1, 8), Tensor.Zeros(4, 1)))!;
        Assert.That(e.ParamName, Is.EqualTo("y"));
        Assert.That(e.Message, Does.Contain("y is [4, 1] but x is [5, 1, 8]").And.Contain("[5, ...]"));
        e = Assert.Throws<ArgumentException>(() => new TokenSequenceDataSet([[1, 2], [3]], [0, 1, 1], 6))!;
        Assert.That(e.ParamName, Is.EqualTo("labels"));
        Assert.That(e.Message, Does.Contain("labels has 3 entries but sequences has 2"));
        e = Assert.Throws<ArgumentException>(() => new LabelledTensorDataSet(Tensor.Zeros(3, 2), [0, 1]))!;
        Assert.That(e.Message, Does.Contain("labels has 2 entries but x is [3, 2] with 3 examples"));
        e = Assert.Throws<ArgumentException>(() => new NextTokenDataSet([[1, 2, 0], [1, 2]], 3))!;
        Assert.That(e.Message, Does.Contain("sequences[1] has 2 ids but sequences[0] has 3"));
        e = Assert.Throws<ArgumentException>(() => new TensorDataSet(Tensor.Zeros(3, 4), Tensor.Zeros(3, 1), timeMajor: true))!;
        Assert.That(e.Message, Does.Contain("x is [3, 4] but timeMajor needs [N, T, features]"));
    }

    [Test]
    public void OutOfRangeTokenIdsAndLabels()
    {
        var e = Assert.Throws<ArgumentException>(() => new TokenSequenceDataSet([[1, 2], [3, 6, 1]], [0, 1], vocabularySize: 6))!;
        Assert.That(e.ParamName, Is.EqualTo("sequences"));
        Assert.That(e.Message, Does.Contain("sequences[1][1] is 6 but token ids must lie in [0, 5] (vocabulary size 6)"));
        e = Assert.Throws<ArgumentException>(() => new TokenSequenceDataSet([[1, -1]], [0], 6))!;
        Assert.That(e.Message, Does.Contain("sequences[0][1] is -1"));
        e = Assert.Throws<ArgumentException>(() => new TokenSequenceDataSet([[1]], [-1], 6))!;
        Assert.That(e.Message, Does.Contain("labels[0] is -1 but class labels must be >= 0"));
        e = Assert.Throws<ArgumentException>(() => new NextTokenDataSet([[0, 3]], 3))!;
        Assert.That(e.Message, Does.Contain("sequences[0][1] is 3 but token ids must lie in [0, 2]"));

        // a data set whose ids exceed the model's vocabulary, or whose labels exceed its classes:
        // caught by the evaluation before the first step, so nothing moves
        var model = SequenceClassifier.Create(new SequenceClassifierConfig(4, 2, 3, 2), 1);
        var before = model.Parameters.ToFlat();
        var bigVocabulary = new TokenSequenceDataSet([[1, 2], [3], [0, 1], [5, 1]], [0, 1, 0, 1], vocabularySize: 6);
        e = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, new ClassificationLoss(), new Sgd(new SgdOptions(1)), bigVocabulary,
            new TrainingOptions(1, 1) { Shuffle = false }))!;
        Assert.That(e.ParamName, Is.EqualTo("input"));
        Assert.That(e.Message, Does.Contain("token id 5 at step 0 of sequence 3").And.Contain("[0, 3]"));
        var threeClasses = new TokenSequenceDataSet([[1, 2], [3], [0, 1]], [0, 1, 2], vocabularySize: 4);
        e = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, new ClassificationLoss(), new Sgd(new SgdOptions(1)), threeClasses,
            new TrainingOptions(1, 1) { Shuffle = false }))!;
        Assert.That(e.ParamName, Is.EqualTo("labels"));
        Assert.That(e.Message, Does.Contain("labels[2] is 2 but the model outputs 2 logits per row, so labels must lie in [0, 1]"));
        Assert.That(model.Parameters.ToFlat(), Is.EqualTo(before));
    }

    [Test]
    public void WrongLabelShapes()
    {
        // regression targets of the wrong width: the model predicts [B, 1], the data holds [N, 2]
        var model = Conv();
        var before = model.Parameters.ToFlat();
        var wide = new TensorDataSet(Tensor.Zeros(4, 1, 8), Tensor.Zeros(4, 2));
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, new MeanSquaredErrorLoss(), new Sgd(new SgdOptions(1)), wide, new TrainingOptions(1, 2)))!;
        Assert.That(e.ParamName, Is.EqualTo("target"));
        Assert.That(e.Message, Does.Contain("target is [4, 2] but the model output is [4, 1]"));
        Assert.That(model.Parameters.ToFlat(), Is.EqualTo(before));

        // class labels: one per row of logits
        var loss = new ClassificationLoss();
        e = Assert.Throws<ArgumentException>(() => loss.Compute(Tensor.Zeros(3, 2), [0, 1]))!;
        Assert.That(e.ParamName, Is.EqualTo("labels"));
        Assert.That(e.Message, Does.Contain("labels has 2 entries but the model output [3, 2] has 3 rows of logits"));
        e = Assert.Throws<ArgumentException>(() => new ClassificationLoss(ClassifierHead.Sigmoid).Compute(Tensor.Zeros(3, 2), [0, 1, 1]))!;
        Assert.That(e.Message, Does.Contain("output is [3, 2] but the sigmoid head needs 1 logit per row"));
        e = Assert.Throws<ArgumentException>(() => new ClassificationLoss(ClassifierHead.Sigmoid).Compute(Tensor.Zeros(2, 1), [0, 2]))!;
        Assert.That(e.Message, Does.Contain("labels[1] is 2 but the sigmoid head needs labels 0 or 1"));
        e = Assert.Throws<ArgumentException>(() => loss.Compute(Tensor.Zeros(3), [0, 1, 1]))!;
        Assert.That(e.Message, Does.Contain("output is [3] but logits [rows, C]"));
    }

    [Test]
    public void BatchIndicesOutsideTheDataSet()
    {
        var data = SyntheticData.Sentiment(3, 1);
        var e = Assert.Throws<ArgumentException>(() => data.Inputs([0, 3]))!;
        Assert.That(e.Message, Does.Contain("indices[1] is 3 but the data set has examples 0..2"));
        e = Assert.Throws<ArgumentException>(() => data.Targets([]))!;
        Assert.That(e.Message, Does.Contain("indices is empty"));
        Assert.Throws<InvalidOperationException>(() => new TokenSequenceDataSet([[1]], null, 6).Targets([0]));
    }
}
