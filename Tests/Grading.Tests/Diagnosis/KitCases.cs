// Cases of the kit's ops built from a seeded generator, in the oracle's case model: the
// layouts the runner must handle (one sequence or a batch, with or without h0 / c0,
// batch_first, no bias, forward-only) and, for the mistake tests, cases on which every
// mistake of an op shows (h0 given, several steps, upstream gradients given, clipping and
// non-clipping norms, nonzero weight decay).
using System.Text.Json.Nodes;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Diagnosis;

public static class KitCases
{
    public static Tensor Uniform(SeededRandom rng, double scale, params int[] shape) => rng.UniformTensor(-scale, scale, shape);

    public static Case ReluSlide(string id, SeededRandom rng, int T, int? B, int I, int H, bool h0, bool grads)
    {
        int[] seq(int n) => B is null ? [T, n] : [T, B.Value, n];
        int[] state = B is null ? [H] : [B.Value, H];
        var inputs = new NamedTensors();
        inputs.Add("input", Uniform(rng, 1.0, seq(I)));
        if (h0) inputs.Add("h0", Uniform(rng, 1.0, state));
        var p = new NamedTensors();
        p.Add("W", Uniform(rng, 1.0, H, I));
        p.Add("U", Uniform(rng, 0.6, H, H));
        p.Add("b", Uniform(rng, 0.5, H));
        var g = new NamedTensors();
        if (grads)
        {
            g.Add("output", Uniform(rng, 1.0, seq(H)));
            g.Add("last_output", Uniform(rng, 1.0, state));
        }
        return RoundTrip(new Case(id, "relu_rnn_slide", new JsonObject(), inputs, p, g));
    }

    public static Case TanhSlide(string id, SeededRandom rng, int T, int? B, int I, int H, int O, bool h0, bool grads)
    {
        int[] seq(int n) => B is null ? [T, n] : [T, B.Value, n];
        int[] state = B is null ? [H] : [B.Value, H];
        var inputs = new NamedTensors();
        inputs.Add("input", Uniform(rng, 1.0, seq(I)));
        if (h0) inputs.Add("h0", Uniform(rng, 1.0, state));
        var p = new NamedTensors();
        p.Add("Wxh", Uniform(rng, 1.0, H, I));
        p.Add("Whh", Uniform(rng, 0.8, H, H));
        p.Add("Why", Uniform(rng, 1.0, O, H));
        var g = new NamedTensors();
        if (grads)
        {
            g.Add("output", Uniform(rng, 1.0, seq(O)));
            g.Add("h_n", Uniform(rng, 1.0, state));
        }
        return RoundTrip(new Case(id, "tanh_rnn_slide", new JsonObject(), inputs, p, g));
    }

    /// <summary>An lstm or gru case: one layer, one direction. B null: one unbatched sequence [T, I].</summary>
    public static Case Gated(string id, string op, SeededRandom rng, int T, int? B, int I, int H,
        bool h0 = true, bool c0 = true, bool batchFirst = false, bool bias = true, bool grads = true)
    {
        int G = op == "lstm" ? 4 : 3;
        int[] seq(int n) => B is null ? [T, n] : batchFirst ? [B.Value, T, n] : [T, B.Value, n];
        int[] state = B is null ? [1, H] : [1, B.Value, H];
        var config = new JsonObject
        {
            ["input_size"] = I, ["hidden_size"] = H, ["num_layers"] = 1, ["bias"] = bias,
            ["batch_first"] = batchFirst, ["bidirectional"] = false,
        };
        var inputs = new NamedTensors();
        inputs.Add("input", Uniform(rng, 1.0, seq(I)));
        if (h0) inputs.Add("h0", Uniform(rng, 1.0, state));
        if (c0 && op == "lstm") inputs.Add("c0", Uniform(rng, 1.0, state));
        double k = 1.0 / Math.Sqrt(H);
        var p = new NamedTensors();
        p.Add("weight_ih_l0", Uniform(rng, 2 * k, G * H, I));
        p.Add("weight_hh_l0", Uniform(rng, 2 * k, G * H, H));
        if (bias)
        {
            p.Add("bias_ih_l0", Uniform(rng, 2 * k, G * H));
            p.Add("bias_hh_l0", Uniform(rng, 2 * k, G * H));
        }
        var g = new NamedTensors();
        if (grads)
        {
            g.Add("output", Uniform(rng, 1.0, seq(H)));
            g.Add("h_n", Uniform(rng, 1.0, state));
            if (op == "lstm") g.Add("c_n", Uniform(rng, 1.0, state));
        }
        return RoundTrip(new Case(id, op, config, inputs, p, g));
    }

