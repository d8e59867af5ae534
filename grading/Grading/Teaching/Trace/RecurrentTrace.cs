// The step-by-step trace of a recurrent case: the oracle's ops lstm, gru (either form: nn.GRU's
// reset after the product, or reset_after false) and rnn (any layers and directions), and the slides' cells relu_rnn_slide and tanh_rnn_slide, which are the rnn cell
// with the slides' names (linear = input W^T + b + state U^T is nn.RNN's relu form with
// bias_hh = 0; the STATS 507 cell is nn.RNN's tanh form without biases, plus y_t = h_t Why^T).
// Every value comes from the library: the forward values from RecurrentLayer.Forward's cache,
// the pre-activations from MatMul (the product the cells compute), the backward values from
// RecurrentLayer.Backward's per-step record (dL/dh_t, dL/dc_t, the gates' pre-activation
// gradients, dW_hh so far); the values inside a step's backward (dL/dc_t's two parts, the gates'
// gradients after their nonlinearities, an RNN's act'(a)) from the cell's own StepBackward, run
// again on that step's recorded dL/dh_t and dL/dc_t with a backward record (its other outputs are
// discarded); only dW_ih so far is summed here, step by step, with MatMul.Backward, where the
// library sums all steps in one product. Spec/figures.md, "Trace".
using Rnn.Grading.Oracle;
using Rnn.Grading.Oracle.Ops;
using Rnn.Reference.Numerics;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Teaching.Trace;

public static class RecurrentTrace
{
    public static readonly string[] Ops = ["lstm", "gru", "rnn", "relu_rnn_slide", "tanh_rnn_slide"];

    /// <summary>The trace of one case; throws ArgumentException naming what is wrong with it.</summary>
    public static CaseTrace Of(Case c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return c.Op switch
        {
            "lstm" or "gru" or "rnn" => FromStack(c),
            "relu_rnn_slide" => FromReluSlide(c),
            "tanh_rnn_slide" => FromTanhSlide(c),
            _ => throw new ArgumentException(
                $"case '{c.Id}' has op '{c.Op}' but trace follows the recurrent ops only: {string.Join(", ", Ops)}"),
        };
    }

    private static CaseTrace FromStack(Case c)
    {
        var read = new RecurrentOp(c.Op).Read(c);
        var names = Names.For(read.Config.Kind, slideRelu: false);
        var upstream = (Output: CaseTensors.Optional(c.GradOutputs, "output"), HN: CaseTensors.Optional(c.GradOutputs, "h_n"), CN: CaseTensors.Optional(c.GradOutputs, "c_n"));
        var sections = Run(read.Config, read.Params, read.Input, read.H0, read.C0, read.Lengths, upstream.Output, upstream.HN, upstream.CN, names);
        var cfg = read.Config;
        string module = cfg.Kind == CellKind.GruResetBefore
            ? "reset before the product, reset_after false: Keras reset_after=False, d2l, Ng; no PyTorch module"
            : $"nn.{cfg.ModuleName}{(c.Op == "rnn" ? $", nonlinearity {(cfg.Kind == CellKind.RnnRelu ? "relu" : "tanh")}" : "")}";
        var description = new List<string>
        {
            $"{cfg.ModuleName} ({module}):",
            $"input_size {cfg.InputSize}, hidden_size {cfg.HiddenSize}, num_layers {cfg.NumLayers}, " +
            $"bidirectional {cfg.Bidirectional.ToString().ToLowerInvariant()}",
        };
        description.AddRange(names.Equations);
        return new CaseTrace(c.Id, c.Op, description, "L = sum(output * grad_output) + sum(h_n * grad_h_n)" + (cfg.HasCellState ? " + sum(c_n * grad_c_n)" : ""), sections)
        {
            BackwardEquations = [.. names.Backward.Equations, .. StackNotes(cfg)],
        };
    }

    /// <summary>What "step t+1" and "grad_output[t]" mean in a reverse direction and a deeper layer.</summary>
    private static string[] StackNotes(RecurrentConfig cfg) => cfg.Bidirectional || cfg.NumLayers > 1
        ?
        [
            "in a reverse direction \"step t+1\" is the step processed before t, at t-1; below the last layer,",
            "grad_output[t] is the gradient reaching this layer's output[t] from the layer above",
        ]
        : [];

