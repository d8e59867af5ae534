// Softmax as a layer, over one axis of a tensor, with its backward. The slides' multi-class
// head: "dense layer, softmax activation". Spec/activations.md.
//
// The axis is seen as the middle of [Outer, C, Inner] (Outer = product of the axes before it,
// C = its size, Inner = product of the axes after it); every (outer, inner) pair is one softmax:
//   y[o, c, i] = exp(x[o, c, i] - m) / sum_c' exp(x[o, c', i] - m),   m = max_c x[o, c, i].
//
// Why subtract the max: exp overflows to +inf for arguments above about 709.78, and inf / inf
// is NaN. Softmax does not change when one constant is subtracted from every input of the
// group (the factor e^-m cancels between numerator and denominator), so subtracting the max
// makes every exponent <= 0 (no overflow) and the largest term exactly 1 (so the sum is
// at least 1 and never underflows to 0). This is also what PyTorch's CPU kernel does.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Layers;

/// <summary>Softmax over one axis as a layer (the max subtracted first), with its backward (Spec/activations.md).</summary>
public static class Softmax
{
    /// <summary>y[Outer, C, Inner] = softmax over C of x[Outer, C, Inner]. Overwrites y.</summary>
    public static void Forward(ReadOnlySpan<double> x, int Outer, int C, int Inner, Span<double> y)
    {
        Require.Size(Outer, nameof(Outer));
        Require.Size(C, nameof(C));
        Require.Size(Inner, nameof(Inner));
        Require.Length(x, nameof(x), "Outer*C*Inner", (long)Outer * C * Inner);
        Require.Length(y, nameof(y), "Outer*C*Inner", (long)Outer * C * Inner);
        // slide (95-865 lecture): Classification with > 2 classes: dense layer, softmax activation
        //   (no slide writes the softmax formula; 95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked)
        for (int o = 0; o < Outer; o++)
            for (int i = 0; i < Inner; i++)
            {
                int at0 = o * C * Inner + i;                         // x[o, 0, i]; x[o, c, i] is at0 + c*Inner
                double m = double.NegativeInfinity;
                for (int c = 0; c < C; c++) m = Math.Max(m, x[at0 + c * Inner]);
                // y = exp(x - max) / sum exp(x - max): the shift by the max keeps exp from overflowing
                double sum = 0.0;
                for (int c = 0; c < C; c++)
                {
                    double e = Math.Exp(x[at0 + c * Inner] - m);
                    y[at0 + c * Inner] = e;
                    sum += e;
                }
                for (int c = 0; c < C; c++) y[at0 + c * Inner] /= sum;
            }
    }

    /// <summary>
    /// dx[o, c, i] += y[o, c, i] * (dy[o, c, i] - sum_c' dy[o, c', i] * y[o, c', i]), y the forward output.
    /// Accumulates.
    /// </summary>
    public static void Backward(ReadOnlySpan<double> dy, ReadOnlySpan<double> y, int Outer, int C, int Inner, Span<double> dx)
    {
        Require.Size(Outer, nameof(Outer));
        Require.Size(C, nameof(C));
        Require.Size(Inner, nameof(Inner));
        Require.Length(dy, nameof(dy), "Outer*C*Inner", (long)Outer * C * Inner);
        Require.Length(y, nameof(y), "Outer*C*Inner", (long)Outer * C * Inner);
        Require.Length(dx, nameof(dx), "Outer*C*Inner", (long)Outer * C * Inner);
        for (int o = 0; o < Outer; o++)
            for (int i = 0; i < Inner; i++)
            {
                int at0 = o * C * Inner + i;
                // forward: y_c = e^{x_c} / sum e^{x_c'};  dy_c/dx_k = y_c (delta_ck - y_k)
                double dot = 0.0;
                for (int c = 0; c < C; c++) dot += dy[at0 + c * Inner] * y[at0 + c * Inner];
                for (int c = 0; c < C; c++) dx[at0 + c * Inner] += y[at0 + c * Inner] * (dy[at0 + c * Inner] - dot);
            }
    }

    /// <summary>
    /// (Outer, C, Inner) of a shape split at axis dim. dim may be negative (counted from the end,
    /// as PyTorch); a scalar is treated as shape [1].
    /// </summary>
    public static (int Outer, int C, int Inner) Split(ReadOnlySpan<int> shape, int dim)
    {
        int rank = Math.Max(shape.Length, 1);
        if (dim < -rank || dim >= rank)
            throw new ArgumentException(
                $"dim is {dim} but must lie in [{-rank}, {rank - 1}] for a tensor of shape {Tensor.ShapeText(shape)}", nameof(dim));
        if (shape.Length == 0) return (1, 1, 1);
        int axis = dim < 0 ? dim + rank : dim;
        int outer = 1, inner = 1;
        for (int a = 0; a < axis; a++) outer *= shape[a];
        for (int a = axis + 1; a < shape.Length; a++) inner *= shape[a];
        return (outer, shape[axis], inner);
    }

    /// <summary>softmax of input (any shape) over axis dim (negative counts from the end). Output has input's shape.</summary>
    public static Tensor Forward(Tensor input, int dim)
    {
        Require.NotNull(input, nameof(input));
        var (outer, C, inner) = Split(input.Shape, dim);
        var output = Tensor.Zeros(input.Shape);
        Forward(input.Data, outer, C, inner, output.Data);
        return output;
    }

    /// <summary>dOutput and the forward OUTPUT (same shape), the same dim -> dInput (fresh).</summary>
    public static Tensor Backward(Tensor dOutput, Tensor output, int dim)
    {
        Require.NotNull(output, nameof(output));
        Require.Shape(dOutput, nameof(dOutput), output.Shape);
        var (outer, C, inner) = Split(output.Shape, dim);
        var dInput = Tensor.Zeros(output.Shape);
        Backward(dOutput.Data, output.Data, outer, C, inner, dInput.Data);
        return dInput;
    }
}
