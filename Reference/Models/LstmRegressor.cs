// Recurrent regressor for time series, the slides' "Time series -> RNN layer -> output
// prediction" ("For simplicity, in today's lecture, we only use the very last time step's
// output"; "If you need long-term memory or time series with different lengths, use RNNs (not
// the vanilla one)"):
//
//   recurrent layer (LSTM by default) over the window -> output at the last step -> dense -> predictions
//
// T = steps, B = batch, F = features per step, H = hidden size, D = directions, O = outputs.
// Input [T, B, F] time-major (PyTorch's default layout), predictions [B, O].
//
// Parameters (PyTorch names):
//   lstm.weight_ih_l0 ...  the recurrent stack's names, prefix lstm / gru / rnn
//   fc.weight [O, D*H]     fc.bias [O]
using Rnn.Reference.Layers;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Models;

/// <summary>The recurrent regressor's sizes; Validate checks them.</summary>
/// <param name="InputSize">F: features per time step</param>
/// <param name="HiddenSize">H</param>
/// <param name="Outputs">O: values predicted per window</param>
/// <param name="Cell">LSTM (default), GRU, or RNN with tanh / relu</param>
/// <param name="NumLayers">stacked recurrent layers</param>
/// <param name="Bidirectional">the read-out at T-1 then also holds the backward direction's state there</param>
public sealed record LstmRegressorConfig(
    int InputSize, int HiddenSize, int Outputs, CellKind Cell = CellKind.Lstm, int NumLayers = 1, bool Bidirectional = false)
{
    /// <summary>The recurrent stack: input size F.</summary>
    public RecurrentConfig Recurrent => new(Cell, InputSize, HiddenSize, NumLayers, Bidirectional);

    /// <summary>The recurrent sub-module's name: "lstm", "gru" or "rnn".</summary>
    public string RecurrentName => Recurrent.ModuleName.ToLowerInvariant();

    /// <summary>D*H: features of the representation the dense head reads.</summary>
    public int FeatureSize => Recurrent.Directions * HiddenSize;

    /// <summary>Throws ArgumentException naming the size that is not valid.</summary>
    public void Validate()
    {
        Require.Positive(Outputs, "outputs");
        Recurrent.Validate();
    }
}

/// <summary>Everything LstmRegressor.Backward needs, in forward order.</summary>
public sealed record LstmRegressorCache(
    RecurrentOutput Recurrent,     // output [T, B, D*H]
    Tensor Last,                   // [B, D*H]  output at step T-1
    DenseCache Fc,
    Tensor Predictions)            // [B, O]
    : IForwardResult
{
    /// <inheritdoc/>
    public Tensor Output => Predictions;

    /// <inheritdoc/>
    public Tensor Representation => Last;
}

/// <summary>Recurrent stack -> output at step T-1 -> dense: input [T, B, F] to predictions [B, O], with a hand-written backward (Spec/models.md).</summary>
public sealed class LstmRegressor : IModel<Tensor, LstmRegressorCache>
{
    private readonly NamedTensors _recurrent;

    /// <summary>The sizes the model was built with.</summary>
    public LstmRegressorConfig Config { get; }

    /// <inheritdoc/>
    public NamedTensors Parameters { get; }

    /// <inheritdoc/>
    public int BatchAxis => 0;

    /// <summary>Wraps existing parameters (checked against Layout(config); shared, not copied).</summary>
    public LstmRegressor(LstmRegressorConfig config, NamedTensors parameters)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        ModelParameters.Validate(parameters, Layout(config), nameof(LstmRegressor));
        Config = config;
        Parameters = parameters;
        _recurrent = ModelParameters.SubModule(parameters, config.RecurrentName);
    }

    /// <summary>A model with PyTorch's default initialisation drawn from SeededRandom(seed) in parameter order.</summary>
    public static LstmRegressor Create(LstmRegressorConfig config, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var rng = new SeededRandom(seed);
        var p = new NamedTensors();
        ModelParameters.AddRecurrent(p, rng, config.RecurrentName, config.Recurrent);
        p.Add("fc.weight", ModelParameters.FanInUniform(rng, config.FeatureSize, config.Outputs, config.FeatureSize));
        p.Add("fc.bias", ModelParameters.FanInUniform(rng, config.FeatureSize, config.Outputs));
        return new LstmRegressor(config, p);
    }

    /// <summary>The parameters' names and shapes, in named_parameters() order.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Layout(LstmRegressorConfig config)
    {
        var layout = new List<(string, int[])>();
        layout.AddRange(ModelParameters.RecurrentLayout(config.RecurrentName, config.Recurrent));
        layout.Add(("fc.weight", [config.Outputs, config.FeatureSize]));
        layout.Add(("fc.bias", [config.Outputs]));
        return layout;
    }

    /// <summary>input [T, B, F] -> the cache; its Predictions are [B, O].</summary>
    public LstmRegressorCache Forward(Tensor input)
    {
        Require.Rank(input, nameof(input), 3, "[T, B, features] (time-major)");
        if (input.Shape[2] != Config.InputSize)
            throw new ArgumentException(
                $"input is {input.ShapeText()} but this model expects [T, B, {Config.InputSize}] (features per step)", nameof(input));
        int T = input.Shape[0], B = input.Shape[1];

        // recurrent layer: "for input in input_sequence: output = f(input, current_state)"   [T, B, D*H]
        var recurrent = RecurrentLayer.Forward(Config.Recurrent, _recurrent, input);

        // read-out: "we only use the very last time step's output"; last = output[T-1]        [B, D*H]
        var last = LastValidStep.Forward(recurrent.Output, Enumerable.Repeat(T, B).ToArray());

        // fc: predictions = last · fc.weightᵀ + fc.bias                                       [B, O]
        var (predictions, fcCache) = Dense.Forward(last, Parameters["fc.weight"], Parameters["fc.bias"]);

        return new LstmRegressorCache(recurrent, last, fcCache, predictions);
    }

    /// <summary>dPredictions [B, O] -> the gradient of every parameter (fresh, in Parameters' order).</summary>
    public NamedTensors Backward(Tensor dPredictions, LstmRegressorCache cache) => BackwardWithInput(dPredictions, cache).dParameters;

    /// <summary>Backward that also returns the gradient of the input series, [T, B, F].</summary>
    public (NamedTensors dParameters, Tensor dInput) BackwardWithInput(Tensor dPredictions, LstmRegressorCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        Require.Shape(dPredictions, nameof(dPredictions), cache.Predictions.Shape);
        int T = cache.Recurrent.Cache.T, B = cache.Recurrent.Cache.B;

        // fc: predictions = last · fc.weightᵀ + fc.bias
        var fc = Dense.Backward(dPredictions, cache.Fc);                                      // dLast [B, D*H]

        // read-out: last = output[T-1]
        var dOutput = LastValidStep.Backward(fc.dInput, Enumerable.Repeat(T, B).ToArray(), T); // [T, B, D*H]

        // recurrent layer: back-propagation through time
        var recurrent = RecurrentLayer.Backward(cache.Recurrent.Cache, dOutput);              // dInput [T, B, F]

        var grads = new NamedTensors();
        ModelParameters.AddSubModule(grads, Config.RecurrentName, recurrent.dParameters);
        grads.Add("fc.weight", fc.dWeight);
        grads.Add("fc.bias", fc.dBias!);
        return (grads, recurrent.dInput);
    }
}
