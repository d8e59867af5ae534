// Where a wrong answer goes wrong, computed from the reference's values (Spec/diagnosis.md,
// "Locating an error"). Used when no catalog mistake explains the answer: it needs no model of
// the student's mistake, only which elements of which tensors disagree.
//   sequences (the slides' RNNs, rnn, lstm, gru): the first step t where `output` differs (and
//     the direction); h_n or c_n wrong while every output is right;
//   BPTT: only the initial state's gradient wrong, only the recurrent (or the input) weight's,
//     only the biases'; the input's gradient right at the last steps and wrong from step t back
//     (the gradient carried through the state) or already at the last step (one step's
//     backward); the gate blocks (i, f, g, o / r, z, n) of the weight and bias gradients that
//     differ, when not all of them do;
//   optimizer: the first step after which the parameter differs;
//   clip_grad_norm: total_norm wrong, or only the scaling;
//   any op: every wrong value within a relative 1e-5 of the right one (float32 arithmetic).
// "Differs" is the grader's tolerance, elementwise.
using System.Text;
using Rnn.Grading.Autograder;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Diagnosis;

public static class ErrorLocation
{
    /// <summary>Every location text starts with this (the feedback shows it as "Where it goes wrong").</summary>
    public const string Prefix = Autograder.Feedback.LocationPrefix;

    /// <summary>Wrong values all within this relative distance of the right ones look like float32 (about 7 digits).</summary>
    public const double Float32Like = 1e-5;

    public static readonly string Float32Text = Prefix +
        "every wrong value is within a relative 1e-5 of the right one, about 7 correct digits: what float32 arithmetic gives. " +
        "The assignment asks for float64 (keep every array float64: no astype(np.float32), no dtype=np.float32).";

    /// <summary>The location text, or null when the failed tensors say nothing more (missing, wrong shape, an error).</summary>
    public static string? Locate(Case c, CaseResult expected, CaseResult answer, IReadOnlyList<string> failedTensors, double rtol, double atol)
    {
        if (answer.Error is not null || expected.Error is not null) return null;
        var failed = new List<(bool IsOutput, string Name, Tensor Want, Tensor Got)>();
        foreach (var label in failedTensors)
        {
            int dot = label.IndexOf('.');
            if (dot < 0) continue;
            bool isOutput = label[..dot] == "outputs";
            string name = label[(dot + 1)..];
            if (!(isOutput ? expected.Outputs : expected.Grads).TryGet(name, out var want)) continue;
            if (!(isOutput ? answer.Outputs : answer.Grads).TryGet(name, out var got) || !got.HasShape(want.Shape)) continue;
            failed.Add((isOutput, name, want, got));
        }
        if (failed.Count == 0) return null;

        if (failed.All(f => LooksLikeFloat32(f.Got, f.Want))) return Float32Text;
        string? text = c.Op switch
        {
            "relu_rnn_slide" or "tanh_rnn_slide" or "rnn" or "lstm" or "gru" => Sequence(c, failed, rtol, atol),
            "optimizer" => Optimizer(failed, rtol, atol),
            "clip_grad_norm" or "clip_grad_value" => Clip(c, failed),
            _ => null,
        };
        return text is null ? null : Prefix + text;
    }

    private static bool LooksLikeFloat32(Tensor got, Tensor want)
    {
        for (int i = 0; i < want.Length; i++)
        {
            double g = got.Data[i], e = want.Data[i];
            if (!double.IsFinite(g) || !double.IsFinite(e)) return false;
            if (Math.Abs(g - e) / Math.Max(Math.Abs(e), 1e-3) >= Float32Like) return false;
        }
        return true;
    }

    private static bool Bad(Tensor got, Tensor want, int i, double rtol, double atol)
    {
        double g = got.Data[i], e = want.Data[i];
        if (double.IsNaN(g) || double.IsNaN(e)) return !(double.IsNaN(g) && double.IsNaN(e));
        if (double.IsInfinity(g) || double.IsInfinity(e)) return g != e;
        return !(Math.Abs(g - e) <= atol + rtol * Math.Abs(e));
    }

