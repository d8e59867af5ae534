// Wrappers the loop tests use to see what the loop does: how many optimizer steps it takes, and
// which example indices it asks a data set for.
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;

namespace Rnn.Reference.Tests.Training;

/// <summary>Counts Step calls and passes them on.</summary>
public sealed class CountingOptimizer(IOptimizer inner) : IOptimizer
{
    public int Steps { get; private set; }

    public void Step(NamedTensors parameters, NamedTensors grads)
    {
        Steps++;
        inner.Step(parameters, grads);
    }

    public void ResetState() => inner.ResetState();
}

/// <summary>Records the index list of every Inputs call.</summary>
public sealed class RecordingDataSet<TInput, TTarget>(IDataSet<TInput, TTarget> inner) : IDataSet<TInput, TTarget>
{
    public List<int[]> Requests { get; } = [];

    public int Count => inner.Count;

    public TInput Inputs(ReadOnlySpan<int> indices)
    {
        Requests.Add(indices.ToArray());
        return inner.Inputs(indices);
    }

    public TTarget Targets(ReadOnlySpan<int> indices) => inner.Targets(indices);
}
