// Next-token (language) model, the slides' "Example: predict the next word" ("This morning,
// I took my cat for a __") and MATH80629's "Language Modelling using RNNs: Training. Given
// previous words, predict the next word":
//
//   embedding -> recurrent layer -> dense at every step -> logits over the vocabulary
//
// with the per-step loss of "L(ŷ, y) = Σ_t L(ŷ<t>, y<t>)" (softmax cross-entropy at every step,
// in the loss). The state can be passed in and read out (h0/c0 in, hN/cN out), so a long stream
// can be processed in chunks that carry the state forward: truncated BPTT
// (Rnn.Reference.Training.TruncatedBptt) does exactly that. Spec/models.md.
//
// T = steps, B = batch, V = vocabulary size, E = embedding dim, H = hidden size, L = layers.
// Ids and logits are time-major: ids [T, B], logits [T, B, V]. The model is unidirectional
// (a bidirectional layer would read the very token it has to predict).
//
// Parameters (PyTorch names, named_parameters() order):
//   embedding.weight       [V, E]
//   lstm.weight_ih_l0 ...  the recurrent stack's names, prefix lstm / gru / rnn
//   fc.weight              [V, H]
//   fc.bias                [V]
using Rnn.Reference.Layers;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Models;

/// <summary>The next-token model's sizes; Validate checks them.</summary>
/// <param name="VocabularySize">V: token ids 0..V-1, and the number of logits per step</param>
/// <param name="EmbeddingDim">E</param>
/// <param name="HiddenSize">H</param>
/// <param name="Cell">LSTM, GRU, or RNN with tanh / relu</param>
/// <param name="NumLayers">stacked recurrent layers</param>
public sealed record NextTokenModelConfig(
    int VocabularySize, int EmbeddingDim, int HiddenSize, CellKind Cell = CellKind.Lstm, int NumLayers = 1)
{
    /// <summary>The recurrent stack: input size E, unidirectional.</summary>
    public RecurrentConfig Recurrent => new(Cell, EmbeddingDim, HiddenSize, NumLayers);

    /// <summary>The recurrent sub-module's name: "lstm", "gru" or "rnn".</summary>
    public string RecurrentName => Recurrent.ModuleName.ToLowerInvariant();

    /// <summary>Throws ArgumentException naming the size that is not valid.</summary>
    public void Validate()
    {
        Require.Positive(VocabularySize, "vocabularySize");
        Require.Positive(EmbeddingDim, "embeddingDim");
        Recurrent.Validate();
    }
}

/// <summary>Everything NextTokenModel.Backward needs, in forward order.</summary>
public sealed record NextTokenCache(
    TokenBatch Input,
    EmbeddingCache Embedding,      // embedded [T, B, E]
    RecurrentOutput Recurrent,     // output [T, B, H]; HN, CN [L, B, H]
    DenseCache Fc,
    Tensor Logits)                 // [T, B, V]
    : IForwardResult
{
    /// <inheritdoc/>
    public Tensor Output => Logits;

    /// <summary>The recurrent output at every step, [T, B, H].</summary>
    public Tensor Representation => Recurrent.Output;

    /// <summary>The state after the last step, [L, B, H]: the next chunk's h0.</summary>
    public Tensor HN => Recurrent.HN;

    /// <summary>The LSTM's carry after the last step, [L, B, H] (null for GRU / RNN): the next chunk's c0.</summary>
    public Tensor? CN => Recurrent.CN;
}

/// <summary>Gradients of NextTokenModel: every parameter, and the initial state (for chaining chunks).</summary>
public sealed record NextTokenGradients(NamedTensors dParameters, Tensor dH0, Tensor? dC0);

/// <summary>embedding -> recurrent stack -> dense at every step: ids [T, B] to logits [T, B, V], with the state passed in and out for truncated BPTT (Spec/models.md).</summary>
public sealed class NextTokenModel : IModel<TokenBatch, NextTokenCache>
{
    private readonly NamedTensors _recurrent;

    /// <summary>The sizes the model was built with.</summary>
    public NextTokenModelConfig Config { get; }

    /// <inheritdoc/>
    public NamedTensors Parameters { get; }

    /// <summary>Logits are time-major [T, B, V]: the batch is axis 1.</summary>
    public int BatchAxis => 1;

