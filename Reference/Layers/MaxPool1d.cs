// Reference 1-D max pooling, PyTorch's nn.MaxPool1d / F.max_pool1d. Mirrors the slide
// "max-pooling takes the max from its input" with "Width: size of neighbourhood to pool
// from; Stride: space between different neighbourhoods". Spec/pooling.md.
//
// R = rows pooled independently (C, or N*C), L = input length, Lout = output length,
// K = kernel_size, S = stride, P = padding, Dl = dilation. input [.., L], output [.., Lout].
//
// Which element wins, exactly as PyTorch's CPU kernel: scan the window left to right
// starting from "the first in-range element, value -inf" and take a new element when
// value > best or value is NaN. So among equal maxima the FIRST wins, and a NaN wins
// (the LAST NaN of the window, whose value NaN is the output). Padding is -inf and never
// wins. The whole gradient of an output goes to its one winning element.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Layers;

/// <summary>What MaxPool1d.Backward needs: the input shape and, per output, the winning position in 0..L-1 (-1: none).</summary>
public sealed record MaxPool1dCache(int[] InputShape, int Lout, int[] Argmax);

/// <summary>1-D max pooling over the last axis, PyTorch's nn.MaxPool1d, with its backward (Spec/pooling.md).</summary>
public static class MaxPool1d
{
    /// <summary>y[R, Lout] and argmax[R, Lout] (positions in 0..L-1) from x[R, L]. Overwrites y and argmax.</summary>
    public static void Forward(ReadOnlySpan<double> x, int R, int L, int K, int S, int P, int Dl, int Lout,
        Span<double> y, Span<int> argmax)
    {
        for (int r = 0; r < R; r++)
        {
            var xRow = x.Slice(r * L, L);                            // x[r, :]
            for (int t = 0; t < Lout; t++)
            {
                // slide: max-pooling takes the max from its input (the neighbourhood of width K)
                double best = double.NegativeInfinity;
                int at = -1;
                for (int k = 0; k < K; k++)
                {
                    int pos = t * S - P + k * Dl;
                    if (pos < 0 || pos >= L) continue;               // -inf padding never wins
                    if (at < 0) at = pos;                            // PyTorch starts at the first in-range element
                    double v = xRow[pos];
                    if (v > best || double.IsNaN(v)) { best = v; at = pos; }
                }
                y[r * Lout + t] = best;
                argmax[r * Lout + t] = at;
            }
        }
    }

    /// <summary>dx[r, argmax[r, t]] += dy[r, t]. Accumulates (overlapping windows can share a winner).</summary>
    public static void Backward(ReadOnlySpan<double> dy, ReadOnlySpan<int> argmax, int R, int L, int Lout, Span<double> dx)
    {
        for (int r = 0; r < R; r++)
            for (int t = 0; t < Lout; t++)
            {
                // forward: y[r, t] = x[r, argmax[r, t]]
                int at = argmax[r * Lout + t];
                if (at >= 0) dx[r * L + at] += dy[r * Lout + t];
            }
    }

    /// <summary>
    /// input [C, L] or [N, C, L]. stride defaults to kernelSize (PyTorch's stride=None).
    /// Returns output [.., Lout] and the cache (whose Argmax is PyTorch's return_indices).
    /// </summary>
    public static (Tensor Output, MaxPool1dCache Cache) Forward(
        Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
    {
        var (R, L) = Pool1dGeometry.CheckInput(input);
        int S = stride ?? kernelSize;
        int Lout = Pool1dGeometry.OutputLength(L, kernelSize, S, padding, dilation, ceilMode);
        var outShape = (int[])input.Shape.Clone();
        outShape[^1] = Lout;
        var output = Tensor.Zeros(outShape);                         // [.., Lout]
        var argmax = new int[R * Lout];                              // [.., Lout]
        Forward(input.Data, R, L, kernelSize, S, padding, dilation, Lout, output.Data, argmax);
        return (output, new MaxPool1dCache((int[])input.Shape.Clone(), Lout, argmax));
    }

    /// <summary>dOutput [.., Lout] -> dInput [.., L] (fresh).</summary>
    public static Tensor Backward(Tensor dOutput, MaxPool1dCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var outShape = (int[])cache.InputShape.Clone();
        outShape[^1] = cache.Lout;
        Require.Shape(dOutput, nameof(dOutput), outShape);
        int L = cache.InputShape[^1];
        int R = cache.Argmax.Length / cache.Lout;
        var dInput = Tensor.Zeros(cache.InputShape);                 // [.., L]
        Backward(dOutput.Data, cache.Argmax, R, L, cache.Lout, dInput.Data);
        return dInput;
    }
}
