// FsCheck properties of the layers. Sizes are bounded (a few rows, channels and steps) so each
// property runs in milliseconds; on failure FsCheck prints the counterexample and the seed
// to replay it with [Property(Replay = "...")].
using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using Rnn.Reference.Layers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Layers;

public sealed class LayerPropertyTests
{
    /// <summary>A tensor of the given shape with values in [-scale, scale] on a grid of 1e-3.</summary>
    internal static Gen<Tensor> TensorOf(int[] shape, double scale)
    {
        int n = checked((int)Tensor.ElementCount(shape));
        int steps = (int)(scale * 1000);
        return Gen.ArrayOf(Gen.Choose(-steps, steps).Select(i => i / 1000.0), n).Select(d => new Tensor(shape, d));
    }

    public sealed record SoftmaxCase(Tensor X, int Dim, double Shift)
    {
        public override string ToString() => $"x {X.ShapeText()} = [{string.Join(", ", X.Data)}], dim {Dim}, shift {Shift}";
    }

    private static Arbitrary<SoftmaxCase> SoftmaxCases() =>
        (from rank in Gen.Choose(1, 3)
         from shape in Gen.ArrayOf(Gen.Choose(1, 4), rank)
         from x in TensorOf(shape, 30)
         from dim in Gen.Choose(-rank, rank - 1)
         from shift in Gen.Choose(-4000, 4000).Select(i => i * 0.5)      // up to 2000: e^2000 overflows unless the max is subtracted
         select new SoftmaxCase(x, dim, shift)).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property SoftmaxSumsToOneAndIgnoresAConstantShift() =>
        Prop.ForAll(SoftmaxCases(), c =>
        {
            var y = Softmax.Forward(c.X, c.Dim);
            var shifted = new Tensor(c.X.Shape, c.X.Data.Select(v => v + c.Shift).ToArray());
            var ys = Softmax.Forward(shifted, c.Dim);
            var (outer, C, inner) = Softmax.Split(c.X.Shape, c.Dim);
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    double sum = 0;
                    for (int k = 0; k < C; k++) sum += y.Data[(o * C + k) * inner + i];
                    if (Math.Abs(sum - 1) > 1e-12) return false;
                }
            for (int k = 0; k < y.Length; k++)
                if (!(y.Data[k] >= 0) || Math.Abs(y.Data[k] - ys.Data[k]) > 1e-11) return false;   // the shift rounds x + shift
            return true;
        });

    public sealed record EmbeddingCase(int V, int[] Indices, int Repeated, Tensor Weight, Tensor dOutput)
    {
        public override string ToString() => $"V {V}, indices [{string.Join(", ", Indices)}], repeated {Repeated}";
    }

    private static Arbitrary<EmbeddingCase> EmbeddingCases() =>
        (from V in Gen.Choose(1, 5)
         from D in Gen.Choose(1, 3)
         from N in Gen.Choose(1, 8)
         from idx in Gen.ArrayOf(Gen.Choose(0, V - 1), N)
         from repeated in Gen.Choose(0, V - 1)
         from copies in Gen.Choose(2, 4)
         let all = idx.Concat(Enumerable.Repeat(repeated, copies)).ToArray()
         from w in TensorOf([V, D], 2)
         from dy in TensorOf([all.Length, D], 2)
         select new EmbeddingCase(V, all, repeated, w, dy)).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property EmbeddingGradientOfARepeatedIndexIsTheSumOfItsRows() =>
        Prop.ForAll(EmbeddingCases(), c =>
        {
            int D = c.Weight.Shape[1];
            var (_, cache) = Embedding.Forward(c.Indices, [c.Indices.Length], c.Weight);
            var dW = Embedding.Backward(c.dOutput, cache);
            for (int v = 0; v < c.V; v++)
                for (int d = 0; d < D; d++)
                {
                    double sum = 0;                                   // sum of dy rows whose index is v
                    for (int n = 0; n < c.Indices.Length; n++)
                        if (c.Indices[n] == v) sum += c.dOutput.Data[n * D + d];
                    if (Math.Abs(dW.Data[v * D + d] - sum) > 1e-12) return false;
                }
            return true;
        });

    public sealed record PointwiseConvCase(Tensor X, Tensor W, Tensor B)
    {
        public override string ToString() => $"x {X.ShapeText()}, weight {W.ShapeText()}";
    }

    private static Arbitrary<PointwiseConvCase> PointwiseConvCases() =>
        (from B in Gen.Choose(1, 3)
         from Cin in Gen.Choose(1, 4)
         from Cout in Gen.Choose(1, 4)
         from L in Gen.Choose(1, 6)
         from x in TensorOf([B, Cin, L], 2)
         from w in TensorOf([Cout, Cin, 1], 2)
         from b in TensorOf([Cout], 2)
         select new PointwiseConvCase(x, w, b)).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property AConvWithKernelOneIsADenseLayerOverChannels() =>
        Prop.ForAll(PointwiseConvCases(), c =>
        {
            int B = c.X.Shape[0], Cin = c.X.Shape[1], L = c.X.Shape[2], Cout = c.W.Shape[0];
            var (conv, _) = Conv1d.Forward(c.X, c.W, c.B);
            // move channels last: xt[b, t, ci] = x[b, ci, t], then dense with weight [Cout, Cin]
            var xt = Tensor.Zeros(B, L, Cin);
            for (int b = 0; b < B; b++)
                for (int ci = 0; ci < Cin; ci++)
                    for (int t = 0; t < L; t++)
                        xt.Data[(b * L + t) * Cin + ci] = c.X.Data[(b * Cin + ci) * L + t];
            var (dense, _) = Dense.Forward(xt, new Tensor([Cout, Cin], c.W.Data), c.B);
            for (int b = 0; b < B; b++)
                for (int co = 0; co < Cout; co++)
                    for (int t = 0; t < L; t++)
                        if (Math.Abs(conv.Data[(b * Cout + co) * L + t] - dense.Data[(b * L + t) * Cout + co]) > 1e-12)
                            return false;
            return true;
        });

    public sealed record MaxPoolCase(Tensor X, int K, int S, int P, int D, bool Ceil, Tensor dOutput)
    {
        public override string ToString() =>
            $"x {X.ShapeText()} = [{string.Join(", ", X.Data)}], kernel {K}, stride {S}, padding {P}, dilation {D}, ceil {Ceil}";
    }

    private static Arbitrary<MaxPoolCase> MaxPoolCases() =>
        (from R in Gen.Choose(1, 3)
         from K in Gen.Choose(1, 4)
         from S in Gen.Choose(1, 3)
         from P in Gen.Choose(0, K / 2)
         from D in Gen.Choose(1, 2)
         from ceil in Gen.Elements(false, true)
         from L in Gen.Choose(D * (K - 1) + 1, 10)                     // the dilated kernel fits
         from x in Gen.ArrayOf(Gen.Choose(-2, 2).Select(i => (double)i), R * L)   // few values: many ties
         let Lout = Pool1dGeometry.OutputLength(L, K, S, P, D, ceil)
         from dy in TensorOf([R, Lout], 2)
         select new MaxPoolCase(new Tensor([R, L], x), K, S, P, D, ceil, dy)).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property MaxPoolGradientSumsToTheUpstreamSum() =>
        Prop.ForAll(MaxPoolCases(), c =>
        {
            var (y, cache) = MaxPool1d.Forward(c.X, c.K, c.S, c.P, c.D, c.Ceil);
            var dx = MaxPool1d.Backward(c.dOutput, cache);
            double upstream = c.dOutput.Data.Sum(), routed = dx.Data.Sum();
            // each output sends its whole gradient to one input element that holds the output's value
            for (int k = 0; k < cache.Argmax.Length; k++)
            {
                int r = k / cache.Lout, at = cache.Argmax[k];
                if (at < 0 || c.X.Data[r * c.X.Shape[1] + at] != y.Data[k]) return false;
            }
            return Math.Abs(upstream - routed) <= 1e-12 * (1 + c.dOutput.Data.Sum(Math.Abs));
        });
}
