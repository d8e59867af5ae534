// Examples stored as rows of tensors: x [N, ...] and targets y [N, ...] (regression values) or
// labels [N] (classes). A batch gathers the chosen rows: x[indices] [B, ...], as PyTorch's
// TensorDataset with the default collate does. With timeMajor the inputs x [N, T, F] are
// handed out as [T, B, F], the layout the recurrent layers read.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Training;

/// <summary>Gathering rows of a [N, ...] tensor.</summary>
internal static class Rows
{
    public static Tensor Gather(Tensor source, ReadOnlySpan<int> indices)
    {
        int N = source.Shape[0], row = N == 0 ? 0 : source.Length / N;
        int[] shape = [indices.Length, .. source.Shape.AsSpan(1)];
        var batch = Tensor.Zeros(shape);                             // [B, ...]
        for (int i = 0; i < indices.Length; i++)
            source.Data.AsSpan(indices[i] * row, row).CopyTo(batch.Data.AsSpan(i * row, row));
        return batch;
    }

    /// <summary>x[indices] of x [N, T, F], time-major: [T, B, F].</summary>
    public static Tensor GatherTimeMajor(Tensor source, ReadOnlySpan<int> indices)
    {
        int T = source.Shape[1], F = source.Shape[2], B = indices.Length;
        var batch = Tensor.Zeros(T, B, F);                           // [T, B, F]
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                source.Data.AsSpan((indices[b] * T + t) * F, F).CopyTo(batch.Data.AsSpan((t * B + b) * F, F));
        return batch;
    }

    public static void CheckInputs(Tensor x, bool timeMajor)
    {
        Require.NotNull(x, nameof(x));
        if (x.Rank < 1 || x.Shape[0] < 1)
            throw new ArgumentException($"x is {x.ShapeText()} but [N, ...] with N >= 1 examples was expected", nameof(x));
        if (timeMajor && x.Rank != 3)
            throw new ArgumentException($"x is {x.ShapeText()} but timeMajor needs [N, T, features]", nameof(x));
    }
}

/// <summary>x [N, ...] with regression targets y [N, ...].</summary>
public sealed class TensorDataSet : IDataSet<Tensor, Tensor>
{
    /// <summary>x [N, ...]: the inputs, one row per example.</summary>
    public Tensor X { get; }

    /// <summary>y [N, ...]: the regression targets, one row per example.</summary>
    public Tensor Y { get; }

    /// <summary>Inputs come out as [T, B, F] instead of [B, T, F] (x must be [N, T, F]).</summary>
    public bool TimeMajor { get; }

    /// <inheritdoc/>
    public int Count => X.Shape[0];

    /// <summary>x [N, ...] and y [N, ...] (the same N). Copied.</summary>
    public TensorDataSet(Tensor x, Tensor y, bool timeMajor = false)
    {
        Rows.CheckInputs(x, timeMajor);
        Require.NotNull(y, nameof(y));
        if (y.Rank < 1 || y.Shape[0] != x.Shape[0])
            throw new ArgumentException(
                $"y is {y.ShapeText()} but x is {x.ShapeText()}: y needs one row per example, [{x.Shape[0]}, ...]", nameof(y));
        X = x.Clone();
        Y = y.Clone();
        TimeMajor = timeMajor;
    }

    /// <inheritdoc/>
    public Tensor Inputs(ReadOnlySpan<int> indices)
    {
        BatchIndices.Check(indices, Count);
        return TimeMajor ? Rows.GatherTimeMajor(X, indices) : Rows.Gather(X, indices);
    }

    /// <inheritdoc/>
    public Tensor Targets(ReadOnlySpan<int> indices)
    {
        BatchIndices.Check(indices, Count);
        return Rows.Gather(Y, indices);
    }
}

/// <summary>x [N, ...] with class labels [N] (or inputs only).</summary>
public sealed class LabelledTensorDataSet : IDataSet<Tensor, int[]>
{
    private readonly int[]? _labels;

    /// <summary>x [N, ...]: the inputs, one row per example.</summary>
    public Tensor X { get; }

    /// <summary>Inputs come out as [T, B, F] instead of [B, T, F] (x must be [N, T, F]).</summary>
    public bool TimeMajor { get; }

    /// <inheritdoc/>
    public int Count => X.Shape[0];

    /// <summary>x [N, ...]; labels [N], each >= 0, or null for inputs only. Copied.</summary>
    public LabelledTensorDataSet(Tensor x, int[]? labels, bool timeMajor = false)
    {
        Rows.CheckInputs(x, timeMajor);
        if (labels is not null)
        {
            if (labels.Length != x.Shape[0])
                throw new ArgumentException($"labels has {labels.Length} entries but x is {x.ShapeText()} with {x.Shape[0]} examples", nameof(labels));
            for (int n = 0; n < labels.Length; n++)
                if (labels[n] < 0)
                    throw new ArgumentException($"labels[{n}] is {labels[n]} but class labels must be >= 0", nameof(labels));
        }
        X = x.Clone();
        _labels = labels is null ? null : (int[])labels.Clone();
        TimeMajor = timeMajor;
    }

    /// <inheritdoc/>
    public Tensor Inputs(ReadOnlySpan<int> indices)
    {
        BatchIndices.Check(indices, Count);
        return TimeMajor ? Rows.GatherTimeMajor(X, indices) : Rows.Gather(X, indices);
    }

    /// <inheritdoc/>
    public int[] Targets(ReadOnlySpan<int> indices)
    {
        if (_labels is null)
            throw new InvalidOperationException("this data set was built without labels (inputs only)");
        BatchIndices.Check(indices, Count);
        var y = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++) y[i] = _labels[indices[i]];
        return y;
    }
}
