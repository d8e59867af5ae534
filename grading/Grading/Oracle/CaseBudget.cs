// How much memory and work a case may ask of the oracle, decided from its sizes before anything
// is allocated (Spec/formats.md, "Limits"). A 1 KB case file can name a stack of 10^9 layers,
// a convolution padded by 5e8, a linear layer whose output has 10^12 elements, or an optimizer
// run of 2^31 - 1 steps over an empty gradient; each would take the machine's memory or hours
// of CPU before failing. Estimate reads only the case's config and the shapes of its tensors
// (which the reader has already bounded) and gives an upper estimate of the doubles the op
// allocates and the multiply-adds (or loop steps) it performs; Check rejects a case over the
// budget with a message naming the sizes. The estimate is deliberately generous (about three
// times the forward pass for forward + backward + caches): the budget is a guard against a
// bomb, not an accountant.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Oracle;

/// <param name="MaxBytes">the most memory one case's tensors may take, in bytes (8 per double)</param>
/// <param name="MaxWork">the most multiply-adds (or optimizer element-steps) one case may take</param>
public sealed record CaseBudget(long MaxBytes, double MaxWork)
{
    /// <summary>4 GiB and 5e10 multiply-adds (about a minute of the plain reference loops): far above every shipped case.</summary>
    public static CaseBudget Default { get; } = new(4L << 30, 5e10);

    /// <summary>No limit: for callers whose cases are made by the program itself (the autograder's generated cases).</summary>
    public static CaseBudget Unlimited { get; } = new(long.MaxValue, double.PositiveInfinity);

    /// <summary>The case's estimated need: doubles allocated and multiply-adds performed.</summary>
    public readonly record struct Need(double Doubles, double Work, string Sizes);

    /// <summary>Null when the case fits the budget, else the message its result carries.</summary>
    public string? Check(Case c)
    {
        var need = Estimate(c);
        double bytes = need.Doubles * sizeof(double);
        if (bytes > MaxBytes)
            return $"the case would need about {Show(bytes / (1 << 20))} MiB of memory ({need.Sizes}), more than the "
                + $"{Show((double)MaxBytes / (1 << 20))} MiB one case may use; eval --max-memory raises the limit";
        if (need.Work > MaxWork)
            return $"the case would need about {Show(need.Work)} multiply-adds ({need.Sizes}), more than the "
                + $"{Show(MaxWork)} one case may take; eval --max-work raises the limit";
        return null;
    }

    /// <summary>The op's need from the case's config and tensor shapes; an unknown op or a malformed config gets the size of its tensors (the op then reports the problem).</summary>
    public static Need Estimate(Case c)
    {
        double given = 0;
        foreach (var set in new[] { c.Inputs, c.Params, c.GradOutputs })
            foreach (var (_, t) in set) given += t.Length;
        var baseline = new Need(4 * given + 64, 4 * given + 64, $"{Show(given)} numbers given");
        var need = c.Op switch
        {
            "rnn" => Recurrent(c, 1),
            "lstm" => Recurrent(c, 4),
            "gru" => Recurrent(c, 3),
            "relu_rnn_slide" => SlideRnn(c, "U", null),
            "tanh_rnn_slide" => SlideRnn(c, "Whh", "Why"),
            "linear" => Linear(c),
            "embedding" => Embedding(c),
            "conv1d" => Conv1d(c),
            "max_pool1d" or "avg_pool1d" => Pool1d(c),
            "optimizer" => Optimizer(c),
            _ => (Need?)null,
        };
        return need is { } n ? n with { Doubles = n.Doubles + baseline.Doubles, Work = n.Work + baseline.Work } : baseline;
    }

    private const double PerLayerDoubles = 4096;

    // rnn / lstm / gru: per layer and direction, weights [G*H, I_l] and [G*H, H], and for every one
    // of the T*B steps G*H gate values, the states and the layer input, each with its gradient.
    private static Need? Recurrent(Case c, int G)
    {
        if (!c.Inputs.TryGet("input", out var input) || input.Rank is not (2 or 3)) return null;
        bool batchFirst = Bool(c.Config, "batch_first");
        double T = input.Rank == 2 ? input.Shape[0] : batchFirst ? input.Shape[1] : input.Shape[0];
        double B = input.Rank == 2 ? 1 : batchFirst ? input.Shape[0] : input.Shape[1];
        double L = Whole(c.Config, "num_layers", 1), H = Whole(c.Config, "hidden_size", 0), I = Whole(c.Config, "input_size", 0);
        double D = Bool(c.Config, "bidirectional") ? 2 : 1;
        // every layer and direction also costs a fixed amount whatever its sizes (its tensors,
        // caches and parameter names: about 1.2 KB measured; 32 KB counted)
        double doubles = L * D * PerLayerDoubles, work = L * D * PerLayerDoubles;
        // layer 0 reads I features, every layer above reads D*H
        foreach (var (layers, Il) in new[] { (Math.Min(L, 1), I), (Math.Max(L - 1, 0), D * H) })
        {
            doubles += layers * D * (2 * G * H * (Il + H + 2) + 2 * T * B * (G * H + 4 * H + Il));
            work += layers * D * 3 * T * B * G * H * (Il + H);
        }
        return new Need(doubles, work, $"num_layers {Show(L)}, hidden_size {Show(H)}, input_size {Show(I)}, T {T}, B {B}");
    }

