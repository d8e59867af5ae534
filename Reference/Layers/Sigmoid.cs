// Logistic sigmoid as a layer, y = 1 / (1 + e^-x), with its backward written through the
// output: dx = dy * y * (1 - y). The slides' binary head: "dense layer with 1 neuron,
// sigmoid activation". Spec/activations.md.
//
// Stable form: for x >= 0 compute 1 / (1 + e^-x), for x < 0 compute e^x / (1 + e^x), so the
// exponential is never of a large positive number and never overflows (Activations.Sigmoid).
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Layers;

/// <summary>Logistic sigmoid as a layer, in its stable form, with its backward dx = dy y (1 - y) (Spec/activations.md).</summary>
public static class Sigmoid
{
    /// <summary>y = sigmoid(x) in the stable form. Overwrites y.</summary>
    public static void Forward(ReadOnlySpan<double> x, Span<double> y)
    {
        Require.SameLength(y, nameof(y), x, nameof(x));
        // slide (95-865 lecture): Classification with 2 classes: dense layer with 1 neuron, sigmoid activation
        //   (no slide writes the sigmoid formula; 95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked)
        for (int i = 0; i < x.Length; i++) y[i] = Activations.Sigmoid(x[i]);
    }

    /// <summary>dx += dy * y * (1 - y), y the forward output. Accumulates.</summary>
    public static void Backward(ReadOnlySpan<double> dy, ReadOnlySpan<double> y, Span<double> dx)
    {
        Require.SameLength(dy, nameof(dy), y, nameof(y));
        Require.SameLength(dx, nameof(dx), y, nameof(y));
        // forward: y = sigmoid(x), sigmoid'(x) = sigmoid(x) * (1 - sigmoid(x))
        for (int i = 0; i < y.Length; i++) dx[i] += dy[i] * Activations.SigmoidGradFromOutput(y[i]);
    }

    /// <summary>sigmoid of a tensor of any shape.</summary>
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
