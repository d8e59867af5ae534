// Sequences for next-token prediction ("Given previous words, predict the next word"). Every
// example is a sequence of T + 1 token ids s[0..T]; its input is s[0..T-1] and its target at
// step t is s[t + 1]. All sequences have the same length, so a batch is ids [T, B] time-major
// and targets [T * B] in the same order (row t * B + b), the rows of SequenceRows.Flatten(logits).
using Rnn.Reference.Models;

namespace Rnn.Reference.Training;

/// <summary>Equal-length token sequences for next-token prediction: input s[0..T-1], target s[t + 1] at step t.</summary>
public sealed class NextTokenDataSet : IDataSet<TokenBatch, int[]>
{
    private readonly int[][] _sequences;

    /// <inheritdoc/>
    public int Count => _sequences.Length;

    /// <summary>T: input steps per example (each sequence holds T + 1 ids).</summary>
    public int Steps { get; }

    /// <summary>V: token ids are 0..V-1.</summary>
    public int VocabularySize { get; }

    /// <summary>sequences[n]: T + 1 token ids (T >= 1), all of one length, each in 0..vocabularySize-1. Copied.</summary>
    public NextTokenDataSet(IReadOnlyList<int[]> sequences, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (vocabularySize < 1)
            throw new ArgumentException($"vocabularySize must be at least 1 but is {vocabularySize}", nameof(vocabularySize));
        if (sequences.Count == 0)
            throw new ArgumentException("sequences is empty but a data set needs at least 1 example", nameof(sequences));
        int length = sequences[0]?.Length ?? 0;
        if (length < 2)
            throw new ArgumentException($"sequences[0] has {length} ids but next-token prediction needs at least 2 (one input, one target)", nameof(sequences));
        _sequences = new int[sequences.Count][];
        for (int n = 0; n < sequences.Count; n++)
        {
            var s = sequences[n];
            if (s is null || s.Length != length)
                throw new ArgumentException($"sequences[{n}] has {s?.Length ?? 0} ids but sequences[0] has {length}; all must have the same length", nameof(sequences));
            for (int t = 0; t < s.Length; t++)
                if (s[t] < 0 || s[t] >= vocabularySize)
                    throw new ArgumentException(
                        $"sequences[{n}][{t}] is {s[t]} but token ids must lie in [0, {vocabularySize - 1}] (vocabulary size {vocabularySize})", nameof(sequences));
            _sequences[n] = (int[])s.Clone();
        }
        Steps = length - 1;
        VocabularySize = vocabularySize;
    }

    /// <summary>ids[t * B + b] = sequences[indices[b]][t] for t in 0..T-1.</summary>
    public TokenBatch Inputs(ReadOnlySpan<int> indices)
    {
        BatchIndices.Check(indices, Count);
        int T = Steps, B = indices.Length;
        var ids = new int[T * B];                                    // [T, B]
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
                ids[t * B + b] = _sequences[indices[b]][t];
        return new TokenBatch(ids, T, B);
    }

    /// <summary>targets[t * B + b] = sequences[indices[b]][t + 1]: the next token.</summary>
    public int[] Targets(ReadOnlySpan<int> indices)
    {
        BatchIndices.Check(indices, Count);
        int T = Steps, B = indices.Length;
        var y = new int[T * B];                                      // [T * B]
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
                y[t * B + b] = _sequences[indices[b]][t + 1];
        return y;
    }
}
