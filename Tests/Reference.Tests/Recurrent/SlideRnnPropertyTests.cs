// FsCheck properties of the slides' two RNNs on bounded random cases (T 1..5, B 1..4, I 1..4,
// H 1..4, O 1..4, one sequence or a batch, with or without h0). How to replay a failing run:
// see RecurrentArbitraries.
using FsCheck.NUnit;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Recurrent.Support;
using static Rnn.Reference.Tests.Recurrent.Support.TestTensors;

namespace Rnn.Reference.Tests.Recurrent;

[Properties(Arbitrary = [typeof(RecurrentArbitraries)], QuietOnSuccess = true)]
public sealed class SlideRnnPropertyTests
{
    private const double Tight = 1e-12;

    private static bool Holds(object usedCase, Action checks)
    {
        try { checks(); }
        catch (CloseCheckException e) { throw new CloseCheckException($"{usedCase}: {e.Message}"); }
        return true;
    }

    /// <summary>The slide's two loop forms (carried state; t = 0 special case) give the same outputs.</summary>
    [Property]
    public bool BothLoopFormsOfTheReluRnnAgree(SlideReluCase c)
    {
        var d = c.Draw();
        var carried = SlideReluRnn.Forward(d.W, d.U, d.b, d.Input);
        var special = SlideReluRnn.ForwardTimeZeroSpecialCase(d.W, d.U, d.b, d.Input);
        return Holds(c, () => RequireClose(special, carried, 1e-14, "ForwardTimeZeroSpecialCase vs Forward"));
    }

    /// <summary>
    /// The slide's ReLU RNN is PyTorch's nn.RNN(nonlinearity="relu") with weight_ih = W, weight_hh = U,
    /// bias_ih = b and bias_hh = 0: same outputs, h_n = the last output, and the same gradients
    /// (dW = dweight_ih, dU = dweight_hh, db = dbias_ih = dbias_hh, dInput, dh0).
    /// </summary>
    [Property]
    public bool ReluRnnEqualsPyTorchRnnReluWithZeroHiddenBias(SlideReluCase c)
    {
        var d = c.Draw();
        var config = new RecurrentConfig(CellKind.RnnRelu, c.I, c.H);
        var p = new NamedTensors
        {
            { "weight_ih_l0", d.W }, { "weight_hh_l0", d.U }, { "bias_ih_l0", d.b }, { "bias_hh_l0", Tensor.Zeros(c.H) },
        };
        int[] stateShape = c.Unbatched ? [1, c.H] : [1, c.B, c.H];
        Tensor? h0 = d.H0 is null ? null : new Tensor(stateShape, d.H0.Data);

        var outputs = SlideReluRnn.Forward(d.W, d.U, d.b, d.Input, d.H0);
        var sg = SlideReluRnn.Backward(d.W, d.U, d.b, d.Input, outputs, d.dOutputs, d.H0);
        var o = RecurrentLayer.Forward(config, p, d.Input, h0);
        var g = RecurrentLayer.Backward(o.Cache, d.dOutputs);
        return Holds(c, () =>
        {
            RequireClose(o.Output, outputs, Tight, "output");
            RequireClose(o.HN.Data, SlideReluRnn.LastOutput(outputs).Data, Tight, "h_n vs the last output");
            RequireClose(g.dParameters["weight_ih_l0"], sg.dW, Tight, "dweight_ih vs dW");
            RequireClose(g.dParameters["weight_hh_l0"], sg.dU, Tight, "dweight_hh vs dU");
            RequireClose(g.dParameters["bias_ih_l0"], sg.db, Tight, "dbias_ih vs db");
            RequireClose(g.dParameters["bias_hh_l0"], sg.db, Tight, "dbias_hh vs db");
            RequireClose(g.dInput, sg.dInput, Tight, "dInput");
            RequireClose(g.dH0.Data, sg.dH0.Data, Tight, "dh0");
        });
    }

    /// <summary>
    /// The slide's tanh cell is PyTorch's nn.RNN(nonlinearity="tanh", bias=False) with weight_ih = Wxh and
    /// weight_hh = Whh, followed by the dense y_t = h_t Whyᵀ (computed here by a plain loop); the gradients
    /// agree when the layer's upstream gradient is dY Why (plus dh_n), and dWhy = sum_t dy_tᵀ h_t.
    /// </summary>
    [Property]
    public bool TanhCellEqualsPyTorchRnnTanhWithoutBiasThenDense(SlideTanhCase c)
    {
        var d = c.Draw();
        int Bn = c.Unbatched ? 1 : c.B, T = c.T, H = c.H, O = c.O;
        var config = new RecurrentConfig(CellKind.RnnTanh, c.I, H, Bias: false);
        var p = new NamedTensors { { "weight_ih_l0", d.Wxh }, { "weight_hh_l0", d.Whh } };
        int[] stateShape = c.Unbatched ? [1, H] : [1, Bn, H];
        Tensor? h0 = d.H0 is null ? null : new Tensor(stateShape, d.H0.Data);

        var f = SlideTanhRnn.Forward(d.Wxh, d.Whh, d.Why, d.Input, d.H0);
        var sg = SlideTanhRnn.Backward(d.Wxh, d.Whh, d.Why, d.Input, f, d.dY, d.dHN);
        var o = RecurrentLayer.Forward(config, p, d.Input, h0);
        var h = o.Output.Data;                                                   // [T, B, H]

        var y = Tensor.Zeros(c.OutputShape);                                     // y[t, b, o] = sum_j h[t, b, j] Why[o, j]
        var dOutput = Tensor.Zeros(o.Output.Shape);                              // dh[t, b, j] = sum_o dY[t, b, o] Why[o, j]
        var dWhy = Tensor.Zeros(O, H);                                           // dWhy[o, j] = sum_{t, b} dY[t, b, o] h[t, b, j]
        for (int r = 0; r < T * Bn; r++)
            for (int oo = 0; oo < O; oo++)
                for (int j = 0; j < H; j++)
                {
                    y.Data[r * O + oo] += h[r * H + j] * d.Why.Data[oo * H + j];
                    dOutput.Data[r * H + j] += d.dY.Data[r * O + oo] * d.Why.Data[oo * H + j];
                    dWhy.Data[oo * H + j] += d.dY.Data[r * O + oo] * h[r * H + j];
                }
        var g = RecurrentLayer.Backward(o.Cache, dOutput, new Tensor(stateShape, d.dHN.Data));
        return Holds(c, () =>
        {
            RequireClose(f.Y, y, Tight, "Y vs RNN tanh then dense");
            RequireClose(f.HN.Data, o.HN.Data, Tight, "h_n");
            RequireClose(sg.dWxh, g.dParameters["weight_ih_l0"], Tight, "dWxh vs dweight_ih");
            RequireClose(sg.dWhh, g.dParameters["weight_hh_l0"], Tight, "dWhh vs dweight_hh");
            RequireClose(sg.dWhy, dWhy, Tight, "dWhy");
            RequireClose(sg.dInput, g.dInput, Tight, "dInput");
            RequireClose(sg.dH0.Data, g.dH0.Data, Tight, "dh0");
        });
    }

