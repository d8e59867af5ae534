// Many-to-one sequence classifier, the slides' sentiment example ("Given text (e.g., movie
// review, Tweet), figure out whether it has positive or negative sentiment"; "The food was
// good, not bad at all." vs "The food was bad, not good at all."):
//
//   embedding -> recurrent layer (LSTM, GRU or RNN) -> output at each sequence's last step -> dense -> logits
//
// as the slides build it: "Common first step for text: turn words into vector representations
// ... use the Embedding layer"; "Classification with > 2 classes: dense layer, softmax
// activation" (the softmax lives in the loss, as with PyTorch's CrossEntropyLoss); "Classification
// with 2 classes: dense layer with 1 neuron, sigmoid activation" is NumClasses = 1 with the
// sigmoid head. The UDA demo's EmbeddingLSTMLinearModel is this model. Spec/models.md.
//
// T = steps, B = batch, V = vocabulary size, E = embedding dim, H = hidden size,
// D = directions, C = classes (logits). Sequences are time-major [T, B].
//
// Parameters (PyTorch names, named_parameters() order):
//   embedding.weight        [V, E]
//   lstm.weight_ih_l0 ...   the recurrent stack's own names (RecurrentParameters), prefix lstm / gru / rnn
//   fc.weight               [C, D*H]
//   fc.bias                 [C]
using Rnn.Reference.Layers;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Models;

/// <summary>The sequence classifier's sizes; Validate checks them.</summary>
/// <param name="VocabularySize">V: token ids are 0..V-1</param>
/// <param name="EmbeddingDim">E: the embedding's vector size, the recurrent layer's input size</param>
/// <param name="HiddenSize">H</param>
/// <param name="NumClasses">C: logits per sequence (1 for a sigmoid head)</param>
/// <param name="Cell">LSTM (the slides' choice), GRU, or RNN with tanh / relu</param>
/// <param name="NumLayers">stacked recurrent layers</param>
/// <param name="Bidirectional">the read-out then holds the forward state at the last step and the backward state there</param>
public sealed record SequenceClassifierConfig(
    int VocabularySize, int EmbeddingDim, int HiddenSize, int NumClasses,
    CellKind Cell = CellKind.Lstm, int NumLayers = 1, bool Bidirectional = false)
{
    /// <summary>The recurrent stack: input size E.</summary>
    public RecurrentConfig Recurrent => new(Cell, EmbeddingDim, HiddenSize, NumLayers, Bidirectional);

    /// <summary>The recurrent sub-module's name: "lstm", "gru" or "rnn".</summary>
    public string RecurrentName => Recurrent.ModuleName.ToLowerInvariant();

    /// <summary>D*H: features of the representation the dense head reads.</summary>
    public int FeatureSize => Recurrent.Directions * HiddenSize;

    /// <summary>Throws ArgumentException naming the size that is not valid.</summary>
    public void Validate()
    {
        Require.Positive(VocabularySize, "vocabularySize");
        Require.Positive(EmbeddingDim, "embeddingDim");
        Require.Positive(NumClasses, "numClasses");
        Recurrent.Validate();
    }
}

/// <summary>Everything SequenceClassifier.Backward needs, in forward order.</summary>
public sealed record SequenceClassifierCache(
    TokenBatch Input,
    EmbeddingCache Embedding,      // embedded [T, B, E]
    RecurrentOutput Recurrent,     // output [T, B, D*H]
    Tensor Last,                   // [B, D*H]  output at each sequence's last valid step
    DenseCache Fc,
    Tensor Logits)                 // [B, C]
    : IForwardResult
{
    /// <inheritdoc/>
    public Tensor Output => Logits;

    /// <inheritdoc/>
    public Tensor Representation => Last;
}

/// <summary>embedding -> recurrent stack -> output at each sequence's last step -> dense: ids [T, B] to logits [B, C], with a hand-written backward (Spec/models.md).</summary>
public sealed class SequenceClassifier : IModel<TokenBatch, SequenceClassifierCache>
{
    private readonly NamedTensors _recurrent;   // view of the "lstm.*" tensors under the stack's own names

    /// <summary>The sizes the model was built with.</summary>
    public SequenceClassifierConfig Config { get; }

    /// <inheritdoc/>
    public NamedTensors Parameters { get; }

    /// <inheritdoc/>
    public int BatchAxis => 0;

