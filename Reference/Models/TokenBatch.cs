// A batch of token-id sequences, padded to a common length and stored time-major, exactly
// the layout PyTorch's nn.utils.rnn.pad_sequence gives (and UDA_collate_variable_length_batch
// returns with the lengths): ids [T, B], row t holds step t of every sequence; lengths [B].
// Positions t >= lengths[b] hold the padding id; the recurrent layer never reads them
// (its state stays unchanged past each sequence's length), so their value cannot matter.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Models;

/// <summary>A batch of token-id sequences padded to T and stored time-major: ids [T, B] and lengths [B], as pad_sequence gives them.</summary>
public sealed class TokenBatch
{
    /// <summary>T: steps (the longest sequence's length).</summary>
    public int T { get; }

    /// <summary>B: sequences in the batch.</summary>
    public int B { get; }

    /// <summary>ids[t * B + b]: token id at step t of sequence b; [T, B] row-major.</summary>
    public int[] Ids { get; }

    /// <summary>lengths[b]: valid steps of sequence b, in 1..T.</summary>
    public int[] Lengths { get; }

    /// <summary>ids [T, B] time-major; lengths [B] each in 1..T (null: every sequence has T steps).</summary>
    public TokenBatch(int[] ids, int T, int B, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        Require.Positive(T, nameof(T));
        Require.Positive(B, nameof(B));
        if (ids.Length != (long)T * B)
            throw new ArgumentException($"ids has {ids.Length} entries but [T, B] = [{T}, {B}] needs {(long)T * B}", nameof(ids));
        if (lengths is not null)
        {
            if (lengths.Length != B)
                throw new ArgumentException($"lengths has {lengths.Length} entries but the batch has B = {B} sequences", nameof(lengths));
            for (int b = 0; b < B; b++)
                if (lengths[b] < 1 || lengths[b] > T)
                    throw new ArgumentException($"lengths[{b}] is {lengths[b]} but must be in 1..{T} (T = {T})", nameof(lengths));
        }
        this.T = T;
        this.B = B;
        Ids = ids;
        Lengths = lengths is null ? Enumerable.Repeat(T, B).ToArray() : (int[])lengths.Clone();
    }

    /// <summary>
    /// pad_sequence: sequences of lengths 1..T become ids [T, B] with T = the longest length;
    /// each shorter sequence is filled up with paddingId.
    /// </summary>
    public static TokenBatch FromSequences(IReadOnlyList<int[]> sequences, int paddingId = 0)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
            throw new ArgumentException("sequences is empty but a batch needs at least 1 sequence", nameof(sequences));
        int B = sequences.Count, T = 0;
        for (int b = 0; b < B; b++)
        {
            if (sequences[b] is null || sequences[b].Length == 0)
                throw new ArgumentException($"sequences[{b}] is empty but every sequence needs at least 1 token", nameof(sequences));
            T = Math.Max(T, sequences[b].Length);
        }
        var ids = new int[T * B];                                    // [T, B]
        var lengths = new int[B];                                    // [B]
        for (int b = 0; b < B; b++)
        {
            lengths[b] = sequences[b].Length;
            for (int t = 0; t < T; t++)
                ids[t * B + b] = t < lengths[b] ? sequences[b][t] : paddingId;
        }
        return new TokenBatch(ids, T, B, lengths);
    }

    /// <summary>Steps t0 .. t1-1 of every sequence (a full-length batch only: truncated BPTT cuts a stream in time).</summary>
    public TokenBatch Steps(int t0, int t1)
    {
        if (t0 < 0 || t1 > T || t0 >= t1)
            throw new ArgumentException($"steps [{t0}, {t1}) must be a non-empty range inside [0, {T})", nameof(t0));
        for (int b = 0; b < B; b++)
            if (Lengths[b] != T)
                throw new ArgumentException($"lengths[{b}] is {Lengths[b]} but cutting a batch in time needs every sequence to have all T = {T} steps", nameof(t0));
        return new TokenBatch(Ids.AsSpan(t0 * B, (t1 - t0) * B).ToArray(), t1 - t0, B);
    }

    /// <summary>
    /// Throws unless every id, padding included, lies in [0, vocabularySize); the message names
    /// the step and the sequence. (Padding is looked up by the embedding like any id, then ignored.)
    /// </summary>
    public void CheckIds(int vocabularySize, string argumentName)
    {
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
            {
                int id = Ids[t * B + b];
                if (id < 0 || id >= vocabularySize)
                    throw new ArgumentException(
                        $"{argumentName} has token id {id} at step {t} of sequence {b}{(t >= Lengths[b] ? " (padding)" : "")} " +
                        $"but ids must lie in [0, {vocabularySize - 1}] (vocabulary size {vocabularySize})",
                        argumentName);
            }
    }
}
