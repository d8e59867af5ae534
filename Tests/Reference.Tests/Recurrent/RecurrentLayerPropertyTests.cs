// FsCheck properties of RecurrentLayer (RNN tanh / relu, LSTM, GRU stacks) on bounded random
// cases (T 1..5, B 1..4, I 1..4, H 1..4, 1-2 layers, every flag, optional lengths): what the
// equations promise whatever the weights. How to replay a failing run: see RecurrentArbitraries.
using FsCheck.NUnit;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Recurrent.Support;
using static Rnn.Reference.Tests.Recurrent.Support.TestTensors;

namespace Rnn.Reference.Tests.Recurrent;

[Properties(Arbitrary = [typeof(RecurrentArbitraries)], QuietOnSuccess = true)]
public sealed class RecurrentLayerPropertyTests
{
    private const double Tight = 1e-12;

    /// <summary>Runs the checks, prefixing a failure with the case actually run (which may differ from the generated one).</summary>
    private static bool Holds(object usedCase, Action checks)
    {
        try { checks(); }
        catch (CloseCheckException e) { throw new CloseCheckException($"{usedCase}: {e.Message}"); }
        return true;
    }

    /// <summary>
    /// LSTM with the forget gate saturated open (bias_ih of f = +100, so f = 1 exactly) and the input
    /// gate closed (bias_ih of i = -100, so i &lt; 1e-37): c_t = f c_{t-1} + i g = c_{t-1}, and c_n = c0
    /// in every layer and direction, whatever the input, lengths or other weights.
    /// (|the rest of the pre-activation| &lt;= 8 + 4 + 1 for these sizes, so it cannot undo 100.)
    /// </summary>
    [Property]
    public bool LstmWithForgetOpenAndInputClosedCarriesCUnchanged(LayerCase generated)
    {
        var c = generated with { Kind = CellKind.Lstm, Bias = true, WithInitialState = true };
        var d = c.Draw();
        int H = c.H;
        foreach (var (name, t) in d.Parameters)
            if (name.StartsWith("bias_ih", StringComparison.Ordinal))
                for (int j = 0; j < H; j++)
                {
                    t.Data[j] = -100;         // i block
                    t.Data[H + j] = 100;      // f block
                }
        var o = c.Run(d);
        return Holds(c, () => RequireClose(o.CN!, d.C0!, Tight, "c_n vs c0"));
    }

    /// <summary>
    /// GRU with z = 1 (bias_ih of z = +100): h_t = (1 - z) n + z h_{t-1} = h_{t-1}, so h_n = h0 in every
    /// layer and direction, every valid output step of the top layer is its h0, and no gradient reaches
    /// any parameter or the input (z(1 - z) = 0 and 1 - z = 0), while dh0 collects the upstream
    /// gradients: dh_n, plus, in the top layer, the output's gradient at each valid step.
    /// </summary>
    [Property]
    public bool GruWithUpdateGateOneCopiesH(LayerCase generated)
    {
        var c = generated with { Kind = CellKind.Gru, Bias = true, WithInitialState = true };
        var d = c.Draw();
        foreach (var (name, t) in d.Parameters)
            if (name.StartsWith("bias_ih", StringComparison.Ordinal))
                for (int j = 0; j < c.H; j++) t.Data[c.H + j] = 100;     // z block
        var o = c.Run(d);
        var g = LayerCase.Backward(o, d);
        int Bn = c.Unbatched ? 1 : c.B, DH = c.D * c.H, top = c.Layers - 1;

        return Holds(c, () =>
        {
            RequireClose(o.HN, d.H0!, Tight, "h_n vs h0");
            var expectedOutput = Tensor.Zeros(c.OutputShape);
            var expectedDh0 = d.dHN.Clone();
            for (int b = 0; b < Bn; b++)
                for (int dir = 0; dir < c.D; dir++)
                    for (int t = 0; t < c.Length(b); t++)
                        for (int j = 0; j < c.H; j++)
                        {
                            int k = c.Index(t, b, dir * c.H + j, DH), s = c.StateIndex(top * c.D + dir, b, j);
                            expectedOutput.Data[k] = d.H0!.Data[s];
                            expectedDh0.Data[s] += d.dOutput.Data[k];
                        }
            RequireClose(o.Output, expectedOutput, Tight, "output vs h0 of the top layer");
            RequireZero(g.dInput.Data, "dInput");
            foreach (var (name, t) in g.dParameters) RequireZero(t.Data, "d" + name);
            RequireClose(g.dH0, expectedDh0, Tight, "dh0 vs dh_n + sum of valid dOutput");
        });
    }

