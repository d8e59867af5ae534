// tanh as a layer, with its backward written through the output: dx = dy * (1 - y^2).
// Mirrors the slides' h_t = tanh(U x_t + W h_{t-1}). Spec/activations.md.
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Layers;

/// <summary>tanh as a layer, with its backward dx = dy (1 - y^2) (Spec/activations.md).</summary>
public static class Tanh
{
    /// <summary>y = tanh(x). Overwrites y.</summary>
    public static void Forward(ReadOnlySpan<double> x, Span<double> y)
    {
        Require.SameLength(y, nameof(y), x, nameof(x));
        // slide (MATH80629): h_t = tanh(Ux_t + Wh_{t-1})   (the tanh applied to the cell's pre-activation)
        for (int i = 0; i < x.Length; i++) y[i] = Activations.Tanh(x[i]);
    }

    /// <summary>dx += dy * (1 - y^2), y the forward output. Accumulates.</summary>
    public static void Backward(ReadOnlySpan<double> dy, ReadOnlySpan<double> y, Span<double> dx)
    {
        Require.SameLength(dy, nameof(dy), y, nameof(y));
        Require.SameLength(dx, nameof(dx), y, nameof(y));
        // forward: y = tanh(x), tanh'(x) = 1 - tanh(x)^2
        for (int i = 0; i < y.Length; i++) dx[i] += dy[i] * Activations.TanhGradFromOutput(y[i]);
    }

    /// <summary>tanh of a tensor of any shape.</summary>
    public static Tensor Forward(Tensor input)
    {
        Require.NotNull(input, nameof(input));
        var output = Tensor.Zeros(input.Shape);
        Forward(input.Data, output.Data);
        return output;
    }

    /// <summary>dOutput and the forward OUTPUT (same shape) -> dInput (fresh).</summary>
    public static Tensor Backward(Tensor dOutput, Tensor output)
    {
        Require.NotNull(output, nameof(output));
        Require.Shape(dOutput, nameof(dOutput), output.Shape);
        var dInput = Tensor.Zeros(output.Shape);
        Backward(dOutput.Data, output.Data, dInput.Data);
        return dInput;
    }
}
