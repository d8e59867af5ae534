// Token-id sequences of different lengths, each with a class label: the sentiment data of
// the slides ("Given text (e.g., movie review, Tweet), figure out whether it has positive or
// negative sentiment"). A batch is collated as UDA_collate_variable_length_batch does: the
// sequences are padded to the longest one in the batch with pad_sequence (time-major [T, B],
// padding id 0 by default) and their lengths are kept, so the recurrent layer stops at each
// sequence's own end.
using Rnn.Reference.Models;

namespace Rnn.Reference.Training;

/// <summary>Token sequences of different lengths with class labels, collated as pad_sequence does: ids [T, B] padded to the batch's longest, and the lengths.</summary>
public sealed class TokenSequenceDataSet : IDataSet<TokenBatch, int[]>
{
    private readonly int[][] _sequences;
    private readonly int[]? _labels;

    /// <inheritdoc/>
    public int Count => _sequences.Length;

    /// <summary>V: token ids are 0..V-1.</summary>
    public int VocabularySize { get; }

    /// <summary>The id written past each sequence's end (never read by the recurrent layer).</summary>
    public int PaddingId { get; }

    /// <summary>True when the set has labels (UDA's inputs_have_labels).</summary>
    public bool HasLabels => _labels is not null;

    /// <summary>
    /// sequences[n]: the token ids of example n (at least 1, each in 0..vocabularySize-1);
    /// labels[n]: its class (>= 0), or null for inputs only (prediction, transform).
    /// The arrays are copied.
    /// </summary>
    public TokenSequenceDataSet(IReadOnlyList<int[]> sequences, int[]? labels, int vocabularySize, int paddingId = 0)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (vocabularySize < 1)
            throw new ArgumentException($"vocabularySize must be at least 1 but is {vocabularySize}", nameof(vocabularySize));
        if (paddingId < 0 || paddingId >= vocabularySize)
            throw new ArgumentException($"paddingId is {paddingId} but must lie in [0, {vocabularySize - 1}] (it is looked up, then ignored)", nameof(paddingId));
        if (sequences.Count == 0)
            throw new ArgumentException("sequences is empty but a data set needs at least 1 example", nameof(sequences));
        if (labels is not null && labels.Length != sequences.Count)
            throw new ArgumentException($"labels has {labels.Length} entries but sequences has {sequences.Count}; every sequence needs one label", nameof(labels));
        _sequences = new int[sequences.Count][];
        for (int n = 0; n < sequences.Count; n++)
        {
            var s = sequences[n];
            if (s is null || s.Length == 0)
                throw new ArgumentException($"sequences[{n}] is empty but every sequence needs at least 1 token", nameof(sequences));
            for (int t = 0; t < s.Length; t++)
                if (s[t] < 0 || s[t] >= vocabularySize)
                    throw new ArgumentException(
                        $"sequences[{n}][{t}] is {s[t]} but token ids must lie in [0, {vocabularySize - 1}] (vocabulary size {vocabularySize})", nameof(sequences));
            _sequences[n] = (int[])s.Clone();
        }
        if (labels is not null)
            for (int n = 0; n < labels.Length; n++)
                if (labels[n] < 0)
                    throw new ArgumentException($"labels[{n}] is {labels[n]} but class labels must be >= 0", nameof(labels));
        _labels = labels is null ? null : (int[])labels.Clone();
        VocabularySize = vocabularySize;
        PaddingId = paddingId;
    }

    /// <summary>The sequence of example n (a copy).</summary>
    public int[] Sequence(int n) => (int[])_sequences[n].Clone();

    /// <inheritdoc/>
    public TokenBatch Inputs(ReadOnlySpan<int> indices)
    {
        BatchIndices.Check(indices, Count);
        var chosen = new int[indices.Length][];
        for (int i = 0; i < indices.Length; i++) chosen[i] = _sequences[indices[i]];
        // pad_sequence: ids [T, B] with T = the longest chosen sequence, lengths [B]
        return TokenBatch.FromSequences(chosen, PaddingId);
    }

    /// <inheritdoc/>
    public int[] Targets(ReadOnlySpan<int> indices)
    {
        if (_labels is null)
            throw new InvalidOperationException("this data set was built without labels (inputs only)");
        BatchIndices.Check(indices, Count);
        var y = new int[indices.Length];                             // [B]
        for (int i = 0; i < indices.Length; i++) y[i] = _labels[indices[i]];
        return y;
    }
}
