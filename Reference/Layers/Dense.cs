// Reference dense (fully connected) layer, PyTorch's nn.Linear: y = x · Wᵀ + b.
// Mirrors the slides' classification heads ("dense layer, softmax activation";
// "dense layer with 1 neuron, sigmoid activation") and the RNN slide's "it's like a dense
// layer in a for loop". Equations and shapes in Spec/dense.md.
//
// R = rows (the product of every leading axis of the input), In = input features,
// Out = output features. weight is [Out, In] (PyTorch's layout), bias [Out]; row-major.
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Layers;

/// <summary>What Dense.Backward needs: the input and the weight of the forward call, and how it was computed.</summary>
public sealed record DenseCache(Tensor Input, Tensor Weight, bool HasBias)
{
    /// <summary>Compute.Plain (the loops) or Compute.Fast (Fast/FastMatMul); Backward computes the same way.</summary>
    public Compute Compute { get; init; } = Compute.Plain;
}

/// <summary>Gradients of a dense layer; dBias is null when the layer has no bias.</summary>
public sealed record DenseGradients(Tensor dInput, Tensor dWeight, Tensor? dBias);

/// <summary>Dense layer y = x Wᵀ + b, PyTorch's nn.Linear (weight [Out, In]), with its backward (Spec/dense.md).</summary>
public static class Dense
{
    /// <summary>y[R, Out] = x[R, In] · W[Out, In]ᵀ + b[Out] (b may be empty). Overwrites y.</summary>
    public static void Forward(
        ReadOnlySpan<double> x, ReadOnlySpan<double> W, ReadOnlySpan<double> b,
        int R, int In, int Out,
        Span<double> y)
    {
        // slide (STATS 507, "The perceptron"): ŷ = g(w_0 + Σ_{i=1}^{n} x_i w_i) = g(z)
        //   (z for output o is w_0 = b[o] plus Σ_i x[r, i] W[o, i]; g is whatever layer follows)
        // y = x · Wᵀ + b, one row of x at a time (MatMul's loop)
        MatMul.Forward(x, W, b, R, In, Out, y);
    }

    /// <summary>
    /// Backward of y = x · Wᵀ + b, accumulating (+=): dx[R, In] += dy · W, dW[Out, In] += dyᵀ · x,
    /// db[Out] += sum over rows of dy. Pass an empty span for a gradient that is not wanted.
    /// </summary>
    public static void Backward(
        ReadOnlySpan<double> dy, ReadOnlySpan<double> x, ReadOnlySpan<double> W,
        int R, int In, int Out,
        Span<double> dx, Span<double> dW, Span<double> db)
    {
        // forward: y[r, o] = b[o] + sum_i x[r, i] * W[o, i]
        MatMul.Backward(dy, x, W, R, In, Out, dx, dW, db);
    }

    /// <summary>
    /// input [..., In] (any number of leading axes, or just [In]), weight [Out, In], bias [Out] or null.
    /// Returns output [..., Out] and the cache for Backward. compute: the loops above (null, Plain) or
    /// the fast product (Compute.Fast, through MatMul's seam).
    /// </summary>
    public static (Tensor Output, DenseCache Cache) Forward(Tensor input, Tensor weight, Tensor? bias, Compute? compute = null)
    {
        compute ??= Compute.Plain;
        var (R, In, Out) = CheckShapes(input, weight, bias);
        var outShape = (int[])input.Shape.Clone();
        outShape[^1] = Out;
        var output = Tensor.Zeros(outShape);                         // [..., Out]
        if (compute.IsFast) MatMul.Forward(compute, input.Data, weight.Data, bias is null ? [] : bias.Data, R, In, Out, output.Data);
        else Forward(input.Data, weight.Data, bias is null ? [] : bias.Data, R, In, Out, output.Data);
        return (output, new DenseCache(input, weight, bias is not null) { Compute = compute });
    }

    /// <summary>dOutput [..., Out] (the output's shape) -> fresh gradients of input, weight and bias.</summary>
    public static DenseGradients Backward(Tensor dOutput, DenseCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var input = cache.Input;
        var weight = cache.Weight;
        int Out = weight.Shape[0], In = weight.Shape[1];
        int R = input.Length / In;
        var outShape = (int[])input.Shape.Clone();
        outShape[^1] = Out;
        Require.Shape(dOutput, nameof(dOutput), outShape);

        var dInput = Tensor.Zeros(input.Shape);                      // [..., In]
        var dWeight = Tensor.Zeros(Out, In);                         // [Out, In]
        var dBias = cache.HasBias ? Tensor.Zeros(Out) : null;        // [Out]
        if (cache.Compute.IsFast)
            MatMul.Backward(cache.Compute, dOutput.Data, input.Data, weight.Data, R, In, Out,
                dInput.Data, dWeight.Data, dBias is null ? [] : dBias.Data);
        else
            Backward(dOutput.Data, input.Data, weight.Data, R, In, Out,
                dInput.Data, dWeight.Data, dBias is null ? [] : dBias.Data);
        return new DenseGradients(dInput, dWeight, dBias);
    }

    private static (int R, int In, int Out) CheckShapes(Tensor input, Tensor weight, Tensor? bias)
    {
        Require.NotNull(input, nameof(input));
        Require.Rank(weight, nameof(weight), 2, "[out_features, in_features]");
        int Out = weight.Shape[0], In = weight.Shape[1];
        Require.Positive(In, "in_features (weight.shape[1])");
        Require.Positive(Out, "out_features (weight.shape[0])");
        if (input.Rank < 1 || input.Shape[^1] != In)
            throw new ArgumentException(
                $"input is {input.ShapeText()} but weight {weight.ShapeText()} expects input [..., {In}]", nameof(input));
        if (bias is not null && !bias.HasShape(Out))
            throw new ArgumentException(
                $"bias is {bias.ShapeText()} but weight {weight.ShapeText()} expects bias [{Out}]", nameof(bias));
        return (input.Length / In, In, Out);
    }
}
