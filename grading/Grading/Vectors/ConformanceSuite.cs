// The conformance vectors (Spec/vectors.md): a fixed, seeded suite of small cases covering
// every op of the oracle and every convention with every cell it has, with the edge cases an
// implementation most often gets wrong: T = 1 and H = 1, variable lengths (zeros past each
// element's end), saturated gates, a ReLU exactly at 0, unbatched and batch-first input, no
// bias, stacks of two layers in both directions, the reset-before GRU, tied maxima in pooling,
// ignored classes, the clipping rules and every optimizer. Every draw comes from SeededRandom,
// reseeded at each case from its position, so the suite is the same bytes on every machine.
//
// Each case carries the tolerance its tensors are held to, for a float64 implementation:
// |got - expected| <= atol + rtol * |expected| (the grader's rule, TensorComparison).
using System.Text.Json.Nodes;
using Rnn.Grading.Oracle;
using Rnn.Reference.Conventions;
using Rnn.Reference.Numerics;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Vectors;

/// <summary>The rule one case's tensors are compared by.</summary>
public readonly record struct Tolerance(double Rtol, double Atol)
{
    /// <summary>float64 answers computed by another implementation of the same sums in another order.</summary>
    public static readonly Tolerance Float64 = new(1e-7, 1e-10);
}

/// <summary>One vector: the case, what it covers in words, its convention (pytorch when none) and its tolerance.</summary>
public sealed record Vector(Case Case, string Covers, string Convention, Tolerance Tolerance);

public static class ConformanceSuite
{
    /// <summary>Every vector, in a fixed order.</summary>
    public static IReadOnlyList<Vector> Build()
    {
        var b = new Builder();
        Recurrent(b);
        Conventions(b);
        Slides(b);
        Layers(b);
        Losses(b);
        Optimizers(b);
        Clipping(b);
        return b.Vectors;
    }

    // ---- rnn, lstm, gru in PyTorch's names ------------------------------------------------------

    private static void Recurrent(Builder b)
    {
        foreach (var (op, kind) in new[] { ("rnn", CellKind.RnnTanh), ("lstm", CellKind.Lstm), ("gru", CellKind.Gru) })
        {
            b.Stack($"{op}/small", op, new RecurrentConfig(kind, 3, 2), T: 3, B: 2, "T 3, B 2, I 3, H 2; h0 (and c0) given", withState: true);
            b.Stack($"{op}/t1-h1", op, new RecurrentConfig(kind, 1, 1), T: 1, B: 1, "one step, one unit, one input");
            b.Stack($"{op}/lengths", op, new RecurrentConfig(kind, 2, 3), T: 4, B: 3,
                "variable lengths [4, 1, 2]: output is zero past each element's length and h_n is each element's last step", lengths: [4, 1, 2]);
            b.Stack($"{op}/stack-bidirectional-lengths", op, new RecurrentConfig(kind, 2, 2, NumLayers: 2, Bidirectional: true), T: 3, B: 2,
                "two layers, both directions, lengths [3, 2] (the reverse direction starts at each element's last step)", lengths: [3, 2], withState: true);
            b.Stack($"{op}/batch-first-no-bias", op, new RecurrentConfig(kind, 3, 2, BatchFirst: true, Bias: false), T: 2, B: 3,
                "batch_first (input [B, T, I]; h0 stays [L*D, B, H]) and bias false", withState: true);
            b.Stack($"{op}/unbatched", op, new RecurrentConfig(kind, 2, 2), T: 3, B: 0, "unbatched input [T, I] (h_n [L*D, H])");
            b.Stack($"{op}/saturated", op, new RecurrentConfig(kind, 2, 2), T: 3, B: 2,
                "weights and inputs of size up to 6: gates saturate at 0 and 1 and tanh at -1 and 1", scale: 6);
        }
        b.Stack("rnn/relu", "rnn", new RecurrentConfig(CellKind.RnnRelu, 3, 3), T: 3, B: 2, "nonlinearity relu", withState: true);
        b.ReluAtZero();
        b.Stack("gru/reset-before", "gru", new RecurrentConfig(CellKind.GruResetBefore, 3, 2), T: 3, B: 2,
            "reset_after false: the reset gate before the product (Keras reset_after=False, d2l, Ng), in PyTorch's names", withState: true);
    }

