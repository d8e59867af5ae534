// 1-D convolutional regressor for time series, the slides' "Analyzing Times Series with CNNs":
// "Think about an image with 1 column, and where the rows index time steps: this is a time
// series!"; "CNNs can be used to analyze time series but inherently the size of the filters
// used say how far back in time we look"; "Pass the filter over the image (Convolutions)",
// "Aggregate the output of the filter (Pooling)":
//
//   conv1d -> ReLU -> max-pool -> flatten -> dense -> predictions
//
// B = batch, Cin = input channels (features per time step: 1 for a univariate series),
// L = window length, Cout = filters, K = kernel size, Lc = L - K + 1 (stride 1, no padding),
// P = pool width = pool stride, Lp = floor(Lc / P), F = Cout * Lp, O = outputs.
// Input [B, Cin, L] (PyTorch's Conv1d layout: channels before time), predictions [B, O].
//
// Parameters (PyTorch names):
//   conv.weight [Cout, Cin, K]   conv.bias [Cout]   fc.weight [O, F]   fc.bias [O]
using Rnn.Reference.Layers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Models;

/// <summary>The Conv1d regressor's sizes; Validate checks them.</summary>
/// <param name="InChannels">Cin: features per time step</param>
/// <param name="Length">L: time steps per window</param>
/// <param name="OutChannels">Cout: filters</param>
/// <param name="KernelSize">K: how far back in time one filter looks</param>
/// <param name="PoolSize">P: max-pool width and stride</param>
/// <param name="Outputs">O: values predicted per window</param>
public sealed record Conv1dRegressorConfig(int InChannels, int Length, int OutChannels, int KernelSize, int PoolSize, int Outputs)
{
    /// <summary>Lc = L - K + 1.</summary>
    public int ConvLength => Length - KernelSize + 1;

    /// <summary>Lp = floor(Lc / P).</summary>
    public int PooledLength => ConvLength / PoolSize;

    /// <summary>F = Cout * Lp: the flattened features the dense layer reads.</summary>
    public int FeatureSize => OutChannels * PooledLength;

    /// <summary>Throws ArgumentException naming the size that is not positive, or a kernel or pool larger than what it reads.</summary>
    public void Validate()
    {
        Require.Positive(InChannels, "inChannels");
        Require.Positive(Length, "length");
        Require.Positive(OutChannels, "outChannels");
        Require.Positive(KernelSize, "kernelSize");
        Require.Positive(PoolSize, "poolSize");
        Require.Positive(Outputs, "outputs");
        if (ConvLength < 1)
            throw new ArgumentException($"kernelSize is {KernelSize} but must be at most the window length {Length}", "kernelSize");
        if (PooledLength < 1)
            throw new ArgumentException($"poolSize is {PoolSize} but must be at most the convolution's output length {ConvLength} (L - K + 1)", "poolSize");
    }
}

/// <summary>Everything Conv1dRegressor.Backward needs, in forward order.</summary>
public sealed record Conv1dRegressorCache(
    Tensor Input,                  // [B, Cin, L]
    Conv1dCache Conv,
    Tensor Conv1dOutput,           // [B, Cout, Lc]  before the ReLU
    Tensor Activated,              // [B, Cout, Lc]  after the ReLU
    MaxPool1dCache Pool,
    Tensor Flat,                   // [B, F]         pooled, flattened
    DenseCache Fc,
    Tensor Predictions)            // [B, O]
    : IForwardResult
{
    /// <inheritdoc/>
    public Tensor Output => Predictions;

    /// <inheritdoc/>
    public Tensor Representation => Flat;
}

/// <summary>conv1d -> ReLU -> max-pool -> flatten -> dense: input [B, Cin, L] to predictions [B, O], with a hand-written backward (Spec/models.md).</summary>
public sealed class Conv1dRegressor : IModel<Tensor, Conv1dRegressorCache>
{
    /// <summary>The sizes the model was built with.</summary>
    public Conv1dRegressorConfig Config { get; }

    /// <inheritdoc/>
    public NamedTensors Parameters { get; }

    /// <inheritdoc/>
    public int BatchAxis => 0;

