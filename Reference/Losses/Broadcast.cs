// NumPy/PyTorch broadcasting of a small tensor (a per-class weight, a pos_weight) against a
// larger shape: shapes are aligned at their last axes, and each axis of the small one must be
// 1 (repeated) or equal to the large one's. Only the large shape may come out (the small one
// may not add axes or grow the result), as PyTorch requires for loss weights.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Losses;

/// <summary>NumPy/PyTorch broadcasting of a small tensor (a loss weight) to a larger shape, aligned at the last axes.</summary>
public static class Broadcast
{
    /// <summary>
    /// For every flat index of `shape`, the flat index into `small` it reads. Throws naming
    /// `name` if small cannot broadcast to shape.
    /// </summary>
    public static int[] IndexMap(Tensor small, ReadOnlySpan<int> shape, string name)
    {
        Require.NotNull(small, name);
        int rank = shape.Length, offset = rank - small.Rank;
        bool fits = offset >= 0;
        for (int a = 0; fits && a < small.Rank; a++)
            fits = small.Shape[a] == 1 || small.Shape[a] == shape[offset + a];
        if (!fits)
            throw new ArgumentException(
                $"{name} is {small.ShapeText()} but must broadcast to the input's shape {Tensor.ShapeText(shape)} (aligned at the last axis, each axis 1 or equal)",
                name);

        // strides of small as seen from the large shape: 0 on repeated or missing axes
        var stride = new int[rank];
        int s = 1;
        for (int a = small.Rank - 1; a >= 0; a--)
        {
            stride[offset + a] = small.Shape[a] == 1 ? 0 : s;
            s *= small.Shape[a];
        }
        int n = checked((int)Tensor.ElementCount(shape));
        var map = new int[n];
        var at = new int[rank];                                      // multi-index into shape
        for (int k = 0; k < n; k++)
        {
            int src = 0;
            for (int a = 0; a < rank; a++) src += at[a] * stride[a];
            map[k] = src;
            for (int a = rank - 1; a >= 0; a--)                      // next multi-index, last axis fastest
            {
                if (++at[a] < shape[a]) break;
                at[a] = 0;
            }
        }
        return map;
    }
}
