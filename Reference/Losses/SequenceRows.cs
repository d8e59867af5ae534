// Per-time-step losses for sequence models. A time-major sequence of outputs [T, B, C] is,
// in row-major memory, already T*B rows of C values: row t*B + b is step t of sequence b.
// Flatten gives that [T*B, C] view (no copy) to pass to any loss; targets [T, B] are flattened
// the same way. Then, for example:
//   CrossEntropy.Forward(SequenceRows.Flatten(logits), targets, reduction: Reduction.Mean)
//     = PyTorch's F.cross_entropy(logits.view(-1, C), targets.view(-1)), the mean over all steps;
//   reduction Sum gives the slides' L = sum_t L_t summed over the batch too (divide by B for the
//     mean over sequences of the per-sequence sum);
//   reduction None gives one loss per row; Unflatten turns [T*B] back into [T, B].
// Gradients come back as [T*B, C]; Unflatten gives the [T, B, C] view for backpropagation through time.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Losses;

/// <summary>Time-major sequence outputs [T, B, C] seen as T*B rows of C values, to pass to any loss per time step.</summary>
public static class SequenceRows
{
    /// <summary>[T, B, ...rest] -> [T*B, ...rest], sharing the data (a view, not a copy).</summary>
    public static Tensor Flatten(Tensor sequence)
    {
        Require.NotNull(sequence, nameof(sequence));
        if (sequence.Rank < 2)
            throw new ArgumentException(
                $"sequence is {sequence.ShapeText()} but a time-major tensor [T, B, ...] of rank at least 2 was expected", nameof(sequence));
        int[] shape = [checked(sequence.Shape[0] * sequence.Shape[1]), .. sequence.Shape.AsSpan(2)];
        return new Tensor(shape, sequence.Data);
    }

    /// <summary>[T*B, ...rest] -> [T, B, ...rest], sharing the data (a view, not a copy).</summary>
    public static Tensor Unflatten(Tensor rows, int T, int B)
    {
        Require.NotNull(rows, nameof(rows));
        Require.Positive(T, nameof(T));
        Require.Positive(B, nameof(B));
        if (rows.Rank < 1 || rows.Shape[0] != (long)T * B)
            throw new ArgumentException(
                $"rows is {rows.ShapeText()} but [T*B, ...] = [{(long)T * B}, ...] was expected for T = {T}, B = {B}", nameof(rows));
        int[] shape = [T, B, .. rows.Shape.AsSpan(1)];
        return new Tensor(shape, rows.Data);
    }
}
