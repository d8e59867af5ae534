// Reading the recurrent ops' cases into the mistake drivers' time-major arrays, and writing the
// drivers' answers back under the ops' names and shapes (Spec/formats.md), so a mistaken
// implementation's answer can be compared with a student's tensor by tensor.
//   relu_rnn_slide, tanh_rnn_slide: input [T, I] or [T, B, I], h0 [H] or [B, H] (SlideRnnUnderMistake)
//   lstm, gru: one layer, one direction, no lengths; batch_first and unbatched input allowed
//              (GatedRnnUnderMistake)
// A case the op itself rejects, or one outside these layouts, reads as null: no mistake can
// be shown on it.
using Rnn.Grading.Oracle;
using Rnn.Grading.Oracle.Ops;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Diagnosis;

public static class SlideRnnCase
{
    /// <summary>
    /// The case as the driver's input. tanh: the activation to run (null: the op's own, ReLU for
    /// relu_rnn_slide and tanh for tanh_rnn_slide). Null when the op rejects the case.
    /// </summary>
    public static ElmanInput? Read(Case c, bool? tanh = null)
    {
        if (c.Op is not ("relu_rnn_slide" or "tanh_rnn_slide") || Evaluator.Evaluate(c).Error is not null) return null;
        bool relu = c.Op == "relu_rnn_slide";
        var input = c.Inputs["input"];
        int T = input.Shape[0], B = input.Rank == 3 ? input.Shape[1] : 1, I = input.Shape[^1];
        var W = relu ? c.Params["W"] : c.Params["Wxh"];
        var U = relu ? c.Params["U"] : c.Params["Whh"];
        int H = W.Shape[0];
        double[] Why = relu ? [] : c.Params["Why"].Data;
        int O = relu ? H : c.Params["Why"].Shape[0];
        // [T, I] is [T, 1, I] and h0 [H] is [1, H] in row-major order: the data is the same
        var h0 = CaseTensors.Optional(c.Inputs, "h0")?.Data ?? new double[B * H];
        return new ElmanInput(tanh ?? !relu, T, B, I, H, O, input.Data, h0, W.Data, U.Data,
            relu ? c.Params["b"].Data : [], Why);
    }

    /// <summary>Runs the driver on the case and names its answer as the op names the oracle's.</summary>
    public static CaseResult Answer(Case c, ElmanInput p, StateMistake mistake)
    {
        bool relu = c.Op == "relu_rnn_slide";
        var input = c.Inputs["input"];
        bool single = input.Rank == 2;
        int T = p.T, B = p.B, H = p.H, O = p.O;
        var forward = SlideRnnUnderMistake.Forward(p, mistake);

        var dY = CaseTensors.Optional(c.GradOutputs, "output")?.Data.ToArray() ?? new double[T * B * O];   // [T, B, O]
        double[]? dHN = null;
        if (relu && CaseTensors.Optional(c.GradOutputs, "last_output") is { } dLast)
            for (int k = 0; k < B * H; k++) dY[(T - 1) * B * H + k] += dLast.Data[k];                      // last_output = output[T-1]
        if (!relu) dHN = CaseTensors.Optional(c.GradOutputs, "h_n")?.Data;
        var g = SlideRnnUnderMistake.Backward(p, forward, mistake, dY, dHN);

        int[] state = single ? [H] : [B, H];
        var outputs = new NamedTensors();
        outputs.Add("output", new Tensor(single ? [T, O] : [T, B, O], forward.Y));
        if (relu) outputs.Add("last_output", new Tensor(state, forward.Y.AsSpan((T - 1) * B * H, B * H).ToArray()));
        else outputs.Add("h_n", new Tensor(state, forward.Hs.AsSpan(T * B * H, B * H).ToArray()));
        var grads = new NamedTensors();
        grads.Add("input", new Tensor(input.Shape, g.dX));
        if (c.Inputs.Contains("h0")) grads.Add("h0", new Tensor(state, g.dH0));
        grads.Add(relu ? "W" : "Wxh", new Tensor([H, p.I], g.dW));
        grads.Add(relu ? "U" : "Whh", new Tensor([H, H], g.dU));
        if (relu) grads.Add("b", new Tensor([H], g.dBias));
        else grads.Add("Why", new Tensor([O, H], g.dWhy));
        return new CaseResult(c.Id, outputs, grads);
    }
}

/// <summary>A gated layer read from a case, with how the case lays its tensors out.</summary>
public sealed record GatedCase(GatedLayerInput Input, bool Unbatched, bool BatchFirst, bool Bias);