    /// <summary>A clip_grad_norm case (mode pytorch) on gradients of the given shapes.</summary>
    public static Case Clip(string id, SeededRandom rng, double maxNorm, object normType, params (string Name, int[] Shape)[] grads)
    {
        var inputs = new NamedTensors();
        foreach (var (name, shape) in grads) inputs.Add(name, Uniform(rng, 1.0, shape));
        var config = new JsonObject { ["max_norm"] = maxNorm, ["mode"] = "pytorch" };
        config["norm_type"] = normType is string s ? JsonValue.Create(s) : JsonValue.Create(Convert.ToDouble(normType));
        return RoundTrip(new Case(id, "clip_grad_norm", config, inputs, new NamedTensors(), new NamedTensors()));
    }

    /// <summary>An optimizer case asking for torch.optim.Adam, one parameter "weight" and its gradient at every step.</summary>
    public static Case Adam(string id, SeededRandom rng, int[] shape, int steps, double lr, double beta1, double beta2, double eps, double weightDecay)
    {
        var inputs = new NamedTensors();
        inputs.Add("weight", Uniform(rng, 1.0, shape));
        inputs.Add("weight.grad", Uniform(rng, 1.0, [steps, .. shape]));
        var config = new JsonObject
        {
            ["name"] = "adam", ["lr"] = lr, ["betas"] = new JsonArray(beta1, beta2), ["eps"] = eps, ["weight_decay"] = weightDecay,
        };
        return RoundTrip(new Case(id, "optimizer", config, inputs, new NamedTensors(), new NamedTensors()));
    }

    /// <summary>The case as a case file gives it: written and read back, so its config holds parsed JSON values as ConfigReader expects.</summary>
    public static Case RoundTrip(Case c)
    {
        using var s = new MemoryStream();
        CaseFile.WriteCases(s, [c]);
        s.Position = 0;
        return CaseFile.ReadCases(s, c.Id).Single();
    }

