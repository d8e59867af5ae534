// PyTorch parity of the layer and loss ops, through the oracle's evaluation path. The fixtures
// are written by Tests/Fixtures/gen_layers.py (see Tests/Fixtures/README.md); this test only
// reads them, so it needs no Python. The layers run on the plain loops and on the fast path
// (linear and conv1d products through Fast/FastMatMul).
using NUnit.Framework;
using Rnn.Reference.Numerics;

namespace Rnn.Grading.Tests.Parity;

public sealed class LayerParityTests
{
    [TestCase("plain")]
    [TestCase("fast")]
    public void LayersMatchPyTorch(string path)
    {
        var worst = Parity.CheckFixture("layers", 1e-10, path == "plain" ? Compute.Plain : Compute.Fast(2));
        Assert.That(worst.Keys, Is.SupersetOf(new[]
        {
            "linear", "embedding", "conv1d", "max_pool1d", "avg_pool1d", "relu", "tanh", "sigmoid", "softmax",
        }));
    }

    [Test]
    public void LossesMatchPyTorch()
    {
        var worst = Parity.CheckFixture("losses", 1e-10);
        Assert.That(worst.Keys, Is.SupersetOf(new[] { "cross_entropy", "binary_cross_entropy_with_logits", "mse_loss" }));
    }
}
