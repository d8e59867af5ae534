// The one matrix product every cell and layer goes through (as llm.c's matmul_forward):
//   out[r, o] = bias[o] + sum_i inp[r, i] * weight[o, i]       i.e.  out = inp · weightᵀ + bias
// weight is [Out, In] (PyTorch's layout). The plain triple loops below are the meaning.
// The overloads that take a Compute are the seam to the fast path: Compute.Plain runs these
// loops, Compute.Fast runs Fast/FastMatMul.cs (packed, blocked, vectorised, threaded; equal to
// the loops within rounding, Spec/performance.md). They take memory rather than spans so that
// the fast path can hand parts of the work to other threads.
// Every span's length is checked up front (ArgumentException naming the span, e.g.
// "inp has 5 elements but R*In = 2*3 = 6 were expected"), as TensorPrimitives does.
using Rnn.Reference.Fast;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Numerics;

/// <summary>The one matrix product: out = inp weightᵀ + bias with weight [Out, In], and its backward.</summary>
public static class MatMul
{
    /// <summary>out[R, Out] = inp[R, In] · weight[Out, In]ᵀ (+ bias[Out] when given). Overwrites out.</summary>
    public static void Forward(
        ReadOnlySpan<double> inp, ReadOnlySpan<double> weight, ReadOnlySpan<double> bias,
        int R, int In, int Out,
        Span<double> output)
    {
        CheckSizes(R, In, Out);
        Require.Length(inp, nameof(inp), "R*In", R, In);
        Require.Length(weight, nameof(weight), "Out*In", Out, In);
        Require.LengthOrEmpty(bias, nameof(bias), "Out", Out);
        Require.Length(output, nameof(output), "R*Out", R, Out);
        for (int r = 0; r < R; r++)
        {
            var x = inp.Slice(r * In, In);                   // inp[r, :]
            for (int o = 0; o < Out; o++)
            {
                var w = weight.Slice(o * In, In);            // weight[o, :]
                double sum = bias.IsEmpty ? 0.0 : bias[o];
                for (int i = 0; i < In; i++) sum += x[i] * w[i];
                output[r * Out + o] = sum;
            }
        }
    }

    /// <summary>out[R, Out] += inp[R, In] · weight[Out, In]ᵀ. Adds to out.</summary>
    public static void ForwardAccumulate(
        ReadOnlySpan<double> inp, ReadOnlySpan<double> weight,
        int R, int In, int Out,
        Span<double> output)
    {
        CheckSizes(R, In, Out);
        Require.Length(inp, nameof(inp), "R*In", R, In);
        Require.Length(weight, nameof(weight), "Out*In", Out, In);
        Require.Length(output, nameof(output), "R*Out", R, Out);
        for (int r = 0; r < R; r++)
        {
            var x = inp.Slice(r * In, In);
            for (int o = 0; o < Out; o++)
            {
                var w = weight.Slice(o * In, In);
                double sum = 0.0;
                for (int i = 0; i < In; i++) sum += x[i] * w[i];
                output[r * Out + o] += sum;
            }
        }
    }

    /// <summary>
    /// Backward of out = inp · weightᵀ + bias, accumulating (+=):
    ///   dinp[r, i]   += sum_o dout[r, o] * weight[o, i]
    ///   dweight[o, i] += sum_r dout[r, o] * inp[r, i]
    ///   dbias[o]     += sum_r dout[r, o]
    /// Any of dinp, dweight, dbias may be empty when that gradient is not wanted.
    /// </summary>
    public static void Backward(
        ReadOnlySpan<double> dout, ReadOnlySpan<double> inp, ReadOnlySpan<double> weight,
        int R, int In, int Out,
        Span<double> dinp, Span<double> dweight, Span<double> dbias)
    {
        CheckSizes(R, In, Out);
        Require.Length(dout, nameof(dout), "R*Out", R, Out);
        Require.Length(inp, nameof(inp), "R*In", R, In);
        Require.Length(weight, nameof(weight), "Out*In", Out, In);
        Require.LengthOrEmpty(dinp, nameof(dinp), "R*In", R, In);
        Require.LengthOrEmpty(dweight, nameof(dweight), "Out*In", Out, In);
        Require.LengthOrEmpty(dbias, nameof(dbias), "Out", Out);
        for (int r = 0; r < R; r++)
        {
            var g = dout.Slice(r * Out, Out);                // dout[r, :]
            var x = inp.Slice(r * In, In);                   // inp[r, :]
            for (int o = 0; o < Out; o++)
            {
                double go = g[o];
                if (!dinp.IsEmpty)
                {
                    var w = weight.Slice(o * In, In);
                    var dx = dinp.Slice(r * In, In);
                    for (int i = 0; i < In; i++) dx[i] += go * w[i];
                }
                if (!dweight.IsEmpty)
                {
                    var dw = dweight.Slice(o * In, In);
                    for (int i = 0; i < In; i++) dw[i] += go * x[i];
                }
                if (!dbias.IsEmpty) dbias[o] += go;
            }
        }
    }

    /// <summary>Forward, by the chosen compute: the loop above (Plain) or FastMatMul.Forward (Fast).</summary>
    public static void Forward(Compute compute,
        ReadOnlyMemory<double> inp, ReadOnlyMemory<double> weight, ReadOnlyMemory<double> bias,
        int R, int In, int Out,
        Memory<double> output)
    {
        ArgumentNullException.ThrowIfNull(compute);
        if (compute.IsFast) FastMatMul.Forward(inp, weight, bias, R, In, Out, output, compute.Threads);
        else Forward(inp.Span, weight.Span, bias.Span, R, In, Out, output.Span);
    }

    /// <summary>Backward, by the chosen compute: the loop above (Plain) or FastMatMul.Backward (Fast).</summary>
    public static void Backward(Compute compute,
        ReadOnlyMemory<double> dout, ReadOnlyMemory<double> inp, ReadOnlyMemory<double> weight,
        int R, int In, int Out,
        Memory<double> dinp, Memory<double> dweight, Memory<double> dbias)
    {
        ArgumentNullException.ThrowIfNull(compute);
        if (compute.IsFast) FastMatMul.Backward(dout, inp, weight, R, In, Out, dinp, dweight, dbias, compute.Threads);
        else Backward(dout.Span, inp.Span, weight.Span, R, In, Out, dinp.Span, dweight.Span, dbias.Span);
    }

    private static void CheckSizes(int R, int In, int Out)
    {
        Require.Size(R, nameof(R));
        Require.Size(In, nameof(In));
        Require.Size(Out, nameof(Out));
    }
}
