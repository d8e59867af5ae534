// Small seeded data sets for the training tests, each a miniature of a slide's example.
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;

namespace Rnn.Reference.Tests.Training;

public static class SyntheticData
{
    // the sentiment vocabulary: "the food was good, not bad at all"
    public const int The = 0, Food = 1, Was = 2, Good = 3, Bad = 4, Not = 5, SentimentVocabulary = 6;

    /// <summary>
    /// n sentences "filler... [not] good|bad filler...", label 1 (positive) for "good" or "not bad",
    /// 0 for "bad" or "not good": the slides' "The food was good, not bad at all." turns on the word
    /// before the sentiment word, so the model needs the order, not just the words.
    /// </summary>
    public static TokenSequenceDataSet Sentiment(int n, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var sequences = new int[n][];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            var s = new List<int>();
            int before = 1 + rng.NextInt(3), after = rng.NextInt(3);
            for (int k = 0; k < before; k++) s.Add(rng.NextInt(3));          // the, food, was
            bool negated = rng.NextInt(2) == 1, good = rng.NextInt(2) == 1;
            if (negated) s.Add(Not);
            s.Add(good ? Good : Bad);
            for (int k = 0; k < after; k++) s.Add(rng.NextInt(3));
            sequences[i] = [.. s];
            labels[i] = good ^ negated ? 1 : 0;
        }
        return new TokenSequenceDataSet(sequences, labels, SentimentVocabulary);
    }

    /// <summary>The repeating pattern 0 1 0 2 0 1 0 2 ...: after a 0 the next token depends on the token before it (memory needed).</summary>
    public static readonly int[] Pattern = [0, 1, 0, 2];

    /// <summary>n windows of length + 1 tokens of the pattern, starting at random offsets.</summary>
    public static NextTokenDataSet RepeatingSequences(int n, int length, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var sequences = new int[n][];
        for (int i = 0; i < n; i++)
        {
            int offset = rng.NextInt(Pattern.Length);
            sequences[i] = Enumerable.Range(0, length + 1).Select(t => Pattern[(offset + t) % Pattern.Length]).ToArray();
        }
        return new NextTokenDataSet(sequences, 3);
    }

    /// <summary>
    /// A noisy sine s_t = sin(0.3 t) + 0.05 * noise, cut into n windows of `length` values; the
    /// target of each window is the value that follows it. x [n, length] as given by layout, y [n, 1].
    /// </summary>
    public static (double[][] Windows, double[] Next) NoisySine(int n, int length, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var s = new double[n + length];
        for (int t = 0; t < s.Length; t++) s[t] = Math.Sin(0.3 * t) + 0.05 * rng.NextGaussian();
        var windows = new double[n][];
        var next = new double[n];
        for (int i = 0; i < n; i++)
        {
            windows[i] = s[i..(i + length)];
            next[i] = s[i + length];
        }
        return (windows, next);
    }

    /// <summary>Windows as Conv1d input [n, 1, length] ("an image with 1 column": one channel) with targets [n, 1].</summary>
    public static TensorDataSet SineForConv(int n, int length, ulong seed)
    {
        var (w, next) = NoisySine(n, length, seed);
        return new TensorDataSet(new Tensor([n, 1, length], w.SelectMany(r => r).ToArray()), new Tensor([n, 1], next));
    }

    /// <summary>Windows as recurrent input: stored [n, length, 1], handed out time-major [length, B, 1]; targets [n, 1].</summary>
    public static TensorDataSet SineForLstm(int n, int length, ulong seed)
    {
        var (w, next) = NoisySine(n, length, seed);
        return new TensorDataSet(new Tensor([n, length, 1], w.SelectMany(r => r).ToArray()), new Tensor([n, 1], next), timeMajor: true);
    }
}
