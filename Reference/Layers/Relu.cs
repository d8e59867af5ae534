// ReLU as a layer: y = max(0, x) elementwise, with its backward. Mirrors the slide's
// "output = np.maximum(0, linear) # ReLU". Spec/activations.md.
//
// The derivative at exactly x = 0 is taken to be 0 (the gradient passes only where
// x > 0), as PyTorch and the usual NumPy code do. NaN propagates as np.maximum and
// torch.relu propagate it: relu(NaN) = NaN, and its gradient is passed through
// (PyTorch's rule "dx = 0 where x <= 0, else dy", and NaN <= 0 is false).
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Layers;

/// <summary>ReLU y = max(0, x) as a layer, with its backward; ReLU'(0) = 0 (Spec/activations.md).</summary>
public static class Relu
{
    /// <summary>y = max(0, x); NaN stays NaN. Overwrites y.</summary>
    public static void Forward(ReadOnlySpan<double> x, Span<double> y)
    {
        Require.SameLength(y, nameof(y), x, nameof(x));
        // slide: output = np.maximum(0, linear)
        for (int i = 0; i < x.Length; i++) y[i] = x[i] <= 0.0 ? 0.0 : x[i];
    }

    /// <summary>dx += dy where x > 0 (or x is NaN); nothing where x &lt;= 0, so the derivative at 0 is 0. Accumulates.</summary>
    public static void Backward(ReadOnlySpan<double> dy, ReadOnlySpan<double> x, Span<double> dx)
    {
        Require.SameLength(dy, nameof(dy), x, nameof(x));
        Require.SameLength(dx, nameof(dx), x, nameof(x));
        // forward: y = x <= 0 ? 0 : x
        for (int i = 0; i < x.Length; i++) dx[i] += x[i] <= 0.0 ? 0.0 : dy[i];
    }

    /// <summary>relu of a tensor of any shape.</summary>
    public static Tensor Forward(Tensor input)
    {
        Require.NotNull(input, nameof(input));
        var output = Tensor.Zeros(input.Shape);
        Forward(input.Data, output.Data);
        return output;
    }

    /// <summary>dOutput (input's shape) and the forward input -> dInput (fresh).</summary>
    public static Tensor Backward(Tensor dOutput, Tensor input)
    {
        Require.NotNull(input, nameof(input));
        Require.Shape(dOutput, nameof(dOutput), input.Shape);
        var dInput = Tensor.Zeros(input.Shape);
        Backward(dOutput.Data, input.Data, dInput.Data);
        return dInput;
    }
}
