// Reference 1-D convolution over time, PyTorch's nn.Conv1d / F.conv1d (zero padding, groups = 1).
// Mirrors the slides on CNNs for time series ("the size of the filters used say how far
// back in time we look") and "Pass the filter over the image (Convolutions)". Like every
// deep-learning framework it is a cross-correlation: the kernel is not flipped.
// Equations and the PyTorch/Keras differences in Spec/conv1d.md.
//
// B = batch, Cin = input channels, Cout = output channels, L = input length,
// K = kernel size, Lout = output length; S = stride, P = padding, Dl = dilation.
// input [B, Cin, L], weight [Cout, Cin, K], bias [Cout], output [B, Cout, Lout]; row-major.
//
//   out[b, co, t] = bias[co] + sum_ci sum_k weight[co, ci, k] * x[b, ci, t*S + k*Dl - P]
//   (x outside 0..L-1 reads as 0), Lout = floor((L + 2P - Dl*(K-1) - 1) / S) + 1.
//
// The sum is computed as one matrix product: each output position t gathers the Cin*K
// input values it sees into a row of `cols` [B*Lout, Cin*K] ("im2col"); then
// out = cols · weightᵀ + bias through MatMul, with weight seen as [Cout, Cin*K].
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Layers;

/// <summary>Sizes and hyper-parameters of one conv1d call.</summary>
public readonly record struct Conv1dDims(int B, int Cin, int Cout, int L, int K, int Lout, int Stride, int Padding, int Dilation);

/// <summary>What Conv1d.Backward needs: the sizes, the gathered input windows and the weight.</summary>
public sealed record Conv1dCache(Conv1dDims Dims, double[] Cols, Tensor Weight, bool HasBias)
{
    /// <summary>Compute.Plain (the loops) or Compute.Fast (the product on Fast/FastMatMul); Backward computes the same way.</summary>
    public Compute Compute { get; init; } = Compute.Plain;
}

/// <summary>Gradients of a conv1d layer; dBias is null when the layer has no bias.</summary>
public sealed record Conv1dGradients(Tensor dInput, Tensor dWeight, Tensor? dBias);

/// <summary>1-D convolution (cross-correlation) over time, PyTorch's nn.Conv1d, with its backward (Spec/conv1d.md).</summary>
public static class Conv1d
{
    /// <summary>
    /// Lout = floor((L + 2*padding - dilation*(kernelSize - 1) - 1) / stride) + 1, PyTorch's formula.
    /// Throws when it is below 1 (the kernel does not fit even once).
    /// </summary>
    public static int OutputLength(int length, int kernelSize, int stride, int padding, int dilation)
    {
        int span = dilation * (kernelSize - 1) + 1;                 // how far back one output looks
        int padded = length + 2 * padding;
        if (padded < span)
            throw new ArgumentException(
                $"input length {length} with padding {padding} is {padded} but the kernel spans {span} (kernel_size {kernelSize}, dilation {dilation}); the output length would be below 1",
                "input");
        return (padded - span) / stride + 1;
    }

    /// <summary>cols[B*Lout, Cin*K]: cols[b*Lout + t, ci*K + k] = x[b, ci, t*S + k*Dl - P] or 0 in the padding. Overwrites cols.</summary>
    public static void Im2Col(ReadOnlySpan<double> x, Conv1dDims d, Span<double> cols)
    {
        int CK = d.Cin * d.K;
        for (int b = 0; b < d.B; b++)
            for (int t = 0; t < d.Lout; t++)
            {
                var row = cols.Slice((b * d.Lout + t) * CK, CK);     // cols[b*Lout + t, :]
                for (int ci = 0; ci < d.Cin; ci++)
                {
                    var xRow = x.Slice((b * d.Cin + ci) * d.L, d.L); // x[b, ci, :]
                    for (int k = 0; k < d.K; k++)
                    {
                        int pos = t * d.Stride + k * d.Dilation - d.Padding;
                        row[ci * d.K + k] = pos >= 0 && pos < d.L ? xRow[pos] : 0.0;
                    }
                }
            }
    }

