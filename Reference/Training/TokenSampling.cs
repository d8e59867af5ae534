// Generating text with a next-token model, as MATH80629's "Language Modelling using RNNs" puts
// it: "Test. 1. Predict One word at a time. 2. Feed the prediction back to the model".
// Each step turns the last logits z [V] into the next token:
//   greedy:              argmax_v z_v (the first of equal maxima)
//   temperature tau > 0: p = softmax(z / tau), v drawn from p by inverse transform sampling
//                        (u uniform in [0, 1) from SeededRandom; the first v with p_0 + ... + p_v > u).
// tau < 1 sharpens p toward greedy, tau > 1 flattens it toward uniform. The state carries from
// step to step (NextTokenModel.Forward with h0, c0), so the prompt is read once.
using Rnn.Reference.Losses;
using Rnn.Reference.Models;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Training;

/// <summary>Text generation with a next-token model: greedy or temperature sampling, one token at a time, feeding each back.</summary>
public static class TokenSampling
{
    /// <summary>argmax of logits (the first of equal maxima).</summary>
    public static int Greedy(ReadOnlySpan<double> logits)
    {
        if (logits.IsEmpty) throw new ArgumentException("logits is empty but at least 1 logit is needed", nameof(logits));
        int best = 0;
        for (int v = 1; v < logits.Length; v++) if (logits[v] > logits[best]) best = v;
        return best;
    }

    /// <summary>p = softmax(logits / temperature) [V], computed with the max subtracted (CrossEntropy.LogSumExp).</summary>
    public static double[] Probabilities(ReadOnlySpan<double> logits, double temperature)
    {
        if (logits.IsEmpty) throw new ArgumentException("logits is empty but at least 1 logit is needed", nameof(logits));
        if (!(double.IsFinite(temperature) && temperature > 0))
            throw new ArgumentException($"temperature must be a finite number > 0 but is {temperature}", nameof(temperature));
        var scaled = new double[logits.Length];                      // z / tau
        for (int v = 0; v < scaled.Length; v++) scaled[v] = logits[v] / temperature;
        var p = new double[logits.Length];
        CrossEntropy.LogSumExp(scaled, scaled.Length, 1, p);
        return p;
    }

    /// <summary>One token drawn from softmax(logits / temperature) with one uniform draw from rng.</summary>
    public static int Sample(ReadOnlySpan<double> logits, double temperature, SeededRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var p = Probabilities(logits, temperature);
        double u = rng.NextDouble(), cumulative = 0;
        for (int v = 0; v < p.Length; v++)
        {
            cumulative += p[v];
            if (u < cumulative) return v;
        }
        return p.Length - 1;                                         // u beyond the rounded total
    }

    /// <summary>
    /// Reads prompt (at least 1 token id), then generates count tokens one at a time, feeding each
    /// back in: greedy when temperature is null, else sampled at that temperature from rng.
    /// Returns the generated ids only.
    /// </summary>
    public static int[] Generate(NextTokenModel model, int[] prompt, int count, double? temperature, SeededRandom? rng = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Length == 0) throw new ArgumentException("prompt is empty but at least 1 token is needed to start from", nameof(prompt));
        Require.Positive(count, nameof(count));
        if (temperature is not null && rng is null)
            throw new ArgumentException("sampling at a temperature needs rng (a SeededRandom)", nameof(rng));
        int V = model.Config.VocabularySize;
        // read the prompt: ids [T, 1]
        var cache = model.Forward(new TokenBatch((int[])prompt.Clone(), prompt.Length, 1));
        var generated = new int[count];
        for (int k = 0; k < count; k++)
        {
            var last = cache.Logits.Data.AsSpan(cache.Logits.Length - V, V);   // logits at the last step [V]
            int next = temperature is double tau ? Sample(last, tau, rng!) : Greedy(last);
            generated[k] = next;
            if (k + 1 < count) cache = model.Forward(new TokenBatch([next], 1, 1), cache.HN, cache.CN);
        }
        return generated;
    }
}
