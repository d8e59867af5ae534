using NUnit.Framework;
using Rnn.Reference.Models;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Models;

public sealed class NextTokenModelTests
{
    [TestCase(CellKind.Lstm)]
    [TestCase(CellKind.Gru)]
    public void ChunksCarryingTheStateGiveTheWholeSequencesLogits(CellKind cell)
    {
        // running steps 0..2 then 3..5 from the first chunk's final state = running 0..5 at once
        var model = NextTokenModel.Create(new NextTokenModelConfig(7, 3, 4, cell, NumLayers: 2), seed: 2);
        int[] ids = [0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4];                // [T = 6, B = 2]
        var whole = model.Forward(new TokenBatch(ids, 6, 2));
        var first = model.Forward(new TokenBatch(ids[..6], 3, 2));
        var second = model.Forward(new TokenBatch(ids[6..], 3, 2), first.HN, first.CN);
        Assert.That(whole.Logits.Shape, Is.EqualTo(new[] { 6, 2, 7 }));
        Assert.That(first.Logits.Data.Concat(second.Logits.Data), Is.EqualTo(whole.Logits.Data));
        Assert.That(second.HN.Data, Is.EqualTo(whole.HN.Data));
    }

    [Test]
    public void ParameterNames()
    {
        var model = NextTokenModel.Create(new NextTokenModelConfig(7, 3, 4, CellKind.Gru), seed: 2);
        Assert.That(model.Parameters.Names, Is.EqualTo(new[]
        {
            "embedding.weight", "gru.weight_ih_l0", "gru.weight_hh_l0", "gru.bias_ih_l0", "gru.bias_hh_l0", "fc.weight", "fc.bias",
        }));
        Assert.That(model.Parameters["fc.weight"].Shape, Is.EqualTo(new[] { 7, 4 }));    // [V, H]
    }

    [Test]
    public void RejectsPaddedBatchesAndOutOfRangeIds()
    {
        var model = NextTokenModel.Create(new NextTokenModelConfig(5, 2, 3), seed: 2);
        var e = Assert.Throws<ArgumentException>(() => model.Forward(TokenBatch.FromSequences([[1, 2], [3]])))!;
        Assert.That(e.Message, Does.Contain("lengths[1] = 1").And.Contain("all T = 2 steps"));
        e = Assert.Throws<ArgumentException>(() => model.Forward(new TokenBatch([1, 5], 2, 1)))!;
        Assert.That(e.Message, Does.Contain("token id 5 at step 1 of sequence 0"));
        e = Assert.Throws<ArgumentException>(() => model.Forward(new TokenBatch([1, 2], 2, 1), Tensor.Zeros(1, 2, 3)))!;
        Assert.That(e.Message, Does.Contain("h0 is [1, 2, 3] but [1, 1, 3]"));
    }
}
