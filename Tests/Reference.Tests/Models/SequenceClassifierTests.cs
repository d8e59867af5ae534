using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using NUnit.Framework;
using Property = FsCheck.Property;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using Rnn.Reference.Models;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Models;

public sealed class SequenceClassifierTests
{
    /// <summary>A ReLU RNN classifier small enough to follow by hand: V = 3, E = 1, H = 1, C = 2.</summary>
    private static SequenceClassifier HandModel()
    {
        var config = new SequenceClassifierConfig(VocabularySize: 3, EmbeddingDim: 1, HiddenSize: 1, NumClasses: 2, Cell: CellKind.RnnRelu);
        var p = new NamedTensors
        {
            { "embedding.weight", new Tensor([3, 1], [0, 1, 2]) },     // token i -> the number i
            { "rnn.weight_ih_l0", new Tensor([1, 1], [1]) },
            { "rnn.weight_hh_l0", new Tensor([1, 1], [1]) },
            { "rnn.bias_ih_l0", new Tensor([1], [0]) },
            { "rnn.bias_hh_l0", new Tensor([1], [0]) },
            { "fc.weight", new Tensor([2, 1], [1, -1]) },
            { "fc.bias", new Tensor([2], [0, 0.5]) },
        };
        return new SequenceClassifier(config, p);
    }

    [Test]
    public void KnownValuesReadTheLastValidStepOfEachSequence()
    {
        // A = [1, 2]: h_0 = relu(1) = 1, h_1 = relu(2 + 1 * 1) = 3          -> last = 3
        // B = [2] (padded to [2, 0]): h_0 = relu(2) = 2, length 1            -> last = 2 (not the padded step)
        // logits = last * [1, -1] + [0, 0.5]:  A [3, -2.5],  B [2, -1.5]
        var model = HandModel();
        var cache = model.Forward(TokenBatch.FromSequences([[1, 2], [2]]));
        Assert.That(cache.Input.Ids, Is.EqualTo(new[] { 1, 2, 2, 0 }));      // [T, B] time-major, B padded with 0
        Assert.That(cache.Last.Data, Is.EqualTo(new double[] { 3, 2 }));
        Assert.That(cache.Logits.Shape, Is.EqualTo(new[] { 2, 2 }));
        Assert.That(cache.Logits.Data, Is.EqualTo(new double[] { 3, -2.5, 2, -1.5 }));

        // dLogits = [[1, 0], [0, 1]]
        //   fc.weight: dW[o] = sum_b dLogits[b, o] * last[b] = [1*3, 1*2] = [[3], [2]];  fc.bias = [1, 1]
        //   dLast = dLogits . W: A 1*1 = 1;  B 1*(-1) = -1
        //   A, step 1: a = 3 > 0, da = 1: dW_ih += 1*2, dW_hh += 1*h_0 = 1, db += 1; dh_0 = da * W_hh = 1
        //   A, step 0: a = 1 > 0, da = 1: dW_ih += 1*1, dW_hh += 1*0,        db += 1
        //   B, step 0: a = 2 > 0, da = -1: dW_ih += -1*2,                     db += -1
        //   dW_ih = 2 + 1 - 2 = 1, dW_hh = 1, db_ih = db_hh = 1 + 1 - 1 = 1
        //   embedding: dx = da * W_ih: A gives token 1 +1 and token 2 +1; B gives token 2 -1; B's padding gets 0
        //   d embedding.weight = [[0], [1], [0]]
        var g = model.Backward(new Tensor([2, 2], [1, 0, 0, 1]), cache);
        Assert.That(g.Names, Is.EqualTo(model.Parameters.Names));
        Assert.That(g["fc.weight"].Data, Is.EqualTo(new double[] { 3, 2 }));
        Assert.That(g["fc.bias"].Data, Is.EqualTo(new double[] { 1, 1 }));
        Assert.That(g["rnn.weight_ih_l0"].Data, Is.EqualTo(new double[] { 1 }));
        Assert.That(g["rnn.weight_hh_l0"].Data, Is.EqualTo(new double[] { 1 }));
        Assert.That(g["rnn.bias_ih_l0"].Data, Is.EqualTo(new double[] { 1 }));
        Assert.That(g["rnn.bias_hh_l0"].Data, Is.EqualTo(new double[] { 1 }));
        Assert.That(g["embedding.weight"].Data, Is.EqualTo(new double[] { 0, 1, 0 }));
    }