    /// <summary>Adjoint of Im2Col: dx[b, ci, pos] += dcols[b*Lout + t, ci*K + k] for every in-range pos. Accumulates.</summary>
    public static void Col2Im(ReadOnlySpan<double> dcols, Conv1dDims d, Span<double> dx)
    {
        int CK = d.Cin * d.K;
        for (int b = 0; b < d.B; b++)
            for (int t = 0; t < d.Lout; t++)
            {
                var row = dcols.Slice((b * d.Lout + t) * CK, CK);
                for (int ci = 0; ci < d.Cin; ci++)
                {
                    var dxRow = dx.Slice((b * d.Cin + ci) * d.L, d.L);
                    for (int k = 0; k < d.K; k++)
                    {
                        // forward: cols[b*Lout + t, ci*K + k] = x[b, ci, t*S + k*Dl - P]
                        int pos = t * d.Stride + k * d.Dilation - d.Padding;
                        if (pos >= 0 && pos < d.L) dxRow[pos] += row[ci * d.K + k];
                    }
                }
            }
    }

    /// <summary>
    /// y[B, Cout, Lout] from x[B, Cin, L], W[Cout, Cin, K], b[Cout] (b may be empty); cols[B*Lout, Cin*K]
    /// receives the gathered windows (keep it for Backward). Overwrites y and cols.
    /// </summary>
    public static void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> W, ReadOnlySpan<double> b, Conv1dDims d,
        Span<double> cols, Span<double> y)
    {
        int R = d.B * d.Lout, CK = d.Cin * d.K;
        Im2Col(x, d, cols);
        // slide (MATH80629): Pass the filter over the image (Convolutions)   (here over time steps)
        // out[b, co, t] = bias[co] + sum_{ci,k} W[co, ci, k] * x[b, ci, t*S + k*Dl - P]
        var rows = new double[R * d.Cout];                           // [B*Lout, Cout]
        MatMul.Forward(cols, W, b, R, CK, d.Cout, rows);
        RowsToChannels(rows, d, y);
    }

    /// <summary>rows [B*Lout, Cout] (the product's layout) to y [B, Cout, Lout].</summary>
    private static void RowsToChannels(ReadOnlySpan<double> rows, Conv1dDims d, Span<double> y)
    {
        for (int bb = 0; bb < d.B; bb++)
            for (int t = 0; t < d.Lout; t++)
                for (int co = 0; co < d.Cout; co++)
                    y[(bb * d.Cout + co) * d.Lout + t] = rows[(bb * d.Lout + t) * d.Cout + co];
    }

    /// <summary>dy [B, Cout, Lout] to dRows [B*Lout, Cout].</summary>
    private static void ChannelsToRows(ReadOnlySpan<double> dy, Conv1dDims d, Span<double> dRows)
    {
        for (int bb = 0; bb < d.B; bb++)
            for (int t = 0; t < d.Lout; t++)
                for (int co = 0; co < d.Cout; co++)
                    dRows[(bb * d.Lout + t) * d.Cout + co] = dy[(bb * d.Cout + co) * d.Lout + t];
    }

    /// <summary>
    /// Backward, accumulating (+=) into dx[B, Cin, L], dW[Cout, Cin, K], db[Cout]; any may be empty when not wanted.
    /// cols is what Forward left there.
    /// </summary>
    public static void Backward(ReadOnlySpan<double> dy, ReadOnlySpan<double> cols, ReadOnlySpan<double> W, Conv1dDims d,
        Span<double> dx, Span<double> dW, Span<double> db)
    {
        int R = d.B * d.Lout, CK = d.Cin * d.K;
        var dRows = new double[R * d.Cout];                          // [B*Lout, Cout]
        ChannelsToRows(dy, d, dRows);
        // forward: rows = cols · Wᵀ + b
        var dcols = dx.IsEmpty ? [] : new double[R * CK];            // [B*Lout, Cin*K]
        MatMul.Backward(dRows, cols, W, R, CK, d.Cout, dcols, dW, db);
        if (!dx.IsEmpty) Col2Im(dcols, d, dx);
    }

    /// <summary>Forward with the product on the chosen compute (MatMul's seam); the same steps otherwise.</summary>
    private static void Forward(Compute compute, double[] x, double[] W, double[] b, Conv1dDims d, double[] cols, double[] y)
    {
        if (!compute.IsFast) { Forward(x, W, b, d, cols, y); return; }
        int R = d.B * d.Lout, CK = d.Cin * d.K;
        Im2Col(x, d, cols);
        var rows = new double[R * d.Cout];                           // [B*Lout, Cout]
        MatMul.Forward(compute, cols, W, b, R, CK, d.Cout, rows);
        RowsToChannels(rows, d, y);
    }

    /// <summary>Backward with the products on the chosen compute; the same steps otherwise.</summary>
    private static void Backward(Compute compute, double[] dy, double[] cols, double[] W, Conv1dDims d, double[] dx, double[] dW, double[] db)
    {
        if (!compute.IsFast) { Backward(dy, cols, W, d, dx, dW, db); return; }
        int R = d.B * d.Lout, CK = d.Cin * d.K;
        var dRows = new double[R * d.Cout];                          // [B*Lout, Cout]
        ChannelsToRows(dy, d, dRows);
        var dcols = new double[R * CK];                              // [B*Lout, Cin*K]
        MatMul.Backward(compute, dRows, cols, W, R, CK, d.Cout, dcols, dW, db);
        Col2Im(dcols, d, dx);
    }

    /// <summary>
    /// input [B, Cin, L], weight [Cout, Cin, K], bias [Cout] or null. Only groups = 1 is implemented.
    /// Returns output [B, Cout, Lout] and the cache for Backward. compute: the loops (null, Plain)
    /// or the fast product (Compute.Fast) for the one product inside.
    /// </summary>
    public static (Tensor Output, Conv1dCache Cache) Forward(
        Tensor input, Tensor weight, Tensor? bias, int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
        Compute? compute = null)
    {
        compute ??= Compute.Plain;
        Require.Rank(input, nameof(input), 3, "[batch, in_channels, length]");
        Require.Rank(weight, nameof(weight), 3, "[out_channels, in_channels, kernel_size]");
        if (groups != 1)
            throw new ArgumentException($"groups is {groups} but only groups = 1 is implemented", nameof(groups));
        Require.Positive(stride, nameof(stride));
        Require.Positive(dilation, nameof(dilation));
        if (padding < 0) throw new ArgumentException($"padding must be at least 0 but is {padding}", nameof(padding));
        int B = input.Shape[0], Cin = input.Shape[1], L = input.Shape[2];
        int Cout = weight.Shape[0], K = weight.Shape[2];
        Require.Positive(Cout, "out_channels (weight.shape[0])");
        Require.Positive(K, "kernel_size (weight.shape[2])");
        Require.Positive(Cin, "in_channels (input.shape[1])");
        if (weight.Shape[1] != Cin)
            throw new ArgumentException(
                $"input is {input.ShapeText()} but weight {weight.ShapeText()} expects in_channels {weight.Shape[1]}", nameof(input));
        if (bias is not null && !bias.HasShape(Cout))
            throw new ArgumentException(
                $"bias is {bias.ShapeText()} but weight {weight.ShapeText()} expects bias [{Cout}]", nameof(bias));
        int Lout = OutputLength(L, K, stride, padding, dilation);

        var d = new Conv1dDims(B, Cin, Cout, L, K, Lout, stride, padding, dilation);
        var cols = new double[B * Lout * Cin * K];                  // [B*Lout, Cin*K]
        var output = Tensor.Zeros(B, Cout, Lout);                    // [B, Cout, Lout]
        Forward(compute, input.Data, weight.Data, bias is null ? [] : bias.Data, d, cols, output.Data);
        return (output, new Conv1dCache(d, cols, weight, bias is not null) { Compute = compute });
    }

    /// <summary>dOutput [B, Cout, Lout] -> fresh gradients of input, weight and bias.</summary>
    public static Conv1dGradients Backward(Tensor dOutput, Conv1dCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var d = cache.Dims;
        Require.Shape(dOutput, nameof(dOutput), [d.B, d.Cout, d.Lout]);
        var dInput = Tensor.Zeros(d.B, d.Cin, d.L);                  // [B, Cin, L]
        var dWeight = Tensor.Zeros(d.Cout, d.Cin, d.K);              // [Cout, Cin, K]
        var dBias = cache.HasBias ? Tensor.Zeros(d.Cout) : null;     // [Cout]
        Backward(cache.Compute, dOutput.Data, cache.Cols, cache.Weight.Data, d, dInput.Data, dWeight.Data, dBias is null ? [] : dBias.Data);
        return new Conv1dGradients(dInput, dWeight, dBias);
    }
}