    /// <summary>Each sequence of a ReLU RNN batch gives what it gives run alone, forward and backward.</summary>
    [Property]
    public bool ReluRnnBatchElementsEqualRunningThemAlone(SlideReluCase generated)
    {
        var c = generated with { Unbatched = false };
        var d = c.Draw();
        var outputs = SlideReluRnn.Forward(d.W, d.U, d.b, d.Input, d.H0);
        var g = SlideReluRnn.Backward(d.W, d.U, d.b, d.Input, outputs, d.dOutputs, d.H0);
        var dWSum = Tensor.Zeros(c.H, c.I);
        return Holds(c, () =>
        {
            for (int b = 0; b < c.B; b++)
            {
                var x = Rows(d.Input, c.T, c.B, c.I, b);
                var h0 = d.H0 is null ? null : Rows(d.H0, 1, c.B, c.H, b).Reshaped(c.H);
                var alone = SlideReluRnn.Forward(d.W, d.U, d.b, x, h0);
                var ga = SlideReluRnn.Backward(d.W, d.U, d.b, x, alone, Rows(d.dOutputs, c.T, c.B, c.H, b), h0);
                RequireClose(Rows(outputs, c.T, c.B, c.H, b), alone, Tight, $"outputs[:, {b}]");
                RequireClose(Rows(g.dInput, c.T, c.B, c.I, b), ga.dInput, Tight, $"dInput[:, {b}]");
                RequireClose(Rows(g.dH0, 1, c.B, c.H, b).Data, ga.dH0.Data, Tight, $"dh0[{b}]");
                for (int k = 0; k < dWSum.Length; k++) dWSum.Data[k] += ga.dW.Data[k];
            }
            RequireClose(g.dW, dWSum, Tight, "dW vs the sum over sequences");
        });
    }

    /// <summary>Each sequence of a tanh-cell batch gives what it gives run alone, forward and backward.</summary>
    [Property]
    public bool TanhCellBatchElementsEqualRunningThemAlone(SlideTanhCase generated)
    {
        var c = generated with { Unbatched = false };
        var d = c.Draw();
        var f = SlideTanhRnn.Forward(d.Wxh, d.Whh, d.Why, d.Input, d.H0);
        var g = SlideTanhRnn.Backward(d.Wxh, d.Whh, d.Why, d.Input, f, d.dY, d.dHN);
        var dWhySum = Tensor.Zeros(c.O, c.H);
        return Holds(c, () =>
        {
            for (int b = 0; b < c.B; b++)
            {
                var x = Rows(d.Input, c.T, c.B, c.I, b);
                var h0 = d.H0 is null ? null : Rows(d.H0, 1, c.B, c.H, b).Reshaped(c.H);
                var alone = SlideTanhRnn.Forward(d.Wxh, d.Whh, d.Why, x, h0);
                var ga = SlideTanhRnn.Backward(d.Wxh, d.Whh, d.Why, x, alone, Rows(d.dY, c.T, c.B, c.O, b),
                    Rows(d.dHN, 1, c.B, c.H, b).Reshaped(c.H));
                RequireClose(Rows(f.Y, c.T, c.B, c.O, b), alone.Y, Tight, $"Y[:, {b}]");
                RequireClose(Rows(f.HN, 1, c.B, c.H, b).Data, alone.HN.Data, Tight, $"h_n[{b}]");
                RequireClose(Rows(g.dInput, c.T, c.B, c.I, b), ga.dInput, Tight, $"dInput[:, {b}]");
                RequireClose(Rows(g.dH0, 1, c.B, c.H, b).Data, ga.dH0.Data, Tight, $"dh0[{b}]");
                for (int k = 0; k < dWhySum.Length; k++) dWhySum.Data[k] += ga.dWhy.Data[k];
            }
            RequireClose(g.dWhy, dWhySum, Tight, "dWhy vs the sum over sequences");
        });
    }

    /// <summary>seq[:, b, :] of a [T, B, F] (or [B, F] when T = 1 is passed for a state) tensor, as [T, F].</summary>
    private static Tensor Rows(Tensor seq, int T, int B, int F, int b)
    {
        var r = Tensor.Zeros(T, F);
        for (int t = 0; t < T; t++)
            seq.Data.AsSpan((t * B + b) * F, F).CopyTo(r.Data.AsSpan(t * F, F));
        return r;
    }
}
