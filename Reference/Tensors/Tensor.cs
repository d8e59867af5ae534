// A dense array of doubles with a shape, stored row-major (the last index moves fastest),
// exactly like a C-ordered NumPy array or a contiguous PyTorch tensor. Every tensor the
// library takes or returns is one of these; numeric code works on its Data as a span.
namespace Rnn.Reference.Tensors;

/// <summary>A dense row-major array of doubles with a shape, like a C-ordered NumPy array or a contiguous PyTorch tensor.</summary>
public sealed class Tensor
{
    /// <summary>The size of each axis; [] is a scalar.</summary>
    public int[] Shape { get; }

    /// <summary>The elements in row-major order; Data.Length is the product of Shape.</summary>
    public double[] Data { get; }

    /// <summary>Wraps data (not copied) under shape (copied); ArgumentException when a size is negative or data's length is not the product of shape.</summary>
    public Tensor(int[] shape, double[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        foreach (int d in shape)
            if (d < 0)
                throw new ArgumentException($"shape {ShapeText(shape)} has a negative axis size", nameof(shape));
        long count = ElementCount(shape);
        if (count != data.Length)
            throw new ArgumentException(
                $"data has {data.Length} elements but shape {ShapeText(shape)} needs {count}", nameof(data));
        Shape = (int[])shape.Clone();
        Data = data;
    }

    /// <summary>A tensor of zeros of that shape.</summary>
    public static Tensor Zeros(params int[] shape) => new(shape, new double[checked((int)ElementCount(shape))]);

    /// <summary>A scalar: shape [], one element.</summary>
    public static Tensor Scalar(double value) => new([], [value]);

    /// <summary>The number of axes.</summary>
    public int Rank => Shape.Length;

    /// <summary>The number of elements, the product of Shape.</summary>
    public int Length => Data.Length;

    /// <summary>A copy with its own data.</summary>
    public Tensor Clone() => new(Shape, (double[])Data.Clone());

    /// <summary>True when Shape is exactly shape.</summary>
    public bool HasShape(params int[] shape) => Shape.AsSpan().SequenceEqual(shape);

    /// <summary>The shape as the error messages print it, e.g. [5, 2, 3].</summary>
    public string ShapeText() => ShapeText(Shape);

    /// <summary>A shape as the error messages print it, e.g. [5, 2, 3].</summary>
    public static string ShapeText(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>The product of the sizes (1 for []), checked against overflow.</summary>
    public static long ElementCount(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (int d in shape) count = checked(count * d);
        return count;
    }

    /// <summary>"Tensor" and the shape, e.g. Tensor[5, 2, 3].</summary>
    public override string ToString() => $"Tensor{ShapeText()}";
}