    [Test]
    public void PaddingValueDoesNotMatter()
    {
        var model = SequenceClassifier.Create(new SequenceClassifierConfig(6, 3, 4, 2), seed: 3);
        var a = model.Forward(TokenBatch.FromSequences([[1, 2, 3], [4]], paddingId: 0)).Logits;
        var b = model.Forward(TokenBatch.FromSequences([[1, 2, 3], [4]], paddingId: 5)).Logits;
        Assert.That(b.Data, Is.EqualTo(a.Data));
    }

    [Test]
    public void ParameterNamesAreThoseOfTheEquivalentPyTorchModule()
    {
        // class M(nn.Module): embedding = nn.Embedding(V, E); lstm = nn.LSTM(E, H); fc = nn.Linear(H, C)
        var model = SequenceClassifier.Create(new SequenceClassifierConfig(10, 3, 4, 2), seed: 1);
        Assert.That(model.Parameters.Names, Is.EqualTo(new[]
        {
            "embedding.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "fc.weight", "fc.bias",
        }));
        Assert.That(model.Parameters["embedding.weight"].Shape, Is.EqualTo(new[] { 10, 3 }));
        Assert.That(model.Parameters["lstm.weight_ih_l0"].Shape, Is.EqualTo(new[] { 16, 3 }));
        Assert.That(model.Parameters["fc.weight"].Shape, Is.EqualTo(new[] { 2, 4 }));
        var gru = SequenceClassifier.Create(new SequenceClassifierConfig(10, 3, 4, 2, CellKind.Gru, Bidirectional: true), seed: 1);
        Assert.That(gru.Parameters.Names, Does.Contain("gru.weight_hh_l0_reverse"));
        Assert.That(gru.Parameters["fc.weight"].Shape, Is.EqualTo(new[] { 2, 8 }));   // [C, D*H]
    }

    [Test]
    public void InitialisationFollowsPyTorchsDistributions()
    {
        // nn.Embedding: N(0, 1); nn.LSTM: U(-1/sqrt(H), 1/sqrt(H)); nn.Linear: U(-1/sqrt(in), 1/sqrt(in))
        var model = SequenceClassifier.Create(new SequenceClassifierConfig(400, 25, 16, 4), seed: 5);
        var emb = model.Parameters["embedding.weight"].Data;                   // 10000 draws
        double mean = emb.Average(), variance = emb.Select(v => (v - mean) * (v - mean)).Average();
        Assert.That(mean, Is.EqualTo(0).Within(0.05));
        Assert.That(variance, Is.EqualTo(1).Within(0.05));
        Assert.That(model.Parameters["lstm.weight_hh_l0"].Data.Max(Math.Abs), Is.LessThanOrEqualTo(0.25));   // 1/sqrt(16)
        Assert.That(model.Parameters["fc.weight"].Data.Max(Math.Abs), Is.LessThanOrEqualTo(0.25));
        Assert.That(model.Parameters["fc.weight"].Data.Max(Math.Abs), Is.GreaterThan(0.2));
        // the same seed gives the same parameters
        var again = SequenceClassifier.Create(new SequenceClassifierConfig(400, 25, 16, 4), seed: 5);
        Assert.That(again.Parameters.ToFlat(), Is.EqualTo(model.Parameters.ToFlat()));
    }

    public sealed record BatchCase(int[][] Sequences, CellKind Cell, ulong Seed)
    {
        public override string ToString() =>
            $"{Cell}, seed {Seed}, sequences [{string.Join("; ", Sequences.Select(s => string.Join(" ", s)))}]";
    }

    private static Arbitrary<BatchCase> BatchCases() =>
        (from B in Gen.Choose(1, 4)
         from seqs in Gen.ArrayOf(Gen.Choose(1, 5).SelectMany(T => Gen.ArrayOf(Gen.Choose(0, 5), T)), B)
         from cell in Gen.Elements(CellKind.Lstm, CellKind.Gru, CellKind.RnnTanh)
         from seed in Gen.Choose(0, 1000)
         select new BatchCase(seqs, cell, (ulong)seed)).ToArbitrary();

    [Property(MaxTest = 60)]
    public Property EachSequenceInAPaddedBatchGivesWhatItGivesAlone() =>
        Prop.ForAll(BatchCases(), c =>
        {
            var model = SequenceClassifier.Create(new SequenceClassifierConfig(6, 2, 3, 2, c.Cell), c.Seed);
            var together = model.Forward(TokenBatch.FromSequences(c.Sequences)).Logits;
            for (int b = 0; b < c.Sequences.Length; b++)
            {
                var alone = model.Forward(TokenBatch.FromSequences([c.Sequences[b]])).Logits;
                for (int k = 0; k < 2; k++)
                    if (Math.Abs(alone.Data[k] - together.Data[b * 2 + k]) > 1e-14) return false;
            }
            return true;
        });