    private static CaseTrace FromReluSlide(Case c)
    {
        var (W, U, b, input, h0Given) = new ReluRnnSlideOp().Read(c);
        // the slide's own forward checks every shape and says what is wrong
        var outputs = SlideReluRnn.Forward(W, U, b, input, h0Given);
        int H = W.Shape[0], I = W.Shape[1], T = input.Shape[0], B = input.Rank == 3 ? input.Shape[1] : 1;
        var p = new NamedTensors
        {
            { "weight_ih_l0", W }, { "weight_hh_l0", U }, { "bias_ih_l0", b }, { "bias_hh_l0", Tensor.Zeros(H) },
        };
        var dOut = new Tensor([T, B, H], ReluRnnSlideOp.UpstreamOfEveryStep(c, outputs).Data);
        var h0 = h0Given is null ? null : new Tensor([1, B, H], h0Given.Data);
        var names = Names.For(CellKind.RnnRelu, slideRelu: true);
        var sections = Run(new RecurrentConfig(CellKind.RnnRelu, I, H), p, new Tensor([T, B, I], input.Data), h0, null, null, dOut, null, null, names);
        return new CaseTrace(c.Id, c.Op,
        [
            "the 95-865 slide's vanilla ReLU RNN: W [H, I], U [H, H], b [H]",
            "slide: linear = np.dot(input, W.T) + b + np.dot(current_state, U.T)",
            "       output = np.maximum(0, linear); current_state = output",
            "(PyTorch: nn.RNN(nonlinearity='relu') with weight_ih = W, weight_hh = U, bias_ih = b, bias_hh = 0)",
        ], "L = sum(output * grad_output) + sum(last_output * grad_last_output)", sections)
        {
            BackwardEquations = names.Backward.Equations,
        };
    }

    private static CaseTrace FromTanhSlide(Case c)
    {
        var (Wxh, Whh, Why, input, h0Given) = new TanhRnnSlideOp().Read(c);
        var slide = SlideTanhRnn.Forward(Wxh, Whh, Why, input, h0Given);  // checks every shape
        int H = Wxh.Shape[0], I = Wxh.Shape[1], O = Why.Shape[0], T = input.Shape[0], B = input.Rank == 3 ? input.Shape[1] : 1;
        // y_t = h_t Why^T: its gradient reaches h_t as dy_t Why
        var dY = CaseTensors.Optional(c.GradOutputs, "output");
        var dH = Tensor.Zeros(T, B, H);
        var dWhy = new double[O * H];
        var hs = slide.Hs;                                          // [T+1, B, H]
        if (dY is not null)
            for (int t = 0; t < T; t++)
                MatMul.Backward(dY.Data.AsSpan(t * B * O, B * O), hs.AsSpan((t + 1) * B * H, B * H), Why.Data, B, H, O,
                    dH.Data.AsSpan(t * B * H, B * H), dWhy, []);
        var dHN = CaseTensors.Optional(c.GradOutputs, "h_n") is { } g ? new Tensor([1, B, H], g.Data) : null;
        var p = new NamedTensors { { "weight_ih_l0", Wxh }, { "weight_hh_l0", Whh } };
        var names = Names.For(CellKind.RnnTanh, slideRelu: false, tanhSlide: true);
        var sections = Run(new RecurrentConfig(CellKind.RnnTanh, I, H, Bias: false), p, new Tensor([T, B, I], input.Data),
            h0Given is null ? null : new Tensor([1, B, H], h0Given.Data), null, null, dH, dHN, null, names);
        // add y_t to every forward step, and dWhy (all steps) to the last backward step
        var forward = sections[0].Forward.Select(s => new TraceStep(s.T,
            [.. s.Values, new TraceValue("y_t", "y_hat_t = W_hy^T h_t", B, O, slide.Y.Data.AsSpan(s.T * B * O, B * O).ToArray())])).ToList();
        var backward = sections[0].Backward.ToList();
        var last = backward[^1];
        backward[^1] = new TraceStep(last.T, [.. last.Values, new TraceValue("dWhy (all steps)", "", O, H, dWhy)]);
        return new CaseTrace(c.Id, c.Op,
        [
            "the STATS 507 slide's tanh cell (MATH80629's U = Wxh, W = Whh, V = Why):",
            "Wxh [H, I], Whh [H, H], Why [O, H], no biases",
            "slide: h_t = tanh(W_hh^T h_(t-1) + W_xh^T x_t); y_hat_t = W_hy^T h_t",
            "(code: h = tanh(x @ Wxh.t() + h @ Whh.t()); y = h @ Why.t())",
            "(PyTorch: nn.RNN(bias=False) with weight_ih = Wxh, weight_hh = Whh,",
            " then a bias-free nn.Linear with weight Why)",
        ], "L = sum(output * grad_output) + sum(h_n * grad_h_n)", [sections[0] with { Forward = forward, Backward = backward }])
        {
            BackwardEquations = names.Backward.Equations,
        };
    }