    /// <summary>
    /// An RNN whose recurrent weights are all zero forgets its state: each step is a dense layer
    /// act(x_t W_ihᵀ + b_ih + b_hh), whatever h0 is. The expected values come from a plain loop here;
    /// past an element's length the output is 0, and h_n is the output at the direction's last valid step.
    /// </summary>
    [Property]
    public bool RnnWithZeroRecurrentWeightsIsADenseLayerPerStep(LayerCase generated)
    {
        var kind = generated.Kind is CellKind.RnnTanh or CellKind.Lstm ? CellKind.RnnTanh : CellKind.RnnRelu;
        var c = generated with { Kind = kind, Layers = 1, WithInitialState = true };
        var d = c.Draw();
        foreach (var (name, t) in d.Parameters)
            if (name.StartsWith("weight_hh", StringComparison.Ordinal)) Array.Clear(t.Data);
        var o = c.Run(d);

        int Bn = c.Unbatched ? 1 : c.B, DH = c.D * c.H;
        var expectedOutput = Tensor.Zeros(c.OutputShape);
        var expectedHN = Tensor.Zeros(c.StateShape);
        for (int dir = 0; dir < c.D; dir++)
        {
            string s = RecurrentConfig.Suffix(0, dir);
            var Wih = d.Parameters["weight_ih" + s].Data;
            for (int b = 0; b < Bn; b++)
                for (int t = 0; t < c.Length(b); t++)
                    for (int j = 0; j < c.H; j++)
                    {
                        double a = c.Bias ? d.Parameters["bias_ih" + s].Data[j] + d.Parameters["bias_hh" + s].Data[j] : 0.0;
                        for (int i = 0; i < c.I; i++) a += d.Input.Data[c.Index(t, b, i, c.I)] * Wih[j * c.I + i];
                        double h = kind == CellKind.RnnTanh ? Math.Tanh(a) : Math.Max(0.0, a);
                        expectedOutput.Data[c.Index(t, b, dir * c.H + j, DH)] = h;
                        int last = dir == 0 ? c.Length(b) - 1 : 0;
                        if (t == last) expectedHN.Data[c.StateIndex(dir, b, j)] = h;
                    }
        }
        return Holds(c, () =>
        {
            RequireClose(o.Output, expectedOutput, Tight, "output vs dense layer");
            RequireClose(o.HN, expectedHN, Tight, "h_n vs dense layer at the last valid step");
        });
    }

    /// <summary>
    /// Every batch element's result equals running it alone, cut to its own length: output (and zeros
    /// past the length), h_n, c_n, and in the backward pass its input, h0 and c0 gradients; the batch's
    /// parameter gradients are the sum of the elements' own.
    /// </summary>
    [Property]
    public bool EachBatchElementEqualsRunningItAlone(LayerCase generated)
    {
        var c = generated with { Unbatched = false };
        var d = c.Draw();
        var o = c.Run(d);
        var g = LayerCase.Backward(o, d);
        int DH = c.D * c.H;
        var paramSum = d.Parameters.ZerosLike();

        return Holds(c, () =>
        {
            for (int b = 0; b < c.B; b++)
            {
                var (ac, ad) = Sequences.Element(c, d, b);
                var ao = ac.Run(ad);
                var ag = LayerCase.Backward(ao, ad);
                for (int t = 0; t < c.T; t++)
                {
                    bool valid = t < c.Length(b);
                    double[] zerosOut = new double[DH], zerosIn = new double[c.I];
                    RequireClose(Sequences.StepRow(c, o.Output, t, b, DH), valid ? Sequences.StepRow(ac, ao.Output, t, 0, DH) : zerosOut, Tight, $"output[t={t}, b={b}]");
                    RequireClose(Sequences.StepRow(c, g.dInput, t, b, c.I), valid ? Sequences.StepRow(ac, ag.dInput, t, 0, c.I) : zerosIn, Tight, $"dInput[t={t}, b={b}]");
                }
                for (int ld = 0; ld < c.Layers * c.D; ld++)
                {
                    RequireClose(Sequences.StateRow(c, o.HN, ld, b), Sequences.StateRow(ac, ao.HN, ld, 0), Tight, $"h_n[{ld}, b={b}]");
                    RequireClose(Sequences.StateRow(c, g.dH0, ld, b), Sequences.StateRow(ac, ag.dH0, ld, 0), Tight, $"dh0[{ld}, b={b}]");
                    if (o.CN is not null)
                    {
                        RequireClose(Sequences.StateRow(c, o.CN, ld, b), Sequences.StateRow(ac, ao.CN!, ld, 0), Tight, $"c_n[{ld}, b={b}]");
                        RequireClose(Sequences.StateRow(c, g.dC0!, ld, b), Sequences.StateRow(ac, ag.dC0!, ld, 0), Tight, $"dc0[{ld}, b={b}]");
                    }
                }
                foreach (var (name, t) in ag.dParameters)
                    for (int k = 0; k < t.Length; k++) paramSum[name].Data[k] += t.Data[k];
            }
            foreach (var (name, t) in g.dParameters)
                RequireClose(t, paramSum[name], Tight, $"d{name} vs the sum over elements");
        });
    }