    // ---- every convention, every cell it has ----------------------------------------------------

    private static void Conventions(Builder b)
    {
        foreach (var convention in ConventionRegistry.All.Where(c => c.Name != "pytorch"))
        {
            foreach (var kind in Enum.GetValues<CellKind>())
            {
                // with a bias where the convention has one (STATS 507's cell has none)
                bool bias = convention.Unsupported(new CellShape(kind, 3, 2, true)) is null;
                if (convention.Unsupported(new CellShape(kind, 3, 2, bias)) is not null) continue;
                // the slides' names for the slides' own cells: 95-865's ReLU RNN, STATS 507's tanh cell
                if ((convention.Name == "95-865" && kind != CellKind.RnnRelu) || (convention.Name == "stats507" && kind != CellKind.RnnTanh)) continue;
                string cell = kind switch
                {
                    CellKind.RnnTanh => "rnn-tanh", CellKind.RnnRelu => "rnn-relu", CellKind.Lstm => "lstm",
                    CellKind.Gru => "gru-reset-after", _ => "gru-reset-before",
                };
                string op = kind switch { CellKind.Lstm => "lstm", CellKind.Gru or CellKind.GruResetBefore => "gru", _ => "rnn" };
                b.ConventionStack($"{convention.Name}/{cell}", op, convention, new RecurrentConfig(kind, 3, 2, Bias: bias), T: 3, B: 2,
                    $"{convention.CellTitle(new CellShape(kind, 3, 2, bias))}: params and gradients under {convention.Title}'s names and shapes");
            }
            if (convention.Linear is { } linear)
                b.ConventionLinear($"{convention.Name}/dense", convention, In: 3, Out: 2, bias: linear.Bias is not null,
                    $"{linear.Layer} ({linear.Weight}{(linear.Transposed ? " [in, out]" : " [out, in]")}{(linear.Bias is null ? ", no bias" : linear.BiasColumn ? $", {linear.Bias} [out, 1]" : $", {linear.Bias} [out]")})");
        }
        b.ConventionStack("keras/gru-no-bias", "gru", ConventionRegistry.Get("keras"), new RecurrentConfig(CellKind.Gru, 2, 2, Bias: false), T: 2, B: 2,
            "Keras GRU with use_bias=False (no bias at all)");
        b.ConventionStack("keras/lstm-stack-bidirectional", "lstm", ConventionRegistry.Get("keras"),
            new RecurrentConfig(CellKind.Lstm, 2, 2, NumLayers: 2, Bidirectional: true, BatchFirst: true), T: 3, B: 2,
            "Keras LSTM, two layers, both directions, batch_first: kernel_l0, kernel_l0_reverse, kernel_l1, ...");
    }

    // ---- the slides' own cells ------------------------------------------------------------------

    private static void Slides(Builder b)
    {
        b.Slide("relu_rnn_slide/one-sequence", "relu_rnn_slide", T: 4, B: 0, I: 3, H: 2, O: 0,
            "the 95-865 slide's loop on one sequence [T, I], h0 given", h0: true);
        b.Slide("relu_rnn_slide/batch", "relu_rnn_slide", T: 3, B: 2, I: 2, H: 3, O: 0, "a batch [T, B, I], h0 zeros (not given)", h0: false);
        b.Slide("relu_rnn_slide/t1", "relu_rnn_slide", T: 1, B: 0, I: 1, H: 1, O: 0, "one step, one unit", h0: true);
        b.Slide("tanh_rnn_slide/batch", "tanh_rnn_slide", T: 3, B: 2, I: 3, H: 2, O: 2, "the STATS 507 cell, a batch, h0 given", h0: true);
        b.Slide("tanh_rnn_slide/one-sequence", "tanh_rnn_slide", T: 2, B: 0, I: 2, H: 3, O: 1, "one sequence [T, I], one output", h0: true);
    }

    // ---- layers ---------------------------------------------------------------------------------