    /// <summary>Wraps existing parameters (checked against the config's names and shapes; shared, not copied).</summary>
    public SequenceClassifier(SequenceClassifierConfig config, NamedTensors parameters)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        ModelParameters.Validate(parameters, Layout(config), nameof(SequenceClassifier));
        Config = config;
        Parameters = parameters;
        _recurrent = ModelParameters.SubModule(parameters, config.RecurrentName);
    }

    /// <summary>A model with PyTorch's default initialisation drawn from SeededRandom(seed) in parameter order.</summary>
    public static SequenceClassifier Create(SequenceClassifierConfig config, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var rng = new SeededRandom(seed);
        var p = new NamedTensors();
        p.Add("embedding.weight", ModelParameters.Normal(rng, config.VocabularySize, config.EmbeddingDim));
        ModelParameters.AddRecurrent(p, rng, config.RecurrentName, config.Recurrent);
        p.Add("fc.weight", ModelParameters.FanInUniform(rng, config.FeatureSize, config.NumClasses, config.FeatureSize));
        p.Add("fc.bias", ModelParameters.FanInUniform(rng, config.FeatureSize, config.NumClasses));
        return new SequenceClassifier(config, p);
    }

    /// <summary>Every parameter's name and shape, in order.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Layout(SequenceClassifierConfig config)
    {
        var layout = new List<(string, int[])> { ("embedding.weight", [config.VocabularySize, config.EmbeddingDim]) };
        layout.AddRange(ModelParameters.RecurrentLayout(config.RecurrentName, config.Recurrent));
        layout.Add(("fc.weight", [config.NumClasses, config.FeatureSize]));
        layout.Add(("fc.bias", [config.NumClasses]));
        return layout;
    }

    /// <summary>input: ids [T, B] with lengths [B]. Returns the cache; its Logits are [B, C].</summary>
    public SequenceClassifierCache Forward(TokenBatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.CheckIds(Config.VocabularySize, "input");
        int T = input.T, B = input.B;

        // embedding: embedded[t, b, :] = embedding.weight[ids[t, b], :]                      [T, B, E]
        var (embedded, embeddingCache) = Embedding.Forward(input.Ids, [T, B], Parameters["embedding.weight"]);

        // recurrent layer: "for input in input_sequence: output = f(input, current_state)"   [T, B, D*H]
        var recurrent = RecurrentLayer.Forward(Config.Recurrent, _recurrent, embedded, lengths: input.Lengths);

        // read-out: last[b, :] = output[lengths[b] - 1, b, :]                                 [B, D*H]
        var last = LastValidStep.Forward(recurrent.Output, input.Lengths);

        // fc: logits = last · fc.weightᵀ + fc.bias                                            [B, C]
        var (logits, fcCache) = Dense.Forward(last, Parameters["fc.weight"], Parameters["fc.bias"]);

        return new SequenceClassifierCache(input, embeddingCache, recurrent, last, fcCache, logits);
    }

    /// <summary>dLogits [B, C] -> the gradient of every parameter (fresh, in Parameters' order).</summary>
    public NamedTensors Backward(Tensor dLogits, SequenceClassifierCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        Require.Shape(dLogits, nameof(dLogits), cache.Logits.Shape);
        int T = cache.Input.T;

        // fc: logits = last · fc.weightᵀ + fc.bias
        var fc = Dense.Backward(dLogits, cache.Fc);                                          // dLast [B, D*H]

        // read-out: last[b, :] = output[lengths[b] - 1, b, :]
        var dOutput = LastValidStep.Backward(fc.dInput, cache.Input.Lengths, T);             // [T, B, D*H]

        // recurrent layer: back-propagation through time over each sequence's valid steps
        var recurrent = RecurrentLayer.Backward(cache.Recurrent.Cache, dOutput);             // dEmbedded [T, B, E]

        // embedding: embedded[t, b, :] = embedding.weight[ids[t, b], :]
        var dEmbedding = Embedding.Backward(recurrent.dInput, cache.Embedding);               // [V, E]

        var grads = new NamedTensors();
        grads.Add("embedding.weight", dEmbedding);
        ModelParameters.AddSubModule(grads, Config.RecurrentName, recurrent.dParameters);
        grads.Add("fc.weight", fc.dWeight);
        grads.Add("fc.bias", fc.dBias!);
        return grads;
    }
}
