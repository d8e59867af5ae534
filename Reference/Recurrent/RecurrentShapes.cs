// The shape rules of a recurrent stack's forward and backward calls, and the batch_first layout
// change, in one place so every implementation of the stack (the reference loops in
// RecurrentLayer, the GPU path in Reference.Gpu) accepts exactly the same arguments and
// rejects the same mistakes with the same messages.
//
// T = steps, B = batch, I = input size, H = hidden size, L = layers, D = directions.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Recurrent;

/// <summary>What a forward call's arguments say about the run: sizes, the state shape and the lengths.</summary>
/// <param name="T">steps</param>
/// <param name="B">batch elements (1 for unbatched input)</param>
/// <param name="Unbatched">the input was [T, I]</param>
/// <param name="StateShape">[L*D, B, H], or [L*D, H] for unbatched input</param>
/// <param name="Lengths">[B] valid steps per batch element (T for all when none were given)</param>
public sealed record ForwardDims(int T, int B, bool Unbatched, int[] StateShape, int[] Lengths);

/// <summary>The shape rules of a stack's forward and backward calls and the batch_first layout change, shared by every implementation of the stack.</summary>
public static class RecurrentShapes
{
    /// <summary>
    /// Checks a forward call's arguments (config, parameters, input, h0, c0, lengths) as
    /// RecurrentLayer.Forward documents them; throws ArgumentException naming the argument.
    /// </summary>
    public static ForwardDims CheckForward(
        RecurrentConfig config, NamedTensors parameters, Tensor input, Tensor? h0, Tensor? c0, int[]? lengths)
    {
        config.Validate();
        RecurrentParameters.Validate(config, parameters);
        var (T, B, unbatched) = InputDims(config, input);
        int H = config.HiddenSize, LD = config.NumLayers * config.Directions;
        int[] stateShape = unbatched ? [LD, H] : [LD, B, H];
        if (h0 is not null) RequireState(h0, "h0", stateShape, config);
        if (c0 is not null)
        {
            if (!config.HasCellState)
                throw new ArgumentException($"c0 was given but a {config.ModuleName} has no cell state (only an LSTM does)", nameof(c0));
            RequireState(c0, "c0", stateShape, config);
        }
        return new ForwardDims(T, B, unbatched, stateShape, CheckLengths(lengths, T, B));
    }

    /// <summary>Checks a backward call's upstream gradients against the forward call the cache records.</summary>
    public static void CheckBackward(RecurrentCache cache, Tensor? dOutput, Tensor? dHN, Tensor? dCN)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var config = cache.Config;
        if (dOutput is not null) Require.Shape(dOutput, nameof(dOutput), OutputShape(cache));
        if (dHN is not null) Require.Shape(dHN, nameof(dHN), StateShape(cache));
        if (dCN is not null)
        {
            if (!config.HasCellState)
                throw new ArgumentException($"dCN was given but a {config.ModuleName} has no cell state", nameof(dCN));
            Require.Shape(dCN, nameof(dCN), StateShape(cache));
        }
    }

    /// <summary>Output's shape: [T, B, D*H], [B, T, D*H] when batch_first, [T, D*H] unbatched.</summary>
    public static int[] OutputShape(RecurrentCache cache)
    {
        int DH = cache.Config.Directions * cache.Config.HiddenSize;
        return cache.Unbatched ? [cache.T, DH] : cache.Config.BatchFirst ? [cache.B, cache.T, DH] : [cache.T, cache.B, DH];
    }

    /// <summary>h0 / h_n / c0 / c_n shape: [L*D, B, H], [L*D, H] unbatched.</summary>
    public static int[] StateShape(RecurrentCache cache)
    {
        int LD = cache.Config.NumLayers * cache.Config.Directions, H = cache.Config.HiddenSize;
        return cache.Unbatched ? [LD, H] : [LD, cache.B, H];
    }

    /// <summary>T, B and whether the input is unbatched [T, I]; throws when its shape does not fit the config.</summary>
    public static (int T, int B, bool Unbatched) InputDims(RecurrentConfig config, Tensor input)
    {
        Require.NotNull(input, nameof(input));
        int I = config.InputSize;
        string expect = config.BatchFirst ? "[B, T, I] (batch_first)" : "[T, B, I]";
        if (input.Rank == 2)
        {
            if (input.Shape[1] != I)
                throw new ArgumentException($"input is {input.ShapeText()} but weight_ih_l0 expects input size {I}", nameof(input));
            if (input.Shape[0] < 1)
                throw new ArgumentException($"input is {input.ShapeText()} but a sequence needs at least 1 step", nameof(input));
            return (input.Shape[0], 1, true);
        }
        if (input.Rank != 3)
            throw new ArgumentException($"input is {input.ShapeText()} but {expect} or unbatched [T, I] was expected", nameof(input));
        if (input.Shape[2] != I)
            throw new ArgumentException($"input is {input.ShapeText()} but weight_ih_l0 expects input size {I}", nameof(input));
        int T = config.BatchFirst ? input.Shape[1] : input.Shape[0];
        int B = config.BatchFirst ? input.Shape[0] : input.Shape[1];
        if (T < 1 || B < 1)
            throw new ArgumentException($"input is {input.ShapeText()} ({expect}) but needs at least 1 step and 1 batch element", nameof(input));
        return (T, B, false);
    }

    private static void RequireState(Tensor state, string name, int[] shape, RecurrentConfig config)
    {
        string axes = shape.Length == 2 ? "(num_layers * num_directions, hidden_size) for unbatched input"
            : "(num_layers * num_directions, batch, hidden_size)";
        if (!state.HasShape(shape))
            throw new ArgumentException(
                $"{name} is {state.ShapeText()} but {Tensor.ShapeText(shape)} {axes} was expected for this input and {config.ModuleName}",
                name);
    }

    private static int[] CheckLengths(int[]? lengths, int T, int B)
    {
        if (lengths is null) return Enumerable.Repeat(T, B).ToArray();
        if (lengths.Length != B)
            throw new ArgumentException($"lengths has {lengths.Length} entries but the batch has {B} elements", nameof(lengths));
        for (int b = 0; b < B; b++)
            if (lengths[b] < 1 || lengths[b] > T)
                throw new ArgumentException($"lengths[{b}] is {lengths[b]} but must be in 1..{T} (the sequence has {T} steps)", nameof(lengths));
        return (int[])lengths.Clone();
    }

    /// <summary>[B, T, F] to [T, B, F] when batchFirst, else a copy.</summary>
    public static double[] ToTimeMajor(double[] data, int T, int B, int F, bool batchFirst)
    {
        if (!batchFirst) return (double[])data.Clone();
        var result = new double[T * B * F];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                data.AsSpan((b * T + t) * F, F).CopyTo(result.AsSpan((t * B + b) * F, F));
        return result;
    }

    /// <summary>[T, B, F] to [B, T, F].</summary>
    public static double[] FromTimeMajor(double[] data, int T, int B, int F)
    {
        var result = new double[T * B * F];
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
                data.AsSpan((t * B + b) * F, F).CopyTo(result.AsSpan((b * T + t) * F, F));
        return result;
    }
}