    private static void Layers(Builder b)
    {
        b.Simple("linear/batch", "linear", new JsonObject(), Inputs(("input", b.Uniform(1, 4, 3))), Inputs(("weight", b.Uniform(1, 2, 3)), ("bias", b.Uniform(1, 2))),
            "y = x W^T + b, x [4, 3]");
        b.Simple("linear/no-bias-3d", "linear", [("bias", false)], Inputs(("input", b.Uniform(1, 2, 3, 2))), Inputs(("weight", b.Uniform(1, 4, 2))),
            "bias false, input [2, 3, 2] (leading axes kept)");
        b.Simple("embedding/padding", "embedding", [("padding_idx", 1)],
            Inputs(("input", new Tensor([2, 3], [0, 1, 3, 3, 2, 1]))), Inputs(("weight", b.Uniform(1, 4, 2))),
            "indices [2, 3] with a repeated index (its gradient accumulates) and padding_idx 1 (no gradient)");
        b.Simple("conv1d/stride-padding-dilation", "conv1d", [("stride", 2), ("padding", 1), ("dilation", 2)],
            Inputs(("input", b.Uniform(1, 2, 2, 7))), Inputs(("weight", b.Uniform(1, 3, 2, 2)), ("bias", b.Uniform(1, 3))),
            "[B 2, C 2, L 7], 3 filters of width 2, stride 2, padding 1, dilation 2");
        b.Simple("conv1d/unbatched-no-bias", "conv1d", [("bias", false)],
            Inputs(("input", b.Uniform(1, 2, 5))), Inputs(("weight", b.Uniform(1, 2, 2, 3))),
            "no bias, unbatched input [C, L]");
        b.Simple("max_pool1d/ties", "max_pool1d", [("kernel_size", 2), ("stride", 1), ("return_indices", true)],
            Inputs(("input", new Tensor([1, 1, 5], [1, 3, 3, -1, 2]))), [],
            "a tie (3, 3): the first maximum gets the gradient, as PyTorch's; indices returned");
        b.Simple("max_pool1d/padding-ceil", "max_pool1d", [("kernel_size", 3), ("stride", 2), ("padding", 1), ("ceil_mode", true)],
            Inputs(("input", b.Uniform(1, 2, 2, 6))), [], "padding 1 (never the maximum) and ceil_mode");
        b.Simple("avg_pool1d/padding", "avg_pool1d", [("kernel_size", 3), ("stride", 2), ("padding", 1), ("count_include_pad", false)],
            Inputs(("input", b.Uniform(1, 2, 2, 5))), [], "padding 1 not counted");
        b.Simple("relu/at-zero", "relu", new JsonObject(), Inputs(("input", new Tensor([2, 3], [-1, 0, 2, 0, -0.0, 0.5]))), [],
            "inputs exactly 0 (and -0): ReLU'(0) = 0");
        b.Simple("tanh/saturated", "tanh", new JsonObject(), Inputs(("input", new Tensor([5], [-30, -2, 0, 1.5, 25]))), [], "|x| up to 30");
        b.Simple("sigmoid/saturated", "sigmoid", new JsonObject(), Inputs(("input", new Tensor([5], [-40, -3, 0, 2, 40]))), [],
            "|x| up to 40 (the stable form: no overflow in exp)");
        b.Simple("softmax/large", "softmax", [("dim", 1)], Inputs(("input", new Tensor([2, 3], [1000, 1001, 1002, -5, 0, 5]))), [],
            "values of 1000 (softmax subtracts the maximum)");
        b.Simple("softmax/dim0", "softmax", [("dim", 0)], Inputs(("input", b.Uniform(2, 3, 2))), [], "over the first axis");
    }