    /// <summary>Wraps existing parameters (checked against Layout(config); shared, not copied).</summary>
    public Conv1dRegressor(Conv1dRegressorConfig config, NamedTensors parameters)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        ModelParameters.Validate(parameters, Layout(config), nameof(Conv1dRegressor));
        Config = config;
        Parameters = parameters;
    }

    /// <summary>A model with PyTorch's default initialisation drawn from SeededRandom(seed) in parameter order.</summary>
    public static Conv1dRegressor Create(Conv1dRegressorConfig config, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var rng = new SeededRandom(seed);
        int convFanIn = config.InChannels * config.KernelSize;
        var p = new NamedTensors();
        p.Add("conv.weight", ModelParameters.FanInUniform(rng, convFanIn, config.OutChannels, config.InChannels, config.KernelSize));
        p.Add("conv.bias", ModelParameters.FanInUniform(rng, convFanIn, config.OutChannels));
        p.Add("fc.weight", ModelParameters.FanInUniform(rng, config.FeatureSize, config.Outputs, config.FeatureSize));
        p.Add("fc.bias", ModelParameters.FanInUniform(rng, config.FeatureSize, config.Outputs));
        return new Conv1dRegressor(config, p);
    }

    /// <summary>The parameters' names and shapes, in named_parameters() order.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Layout(Conv1dRegressorConfig config) =>
    [
        ("conv.weight", [config.OutChannels, config.InChannels, config.KernelSize]),
        ("conv.bias", [config.OutChannels]),
        ("fc.weight", [config.Outputs, config.FeatureSize]),
        ("fc.bias", [config.Outputs]),
    ];

    /// <summary>input [B, Cin, L] -> the cache; its Predictions are [B, O].</summary>
    public Conv1dRegressorCache Forward(Tensor input)
    {
        Require.Rank(input, nameof(input), 3, "[batch, in_channels, length]");
        if (input.Shape[1] != Config.InChannels || input.Shape[2] != Config.Length)
            throw new ArgumentException(
                $"input is {input.ShapeText()} but this model expects [B, {Config.InChannels}, {Config.Length}] (in_channels, length)", nameof(input));
        int B = input.Shape[0];

        // conv: "pass the filter over" the series; conv[b, co, t] = conv.bias[co] + Σ_ci Σ_k conv.weight[co, ci, k] x[b, ci, t + k]   [B, Cout, Lc]
        var (conv, convCache) = Conv1d.Forward(input, Parameters["conv.weight"], Parameters["conv.bias"]);

        // relu: "output = np.maximum(0, linear)"                                                          [B, Cout, Lc]
        var activated = Relu.Forward(conv);

        // max-pool: "max-pooling takes the max from its input", width P, stride P                       [B, Cout, Lp]
        var (pooled, poolCache) = MaxPool1d.Forward(activated, Config.PoolSize);

        // flatten: flat[b, co * Lp + t] = pooled[b, co, t] (torch.flatten(x, 1); same memory)             [B, F]
        var flat = new Tensor([B, Config.FeatureSize], pooled.Data);

        // fc: predictions = flat · fc.weightᵀ + fc.bias                                                  [B, O]
        var (predictions, fcCache) = Dense.Forward(flat, Parameters["fc.weight"], Parameters["fc.bias"]);

        return new Conv1dRegressorCache(input, convCache, conv, activated, poolCache, flat, fcCache, predictions);
    }

    /// <summary>dPredictions [B, O] -> the gradient of every parameter (fresh, in Parameters' order).</summary>
    public NamedTensors Backward(Tensor dPredictions, Conv1dRegressorCache cache) => BackwardWithInput(dPredictions, cache).dParameters;

    /// <summary>Backward that also returns the gradient of the input series, [B, Cin, L].</summary>
    public (NamedTensors dParameters, Tensor dInput) BackwardWithInput(Tensor dPredictions, Conv1dRegressorCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        Require.Shape(dPredictions, nameof(dPredictions), cache.Predictions.Shape);
        int B = cache.Input.Shape[0];

        // fc: predictions = flat · fc.weightᵀ + fc.bias
        var fc = Dense.Backward(dPredictions, cache.Fc);                                      // dFlat [B, F]

        // flatten: the same memory seen as [B, Cout, Lp]
        var dPooled = new Tensor([B, Config.OutChannels, Config.PooledLength], fc.dInput.Data);

        // max-pool: the whole gradient of each output goes to the element that won its window
        var dActivated = MaxPool1d.Backward(dPooled, cache.Pool);                              // [B, Cout, Lc]

        // relu: passes the gradient where conv > 0
        var dConv = Relu.Backward(dActivated, cache.Conv1dOutput);                             // [B, Cout, Lc]

        // conv: conv = x ⋆ conv.weight + conv.bias
        var conv = Conv1d.Backward(dConv, cache.Conv);                                        // dInput [B, Cin, L]

        var grads = new NamedTensors();
        grads.Add("conv.weight", conv.dWeight);
        grads.Add("conv.bias", conv.dBias!);
        grads.Add("fc.weight", fc.dWeight);
        grads.Add("fc.bias", fc.dBias!);
        return (grads, conv.dInput);
    }
}
