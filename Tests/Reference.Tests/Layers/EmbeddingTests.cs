using NUnit.Framework;
using Rnn.Reference.Layers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Layers;

public sealed class EmbeddingTests
{
    // W [V = 3, D = 2] = [[0, 1], [2, 3], [4, 5]]: row i is the vector of index i
    private static Tensor W() => new([3, 2], [0, 1, 2, 3, 4, 5]);

    [Test]
    public void KnownValuesAndRepeatedIndexAccumulates()
    {
        // indices [2, 0, 2] -> rows W[2], W[0], W[2] = [[4, 5], [0, 1], [4, 5]]
        var (y, cache) = Embedding.Forward([2, 0, 2], [3], W());
        Assert.That(y.Shape, Is.EqualTo(new[] { 3, 2 }));
        Assert.That(y.Data, Is.EqualTo(new double[] { 4, 5, 0, 1, 4, 5 }));

        // dy = [[1, 2], [3, 4], [5, 6]]
        //   dW[0] = dy[1] = [3, 4];  dW[1] = 0 (unused);  dW[2] = dy[0] + dy[2] = [1 + 5, 2 + 6] = [6, 8]
        var dW = Embedding.Backward(new Tensor([3, 2], [1, 2, 3, 4, 5, 6]), cache);
        Assert.That(dW.Data, Is.EqualTo(new double[] { 3, 4, 0, 0, 6, 8 }));
    }

    [TestCase(2)]
    [TestCase(-1)]   // PyTorch: -1 + num_embeddings = 2
    public void PaddingRowGetsNoGradientButIsLookedUp(int paddingIdx)
    {
        var (y, cache) = Embedding.Forward([2, 0, 2], [3], W(), paddingIdx);
        Assert.That(cache.PaddingIdx, Is.EqualTo(2));
        Assert.That(y.Data, Is.EqualTo(new double[] { 4, 5, 0, 1, 4, 5 }), "the forward pass copies the padding row as F.embedding does");
        // same dy as above: dW[0] = [3, 4], dW[2] would be [6, 8] but is the padding row -> 0
        var dW = Embedding.Backward(new Tensor([3, 2], [1, 2, 3, 4, 5, 6]), cache);
        Assert.That(dW.Data, Is.EqualTo(new double[] { 3, 4, 0, 0, 0, 0 }));
    }

    [Test]
    public void IndexShapeIsKeptAndScalarIndexWorks()
    {
        var (y, _) = Embedding.Forward([1, 2, 0, 1], [2, 2], W());
        Assert.That(y.Shape, Is.EqualTo(new[] { 2, 2, 2 }));
        var (s, _) = Embedding.Forward([1], [], W());
        Assert.That(s.Shape, Is.EqualTo(new[] { 2 }));
        Assert.That(s.Data, Is.EqualTo(new double[] { 2, 3 }));
    }

    [Test]
    public void GradientMatchesCentralDifferences()
    {
        var rng = new Random(5);
        var weight = GradCheck.RandomTensor(rng, [6, 3]);
        int[] idx = [1, 4, 1, 0, 5, 5, 2, 1];                         // repeats on purpose
        int[] shape = [2, 4];
        var dy = GradCheck.RandomTensor(rng, [2, 4, 3]);
        var (_, cache) = Embedding.Forward(idx, shape, weight, paddingIdx: 0);
        var dW = Embedding.Backward(dy, cache);
        double F() => GradCheck.Dot(Embedding.Forward(idx, shape, weight).Output.Data, dy.Data);
        // without a padding index every row's gradient is checked against central differences
        var (_, cacheNoPad) = Embedding.Forward(idx, shape, weight);
        var dWNoPad = Embedding.Backward(dy, cacheNoPad);
        // with padding_idx 0, PyTorch defines that row's gradient as 0 (a convention, not the
        // derivative); every other row is the checked gradient
        for (int d = 0; d < 3; d++) Assert.That(dW.Data[d], Is.EqualTo(0.0), "padding row gradient");
        Assert.That(dW.Data[3..], Is.EqualTo(dWNoPad.Data[3..]), "rows other than the padding row");
        GradCheck.Check("Embedding dWeight (no padding)", F, weight.Data, dWNoPad.Data);
    }

    [Test]
    public void RejectsBadIndicesAndShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Embedding.Forward([0, 1, 3, 2], [2, 2], W()))!;
        Assert.That(e.Message, Does.Contain("3").And.Contain("[1, 0] (flat 2)").And.Contain("[0, 2]"));
        Assert.That(e.ParamName, Is.EqualTo("indices"));
        e = Assert.Throws<ArgumentException>(() => Embedding.Forward([0, -1], [2], W()))!;
        Assert.That(e.Message, Does.Contain("-1 at position 1"));
        e = Assert.Throws<ArgumentException>(() => Embedding.Forward([0, 1, 2], [2, 2], W()))!;
        Assert.That(e.Message, Does.Contain("3 elements").And.Contain("[2, 2]"));
        e = Assert.Throws<ArgumentException>(() => Embedding.Forward([0], [1], W(), paddingIdx: 3))!;
        Assert.That(e.Message, Does.Contain("padding_idx is 3").And.Contain("[-3, 2]"));
        Assert.Throws<ArgumentException>(() => Embedding.Forward([0], [1], W(), paddingIdx: -4));
        e = Assert.Throws<ArgumentException>(() => Embedding.Forward([0], [1], Tensor.Zeros(3)))!;
        Assert.That(e.Message, Does.Contain("weight is [3]"));
        var (_, cache) = Embedding.Forward([0, 1], [2], W());
        e = Assert.Throws<ArgumentException>(() => Embedding.Backward(Tensor.Zeros(2, 3), cache))!;
        Assert.That(e.Message, Does.Contain("dOutput is [2, 3]").And.Contain("[2, 2]"));
    }
}
