// Where the windows of 1-D pooling lie, shared by MaxPool1d and AvgPool1d. Mirrors the
// slide's two pooling parameters: "Width: size of neighbourhood to pool from; Stride:
// space between different neighbourhoods" (kernel_size and stride in PyTorch). The rules
// are PyTorch's (ATen/native/Pool.h), Spec/pooling.md.
//
// Window t covers positions t*S - P + k*Dl for k = 0..K-1 (K = kernel_size, S = stride,
// P = padding, Dl = dilation); positions outside 0..L-1 are padding.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Layers;

/// <summary>Where the windows of 1-D pooling lie (PyTorch's rules for kernel_size, stride, padding, dilation, ceil_mode).</summary>
public static class Pool1dGeometry
{
    /// <summary>
    /// Lout = floor((L + 2P - Dl*(K-1) - 1) / S) + 1, or with ceilMode the ceiling instead of the floor,
    /// then one window less if the last one would start at or beyond L + P (it must start inside the
    /// input or the left padding). Throws if Lout is below 1.
    /// </summary>
    public static int OutputLength(int length, int kernelSize, int stride, int padding, int dilation, bool ceilMode)
    {
        CheckHyperParameters(kernelSize, stride, padding, dilation);
        long num = (long)length + 2L * padding - (long)dilation * (kernelSize - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long outLength = FloorDiv(num, stride) + 1;
        if (ceilMode && (outLength - 1) * stride >= (long)length + padding) outLength--;
        if (outLength < 1)
            throw new ArgumentException(
                $"input length {length} gives output length {outLength} with kernel_size {kernelSize}, stride {stride}, padding {padding}, dilation {dilation}, ceil_mode {ceilMode}; it must be at least 1",
                "input");
        return checked((int)outLength);
    }

    /// <summary>Positive sizes, padding in [0, kernel_size / 2] (PyTorch requires padding at most half the kernel).</summary>
    public static void CheckHyperParameters(int kernelSize, int stride, int padding, int dilation)
    {
        Require.Positive(kernelSize, "kernel_size");
        Require.Positive(stride, "stride");
        Require.Positive(dilation, "dilation");
        if (padding < 0 || padding > kernelSize / 2)
            throw new ArgumentException(
                $"padding is {padding} but must lie in [0, kernel_size / 2] = [0, {kernelSize / 2}] for kernel_size {kernelSize}",
                "padding");
    }

    /// <summary>Pooling input [C, L] or [N, C, L] (as PyTorch): returns R (rows pooled independently) and L.</summary>
    public static (int R, int L) CheckInput(Tensor input)
    {
        Require.NotNull(input, nameof(input));
        if (input.Rank is not (2 or 3))
            throw new ArgumentException(
                $"input is {input.ShapeText()} but [channels, length] or [batch, channels, length] was expected", nameof(input));
        int L = input.Shape[^1];
        if (L < 1)
            throw new ArgumentException($"input is {input.ShapeText()} but its length (last axis) must be at least 1", nameof(input));
        return (input.Length / L, L);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