    /// <summary>Every layout the runner handles, for the correct-submission test.</summary>
    public static List<Case> AllLayouts(ulong seed)
    {
        var rng = new SeededRandom(seed);
        return
        [
            ReluSlide("relu/one-sequence-forward", rng, 4, null, 3, 5, h0: false, grads: false),
            ReluSlide("relu/one-sequence", rng, 4, null, 3, 5, h0: false, grads: true),
            ReluSlide("relu/one-sequence-h0", rng, 3, null, 2, 4, h0: true, grads: true),
            ReluSlide("relu/batch-h0", rng, 5, 3, 3, 4, h0: true, grads: true),
            ReluSlide("relu/batch", rng, 2, 2, 1, 3, h0: false, grads: true),
            TanhSlide("tanh/batch-h0", rng, 4, 2, 3, 5, 2, h0: true, grads: true),
            TanhSlide("tanh/batch", rng, 3, 3, 2, 4, 3, h0: false, grads: true),
            TanhSlide("tanh/one-sequence", rng, 4, null, 3, 4, 2, h0: true, grads: true),
            TanhSlide("tanh/forward", rng, 4, 2, 3, 4, 2, h0: true, grads: false),
            Gated("lstm/batch", "lstm", rng, 4, 2, 3, 4),
            Gated("lstm/forward", "lstm", rng, 4, 2, 3, 4, grads: false),
            Gated("lstm/no-state", "lstm", rng, 3, 3, 2, 3, h0: false, c0: false),
            Gated("lstm/h0-only", "lstm", rng, 3, 2, 2, 3, c0: false),
            Gated("lstm/batch-first", "lstm", rng, 4, 3, 2, 3, batchFirst: true),
            Gated("lstm/one-sequence", "lstm", rng, 5, null, 3, 2),
            Gated("lstm/no-bias", "lstm", rng, 3, 2, 3, 2, bias: false),
            Gated("gru/batch", "gru", rng, 4, 2, 3, 4),
            Gated("gru/forward", "gru", rng, 4, 2, 3, 4, grads: false),
            Gated("gru/no-state", "gru", rng, 3, 3, 2, 3, h0: false),
            Gated("gru/batch-first", "gru", rng, 4, 3, 2, 3, batchFirst: true),
            Gated("gru/one-sequence", "gru", rng, 5, null, 3, 2),
            Gated("gru/no-bias", "gru", rng, 3, 2, 3, 2, bias: false),
            Clip("clip/clips", rng, 1.0, 2, ("weight_ih_l0", [3, 2]), ("weight_hh_l0", [3, 3]), ("bias", [3])),
            Clip("clip/leaves", rng, 20.0, 2, ("weight_ih_l0", [3, 2]), ("bias", [3])),
            Clip("clip/inf-norm", rng, 0.5, "inf", ("a", [2, 2]), ("b", [3])),
            Clip("clip/one-tensor", rng, 0.1, 2.0, ("g", [4])),
            Adam("adam/defaults", rng, [2, 3], 3, 1e-3, 0.9, 0.999, 1e-8, 0.0),
            Adam("adam/l2", rng, [3, 2], 4, 0.05, 0.8, 0.99, 1e-6, 0.1),
            Adam("adam/vector", rng, [4], 2, 0.5, 0.5, 0.9, 1e-3, 0.0),
        ];
    }

    /// <summary>Cases of an op on which every mistake of that op shows.</summary>
    public static List<Case> Revealing(string op, ulong seed)
    {
        var rng = new SeededRandom(seed);
        return op switch
        {
            "relu_rnn_slide" =>
            [
                ReluSlide("relu/a", rng, 4, 2, 3, 4, h0: true, grads: true),
                ReluSlide("relu/b", rng, 5, null, 2, 3, h0: true, grads: true),
            ],
            "tanh_rnn_slide" =>
            [
                TanhSlide("tanh/a", rng, 4, 2, 3, 4, 2, h0: true, grads: true),
                TanhSlide("tanh/b", rng, 3, null, 2, 3, 3, h0: true, grads: true),
            ],
            "lstm" =>
            [
                Gated("lstm/a", "lstm", rng, 4, 2, 3, 3),
                Gated("lstm/b", "lstm", rng, 3, null, 2, 2),
            ],
            "gru" =>
            [
                Gated("gru/a", "gru", rng, 4, 2, 3, 3),
                Gated("gru/b", "gru", rng, 3, null, 2, 2),
            ],
            "clip_grad_norm" =>
            [
                Clip("clip/clips", rng, 1.0, 2, ("weight_ih_l0", [3, 2]), ("weight_hh_l0", [3, 3]), ("bias", [3])),
                Clip("clip/leaves", rng, 10.0, 2, ("weight_ih_l0", [3, 2]), ("weight_hh_l0", [3, 3]), ("bias", [3])),
            ],
            "optimizer" =>
            [
                Adam("adam/plain", rng, [2, 3], 3, 0.01, 0.9, 0.999, 1e-8, 0.0),
                Adam("adam/l2", rng, [2, 3], 3, 0.01, 0.9, 0.999, 1e-8, 0.5),
            ],
            _ => throw new ArgumentException($"no revealing cases for op {op}", nameof(op)),
        };
    }
}
