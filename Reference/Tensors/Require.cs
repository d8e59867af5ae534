// Argument checks shared by every public operation. Each message names the argument,
// what was expected and what was found, e.g.
//   "input is [5, 2, 3] but weight_ih_l0 expects input size 4".
// The span kernels (MatMul, the cells' Step functions) check their lengths up front as
// System.Numerics.Tensors.TensorPrimitives does, naming the sizes the length is made of:
//   "hPrev has 5 elements but B*H = 2*3 = 6 were expected".
namespace Rnn.Reference.Tensors;

/// <summary>Argument checks shared by every public operation; each ArgumentException names the argument, what was expected and what was found.</summary>
public static class Require
{
    /// <summary>ArgumentNullException naming the argument when t is null.</summary>
    public static void NotNull(Tensor? t, string name)
    {
        if (t is null) throw new ArgumentNullException(name, $"{name} is required but was null");
    }

    /// <summary>ArgumentException unless value is at least 1.</summary>
    public static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be at least 1 but is {value}", name);
    }

    /// <summary>ArgumentException unless t's shape is exactly expected, with both shapes in the message.</summary>
    public static void Shape(Tensor t, string name, ReadOnlySpan<int> expected)
    {
        NotNull(t, name);
        if (!t.Shape.AsSpan().SequenceEqual(expected))
            throw new ArgumentException($"{name} is {t.ShapeText()} but {Tensor.ShapeText(expected)} was expected", name);
    }

    /// <summary>ArgumentException unless t has that rank; meaning says what the axes are, for the message.</summary>
    public static void Rank(Tensor t, string name, int rank, string meaning)
    {
        NotNull(t, name);
        if (t.Rank != rank)
            throw new ArgumentException($"{name} is {t.ShapeText()} but a rank-{rank} tensor {meaning} was expected", name);
    }

    /// <summary>ArgumentException naming the first NaN or infinite value and its flat index.</summary>
    public static void Finite(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"{name} has a non-finite value {values[i]} at flat index {i}", name);
    }

    /// <summary>
    /// span must hold exactly size elements; dims says what size is made of ("4H", "Out").
    /// The message reads "bhh has 5 elements but 4H = 12 were expected".
    /// </summary>
    public static void Length(ReadOnlySpan<double> span, string name, string dims, long size)
    {
        if (span.Length != size)
            throw new ArgumentException($"{name} has {span.Length} elements but {dims} = {size} were expected", name);
    }

    /// <summary>
    /// span must hold exactly rows * cols elements; dims names the product ("B*H", "B*4H").
    /// The message reads "hPrev has 5 elements but B*H = 2*3 = 6 were expected".
    /// </summary>
    public static void Length(ReadOnlySpan<double> span, string name, string dims, int rows, int cols)
    {
        long size = (long)rows * cols;
        if (span.Length != size)
            throw new ArgumentException($"{name} has {span.Length} elements but {dims} = {rows}*{cols} = {size} were expected", name);
    }

    /// <summary>As Length, but an empty span is accepted too (a bias the layer does not have, a gradient not wanted).</summary>
    public static void LengthOrEmpty(ReadOnlySpan<double> span, string name, string dims, long size)
    {
        if (!span.IsEmpty && span.Length != size)
            throw new ArgumentException($"{name} has {span.Length} elements but {dims} = {size} (or none) were expected", name);
    }

    /// <summary>As Length, but an empty span is accepted too (a gradient not wanted).</summary>
    public static void LengthOrEmpty(ReadOnlySpan<double> span, string name, string dims, int rows, int cols)
    {
        long size = (long)rows * cols;
        if (!span.IsEmpty && span.Length != size)
            throw new ArgumentException($"{name} has {span.Length} elements but {dims} = {rows}*{cols} = {size} (or none) were expected", name);
    }

    /// <summary>An index span must hold exactly size elements (as Length for values).</summary>
    public static void Length(ReadOnlySpan<int> span, string name, string dims, long size)
    {
        if (span.Length != size)
            throw new ArgumentException($"{name} has {span.Length} elements but {dims} = {size} were expected", name);
    }

    /// <summary>span must hold as many elements as other ("y has 4 elements but len(x) = 5 were expected").</summary>
    public static void SameLength(ReadOnlySpan<double> span, string name, ReadOnlySpan<double> other, string otherName) =>
        Length(span, name, $"len({otherName})", other.Length);

    /// <summary>As SameLength, but an empty span is accepted too (a gradient not wanted).</summary>
    public static void SameLengthOrEmpty(ReadOnlySpan<double> span, string name, ReadOnlySpan<double> other, string otherName) =>
        LengthOrEmpty(span, name, $"len({otherName})", other.Length);

    /// <summary>A size argument of a span kernel (B, H, R, In, ...) must be at least 0.</summary>
    public static void Size(int value, string name)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} is {value} but a size must be at least 0");
    }
}