    /// <summary>Wraps existing parameters (checked against Layout(config); shared, not copied).</summary>
    public NextTokenModel(NextTokenModelConfig config, NamedTensors parameters)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        ModelParameters.Validate(parameters, Layout(config), nameof(NextTokenModel));
        Config = config;
        Parameters = parameters;
        _recurrent = ModelParameters.SubModule(parameters, config.RecurrentName);
    }

    /// <summary>A model with PyTorch's default initialisation drawn from SeededRandom(seed) in parameter order.</summary>
    public static NextTokenModel Create(NextTokenModelConfig config, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var rng = new SeededRandom(seed);
        var p = new NamedTensors();
        p.Add("embedding.weight", ModelParameters.Normal(rng, config.VocabularySize, config.EmbeddingDim));
        ModelParameters.AddRecurrent(p, rng, config.RecurrentName, config.Recurrent);
        p.Add("fc.weight", ModelParameters.FanInUniform(rng, config.HiddenSize, config.VocabularySize, config.HiddenSize));
        p.Add("fc.bias", ModelParameters.FanInUniform(rng, config.HiddenSize, config.VocabularySize));
        return new NextTokenModel(config, p);
    }

    /// <summary>The parameters' names and shapes, in named_parameters() order.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Layout(NextTokenModelConfig config)
    {
        var layout = new List<(string, int[])> { ("embedding.weight", [config.VocabularySize, config.EmbeddingDim]) };
        layout.AddRange(ModelParameters.RecurrentLayout(config.RecurrentName, config.Recurrent));
        layout.Add(("fc.weight", [config.VocabularySize, config.HiddenSize]));
        layout.Add(("fc.bias", [config.VocabularySize]));
        return layout;
    }

    /// <summary>Forward from a zero initial state.</summary>
    public NextTokenCache Forward(TokenBatch input) => Forward(input, null, null);

    /// <summary>
    /// input: ids [T, B], every sequence all T steps long. h0, c0: [L, B, H] or null (zeros); c0 for an LSTM only.
    /// Returns the cache; its Logits are [T, B, V], its HN / CN the state after step T-1.
    /// </summary>
    public NextTokenCache Forward(TokenBatch input, Tensor? h0, Tensor? c0 = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.CheckIds(Config.VocabularySize, "input");
        int T = input.T, B = input.B;
        for (int b = 0; b < B; b++)
            if (input.Lengths[b] != T)
                throw new ArgumentException(
                    $"input has lengths[{b}] = {input.Lengths[b]} but a next-token batch needs every sequence to have all T = {T} steps", nameof(input));

        // embedding: embedded[t, b, :] = embedding.weight[ids[t, b], :]                      [T, B, E]
        var (embedded, embeddingCache) = Embedding.Forward(input.Ids, [T, B], Parameters["embedding.weight"]);

        // recurrent layer from the given state: "current_state = output" carried across steps  [T, B, H]
        var recurrent = RecurrentLayer.Forward(Config.Recurrent, _recurrent, embedded, h0, c0);

        // fc at every step: logits[t, b, :] = output[t, b, :] · fc.weightᵀ + fc.bias           [T, B, V]
        var (logits, fcCache) = Dense.Forward(recurrent.Output, Parameters["fc.weight"], Parameters["fc.bias"]);

        return new NextTokenCache(input, embeddingCache, recurrent, fcCache, logits);
    }

    NamedTensors IModel<TokenBatch, NextTokenCache>.Backward(Tensor dOutput, NextTokenCache cache) =>
        Backward(dOutput, cache).dParameters;

    /// <summary>
    /// dLogits [T, B, V]; dHN, dCN [L, B, H] the gradient reaching the final state from a later
    /// chunk (null: zeros). Returns every parameter's gradient and those of h0 and c0.
    /// </summary>
    public NextTokenGradients Backward(Tensor dLogits, NextTokenCache cache, Tensor? dHN = null, Tensor? dCN = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        Require.Shape(dLogits, nameof(dLogits), cache.Logits.Shape);

        // fc at every step: logits = output · fc.weightᵀ + fc.bias
        var fc = Dense.Backward(dLogits, cache.Fc);                                          // dOutput [T, B, H]

        // recurrent layer: BPTT from step T-1 back to 0, starting from dHN / dCN
        var recurrent = RecurrentLayer.Backward(cache.Recurrent.Cache, fc.dInput, dHN, dCN); // dEmbedded [T, B, E]

        // embedding: embedded[t, b, :] = embedding.weight[ids[t, b], :]
        var dEmbedding = Embedding.Backward(recurrent.dInput, cache.Embedding);               // [V, E]

        var grads = new NamedTensors();
        grads.Add("embedding.weight", dEmbedding);
        ModelParameters.AddSubModule(grads, Config.RecurrentName, recurrent.dParameters);
        grads.Add("fc.weight", fc.dWeight);
        grads.Add("fc.bias", fc.dBias!);
        return new NextTokenGradients(grads, recurrent.dH0, recurrent.dC0);
    }
}
