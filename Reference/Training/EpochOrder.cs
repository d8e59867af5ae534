// The order in which one epoch visits the training examples, and how it cuts that order into
// batches. "An epoch refers to 1 full pass through all the training data"; "Batch size: how
// many training examples we consider at a time". Spec/training.md.
//
// Shuffle (the Durstenfeld form of the Fisher-Yates shuffle), drawing from a SeededRandom:
//     order = [0, 1, ..., N-1]
//     for i = N-1 down to 1:  j = rng.NextInt(i + 1)  (uniform in 0..i);  swap order[i], order[j]
// Every one of the N! orders is equally likely. One generator serves a whole training run, so
// epoch 1 takes the first draws, epoch 2 the next ones: the same seed gives the same orders.
// Batches are consecutive slices of the order: [0, B), [B, 2B), ...; the last one holds the
// N mod B examples left over (when N is not a multiple of B), as PyTorch's DataLoader
// (drop_last=False) and Keras do. So an epoch takes ceil(N / B) optimizer steps.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Training;

/// <summary>The order one epoch visits the examples (a seeded Fisher-Yates shuffle, or in order) and its cut into batches (Spec/training.md).</summary>
public static class EpochOrder
{
    /// <summary>0, 1, ..., N-1: the order without shuffling.</summary>
    public static int[] InOrder(int count)
    {
        Require.Positive(count, nameof(count));
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        return order;
    }

    /// <summary>A uniformly random permutation of 0..N-1 (Fisher-Yates, Durstenfeld's form), drawn from rng.</summary>
    public static int[] Shuffled(int count, SeededRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var order = InOrder(count);
        for (int i = count - 1; i >= 1; i--)
        {
            int j = rng.NextInt(i + 1);                              // uniform in 0..i
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>How many batches (optimizer steps) one epoch of N examples takes with batch size B: ceil(N / B).</summary>
    public static int BatchCount(int count, int batchSize)
    {
        Require.Positive(count, nameof(count));
        Require.Positive(batchSize, nameof(batchSize));
        return (count + batchSize - 1) / batchSize;
    }

    /// <summary>Batch k of an epoch's order: order[k*B .. min((k+1)*B, N)).</summary>
    public static ReadOnlySpan<int> Batch(int[] order, int batchSize, int k)
    {
        int start = k * batchSize;
        return order.AsSpan(start, Math.Min(batchSize, order.Length - start));
    }
}