    // the slides' cells: T*B steps of H states from W [H, I] and U [H, H] (and y from Why [O, H])
    private static Need? SlideRnn(Case c, string u, string? v)
    {
        if (!c.Inputs.TryGet("input", out var input) || input.Rank is not (2 or 3)) return null;
        if (!c.Params.TryGet(u, out var U) || U.Rank != 2) return null;
        double T = input.Shape[0], B = input.Rank == 3 ? input.Shape[1] : 1, I = input.Shape[^1], H = U.Shape[0];
        double O = v is not null && c.Params.TryGet(v, out var V) && V.Rank == 2 ? V.Shape[0] : 0;
        return new Need(T * B * (4 * H + I + 2 * O), 3 * T * B * H * (I + H + O), $"T {T}, B {B}, I {I}, H {H}");
    }

    // linear: every row of the input [.., in] times weight [out, in]
    private static Need? Linear(Case c)
    {
        if (!c.Inputs.TryGet("input", out var input) || !c.Params.TryGet("weight", out var weight) || weight.Rank != 2 || input.Rank == 0) return null;
        double rows = input.Shape[^1] == 0 ? 0 : (double)input.Length / input.Shape[^1];
        double outF = weight.Shape[0], inF = weight.Shape[1];
        return new Need(2 * rows * outF, 3 * rows * inF * outF, $"{Show(rows)} rows, weight [{outF}, {inF}]");
    }

    // embedding: one row of weight [V, D] per index
    private static Need? Embedding(Case c)
    {
        if (!c.Inputs.TryGet("input", out var input) || !c.Params.TryGet("weight", out var weight) || weight.Rank != 2) return null;
        double n = input.Length, dim = weight.Shape[1];
        return new Need(2 * n * dim, 2 * n * dim, $"{Show(n)} indices, embedding_dim {dim}");
    }

    // conv1d: the zero-padded input [B, Cin, L + 2p] and the output [B, Cout, Lout], Cin/groups * K products each
    private static Need? Conv1d(Case c)
    {
        if (!c.Inputs.TryGet("input", out var input) || input.Rank is not (2 or 3)) return null;
        if (!c.Params.TryGet("weight", out var weight) || weight.Rank != 3) return null;
        double B = input.Rank == 3 ? input.Shape[0] : 1, Cin = input.Shape[^2], L = input.Shape[^1];
        double p = Whole(c.Config, "padding", 0), s = Math.Max(1, Whole(c.Config, "stride", 1)), d = Whole(c.Config, "dilation", 1);
        double Cout = weight.Shape[0], K = weight.Shape[2], perOutput = weight.Shape[1] * K;
        double Lpad = L + 2 * p, Lout = Math.Max(0, Math.Floor((Lpad - d * (K - 1) - 1) / s) + 1);
        return new Need(2 * B * Cin * Lpad + 2 * B * Cout * Lout, 3 * B * Cout * Lout * perOutput,
            $"input length {L} padded by {Show(p)} on each side, output length {Show(Lout)}, {Cout} output channels");
    }

    // pooling: the padded input [.., L + 2p] and the output [.., Lout], K elements per output
    private static Need? Pool1d(Case c)
    {
        if (!c.Inputs.TryGet("input", out var input) || input.Rank is not (2 or 3)) return null;
        double rows = input.Shape[^1] == 0 ? 0 : (double)input.Length / input.Shape[^1], L = input.Shape[^1];
        double K = Math.Max(1, Whole(c.Config, "kernel_size", 1)), p = Whole(c.Config, "padding", 0);
        double s = c.Config["stride"] is null ? K : Math.Max(1, Whole(c.Config, "stride", K));
        double Lpad = L + 2 * p, Lout = Math.Floor(Lpad / s) + 1;
        return new Need(2 * rows * (Lpad + Lout), 3 * rows * Lout * K, $"input length {L} padded by {Show(p)}, kernel_size {Show(K)}");
    }

    // optimizer: every one of the steps updates every parameter element (a few state values each),
    // and costs a fixed amount per parameter even when the parameter is empty (about 540 ns a
    // step measured: 1000 multiply-adds counted)
    private static Need? Optimizer(Case c)
    {
        double steps = 0, elements = 0, parameters = 0;
        foreach (var (name, t) in c.Inputs)
        {
            if (name.EndsWith(Ops.OptimizerOp.GradSuffix, StringComparison.Ordinal))
                steps = Math.Max(steps, t.Rank > 0 ? t.Shape[0] : 0);
            else
            {
                elements += t.Length;
                parameters++;
            }
        }
        return new Need(2 * steps * elements + 8 * elements, steps * (20 * elements + 1000 * parameters),
            $"{Show(steps)} steps over {Show(elements)} parameter elements");
    }

    /// <summary>A config number as the estimate reads it: whole numbers as given, anything else (the op rejects it) as fallback.</summary>
    private static double Whole(JsonObject config, string key, double fallback) =>
        config[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x)
            ? Math.Max(0, x) : fallback;

    private static bool Bool(JsonObject config, string key) =>
        config[key] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static string Show(double x) => x < 1e6 ? x.ToString("0.#", CultureInfo.InvariantCulture) : x.ToString("0.##e0", CultureInfo.InvariantCulture);
}