    private static void Losses(Builder b)
    {
        b.Simple("cross_entropy/mean-ignore", "cross_entropy", [("ignore_index", 2)],
            Inputs(("input", b.Uniform(2, 4, 3)), ("target", new Tensor([4], [0, 2, 1, 1]))), [],
            "mean over the classes not ignored (target 2 is ignore_index)");
        b.Simple("cross_entropy/sum-weight", "cross_entropy", [("reduction", "sum")],
            Inputs(("input", b.Uniform(2, 3, 4)), ("target", new Tensor([3], [3, 0, 1])), ("weight", new Tensor([4], [1, 0.5, 2, 1.5]))), [],
            "class weights, reduction sum");
        b.Simple("binary_cross_entropy_with_logits/pos-weight", "binary_cross_entropy_with_logits", new JsonObject(),
            Inputs(("input", new Tensor([2, 2], [-30, 0.5, 2, 40])), ("target", new Tensor([2, 2], [0, 1, 0.25, 1])),
                ("pos_weight", new Tensor([2], [2, 0.5]))), [],
            "logits of size 40 (the stable form), a soft target, pos_weight");
        b.Simple("mse_loss/none", "mse_loss", [("reduction", "none")],
            Inputs(("input", b.Uniform(1, 2, 3)), ("target", b.Uniform(1, 2, 3))), [], "reduction none");
        b.Simple("mse_loss/mean", "mse_loss", new JsonObject(), Inputs(("input", b.Uniform(1, 3)), ("target", b.Uniform(1, 3))), [], "reduction mean");
    }

    private static void Optimizers(Builder b)
    {
        (string Id, string Covers, JsonObject Config)[] optimizers =
        [
            ("sgd-nesterov", "SGD with momentum 0.9, nesterov, weight_decay 0.01",
                new() { ["name"] = "sgd", ["lr"] = 0.1, ["momentum"] = 0.9, ["nesterov"] = true, ["weight_decay"] = 0.01 }),
            ("sgd-dampening", "SGD with momentum 0.5, dampening 0.3", new() { ["name"] = "sgd", ["lr"] = 0.05, ["momentum"] = 0.5, ["dampening"] = 0.3 }),
            ("adam", "Adam, PyTorch's defaults but lr 0.1", new() { ["name"] = "adam", ["lr"] = 0.1 }),
            ("adam-amsgrad", "Adam with amsgrad and weight_decay (L2)", new() { ["name"] = "adam", ["lr"] = 0.05, ["amsgrad"] = true, ["weight_decay"] = 0.1 }),
            ("adam-keras", "Keras's Adam (epsilon hat, eps 1e-7)", new() { ["name"] = "adam", ["lr"] = 0.1, ["form"] = "keras" }),
            ("adamw", "AdamW (decoupled weight decay 0.1)", new() { ["name"] = "adamw", ["lr"] = 0.1, ["weight_decay"] = 0.1 }),
            ("rmsprop-centered", "RMSprop centered with momentum", new() { ["name"] = "rmsprop", ["lr"] = 0.01, ["centered"] = true, ["momentum"] = 0.5 }),
            ("rmsprop-keras", "Keras's RMSprop (rho 0.9, eps inside the root)", new() { ["name"] = "rmsprop", ["lr"] = 0.01, ["form"] = "keras" }),
            ("adagrad", "Adagrad with lr_decay", new() { ["name"] = "adagrad", ["lr"] = 0.1, ["lr_decay"] = 0.01 }),
            ("adadelta", "Adadelta, PyTorch's defaults", new() { ["name"] = "adadelta" }),
            ("lookahead-sgd", "Lookahead (k 2, alpha 0.5) around SGD", new()
                { ["name"] = "sgd", ["lr"] = 0.1, ["lookahead"] = new JsonObject { ["k"] = 2, ["alpha"] = 0.5 } }),
        ];
        foreach (var (id, covers, config) in optimizers)
            b.Simple($"optimizer/{id}", "optimizer", config,
                Inputs(("weight", b.Uniform(1, 2, 2)), ("weight.grad", b.Uniform(1, 5, 2, 2)), ("bias", b.Uniform(1, 2)), ("bias.grad", b.Uniform(1, 5, 2))), [],
                covers + "; five steps of given gradients", upstream: false);
    }

