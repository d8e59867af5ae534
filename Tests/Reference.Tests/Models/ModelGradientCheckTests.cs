// Each model's full backward pass (loss -> dense head -> read-out -> recurrent / conv layers ->
// embedding) against central differences of the training loss, for every parameter tensor.
// Sizes are small so the checks are fast; several cells, layers and directions are covered.
using NUnit.Framework;
using Rnn.Reference.Models;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;

namespace Rnn.Reference.Tests.Models;

public sealed class ModelGradientCheckTests
{
    private static readonly int[][] Sentences =
    [
        [1, 4, 2, 0],          // four tokens
        [3, 3],                // two, padded
        [0, 2, 4, 1, 3],       // five: the longest, so T = 5
        [4],                   // one
    ];

    [TestCase(CellKind.Lstm, 1, false)]
    [TestCase(CellKind.Gru, 1, false)]
    [TestCase(CellKind.RnnTanh, 1, false)]
    [TestCase(CellKind.Lstm, 2, false)]
    [TestCase(CellKind.Lstm, 1, true)]
    public void SequenceClassifierSoftmaxHead(CellKind cell, int layers, bool bidirectional)
    {
        var config = new SequenceClassifierConfig(VocabularySize: 5, EmbeddingDim: 3, HiddenSize: 4, NumClasses: 3, cell, layers, bidirectional);
        var model = SequenceClassifier.Create(config, seed: 7);
        var batch = TokenBatch.FromSequences(Sentences);
        int[] labels = [2, 0, 1, 2];
        var loss = new ClassificationLoss();

        var cache = model.Forward(batch);
        var grads = model.Backward(loss.Compute(cache.Logits, labels).dOutput, cache);
        // Bidirectional: the read-out at each sequence's last step holds the reverse direction's
        // FIRST step there, taken from h0 = 0, so the last layer's reverse weight_hh multiplies a
        // zero state and its gradient is exactly zero (the read-out is PyTorch's output[lengths - 1]).
        string[] exactlyZero = bidirectional ? [$"lstm.weight_hh_l{layers - 1}_reverse"] : [];
        ModelGradCheck.Check($"SequenceClassifier {cell} L{layers} bi={bidirectional}",
            () => loss.Compute(model.Forward(batch).Logits, labels).Loss, model.Parameters, grads, exactlyZero);
    }

    [Test]
    public void SequenceClassifierSigmoidHead()
    {
        var config = new SequenceClassifierConfig(VocabularySize: 5, EmbeddingDim: 2, HiddenSize: 3, NumClasses: 1);
        var model = SequenceClassifier.Create(config, seed: 8);
        var batch = TokenBatch.FromSequences(Sentences);
        int[] labels = [1, 0, 1, 0];
        var loss = new ClassificationLoss(ClassifierHead.Sigmoid);

        var cache = model.Forward(batch);
        var grads = model.Backward(loss.Compute(cache.Logits, labels).dOutput, cache);
        ModelGradCheck.Check("SequenceClassifier sigmoid",
            () => loss.Compute(model.Forward(batch).Logits, labels).Loss, model.Parameters, grads);
    }

