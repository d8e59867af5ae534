// Reference 1-D average pooling, PyTorch's nn.AvgPool1d / F.avg_pool1d. Mirrors the slide's
// pooling ("Pool the value of neighbour units"; "Width: size of neighbourhood to pool from;
// Stride: space between different neighbourhoods") with the mean as the pool. Spec/pooling.md.
//
// R = rows pooled independently (C, or N*C), L = input length, Lout = output length,
// K = kernel_size, S = stride, P = padding (zeros). input [.., L], output [.., Lout].
//
// Window t starts at s = t*S - P and ends (exclusive) at e = min(s + K, L + P): with
// ceil_mode the last window may run past the right padding and is cut there. The divisor is
// e - s when count_include_pad (PyTorch's default: padded zeros count), otherwise the number
// of in-range elements. These are the rules of PyTorch's CPU kernel (checked in Spec/pooling.md).
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Layers;

/// <summary>What AvgPool1d.Backward needs: the input shape and the pooling geometry.</summary>
public sealed record AvgPool1dCache(int[] InputShape, int Lout, int KernelSize, int Stride, int Padding, bool CountIncludePad);

/// <summary>1-D average pooling over the last axis, PyTorch's nn.AvgPool1d, with its backward (Spec/pooling.md).</summary>
public static class AvgPool1d
{
    /// <summary>Window t: in-range positions [lo, hi) and the divisor, as the header describes.</summary>
    public static (int Lo, int Hi, int Divisor) Window(int t, int L, int K, int S, int P, bool countIncludePad)
    {
        int s = t * S - P;
        int e = Math.Min(s + K, L + P);
        int lo = Math.Max(s, 0), hi = Math.Min(e, L);
        return (lo, hi, countIncludePad ? e - s : hi - lo);
    }

    /// <summary>y[R, Lout] from x[R, L]. Overwrites y.</summary>
    public static void Forward(ReadOnlySpan<double> x, int R, int L, int K, int S, int P, bool countIncludePad, int Lout,
        Span<double> y)
    {
        for (int r = 0; r < R; r++)
        {
            var xRow = x.Slice(r * L, L);                            // x[r, :]
            for (int t = 0; t < Lout; t++)
            {
                var (lo, hi, divisor) = Window(t, L, K, S, P, countIncludePad);
                // slide (MATH80629): “Pool” the value of neighbour units   (the slide's example is max-pooling; here the mean)
                // y[r, t] = (sum of the window's in-range values) / divisor; padded zeros add nothing
                double sum = 0.0;
                for (int pos = lo; pos < hi; pos++) sum += xRow[pos];
                y[r * Lout + t] = hi > lo ? sum / divisor : 0.0;    // an empty window gives 0, as PyTorch
            }
        }
    }

    /// <summary>dx[r, pos] += dy[r, t] / divisor for every in-range pos of window t. Accumulates.</summary>
    public static void Backward(ReadOnlySpan<double> dy, int R, int L, int K, int S, int P, bool countIncludePad, int Lout,
        Span<double> dx)
    {
        for (int r = 0; r < R; r++)
            for (int t = 0; t < Lout; t++)
            {
                var (lo, hi, divisor) = Window(t, L, K, S, P, countIncludePad);
                if (hi <= lo) continue;
                // forward: y[r, t] = sum_{pos in [lo, hi)} x[r, pos] / divisor
                double g = dy[r * Lout + t] / divisor;
                for (int pos = lo; pos < hi; pos++) dx[r * L + pos] += g;
            }
    }

    /// <summary>
    /// input [C, L] or [N, C, L]. stride defaults to kernelSize (PyTorch's stride=None).
    /// Returns output [.., Lout] and the cache for Backward.
    /// </summary>
    public static (Tensor Output, AvgPool1dCache Cache) Forward(
        Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        var (R, L) = Pool1dGeometry.CheckInput(input);
        int S = stride ?? kernelSize;
        int Lout = Pool1dGeometry.OutputLength(L, kernelSize, S, padding, 1, ceilMode);
        var outShape = (int[])input.Shape.Clone();
        outShape[^1] = Lout;
        var output = Tensor.Zeros(outShape);                         // [.., Lout]
        Forward(input.Data, R, L, kernelSize, S, padding, countIncludePad, Lout, output.Data);
        return (output, new AvgPool1dCache((int[])input.Shape.Clone(), Lout, kernelSize, S, padding, countIncludePad));
    }

    /// <summary>dOutput [.., Lout] -> dInput [.., L] (fresh).</summary>
    public static Tensor Backward(Tensor dOutput, AvgPool1dCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var outShape = (int[])cache.InputShape.Clone();
        outShape[^1] = cache.Lout;
        Require.Shape(dOutput, nameof(dOutput), outShape);
        int L = cache.InputShape[^1];
        int R = dOutput.Length / cache.Lout;
        var dInput = Tensor.Zeros(cache.InputShape);                 // [.., L]
        Backward(dOutput.Data, R, L, cache.KernelSize, cache.Stride, cache.Padding, cache.CountIncludePad, cache.Lout, dInput.Data);
        return dInput;
    }
}