    private static void Clipping(Builder b)
    {
        (string Id, string Covers, JsonObject Config)[] rules =
        [
            ("pytorch", "clip_grad_norm_ (one norm over every tensor, 1e-6 in the scale)", new() { ["max_norm"] = 1.0 }),
            ("below", "a norm below max_norm: nothing changes", new() { ["max_norm"] = 100.0 }),
            ("inf", "norm_type inf", new() { ["max_norm"] = 0.5, ["norm_type"] = "inf" }),
            ("per-tensor", "Keras's clipnorm: each tensor by its own norm", new() { ["max_norm"] = 1.0, ["mode"] = "per_tensor" }),
            ("slide-squared", "the MATH80629 slide: the squared norm against the threshold", new() { ["max_norm"] = 1.0, ["mode"] = "slide_squared" }),
            ("no-epsilon", "d2l's grad_clipping: no epsilon", new() { ["max_norm"] = 1.0, ["mode"] = "no_epsilon" }),
        ];
        foreach (var (id, covers, config) in rules)
            b.Simple($"clip_grad_norm/{id}", "clip_grad_norm", config,
                Inputs(("weight", b.Uniform(2, 2, 3)), ("bias", b.Uniform(2, 3))), [], covers, upstream: false);
        b.Simple("clip_grad_value/half", "clip_grad_value", new JsonObject { ["clip_value"] = 0.5 },
            Inputs(("weight", new Tensor([2, 2], [-0.7, 0.5, 0.2, 3]))), [], "clamp to [-0.5, 0.5], a value exactly at the bound", upstream: false);
    }

    private static NamedTensors Inputs(params (string Name, Tensor Tensor)[] items)
    {
        var set = new NamedTensors();
        foreach (var (name, t) in items) set.Add(name, t);
        return set;
    }

    /// <summary>Builds the vectors in order, each case's draws from its own seed (its position in the suite).</summary>
    private sealed class Builder
    {
        public List<Vector> Vectors { get; } = [];

        private SeededRandom _rng = new(1);

        private void Next() => _rng = new SeededRandom(0x5EED_0000UL + (ulong)Vectors.Count);

        public Tensor Uniform(double scale, params int[] shape) => _rng.UniformTensor(-scale, scale, shape);

        public void Stack(string id, string op, RecurrentConfig config, int T, int B, string covers,
            int[]? lengths = null, bool withState = false, double scale = 0.6)
        {
            Next();
            var parameters = new NamedTensors();
            foreach (var (name, shape) in RecurrentParameters.Layout(config)) parameters.Add(name, Uniform(scale, shape));
            Add(id, op, config, null, parameters, T, B, lengths, withState, covers, scale);
        }

        public void ConventionStack(string id, string op, Convention convention, RecurrentConfig config, int T, int B, string covers)
        {
            Next();
            var pytorch = new NamedTensors();
            foreach (var (name, shape) in RecurrentParameters.Layout(config)) pytorch.Add(name, Uniform(0.6, shape));
            Add(id, op, config, convention, convention.FromPyTorch(config, pytorch), T, B, null, withState: true, covers, 0.6);
        }

        private void Add(string id, string op, RecurrentConfig config, Convention? convention, NamedTensors parameters,
            int T, int B, int[]? lengths, bool withState, string covers, double scale)
        {
            var json = new JsonObject();
            if (convention is not null) json["convention"] = convention.Name;
            json["input_size"] = config.InputSize;
            json["hidden_size"] = config.HiddenSize;
            if (config.NumLayers != 1) json["num_layers"] = config.NumLayers;
            if (config.Bidirectional) json["bidirectional"] = true;
            if (config.BatchFirst) json["batch_first"] = true;
            if (!config.Bias) json["bias"] = false;
            if (config.Kind == CellKind.RnnRelu) json["nonlinearity"] = "relu";
            if (config.Kind == CellKind.GruResetBefore && (convention?.GruResetAfterByDefault ?? true)) json["reset_after"] = false;

            int LD = config.NumLayers * config.Directions, H = config.HiddenSize;
            var inputs = new NamedTensors
            {
                { "input", B == 0 ? Uniform(scale / 2, T, config.InputSize)
                    : config.BatchFirst ? Uniform(scale / 2, B, T, config.InputSize) : Uniform(scale / 2, T, B, config.InputSize) },
            };
            int[] state = B == 0 ? [LD, H] : [LD, B, H];
            if (withState)
            {
                inputs.Add("h0", Uniform(0.5, state));
                if (config.HasCellState) inputs.Add("c0", Uniform(0.5, state));
            }
            if (lengths is not null) inputs.Add("lengths", new Tensor([lengths.Length], [.. lengths.Select(l => (double)l)]));
            Finish(new Case(id, op, json, inputs, parameters, new NamedTensors()), covers, convention?.Name ?? "pytorch", upstream: true);
        }

