// TokenSampling: greedy is the argmax; the probabilities are softmax(z / tau) (hand-derived
// values below); sampling draws each token about as often as its probability; generation feeds
// each token back with the state carried, so it equals re-reading the whole sequence.
using NUnit.Framework;
using Rnn.Reference.Models;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;

namespace Rnn.Reference.Tests.Training;

public sealed class TokenSamplingTests
{
    [Test]
    public void GreedyIsTheFirstLargestLogit()
    {
        Assert.That(TokenSampling.Greedy([0.1, 2.0, -1.0, 2.0]), Is.EqualTo(1));
        Assert.That(TokenSampling.Greedy([-3.0]), Is.EqualTo(0));
    }

    [Test]
    public void ProbabilitiesAreTheSoftmaxOfTheScaledLogits()
    {
        // z = [0, ln 2, ln 4] at tau 1: e^z = [1, 2, 4], p = [1/7, 2/7, 4/7]
        var p = TokenSampling.Probabilities([0.0, Math.Log(2), Math.Log(4)], 1.0);
        Assert.That(p, Is.EqualTo(new[] { 1 / 7.0, 2 / 7.0, 4 / 7.0 }).Within(1e-15));
        // tau 2 halves the logits: e^(z/2) = [1, sqrt 2, 2], sum 3 + sqrt 2
        double s = 3 + Math.Sqrt(2);
        Assert.That(TokenSampling.Probabilities([0.0, Math.Log(2), Math.Log(4)], 2.0),
            Is.EqualTo(new[] { 1 / s, Math.Sqrt(2) / s, 2 / s }).Within(1e-15));
        // large logits do not overflow: the max is subtracted first
        Assert.That(TokenSampling.Probabilities([1000.0, 1000.0], 0.01), Is.EqualTo(new[] { 0.5, 0.5 }).Within(1e-9));
        Assert.Throws<ArgumentException>(() => TokenSampling.Probabilities([1.0], 0.0));
    }

    [Test]
    public void SamplesFollowTheProbabilities()
    {
        var rng = new SeededRandom(3);
        var counts = new int[3];
        const int n = 20000;
        for (int k = 0; k < n; k++) counts[TokenSampling.Sample([0.0, Math.Log(2), Math.Log(4)], 1.0, rng)]++;
        // expected 1/7, 2/7, 4/7; 4 standard deviations of a binomial count at n = 20000 are below 0.015
        Assert.That(counts[0] / (double)n, Is.EqualTo(1 / 7.0).Within(0.015));
        Assert.That(counts[1] / (double)n, Is.EqualTo(2 / 7.0).Within(0.015));
        Assert.That(counts[2] / (double)n, Is.EqualTo(4 / 7.0).Within(0.015));
    }

    [Test]
    public void GreedyGenerationEqualsRereadingTheWholeSequence()
    {
        var model = NextTokenModel.Create(new NextTokenModelConfig(7, 3, 5), seed: 4);
        int[] prompt = [1, 4, 2];
        var generated = TokenSampling.Generate(model, prompt, 4, temperature: null);
        var sequence = new List<int>(prompt);
        foreach (var expected in generated)
        {
            var cache = model.Forward(new TokenBatch([.. sequence], sequence.Count, 1));
            int V = 7;
            Assert.That(TokenSampling.Greedy(cache.Logits.Data.AsSpan(cache.Logits.Length - V, V)), Is.EqualTo(expected));
            sequence.Add(expected);
        }
        Assert.Throws<ArgumentException>(() => TokenSampling.Generate(model, prompt, 2, temperature: 1.0));
    }
}
