// Copying pieces of sequence- and state-shaped tensors between test cases of different
// layouts (time-major, batch_first, unbatched), so properties can compare a batch with its
// elements run alone, a sequence with its reversal, and so on.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Recurrent.Support;

public static class Sequences
{
    /// <summary>Copies dst[tTo, bTo, :] = src[tFrom, bFrom, :] for sequence tensors with F features.</summary>
    public static void CopyStep(LayerCase from, Tensor src, int tFrom, int bFrom, LayerCase to, Tensor dst, int tTo, int bTo, int F)
    {
        for (int f = 0; f < F; f++)
            dst.Data[to.Index(tTo, bTo, f, F)] = src.Data[from.Index(tFrom, bFrom, f, F)];
    }

    /// <summary>The H values of state[ld, b, :] (h0, h_n, c0, c_n).</summary>
    public static double[] StateRow(LayerCase c, Tensor state, int ld, int b)
    {
        var row = new double[c.H];
        for (int j = 0; j < c.H; j++) row[j] = state.Data[c.StateIndex(ld, b, j)];
        return row;
    }

    /// <summary>The F values of seq[t, b, :].</summary>
    public static double[] StepRow(LayerCase c, Tensor seq, int t, int b, int F, int offset = 0, int count = -1)
    {
        if (count < 0) count = F - offset;
        var row = new double[count];
        for (int f = 0; f < count; f++) row[f] = seq.Data[c.Index(t, b, offset + f, F)];
        return row;
    }

    /// <summary>Batch element b of a case, run alone: a batch of one, cut to its own length, no lengths.</summary>
    public static (LayerCase Case, LayerData Data) Element(LayerCase c, LayerData d, int b)
    {
        int Tb = c.Length(b), DH = c.D * c.H;
        var alone = c with { B = 1, T = Tb, Lengths = null, Unbatched = false };
        var input = Tensor.Zeros(alone.InputShape);
        var dOutput = Tensor.Zeros(alone.OutputShape);
        for (int t = 0; t < Tb; t++)
        {
            CopyStep(c, d.Input, t, b, alone, input, t, 0, c.I);
            CopyStep(c, d.dOutput, t, b, alone, dOutput, t, 0, DH);
        }
        return (alone, new LayerData(d.Parameters, input, StateOf(c, alone, d.H0, b), StateOf(c, alone, d.C0, b),
            dOutput, StateOf(c, alone, d.dHN, b)!, StateOf(c, alone, d.dCN, b)));
    }

    /// <summary>state[:, b, :] as a batch-of-one state of the case <paramref name="alone"/>.</summary>
    public static Tensor? StateOf(LayerCase c, LayerCase alone, Tensor? state, int b)
    {
        if (state is null) return null;
        var s = Tensor.Zeros(alone.StateShape);
        for (int ld = 0; ld < c.Layers * c.D; ld++)
            for (int j = 0; j < c.H; j++)
                s.Data[alone.StateIndex(ld, 0, j)] = state.Data[c.StateIndex(ld, b, j)];
        return s;
    }

    /// <summary>A state tensor with the two directions of a one-layer bidirectional stack swapped.</summary>
    public static Tensor? SwapDirections(LayerCase c, Tensor? state)
    {
        if (state is null) return null;
        var s = Tensor.Zeros(state.Shape);
        int Bn = c.Unbatched ? 1 : c.B;
        for (int b = 0; b < Bn; b++)
            for (int j = 0; j < c.H; j++)
            {
                s.Data[c.StateIndex(0, b, j)] = state.Data[c.StateIndex(1, b, j)];
                s.Data[c.StateIndex(1, b, j)] = state.Data[c.StateIndex(0, b, j)];
            }
        return s;
    }

    /// <summary>
    /// Each element's valid steps in reverse order: out[t, b] = seq[len_b - 1 - t, b] for t &lt; len_b.
    /// With swapHalves, the two directions' halves of the F = 2H features also trade places.
    /// Steps past an element's length are copied unchanged.
    /// </summary>
    public static Tensor ReverseInTime(LayerCase c, Tensor seq, int F, bool swapHalves)
    {
        var r = Tensor.Zeros(seq.Shape);
        int Bn = c.Unbatched ? 1 : c.B;
        for (int b = 0; b < Bn; b++)
            for (int t = 0; t < c.T; t++)
            {
                int from = t < c.Length(b) ? c.Length(b) - 1 - t : t;
                for (int f = 0; f < F; f++)
                {
                    int g = swapHalves ? (f + F / 2) % F : f;
                    r.Data[c.Index(t, b, f, F)] = seq.Data[c.Index(from, b, g, F)];
                }
            }
        return r;
    }
}