    /// <summary>
    /// Padding past an element's length changes nothing: new input values at t &gt;= length leave the
    /// output, h_n, c_n and every gradient exactly as they were, and the input gradient there is 0.
    /// </summary>
    [Property]
    public bool PaddingPastTheLengthChangesNothing(LayerCase generated)
    {
        var c = generated with { Unbatched = false };
        c = c with { Lengths = c.Lengths ?? Enumerable.Range(0, c.B).Select(b => 1 + (int)((c.Seed + (ulong)b) % (ulong)c.T)).ToArray() };
        var d = c.Draw();
        var padded = d.Input.Clone();
        var rng = new SeededRandom(c.Seed + 99);
        for (int b = 0; b < c.B; b++)
            for (int t = c.Length(b); t < c.T; t++)
                for (int i = 0; i < c.I; i++) padded.Data[c.Index(t, b, i, c.I)] = rng.Uniform(-5, 5);
        var d2 = d with { Input = padded };

        var o = c.Run(d);
        var o2 = c.Run(d2);
        var g = LayerCase.Backward(o, d);
        var g2 = LayerCase.Backward(o2, d2);
        return Holds(c, () =>
        {
            RequireClose(o2.Output, o.Output, 0, "output");
            RequireClose(o2.HN, o.HN, 0, "h_n");
            if (o.CN is not null) RequireClose(o2.CN!, o.CN, 0, "c_n");
            RequireClose(g2.dInput, g.dInput, 0, "dInput");
            RequireClose(g2.dH0, g.dH0, 0, "dh0");
            if (g.dC0 is not null) RequireClose(g2.dC0!, g.dC0, 0, "dc0");
            foreach (var (name, t) in g.dParameters) RequireClose(g2.dParameters[name], t, 0, "d" + name);
            for (int b = 0; b < c.B; b++)
                for (int t = c.Length(b); t < c.T; t++)
                    RequireZero(Sequences.StepRow(c, g.dInput, t, b, c.I), $"dInput[t={t}, b={b}] past the length");
        });
    }

    /// <summary>
    /// Reversing each element's valid steps swaps the two directions of a bidirectional layer: with the
    /// forward and reverse weights (and h0, c0 rows) swapped, the forward half of the output on the
    /// reversed input is the reverse half on the original, reversed in time, and the other way round;
    /// h_n and c_n swap rows. Backward: with the upstream gradients transformed the same way, the input
    /// gradient comes back reversed, dh0 and dc0 swap rows and the two directions' parameter gradients trade names.
    /// </summary>
    [Property]
    public bool ReversingTheInputSwapsTheDirections(LayerCase generated)
    {
        var c = generated with { Layers = 1, Bidirectional = true };
        var d = c.Draw();
        int DH = 2 * c.H;
        var swapped = new NamedTensors();
        foreach (var name in d.Parameters.Names) swapped.Add(name, d.Parameters[Other(name)].Clone());
        var r = new LayerData(swapped,
            Sequences.ReverseInTime(c, d.Input, c.I, swapHalves: false),
            Sequences.SwapDirections(c, d.H0), Sequences.SwapDirections(c, d.C0),
            Sequences.ReverseInTime(c, d.dOutput, DH, swapHalves: true),
            Sequences.SwapDirections(c, d.dHN)!, Sequences.SwapDirections(c, d.dCN));

        var o = c.Run(d);
        var or = c.Run(r);
        var g = LayerCase.Backward(o, d);
        var gr = LayerCase.Backward(or, r);
        return Holds(c, () =>
        {
            RequireClose(or.Output, Sequences.ReverseInTime(c, o.Output, DH, swapHalves: true), Tight, "output on reversed input");
            RequireClose(or.HN, Sequences.SwapDirections(c, o.HN)!, Tight, "h_n");
            if (o.CN is not null) RequireClose(or.CN!, Sequences.SwapDirections(c, o.CN)!, Tight, "c_n");
            RequireClose(gr.dInput, Sequences.ReverseInTime(c, g.dInput, c.I, swapHalves: false), Tight, "dInput");
            RequireClose(gr.dH0, Sequences.SwapDirections(c, g.dH0)!, Tight, "dh0");
            if (g.dC0 is not null) RequireClose(gr.dC0!, Sequences.SwapDirections(c, g.dC0)!, Tight, "dc0");
            foreach (var name in g.dParameters.Names)
                RequireClose(gr.dParameters[name], g.dParameters[Other(name)], Tight, $"d{name} vs d{Other(name)}");
        });

        static string Other(string name) => name.EndsWith("_reverse", StringComparison.Ordinal) ? name[..^"_reverse".Length] : name + "_reverse";
    }