    /// <summary>Forward, backward with per-step records, then the steps of every layer and direction.</summary>
    private static List<TraceSection> Run(RecurrentConfig config, NamedTensors p, Tensor input, Tensor? h0, Tensor? c0, int[]? lengths,
        Tensor? dOutput, Tensor? dHN, Tensor? dCN, Names names)
    {
        var forward = RecurrentLayer.Forward(config, p, input, h0, c0, lengths);
        var back = RecurrentLayer.Backward(forward.Cache, dOutput, dHN, dCN, recordSteps: true);
        var cache = forward.Cache;
        var sections = new List<TraceSection>();
        for (int l = 0; l < config.NumLayers; l++)
            for (int d = 0; d < config.Directions; d++)
                sections.Add(Section(cache, back.Steps![l * config.Directions + d], l, d, names));
        return sections;
    }

    private static TraceSection Section(RecurrentCache cache, RecurrentStepGradients rec, int l, int d, Names names)
    {
        var config = cache.Config;
        int T = cache.T, B = cache.B, H = config.HiddenSize, G = config.Gates, GH = G * H, In = config.LayerInputSize(l);
        string s = RecurrentConfig.Suffix(l, d);
        var Wih = cache.Parameters["weight_ih" + s].Data;
        var Whh = cache.Parameters["weight_hh" + s].Data;
        ReadOnlySpan<double> bih = config.Bias ? cache.Parameters["bias_ih" + s].Data : [];
        ReadOnlySpan<double> bhh = config.Bias ? cache.Parameters["bias_hh" + s].Data : [];
        var dir = cache.Directions[l * config.Directions + d];
        var x = cache.LayerInputs[l];                                            // [T, B, I_l]

        var forward = new List<TraceStep>();
        for (int step = 0; step < T; step++)
        {
            int t = d == 0 ? step : T - 1 - step;
            var xt = x.AsSpan(t * B * In, B * In);
            var hPrev = dir.H.AsSpan(step * B * H, B * H);
            var xProj = new double[B * GH];                                      // x_t W_ih^T + b_ih
            var hProj = new double[B * GH];                                      // h_(t-1) W_hh^T + b_hh
            MatMul.Forward(xt, Wih, bih, B, In, GH, xProj);
            MatMul.Forward(hPrev, Whh, bhh, B, H, GH, hProj);
            var values = new List<TraceValue>
            {
                new(names.X, names.XSlide, B, In, xt.ToArray()),
                new("h_(t-1)", names.HPrevSlide, B, H, hPrev.ToArray()),
            };
            if (config.HasCellState) values.Add(new("c_(t-1)", "c<t-1>", B, H, dir.C.AsSpan(step * B * H, B * H).ToArray()));
            var gates = config.Kind is CellKind.RnnTanh or CellKind.RnnRelu ? default : dir.Gates.AsSpan(step * B * GH, B * GH);
            for (int g = 0; g < G; g++)
            {
                bool candidate = config.IsGru && g == 2;
                // the GRU candidate's h-part: r * (h_(t-1) W_hn^T + b_hn), or reset before: (r * h_(t-1)) W_hn^T + b_hn
                var hPart = candidate ? CandidateHPart(config.Kind, gates, hPrev, hProj, Whh, bhh, B, H) : Block(hProj, B, GH, g * H, H);
                // pre-activation of block g: x-part + h-part
                var a = new double[B * H];
                for (int b = 0; b < B; b++)
                    for (int j = 0; j < H; j++)
                        a[b * H + j] = xProj[b * GH + g * H + j] + hPart[b * H + j];
                if (candidate)
                {
                    values.Add(new("x W_in^T + b_in", "", B, H, Block(xProj, B, GH, 2 * H, H)));
                    if (config.Kind == CellKind.Gru)
                        values.Add(new("h_(t-1) W_hn^T + b_hn", "", B, H, Block(hProj, B, GH, 2 * H, H)));
                    else
                    {
                        values.Add(new("r * h_(t-1)", "Gamma_r * c<t-1>", B, H, ResetState(gates, hPrev, B, H)));
                        values.Add(new("(r * h_(t-1)) W_hn^T + b_hn", "", B, H, hPart));
                    }
                }
                values.Add(new(names.PreActivations[g], names.PreActivationSlides[g], B, H, a));
            }
            for (int g = 0; g < (gates.IsEmpty ? 0 : G); g++)
                values.Add(new(names.Gates[g], names.GateSlides[g], B, H, Block(gates.ToArray(), B, GH, g * H, H)));
            if (config.HasCellState) values.Add(new("c_t", "c<t>", B, H, dir.C.AsSpan((step + 1) * B * H, B * H).ToArray()));
            values.Add(new("h_t", names.HSlide, B, H, dir.H.AsSpan((step + 1) * B * H, B * H).ToArray()));
            forward.Add(new TraceStep(t, values));
        }

        var backward = new List<TraceStep>();
        var dWih = new double[GH * In];                                          // dW_ih so far
        var dbih = new double[config.Bias ? GH : 0];
        for (int k = 0; k < T; k++)
        {
            int step = T - 1 - k, t = d == 0 ? step : T - 1 - step;
            var dGates = rec.dGates.AsSpan(t * B * GH, B * GH);
            // forward: xProj = x_t W_ih^T + b_ih, so dW_ih += da^T x_t and db_ih += da, one step at a time
            var dxScratch = new double[B * In];
            MatMul.Backward(dGates, x.AsSpan(t * B * In, B * In), Wih, B, In, GH, dxScratch, dWih, dbih);
            var values = new List<TraceValue> { new("dL/dh_t", names.Backward.DhSlide, B, H, rec.dH.AsSpan(t * B * H, B * H).ToArray()) };
            values.AddRange(InsideTheStep(config, dir, rec, Whh, step, t, names.Backward));
            for (int g = 0; g < G; g++)
                values.Add(new("dL/d" + names.PreActivations[g], "", B, H, Block(dGates.ToArray(), B, GH, g * H, H)));
            var gateNames = names.GateNames;                                     // null for an RNN (one block)
            values.Add(new("dW_ih so far", names.WihSlide, GH, In, (double[])dWih.Clone()) { Gates = gateNames });
            values.Add(new("dW_hh so far", names.WhhSlide, GH, H, rec.dWhhSoFar.AsSpan(k * GH * H, GH * H).ToArray()) { Gates = gateNames });
            if (config.Bias)
            {
                values.Add(new("db_ih so far", names.BihSlide, 1, GH, (double[])dbih.Clone()) { Gates = gateNames });
                if (names.ShowBhh) values.Add(new("db_hh so far", "", 1, GH, rec.dbhhSoFar.AsSpan(k * GH, GH).ToArray()) { Gates = gateNames });
            }
            backward.Add(new TraceStep(t, values));
        }
        return new TraceSection(l, d, forward, backward);
    }