    [TestCase(CellKind.Lstm, 1)]
    [TestCase(CellKind.Gru, 2)]
    [TestCase(CellKind.RnnTanh, 1)]
    public void NextTokenModelWithCarriedState(CellKind cell, int layers)
    {
        var config = new NextTokenModelConfig(VocabularySize: 5, EmbeddingDim: 3, HiddenSize: 4, cell, layers);
        var model = NextTokenModel.Create(config, seed: 9);
        var rng = new SeededRandom(10);
        int T = 4, B = 2;
        var ids = new TokenBatch([0, 1, 2, 3, 4, 0, 1, 2], T, B);
        int[] targets = [1, 2, 3, 4, 0, 1, 2, 3];
        // a carried state from an earlier chunk, and an upstream gradient reaching the final state from a later one
        var h0 = ModelGradCheck.Uniform(rng, 0.5, layers, B, 4);
        var c0 = config.Recurrent.HasCellState ? ModelGradCheck.Uniform(rng, 0.5, layers, B, 4) : null;
        var dHN = ModelGradCheck.Uniform(rng, 0.5, layers, B, 4);
        var dCN = config.Recurrent.HasCellState ? ModelGradCheck.Uniform(rng, 0.5, layers, B, 4) : null;
        var loss = new ClassificationLoss();

        // L = mean cross-entropy over the T * B steps + <hN, dHN> + <cN, dCN>
        double Loss()
        {
            var c = model.Forward(ids, h0, c0);
            double l = loss.Compute(c.Logits, targets).Loss + Dot(c.HN, dHN);
            return dCN is null ? l : l + Dot(c.CN!, dCN);
        }

        var cache = model.Forward(ids, h0, c0);
        var g = model.Backward(loss.Compute(cache.Logits, targets).dOutput, cache, dHN, dCN);
        ModelGradCheck.Check($"NextTokenModel {cell} L{layers}", Loss, model.Parameters, g.dParameters);

        var states = new NamedTensors { { "h0", h0 } };
        var dStates = new NamedTensors { { "h0", g.dH0 } };
        if (c0 is not null) { states.Add("c0", c0); dStates.Add("c0", g.dC0!); }
        ModelGradCheck.Check($"NextTokenModel {cell} L{layers} state", Loss, states, dStates);
    }

    [Test]
    public void Conv1dRegressorParametersAndInput()
    {
        var config = new Conv1dRegressorConfig(InChannels: 2, Length: 9, OutChannels: 3, KernelSize: 3, PoolSize: 2, Outputs: 2);
        var model = Conv1dRegressor.Create(config, seed: 11);
        var rng = new SeededRandom(12);
        var x = ModelGradCheck.Uniform(rng, 1.0, 3, 2, 9);            // [B, Cin, L]
        var y = ModelGradCheck.Uniform(rng, 1.0, 3, 2);               // [B, O]
        var loss = new MeanSquaredErrorLoss();

        var cache = model.Forward(x);
        var (grads, dInput) = model.BackwardWithInput(loss.Compute(cache.Predictions, y).dOutput, cache);
        double Loss() => loss.Compute(model.Forward(x).Predictions, y).Loss;
        ModelGradCheck.Check("Conv1dRegressor", Loss, model.Parameters, grads);
        ModelGradCheck.Check("Conv1dRegressor input", Loss, new NamedTensors { { "x", x } }, new NamedTensors { { "x", dInput } });
    }

    [TestCase(CellKind.Lstm, 1, false)]
    [TestCase(CellKind.Lstm, 2, true)]
    [TestCase(CellKind.Gru, 1, false)]
    [TestCase(CellKind.RnnRelu, 1, false)]
    public void LstmRegressorParametersAndInput(CellKind cell, int layers, bool bidirectional)
    {
        var config = new LstmRegressorConfig(InputSize: 2, HiddenSize: 3, Outputs: 2, cell, layers, bidirectional);
        var model = LstmRegressor.Create(config, seed: 13);
        var rng = new SeededRandom(14);
        var x = ModelGradCheck.Uniform(rng, 1.0, 5, 3, 2);            // [T, B, F]
        var y = ModelGradCheck.Uniform(rng, 1.0, 3, 2);               // [B, O]
        var loss = new MeanSquaredErrorLoss();

        var cache = model.Forward(x);
        var (grads, dInput) = model.BackwardWithInput(loss.Compute(cache.Predictions, y).dOutput, cache);
        double Loss() => loss.Compute(model.Forward(x).Predictions, y).Loss;
        // bidirectional: output[T-1] of the last layer's reverse direction is its first step, from h0 = 0 (see above)
        string[] exactlyZero = bidirectional ? [$"{config.RecurrentName}.weight_hh_l{layers - 1}_reverse"] : [];
        ModelGradCheck.Check($"LstmRegressor {cell} L{layers} bi={bidirectional}", Loss, model.Parameters, grads, exactlyZero);
        ModelGradCheck.Check($"LstmRegressor {cell} input", Loss, new NamedTensors { { "x", x } }, new NamedTensors { { "x", dInput } });
    }

    private static double Dot(Tensor a, Tensor b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a.Data[i] * b.Data[i];
        return s;
    }
}