    /// <summary>The indices along one axis that hold at least one differing element, in order.</summary>
    private static SortedSet<int> BadAlong(Tensor got, Tensor want, int axis, double rtol, double atol)
    {
        var shape = want.Shape;
        int inner = 1;
        for (int a = axis + 1; a < shape.Length; a++) inner *= shape[a];
        var bad = new SortedSet<int>();
        for (int i = 0; i < want.Length; i++)
            if (Bad(got, want, i, rtol, atol)) bad.Add(i / inner % shape[axis]);
        return bad;
    }

    // ---- sequences ----------------------------------------------------------------------------

    private static string? Sequence(Case c, List<(bool IsOutput, string Name, Tensor Want, Tensor Got)> failed, double rtol, double atol)
    {
        var input = c.Inputs["input"];
        bool slide = c.Op.EndsWith("_slide", StringComparison.Ordinal);
        bool batchFirst = !slide && input.Rank == 3 && ConfigReader.Bool(c.Config, "batch_first", false);
        int timeAxis = batchFirst ? 1 : 0;
        int T = input.Shape[timeAxis];
        bool hasState = c.Inputs.Contains("h0") && c.Inputs["h0"].Data.Any(v => v != 0);
        bool bidirectional = !slide && ConfigReader.Bool(c.Config, "bidirectional", false);
        var outputs = failed.Where(f => f.IsOutput).ToList();

        if (outputs.Find(f => f.Name == "output") is { Name: not null } output)
        {
            var sb = new StringBuilder();
            if (bidirectional)
            {
                // output's last axis is [forward H | reverse H]; the reverse direction starts at t = T-1
                int H = output.Want.Shape[^1] / 2;
                var forward = BadStepsInHalf(output, timeAxis, 0, H, rtol, atol);
                var reverse = BadStepsInHalf(output, timeAxis, H, H, rtol, atol);
                if (forward.Count > 0) sb.Append(FirstStep("the forward direction's output", forward.Min, T, hasState));
                if (reverse.Count > 0)
                {
                    if (sb.Length > 0) sb.Append(' ');
                    sb.Append($"The reverse direction's output (the second half of the last axis) first differs at step {reverse.Max} " +
                        $"(it runs from t = {T - 1} down to 0){(reverse.Max == T - 1 ? ", its first step" : $"; {Steps(reverse.Max + 1, T - 1)} {(reverse.Max + 1 == T - 1 ? "is" : "are")} right")}.");
                }
                return sb.ToString();
            }
            var steps = BadAlong(output.Got, output.Want, timeAxis, rtol, atol);
            return FirstStep("output", steps.Min, T, hasState);
        }
        if (outputs.Count > 0)
        {
            var names = string.Join(" and ", outputs.Select(o => o.Name));
            string which = string.Join("; ", outputs.Select(o => StateRows(c, o.Name, o.Got, o.Want, rtol, atol)).Where(s => s is not null));
            return c.Op == "relu_rnn_slide"
                ? $"every step's output is right but {names} is wrong: last_output is output[T-1], the output of the last step."
                : outputs.All(o => o.Name == "c_n")
                    ? $"every h is right but c_n is wrong: c_n is the carry c after the last step{(which.Length > 0 ? $" ({which})" : "")}."
                    : $"every step's output is right but {names} {(outputs.Count > 1 ? "are" : "is")} wrong: h_n is the state after the last step " +
                      $"(output[T-1] for one layer and direction){(which.Length > 0 ? $"; {which}" : "")}.";
        }

        // gradients only
        var grads = failed.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        static bool IsState(string n) => n is "h0" or "c0";
        static bool IsRecurrent(string n) => n is "U" or "Whh" || n.StartsWith("weight_hh", StringComparison.Ordinal);
        static bool IsInputWeight(string n) => n is "W" or "Wxh" || n.StartsWith("weight_ih", StringComparison.Ordinal);
        static bool IsBias(string n) => n is "b" || n.StartsWith("bias_", StringComparison.Ordinal);
        var parts = new List<string>();
        if (grads.All(IsState))
            parts.Add($"only the gradient of the initial state ({string.Join(", ", grads.Order(StringComparer.Ordinal))}) is wrong; every other gradient is right, " +
                "so the backward pass is right down to step 0: look at what you return for the initial state, the gradient carried out of step 0 " +
                "(dh_next, and dc_next for an LSTM).");
        else if (grads.All(IsRecurrent))
            parts.Add($"only the recurrent weight's gradient ({string.Join(", ", grads.Order(StringComparer.Ordinal))}) is wrong, while the input weight's, " +
                "the biases' and the input's are right: it sums, over the steps, each step's pre-activation gradient times the state before that step, " +
                "h_{t-1} (h0 at step 0), not h_t.");
        else if (grads.All(IsInputWeight))
            parts.Add($"only the input weight's gradient ({string.Join(", ", grads.Order(StringComparer.Ordinal))}) is wrong: it sums, over the steps, " +
                "each step's pre-activation gradient times that step's input x_t.");
        else if (grads.All(IsBias))
            parts.Add($"only the biases' gradients ({string.Join(", ", grads.Order(StringComparer.Ordinal))}) are wrong: each is the pre-activation " +
                "gradient summed over the batch and over every step.");
        else if (grads.All(n => n == "Why"))
            parts.Add("only Why's gradient is wrong: dWhy sums dy_t.T @ h_t over the steps.");
        else if (failed.Find(f => f.Name == "input") is { Name: not null } dx)
        {
            var steps = BadAlong(dx.Got, dx.Want, timeAxis, rtol, atol);
            int last = steps.Max;
            parts.Add(last == T - 1
                ? $"the input's gradient is already wrong at the last step (t = {T - 1}), where back-propagation starts: the error is in one step's " +
                  "backward pass (a derivative, or how the upstream gradients doutput[T-1] and dh_n enter)."
                : $"the input's gradient is right at {Steps(last + 1, T - 1)} and first goes wrong at step {last}, counting back from the end: one step's " +
                  "backward pass is right, so look at the gradient carried back to the step before through the state (dh_next, and dc_next for an LSTM).");
        }
        if (GateBlocks(c, failed, rtol, atol) is { } gates) parts.Add(gates);
        if (parts.Count == 0) return null;
        return string.Join(" ", parts.Select((p, i) => i == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <summary>"step 3" or "steps 0 to 2".</summary>
    private static string Steps(int from, int to) => from == to ? $"step {from}" : $"steps {from} to {to}";

    private static string FirstStep(string what, int t, int T, bool hasState)
    {
        if (t == 0)
            return $"{what} is wrong from the first step (t = 0): the error is in one step of the cell itself (a gate, a weight or bias, " +
                   $"the nonlinearity{(hasState ? ", or how the initial state enters" : "")}), not in how the steps are chained." +
                   (hasState ? "" : " (Before step 0 the state is zero, so a recurrent-term error could also only show later.)");
        return $"{what} is right at {Steps(0, t - 1)} and first differs at step {t} (of {T}): one step from the given state is right, " +
               "so look at what changes from step to step: the state carried into the next step (h, and c for an LSTM) and the recurrent term " +
               "(the previous state times the recurrent weight)" +
               (hasState ? "." : "; with no initial state the recurrent term is zero at step 0, so an error in it shows only from step 1 on.");
    }

    private static SortedSet<int> BadStepsInHalf((bool IsOutput, string Name, Tensor Want, Tensor Got) f, int timeAxis, int start, int width,
        double rtol, double atol)
    {
        var shape = f.Want.Shape;
        int last = shape[^1], inner = 1;
        for (int a = timeAxis + 1; a < shape.Length; a++) inner *= shape[a];
        var bad = new SortedSet<int>();
        for (int i = 0; i < f.Want.Length; i++)
        {
            int k = i % last;
            if (k >= start && k < start + width && Bad(f.Got, f.Want, i, rtol, atol)) bad.Add(i / inner % shape[timeAxis]);
        }
        return bad;
    }

    /// <summary>For h_n / c_n of the stacked ops ([L*D, B, H]): which layers and directions differ, when there are several.</summary>
    private static string? StateRows(Case c, string name, Tensor got, Tensor want, double rtol, double atol)
    {
        if (c.Op is not ("rnn" or "lstm" or "gru") || want.Rank < 2 || want.Shape[0] == 1) return null;
        int D = ConfigReader.Bool(c.Config, "bidirectional", false) ? 2 : 1;
        var rows = BadAlong(got, want, 0, rtol, atol);
        return $"{name} differs for " + string.Join(", ", rows.Select(r => $"layer {r / D}{(D == 2 ? (r % D == 0 ? " forward" : " reverse") : "")}"));
    }

    /// <summary>For lstm / gru: the gate blocks whose rows differ in the failed weight and bias gradients, when not every block does.</summary>
    private static string? GateBlocks(Case c, List<(bool IsOutput, string Name, Tensor Want, Tensor Got)> failed, double rtol, double atol)
    {
        string[]? gates = c.Op switch { "lstm" => ["i", "f", "g", "o"], "gru" => ["r", "z", "n"], _ => null };
        if (gates is null) return null;
        int H = ConfigReader.Int(c.Config, "hidden_size", 0);
        if (H <= 0) return null;
        var bad = new SortedSet<int>();
        var names = new List<string>();
        foreach (var f in failed)
        {
            if (!(f.Name.StartsWith("weight_", StringComparison.Ordinal) || f.Name.StartsWith("bias_", StringComparison.Ordinal))) continue;
            if (f.Want.Shape[0] != gates.Length * H) continue;
            names.Add(f.Name);
            foreach (int row in BadAlong(f.Got, f.Want, 0, rtol, atol)) bad.Add(row / H);
        }
        if (names.Count == 0 || bad.Count == gates.Length) return null;
        var blocks = bad.Select(k => $"{gates[k]} (rows {k * H}..{(k + 1) * H - 1})");
        return $"in {string.Join(", ", names)} only the rows of gate {string.Join(" and ", blocks)} differ: look at that gate's backward " +
               "(its derivative, and the gradient that reaches it).";
    }

    // ---- optimizer and clipping ---------------------------------------------------------------

    private static string? Optimizer(List<(bool IsOutput, string Name, Tensor Want, Tensor Got)> failed, double rtol, double atol)
    {
        var parts = new List<string>();
        foreach (var f in failed.Where(f => f.IsOutput && f.Want.Rank >= 1))
        {
            int S = f.Want.Shape[0], s = BadAlong(f.Got, f.Want, 0, rtol, atol).Min;   // row s is the parameter after step s + 1
            parts.Add(s == 0
                ? $"{f.Name} is wrong already after the first step (t = 1): the error is in the update itself (the moments, the bias correction at t = 1, eps, weight decay)."
                : $"{f.Name} is right after {Steps(1, s)} and first differs after step {s + 1} (of {S}): the first step is right, so look at what is carried " +
                  "from step to step (m, v and the step count t).");
        }
        return parts.Count == 0 ? null : string.Join(" ", parts);
    }

    private static string? Clip(Case c, List<(bool IsOutput, string Name, Tensor Want, Tensor Got)> failed)
    {
        bool norm = failed.Any(f => f.Name == "total_norm");
        var gradients = failed.Where(f => f.Name != "total_norm").Select(f => f.Name).ToList();
        if (norm && gradients.Count == 0)
            return "the clipped gradients are right but total_norm is wrong: it is the norm of all the gradients together, measured before clipping.";
        if (!norm && c.Op == "clip_grad_norm")
            return $"total_norm is right, so the error is in the scaling of {string.Join(", ", gradients)}: every gradient is multiplied by " +
                   "max_norm / (total_norm + 1e-6), and only when that is below 1.";
        if (norm) return "total_norm is already wrong: it is one norm over all the gradients together, before clipping; the scaling follows from it.";
        return null;
    }
}

/// <summary>The catalog's diagnosis when a known mistake explains the answer; else where the answer goes wrong (ErrorLocation).</summary>
public sealed class LocatingDiagnoser(Autograder.IMistakeDiagnoser catalog) : Autograder.IMistakeDiagnoser
{
    public string? Diagnose(Case c, CaseResult expected, CaseResult answer, IReadOnlyList<string> failedTensors, double rtol, double atol) =>
        catalog.Diagnose(c, expected, answer, failedTensors, rtol, atol)
        ?? ErrorLocation.Locate(c, expected, answer, failedTensors, rtol, atol);
}