    /// <summary>
    /// What the cell's StepBackward computes inside step t, between dL/dh_t and the pre-activation
    /// gradients: the step is run again on its recorded dL/dh_t (and dL/dc_t through the carry) with
    /// a backward record. LSTM: dL/dc_t from step t+1, through h_t, and their sum, then dL/di, dL/df,
    /// dL/dg, dL/do; GRU (either form): dL/dr, dL/dz, dL/dn; RNN: act'(a).
    /// </summary>
    private static List<TraceValue> InsideTheStep(RecurrentConfig config, DirectionCache dir, RecurrentStepGradients rec,
        ReadOnlySpan<double> Whh, int step, int t, BackwardNames names)
    {
        int B = rec.B, H = rec.H, GH = rec.G * H;
        var dh = rec.dH.AsSpan(t * B * H, B * H);                               // dL/dh_t
        var hPrev = dir.H.AsSpan(step * B * H, B * H);                          // h_(t-1)
        // the step's other outputs, not shown here: dL/da is rec.dGates, dW_hh is rec.dWhhSoFar
        var dxProj = new double[B * GH];
        var dhPrev = new double[B * H];
        var dWhh = new double[GH * H];
        var dbhh = new double[config.Bias ? GH : 0];
        var values = new List<TraceValue>();
        switch (config.Kind)
        {
            case CellKind.Lstm:
            {
                var record = new LstmBackwardRecord(B, H);
                LstmCell.StepBackward(dh, rec.dC.AsSpan(t * B * H, B * H), dir.Gates.AsSpan(step * B * GH, B * GH),
                    dir.C.AsSpan((step + 1) * B * H, B * H), dir.C.AsSpan(step * B * H, B * H), hPrev, Whh, B, H,
                    dxProj, dhPrev, new double[B * H], dWhh, dbhh, record);
                values.Add(new("dL/dc_t (from step t+1)", "", B, H, record.dcFromCarry));
                values.Add(new("dL/dc_t (through h_t)", "", B, H, record.dcFromH));
                values.Add(new("dL/dc_t", names.DcSlide, B, H, record.dcTotal));
                double[][] gates = [record.dI, record.dF, record.dG, record.dO];
                for (int g = 0; g < gates.Length; g++) values.Add(new(names.GateGradients[g], names.GateGradientSlides[g], B, H, gates[g]));
                break;
            }
            case CellKind.Gru:
            case CellKind.GruResetBefore:
            {
                var record = new GruBackwardRecord(B, H);
                if (config.Kind == CellKind.Gru)
                    GruCell.StepBackward(dh, dir.Gates.AsSpan(step * B * GH, B * GH), dir.HhN.AsSpan(step * B * H, B * H), hPrev, Whh, B, H,
                        dxProj, dhPrev, dWhh, dbhh, record);
                else
                    GruResetBeforeCell.StepBackward(dh, dir.Gates.AsSpan(step * B * GH, B * GH), hPrev, Whh, B, H,
                        dxProj, dhPrev, dWhh, dbhh, record);
                double[][] gates = [record.dR, record.dZ, record.dN];
                for (int g = 0; g < gates.Length; g++) values.Add(new(names.GateGradients[g], names.GateGradientSlides[g], B, H, gates[g]));
                break;
            }
            case CellKind.RnnTanh:
            case CellKind.RnnRelu:
            {
                var record = new RnnBackwardRecord(B, H);
                RnnCell.StepBackward(dh, dir.H.AsSpan((step + 1) * B * H, B * H), hPrev, Whh, config.Kind == CellKind.RnnRelu, B, H,
                    dxProj, dhPrev, dWhh, dbhh, record);
                values.Add(new(names.ActGrad, "", B, H, record.ActGrad));
                break;
            }
        }
        return values;
    }

