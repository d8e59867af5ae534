// The slides' many-to-one read-out: "For simplicity, in today's lecture, we only use the very
// last time step's output". With a padded batch of sequences of different lengths, the last
// step of sequence b is lengths[b] - 1, not T - 1 (UDA_get_rnn_last_time_step_outputs).
//
// T = steps, B = batch, F = features per step. output [T, B, F] time-major, last [B, F].
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Models;

/// <summary>The many-to-one read-out: each sequence's output at its own last step, lengths[b] - 1 (output [T, B, F] to [B, F]).</summary>
public static class LastValidStep
{
    /// <summary>last[b, :] = output[lengths[b] - 1, b, :].</summary>
    public static Tensor Forward(Tensor output, int[] lengths)
    {
        Require.Rank(output, nameof(output), 3, "[T, B, F] (time-major)");
        int T = output.Shape[0], B = output.Shape[1], F = output.Shape[2];
        Check(lengths, T, B);
        var last = Tensor.Zeros(B, F);                               // [B, F]
        for (int b = 0; b < B; b++)
        {
            int t = lengths[b] - 1;
            output.Data.AsSpan((t * B + b) * F, F).CopyTo(last.Data.AsSpan(b * F, F));
        }
        return last;
    }

    /// <summary>dOutput[T, B, F] (fresh): dLast[b, :] at step lengths[b] - 1, zero elsewhere.</summary>
    public static Tensor Backward(Tensor dLast, int[] lengths, int T)
    {
        Require.Rank(dLast, nameof(dLast), 2, "[B, F]");
        int B = dLast.Shape[0], F = dLast.Shape[1];
        Check(lengths, T, B);
        var dOutput = Tensor.Zeros(T, B, F);                         // [T, B, F]
        for (int b = 0; b < B; b++)
        {
            // forward: last[b, :] = output[lengths[b] - 1, b, :]
            int t = lengths[b] - 1;
            var dRow = dOutput.Data.AsSpan((t * B + b) * F, F);
            var gRow = dLast.Data.AsSpan(b * F, F);
            for (int f = 0; f < F; f++) dRow[f] += gRow[f];
        }
        return dOutput;
    }

    private static void Check(int[] lengths, int T, int B)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (lengths.Length != B)
            throw new ArgumentException($"lengths has {lengths.Length} entries but the batch has B = {B} sequences", nameof(lengths));
        for (int b = 0; b < B; b++)
            if (lengths[b] < 1 || lengths[b] > T)
                throw new ArgumentException($"lengths[{b}] is {lengths[b]} but must be in 1..{T}", nameof(lengths));
    }
}
