// The mapping moves on small hand-written matrices, against values written out by hand.
using NUnit.Framework;
using Rnn.Reference.Conventions;

namespace Rnn.Reference.Tests.Conventions;

public sealed class GateBlocksTests
{
    [Test]
    public void TransposeSwapsRowsAndColumns() =>
        // [[1, 2, 3], [4, 5, 6]]ᵀ = [[1, 4], [2, 5], [3, 6]]
        Assert.That(GateBlocks.Transpose([1, 2, 3, 4, 5, 6], 2, 3), Is.EqualTo(new double[] { 1, 4, 2, 5, 3, 6 }));

    [Test]
    public void ReorderMovesWholeGateBlocks()
    {
        // H = 1, C = 2: rows i, f, g, o = [1 2], [3 4], [5 6], [7 8]; CS231n's order i, f, o, g
        Assert.That(GateBlocks.Reorder([1, 2, 3, 4, 5, 6, 7, 8], 1, 2, "ifgo", "ifog"), Is.EqualTo(new double[] { 1, 2, 3, 4, 7, 8, 5, 6 }));
        // H = 2, C = 1: PyTorch r, z, n = [1 2], [3 4], [5 6] to Keras z, r, h
        Assert.That(GateBlocks.Reorder([1, 2, 3, 4, 5, 6], 2, 1, "rzn", "zrn"), Is.EqualTo(new double[] { 3, 4, 1, 2, 5, 6 }));
        Assert.Throws<ArgumentException>(() => GateBlocks.Reorder([1, 2, 3], 1, 1, "rzn", "zrx"));
    }

    [Test]
    public void SideBySideAndColumnsAreInverse()
    {
        // [[1, 2], [3, 4]] beside [[5], [6]] = [[1, 2, 5], [3, 4, 6]] (Ng's [W_h | W_i])
        var w = GateBlocks.SideBySide([1, 2, 3, 4], [5, 6], 2, 2, 1);
        Assert.That(w, Is.EqualTo(new double[] { 1, 2, 5, 3, 4, 6 }));
        Assert.That(GateBlocks.Columns(w, 2, 3, 0, 2), Is.EqualTo(new double[] { 1, 2, 3, 4 }));
        Assert.That(GateBlocks.Columns(w, 2, 3, 2, 1), Is.EqualTo(new double[] { 5, 6 }));
    }

    [Test]
    public void MergedBiasAddsAndKeepsTheBitsWhereBiasHhIsZero()
    {
        var b = GateBlocks.MergedBias([0.5, -0.0, 1.0], [0.25, 0.0, -0.0]);
        Assert.That(b, Is.EqualTo(new double[] { 0.75, 0.0, 1.0 }));
        Assert.That(double.IsNegative(b[1]), Is.True, "-0 + 0 would be +0; the merge keeps b_ih's -0");
        Assert.Throws<ArgumentException>(() => GateBlocks.MergedBias([1.0], [1.0, 2.0]));
    }
}
