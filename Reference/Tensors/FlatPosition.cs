// Names a position of a row-major tensor in error messages: flat index 3 of shape [2, 2]
// is "[1, 1] (flat 3)". Used wherever an index or class target is out of range.
namespace Rnn.Reference.Tensors;

internal static class FlatPosition
{
    /// <summary>"[1, 1] (flat 3)" for flat position 3 in shape [2, 2]; just "3" for a shape of rank 0 or 1.</summary>
    public static string Text(int flat, ReadOnlySpan<int> shape)
    {
        if (shape.Length <= 1) return flat.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var at = new int[shape.Length];
        int rest = flat;
        for (int a = shape.Length - 1; a >= 0; a--)
        {
            at[a] = rest % shape[a];
            rest /= shape[a];
        }
        return $"{Tensor.ShapeText(at)} (flat {flat})";
    }
}