        public void ConventionLinear(string id, Convention convention, int In, int Out, bool bias, string covers)
        {
            Next();
            var pytorch = new NamedTensors { { "weight", Uniform(1, Out, In) } };
            if (bias) pytorch.Add("bias", Uniform(1, Out));
            var json = new JsonObject { ["convention"] = convention.Name };
            if (!bias) json["bias"] = false;
            var c = new Case(id, "linear", json, new NamedTensors { { "input", Uniform(1, 4, In) } },
                convention.LinearFromPyTorch(In, Out, bias, pytorch), new NamedTensors());
            Finish(c, covers, convention.Name, upstream: true);
        }

        /// <summary>An RNN whose first unit's pre-activation is exactly 0 at every step: ReLU'(0) = 0 gives that row no gradient.</summary>
        public void ReluAtZero()
        {
            Next();
            var config = new RecurrentConfig(CellKind.RnnRelu, 2, 2);
            var parameters = new NamedTensors();
            foreach (var (name, shape) in RecurrentParameters.Layout(config)) parameters.Add(name, Uniform(0.6, shape));
            // row 0 of every weight and bias is 0, so linear[0] = 0 exactly
            foreach (var (name, t) in parameters)
                for (int k = 0; k < (t.Rank == 2 ? t.Shape[1] : 1); k++) t.Data[k] = 0;
            var inputs = new NamedTensors { { "input", Uniform(0.5, 3, 2, 2) } };
            Finish(new Case("rnn/relu-at-zero", "rnn", new JsonObject { ["input_size"] = 2, ["hidden_size"] = 2, ["nonlinearity"] = "relu" },
                inputs, parameters, new NamedTensors()), "nonlinearity relu with unit 0's pre-activation exactly 0 at every step (ReLU'(0) = 0)",
                "pytorch", upstream: true);
        }

        public void Slide(string id, string op, int T, int B, int I, int H, int O, string covers, bool h0)
        {
            Next();
            bool relu = op == "relu_rnn_slide";
            var parameters = relu
                ? new NamedTensors { { "W", Uniform(0.7, H, I) }, { "U", Uniform(0.7, H, H) }, { "b", Uniform(0.3, H) } }
                : new NamedTensors { { "Wxh", Uniform(0.7, H, I) }, { "Whh", Uniform(0.7, H, H) }, { "Why", Uniform(0.7, O, H) } };
            var inputs = new NamedTensors { { "input", B == 0 ? Uniform(1, T, I) : Uniform(1, T, B, I) } };
            if (h0) inputs.Add("h0", B == 0 ? Uniform(0.5, H) : Uniform(0.5, B, H));
            Finish(new Case(id, op, new JsonObject(), inputs, parameters, new NamedTensors()), covers, "pytorch", upstream: true);
        }

        public void Simple(string id, string op, (string Key, JsonNode Value)[] config, NamedTensors inputs, NamedTensors parameters,
            string covers, bool upstream = true)
        {
            var json = new JsonObject();
            foreach (var (key, value) in config) json[key] = value;
            Simple(id, op, json, inputs, parameters, covers, upstream);
        }

        public void Simple(string id, string op, JsonObject config, NamedTensors inputs, NamedTensors parameters, string covers, bool upstream = true)
        {
            // the case's tensors were drawn (as the call's arguments) before its seed; its upstream gradients come from it
            Next();
            Finish(new Case(id, op, config, inputs, parameters, new NamedTensors()), covers, "pytorch", upstream);
        }

        /// <summary>Draws an upstream gradient for every float output (the oracle gives their shapes) and adds the vector.</summary>
        private void Finish(Case c, string covers, string convention, bool upstream)
        {
            if (upstream)
            {
                var forward = Evaluator.Evaluate(c, Compute.Plain);
                if (forward.Error is not null) throw new InvalidOperationException($"conformance vector {c.Id}: {forward.Error}");
                var gradOutputs = new NamedTensors();
                foreach (var (name, t) in forward.Outputs)
                    if (name != "indices") gradOutputs.Add(name, Uniform(1, t.Shape));
                c = c with { GradOutputs = gradOutputs };
            }
            Vectors.Add(new Vector(c, covers, convention, Tolerance.Float64));
        }
    }
}
