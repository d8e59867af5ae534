// MatMul's three operations on the fast product (Gemm). Same arguments, same checks and the
// same results as Numerics/MatMul.cs up to rounding (the sums are added in a blocked order);
// memory rather than spans so that the work can be split across threads.
//
//   Forward             out[R, Out] = bias + inp[R, In] · weight[Out, In]ᵀ      Gemm ABt
//   ForwardAccumulate   out[R, Out] += inp · weightᵀ                            Gemm ABt
//   Backward            dinp[R, In]    += dout[R, Out] · weight                 Gemm AB
//                       dweight[Out, In] += doutᵀ · inp                         Gemm AtB
//                       dbias[Out]     += sum_r dout[r, :]                      ColumnSums (as the loop: r in order)
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Fast;

/// <summary>MatMul's operations on the packed, blocked, threaded product Gemm: the same arguments and checks, equal to MatMul within rounding (Spec/performance.md).</summary>
public static class FastMatMul
{
    /// <summary>out[R, Out] = inp[R, In] · weight[Out, In]ᵀ (+ bias[Out] when given). Overwrites out.</summary>
    public static void Forward(
        ReadOnlyMemory<double> inp, ReadOnlyMemory<double> weight, ReadOnlyMemory<double> bias,
        int R, int In, int Out,
        Memory<double> output, int threads)
    {
        CheckForward(inp.Span, weight.Span, R, In, Out, output.Span);
        Require.LengthOrEmpty(bias.Span, nameof(bias), "Out", Out);
        var outSpan = output.Span;
        if (bias.IsEmpty) outSpan.Clear();
        else
            for (int r = 0; r < R; r++) bias.Span.CopyTo(outSpan.Slice(r * Out, Out));   // out[r, :] = bias
        Gemm.Multiply(GemmLayout.ABt, inp, weight, R, Out, In, output, threads);
    }

    /// <summary>out[R, Out] += inp[R, In] · weight[Out, In]ᵀ. Adds to out.</summary>
    public static void ForwardAccumulate(
        ReadOnlyMemory<double> inp, ReadOnlyMemory<double> weight,
        int R, int In, int Out,
        Memory<double> output, int threads)
    {
        CheckForward(inp.Span, weight.Span, R, In, Out, output.Span);
        Gemm.Multiply(GemmLayout.ABt, inp, weight, R, Out, In, output, threads);
    }

    /// <summary>
    /// Backward of out = inp · weightᵀ + bias, accumulating (+=) into dinp [R, In], dweight [Out, In]
    /// and dbias [Out]; any of them may be empty when that gradient is not wanted.
    /// </summary>
    public static void Backward(
        ReadOnlyMemory<double> dout, ReadOnlyMemory<double> inp, ReadOnlyMemory<double> weight,
        int R, int In, int Out,
        Memory<double> dinp, Memory<double> dweight, Memory<double> dbias, int threads)
    {
        CheckSizes(R, In, Out);
        Require.Length(dout.Span, nameof(dout), "R*Out", R, Out);
        Require.Length(inp.Span, nameof(inp), "R*In", R, In);
        Require.Length(weight.Span, nameof(weight), "Out*In", Out, In);
        Require.LengthOrEmpty(dinp.Span, nameof(dinp), "R*In", R, In);
        Require.LengthOrEmpty(dweight.Span, nameof(dweight), "Out*In", Out, In);
        Require.LengthOrEmpty(dbias.Span, nameof(dbias), "Out", Out);
        // forward: out[r, o] = bias[o] + sum_i inp[r, i] * weight[o, i]
        if (!dinp.IsEmpty) Gemm.Multiply(GemmLayout.AB, dout, weight, R, In, Out, dinp, threads);
        if (!dweight.IsEmpty) Gemm.Multiply(GemmLayout.AtB, dout, inp, Out, In, R, dweight, threads);
        if (!dbias.IsEmpty) ColumnSums.Add(dout.Span, R, Out, dbias.Span);
    }

    private static void CheckForward(ReadOnlySpan<double> inp, ReadOnlySpan<double> weight, int R, int In, int Out, ReadOnlySpan<double> output)
    {
        CheckSizes(R, In, Out);
        Require.Length(inp, nameof(inp), "R*In", R, In);
        Require.Length(weight, nameof(weight), "Out*In", Out, In);
        Require.Length(output, nameof(output), "R*Out", R, Out);
    }

    private static void CheckSizes(int R, int In, int Out)
    {
        Require.Size(R, nameof(R));
        Require.Size(In, nameof(In));
        Require.Size(Out, nameof(Out));
    }
}