    [Property(MaxTest = 40)]
    public Property UnidirectionalReadOutIsTheLastLayersFinalState() =>
        Prop.ForAll(BatchCases(), c =>
        {
            // the state stops changing after each sequence's length, so h_n of the top layer is the last valid output
            var model = SequenceClassifier.Create(new SequenceClassifierConfig(6, 2, 3, 2, c.Cell, NumLayers: 2), c.Seed);
            var cache = model.Forward(TokenBatch.FromSequences(c.Sequences));
            var hN = cache.Recurrent.HN;                                        // [L, B, H]
            int B = c.Sequences.Length, H = 3;
            return hN.Data.AsSpan(1 * B * H, B * H).SequenceEqual(cache.Representation.Data);
        });

    [Test]
    public void RejectsOutOfRangeTokenIdsNamingTheStepAndSequence()
    {
        var model = SequenceClassifier.Create(new SequenceClassifierConfig(5, 2, 3, 2), seed: 1);
        var e = Assert.Throws<ArgumentException>(() => model.Forward(TokenBatch.FromSequences([[1, 2], [3, 7, 0]])))!;
        Assert.That(e.ParamName, Is.EqualTo("input"));
        Assert.That(e.Message, Does.Contain("token id 7 at step 1 of sequence 1").And.Contain("[0, 4]"));
        e = Assert.Throws<ArgumentException>(() => model.Forward(TokenBatch.FromSequences([[-1]])))!;
        Assert.That(e.Message, Does.Contain("token id -1"));
    }

    [Test]
    public void RejectsParametersOfTheWrongNamesOrShapes()
    {
        var config = new SequenceClassifierConfig(5, 2, 3, 2);
        var p = SequenceClassifier.Create(config, 1).Parameters;
        var wrong = new NamedTensors();
        foreach (var (name, t) in p) wrong.Add(name, name == "fc.weight" ? Tensor.Zeros(2, 4) : t);
        var e = Assert.Throws<ArgumentException>(() => new SequenceClassifier(config, wrong))!;
        Assert.That(e.Message, Does.Contain("parameters['fc.weight'] is [2, 4] but [2, 3] was expected"));
        var missing = new NamedTensors();
        foreach (var (name, t) in p) if (name != "fc.bias") missing.Add(name, t);
        e = Assert.Throws<ArgumentException>(() => new SequenceClassifier(config, missing))!;
        Assert.That(e.Message, Does.Contain("has no 'fc.bias'"));
    }

    [Test]
    public void RejectsBadConfigAndBatches()
    {
        var e = Assert.Throws<ArgumentException>(() => SequenceClassifier.Create(new SequenceClassifierConfig(0, 2, 3, 2), 1))!;
        Assert.That(e.Message, Does.Contain("vocabularySize must be at least 1 but is 0"));
        e = Assert.Throws<ArgumentException>(() => SequenceClassifier.Create(new SequenceClassifierConfig(5, 2, 3, 0), 1))!;
        Assert.That(e.Message, Does.Contain("numClasses must be at least 1 but is 0"));
        e = Assert.Throws<ArgumentException>(() => TokenBatch.FromSequences([[1], []]))!;
        Assert.That(e.Message, Does.Contain("sequences[1] is empty"));
        e = Assert.Throws<ArgumentException>(() => new TokenBatch([1, 2, 3, 4], 2, 2, [2, 3]))!;
        Assert.That(e.Message, Does.Contain("lengths[1] is 3 but must be in 1..2"));
        e = Assert.Throws<ArgumentException>(() => new TokenBatch([1, 2, 3], 2, 2))!;
        Assert.That(e.Message, Does.Contain("ids has 3 entries but [T, B] = [2, 2] needs 4"));
        var model = SequenceClassifier.Create(new SequenceClassifierConfig(5, 2, 3, 2), 1);
        var cache = model.Forward(TokenBatch.FromSequences([[1, 2]]));
        e = Assert.Throws<ArgumentException>(() => model.Backward(Tensor.Zeros(1, 3), cache))!;
        Assert.That(e.Message, Does.Contain("dLogits is [1, 3] but [1, 2] was expected"));
    }
}