public static class GatedRnnCase
{
    /// <summary>
    /// The case as the driver's input. cell: the cell to run (null: the op's own, Lstm for
    /// "lstm", Gru for "gru"). Null when the op rejects the case or it has more than one
    /// layer, two directions, lengths, a convention or the reset-before GRU.
    /// </summary>
    public static GatedCase? Read(Case c, GatedCellForm? cell = null)
    {
        if (c.Op is not ("lstm" or "gru") || Evaluator.Evaluate(c).Error is not null) return null;
        if (ConfigReader.Int(c.Config, "num_layers", 1) != 1 || ConfigReader.Bool(c.Config, "bidirectional", false)
            || c.Inputs.Contains("lengths"))
            return null;
        // the drivers read PyTorch's names and run nn.LSTM / nn.GRU: a case under another
        // convention (check converts it first) or of the reset-before GRU is not theirs
        if (c.Config[Oracle.Ops.ConventionOption.Key] is not null
            || (c.Op == "gru" && !ConfigReader.Bool(c.Config, "reset_after", true)))
            return null;
        bool lstm = c.Op == "lstm";
        var form = cell ?? (lstm ? GatedCellForm.Lstm : GatedCellForm.Gru);
        if (lstm != (form is GatedCellForm.Lstm or GatedCellForm.LstmWithoutCellTanh)) return null;
        bool bias = ConfigReader.Bool(c.Config, "bias", true);
        bool batchFirst = ConfigReader.Bool(c.Config, "batch_first", false);
        var input = c.Inputs["input"];
        bool unbatched = input.Rank == 2;
        batchFirst &= !unbatched;
        int T = input.Shape[unbatched || !batchFirst ? 0 : 1];
        int B = unbatched ? 1 : input.Shape[batchFirst ? 0 : 1];
        int I = input.Shape[^1];
        int H = ConfigReader.Int(c.Config, "hidden_size");
        // h0 and c0 are [1, B, H] (unbatched [1, H]): with one layer and direction, the data is [B, H]
        var h0 = CaseTensors.Optional(c.Inputs, "h0")?.Data ?? new double[B * H];
        var c0 = CaseTensors.Optional(c.Inputs, "c0")?.Data ?? new double[B * H];
        var x = batchFirst ? SwapFirstAxes(input.Data, B, T, I) : input.Data;
        var p = new GatedLayerInput(form, T, B, I, H, x, h0, c0,
            c.Params["weight_ih_l0"].Data, c.Params["weight_hh_l0"].Data,
            bias ? c.Params["bias_ih_l0"].Data : [], bias ? c.Params["bias_hh_l0"].Data : []);
        return new GatedCase(p, unbatched, batchFirst, bias);
    }

    /// <summary>Runs the driver on the case and names its answer as the op names the oracle's.</summary>
    public static CaseResult Answer(Case c, GatedCase layout, StateMistake mistake)
    {
        var p = layout.Input;
        int T = p.T, B = p.B, H = p.H;
        var forward = GatedRnnUnderMistake.Forward(p, mistake);
        var dOutputCase = CaseTensors.Optional(c.GradOutputs, "output")?.Data;
        var dOutput = dOutputCase is null ? new double[T * B * H]
            : layout.BatchFirst ? SwapFirstAxes(dOutputCase, B, T, H) : dOutputCase;
        var dHN = CaseTensors.Optional(c.GradOutputs, "h_n")?.Data ?? new double[B * H];
        var dCN = CaseTensors.Optional(c.GradOutputs, "c_n")?.Data ?? new double[B * H];
        var g = GatedRnnUnderMistake.Backward(p, forward, mistake, dOutput, dHN, dCN);

        int[] state = layout.Unbatched ? [1, H] : [1, B, H];
        var outputs = new NamedTensors();
        outputs.Add("output", layout.Unbatched ? new Tensor([T, H], forward.Output)
            : layout.BatchFirst ? new Tensor([B, T, H], SwapFirstAxes(forward.Output, T, B, H))
            : new Tensor([T, B, H], forward.Output));
        outputs.Add("h_n", new Tensor(state, forward.HN));
        if (p.IsLstm) outputs.Add("c_n", new Tensor(state, forward.CN));
        var grads = new NamedTensors();
        var input = c.Inputs["input"];
        grads.Add("input", new Tensor(input.Shape, layout.BatchFirst ? SwapFirstAxes(g.dX, T, B, p.I) : g.dX));
        if (c.Inputs.Contains("h0")) grads.Add("h0", new Tensor(state, g.dH0));
        if (p.IsLstm && c.Inputs.Contains("c0")) grads.Add("c0", new Tensor(state, g.dC0));
        grads.Add("weight_ih_l0", new Tensor([p.Gates * H, p.I], g.dWih));
        grads.Add("weight_hh_l0", new Tensor([p.Gates * H, H], g.dWhh));
        if (layout.Bias)
        {
            grads.Add("bias_ih_l0", new Tensor([p.Gates * H], g.dBih));
            grads.Add("bias_hh_l0", new Tensor([p.Gates * H], g.dBhh));
        }
        return new CaseResult(c.Id, outputs, grads);
    }

    /// <summary>[A, C, X] -> [C, A, X] (batch-first to time-major and back).</summary>
    private static double[] SwapFirstAxes(double[] data, int A, int C, int X)
    {
        var swapped = new double[data.Length];
        for (int a = 0; a < A; a++)
            for (int k = 0; k < C; k++)
                data.AsSpan((a * C + k) * X, X).CopyTo(swapped.AsSpan((k * A + a) * X, X));
        return swapped;
    }
}