    /// <summary>
    /// The h-part of the GRU candidate's pre-activation a_n [B, H]: nn.GRU's r * (h_(t-1) W_hn^T + b_hn),
    /// or the reset-before GRU's (r * h_(t-1)) W_hn^T + b_hn (GruResetBeforeCell's product).
    /// </summary>
    private static double[] CandidateHPart(CellKind kind, ReadOnlySpan<double> gates, ReadOnlySpan<double> hPrev, double[] hProj,
        ReadOnlySpan<double> Whh, ReadOnlySpan<double> bhh, int B, int H)
    {
        int GH = 3 * H;
        var hPart = new double[B * H];
        if (kind == CellKind.Gru)
        {
            for (int b = 0; b < B; b++)
                for (int j = 0; j < H; j++)
                    hPart[b * H + j] = gates[b * GH + j] * hProj[b * GH + 2 * H + j];
            return hPart;
        }
        var WhN = Whh[(2 * H * H)..];                                            // [H, H] rows of n
        var bhN = bhh.IsEmpty ? bhh : bhh[(2 * H)..];
        MatMul.Forward(ResetState(gates, hPrev, B, H), WhN, bhN, B, H, H, hPart);
        return hPart;
    }

    /// <summary>r * h_(t-1) [B, H]: the reset gate (the first block of gates [B, 3H]) times the state.</summary>
    private static double[] ResetState(ReadOnlySpan<double> gates, ReadOnlySpan<double> hPrev, int B, int H)
    {
        var rh = new double[B * H];
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
                rh[b * H + j] = gates[b * 3 * H + j] * hPrev[b * H + j];
        return rh;
    }

    /// <summary>Columns [from, from + width) of every row of a [rows, stride] block.</summary>
    private static double[] Block(double[] data, int rows, int stride, int from, int width)
    {
        var block = new double[rows * width];
        for (int r = 0; r < rows; r++) data.AsSpan(r * stride + from, width).CopyTo(block.AsSpan(r * width, width));
        return block;
    }
}