    /// <summary>The backward pass is linear in the upstream gradients: grads(a g1 + b g2) = a grads(g1) + b grads(g2).</summary>
    [Property]
    public bool BackwardIsLinearInTheUpstreamGradient(LayerCase c)
    {
        var d = c.Draw();
        var other = (c with { Seed = c.Seed + 1000 }).Draw();
        var rng = new SeededRandom(c.Seed + 7);
        double a = rng.Uniform(-2, 2), b = rng.Uniform(-2, 2);
        var o = c.Run(d);
        var g1 = RecurrentLayer.Backward(o.Cache, d.dOutput, d.dHN, d.dCN);
        var g2 = RecurrentLayer.Backward(o.Cache, other.dOutput, other.dHN, other.dCN);
        var g = RecurrentLayer.Backward(o.Cache, Combine(a, d.dOutput, b, other.dOutput), Combine(a, d.dHN, b, other.dHN),
            d.dCN is null ? null : Combine(a, d.dCN, b, other.dCN!));
        return Holds(c, () =>
        {
            RequireClose(g.dInput, Combine(a, g1.dInput, b, g2.dInput), Tight, "dInput");
            RequireClose(g.dH0, Combine(a, g1.dH0, b, g2.dH0), Tight, "dh0");
            if (g.dC0 is not null) RequireClose(g.dC0, Combine(a, g1.dC0!, b, g2.dC0!), Tight, "dc0");
            foreach (var (name, t) in g.dParameters)
                RequireClose(t, Combine(a, g1.dParameters[name], b, g2.dParameters[name]), Tight, "d" + name);
        });
    }

    /// <summary>Unbatched input [T, I] gives exactly what the batch of one [T, 1, I] gives, forward and backward.</summary>
    [Property]
    public bool UnbatchedEqualsABatchOfOne(LayerCase generated)
    {
        var c = generated with { Unbatched = true, B = 1, Lengths = null };
        var batched = c with { Unbatched = false };
        var d = c.Draw();
        // the same numbers in the batched layout (for B = 1 the flat order is the same)
        var db = new LayerData(d.Parameters, Reshape(d.Input, batched.InputShape)!, Reshape(d.H0, batched.StateShape),
            Reshape(d.C0, batched.StateShape), Reshape(d.dOutput, batched.OutputShape)!, Reshape(d.dHN, batched.StateShape)!,
            Reshape(d.dCN, batched.StateShape));
        var o = c.Run(d);
        var ob = batched.Run(db);
        var g = LayerCase.Backward(o, d);
        var gb = LayerCase.Backward(ob, db);
        return Holds(c, () =>
        {
            if (!o.Output.HasShape(c.OutputShape) || !o.HN.HasShape(c.StateShape) || !g.dInput.HasShape(c.InputShape) || !g.dH0.HasShape(c.StateShape))
                throw new CloseCheckException($"unbatched shapes: output {o.Output.ShapeText()}, h_n {o.HN.ShapeText()}, dInput {g.dInput.ShapeText()}, dh0 {g.dH0.ShapeText()}");
            RequireClose(o.Output.Data, ob.Output.Data, 0, "output");
            RequireClose(o.HN.Data, ob.HN.Data, 0, "h_n");
            if (o.CN is not null) RequireClose(o.CN.Data, ob.CN!.Data, 0, "c_n");
            RequireClose(g.dInput.Data, gb.dInput.Data, 0, "dInput");
            RequireClose(g.dH0.Data, gb.dH0.Data, 0, "dh0");
            foreach (var (name, t) in g.dParameters) RequireClose(t, gb.dParameters[name], 0, "d" + name);
        });

        static Tensor? Reshape(Tensor? t, int[] shape) => t is null ? null : new Tensor(shape, (double[])t.Data.Clone());
    }
}
