// Seeded case generation (Spec/autograder.md, "Cases"). One generator per op family draws a
// case's sizes from the problem's ranges and then its tensors, always in the same order, so
// an (assignment seed, problem, stream, k) names exactly one case on every machine:
//   params        uniform(-s/sqrt(H), s/sqrt(H)), s = ParamScale (PyTorch's init range, a little wider)
//   inputs        uniform(-1, 1) (h0 and c0 too)
//   grad_outputs  uniform(-1, 1), only when the problem checks gradients
// The draw order is part of the format: changing it changes every generated case.
using System.Text.Json.Nodes;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Autograder;

/// <summary>A size letter a generator reads: required or not, its largest allowed value, what it means.</summary>
public sealed record SizeLetter(char Letter, bool Required, int Max, string Meaning);

public abstract class CaseGenerator
{
    /// <summary>PyTorch draws recurrent weights from uniform(-1/sqrt(H), 1/sqrt(H)); the cases use a range this much wider.</summary>
    public const double ParamScale = 1.5;

    /// <summary>The letters this family reads from "sizes", in the order they are drawn.</summary>
    public abstract IReadOnlyList<SizeLetter> Letters { get; }

    /// <summary>The optional inputs a problem may ask to be given (e.g. h0, c0).</summary>
    public abstract IReadOnlyList<string> OptionalInputs(string op);

    /// <summary>Config keys the generator sets itself; a problem's "config" may not set them.</summary>
    public virtual IReadOnlyList<string> GeneratedConfigKeys => [];

    /// <summary>
    /// Case k (id "NAME/k") with the given sizes; every random value comes from rng, in a fixed order.
    /// Throws ArgumentException when the problem's config cannot describe a case.
    /// </summary>
    public abstract Case Generate(Problem problem, int k, IReadOnlyDictionary<char, int> sizes, SeededRandom rng);

    /// <summary>Draws each letter the problem gives uniformly from its range, in Letters order.</summary>
    public IReadOnlyDictionary<char, int> DrawSizes(Problem problem, SeededRandom rng)
    {
        var sizes = new Dictionary<char, int>();
        foreach (var letter in Letters)
            if (problem.Sizes.TryGetValue(letter.Letter, out var range))
                sizes[letter.Letter] = range.Low + rng.NextInt(range.High - range.Low + 1);
        return sizes;
    }

    /// <summary>The largest sizes the problem allows (the loader checks the check names on such a case).</summary>
    public static IReadOnlyDictionary<char, int> LargestSizes(Problem problem) =>
        problem.Sizes.ToDictionary(p => p.Key, p => p.Value.High);

    /// <summary>The generated keys first, then the problem's fixed options, as parsed JSON.</summary>
    protected static JsonObject MergeConfig(JsonObject generated, JsonObject fixedOptions)
    {
        foreach (var (key, value) in fixedOptions) generated[key] = value?.DeepClone();
        return AsParsedJson(generated);
    }

    /// <summary>
    /// The object as if read from its JSON text. The oracle's ConfigReader reads values parsed
    /// from a file; values set in code (config["max_norm"] = 1.5) must go through the text too,
    /// which also makes a case in memory exactly the case a student reads from the file
    /// (doubles are written in their shortest round-trip form).
    /// </summary>
    public static JsonObject AsParsedJson(JsonObject obj) => (JsonObject)JsonNode.Parse(obj.ToJsonString())!;

    protected static Tensor Params(SeededRandom rng, int H, params int[] shape)
    {
        double k = ParamScale / Math.Sqrt(H);
        return rng.UniformTensor(-k, k, shape);
    }

    protected static Tensor Uniform(SeededRandom rng, params int[] shape) => rng.UniformTensor(-1.0, 1.0, shape);
}

/// <summary>The generator of each op that problems may use.</summary>
public static class CaseGenerators
{
    private static readonly RecurrentCaseGenerator Recurrent = new();

    private static readonly Dictionary<string, CaseGenerator> ByOp = new(StringComparer.Ordinal)
    {
        ["rnn"] = Recurrent,
        ["lstm"] = Recurrent,
        ["gru"] = Recurrent,
        ["relu_rnn_slide"] = new SlideRnnCaseGenerator(tanhCell: false),
        ["tanh_rnn_slide"] = new SlideRnnCaseGenerator(tanhCell: true),
        ["clip_grad_norm"] = new ClipCaseGenerator(byValue: false),
        ["clip_grad_value"] = new ClipCaseGenerator(byValue: true),
        ["optimizer"] = new OptimizerCaseGenerator(),
    };

    public static IEnumerable<string> Ops => ByOp.Keys.Order(StringComparer.Ordinal);

    public static bool TryGet(string op, out CaseGenerator generator) => ByOp.TryGetValue(op, out generator!);

    public static CaseGenerator For(string op) =>
        ByOp.TryGetValue(op, out var g) ? g
        : throw new ArgumentException($"op \"{op}\" has no case generator; the generated ops are {string.Join(", ", Ops)}", nameof(op));
}
