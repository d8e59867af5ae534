// Two runs of the same forward and backward on the same device give bit-identical results: every
// sum on the GPU path has a fixed order (gemm sums k in order inside one work-item; the bias
// gradients are column sums in row order), and nothing uses atomics.
using NUnit.Framework;
using Rnn.Reference.Gpu.Tests.Support;
using Rnn.Reference.Gpu.Recurrent;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Recurrent.Support;

namespace Rnn.Reference.Gpu.Tests;

public sealed class DeterminismTests
{
    [Test]
    public void TwoRunsAreBitIdentical([ValueSource(typeof(GpuRecurrentLayer), nameof(GpuRecurrentLayer.Kinds))] CellKind kind, [Values] GpuPrecision precision)
    {
        // several work-groups in every gemm and pointwise kernel, both directions, variable lengths
        var c = new LayerCase(kind, T: 9, B: 7, I: 70, H: 45, Layers: 2, Bidirectional: true, Lengths: [9, 3, 9, 1, 8, 9, 5], Seed: 21);
        var d = c.Draw();
        var gpu = Pocl.Layer(precision);
        var (o1, g1) = LayerCaseRuns.Gpu(gpu, c, d);
        var (o2, g2) = LayerCaseRuns.Gpu(gpu, c, d);
        const string First = "in the first run", Second = "in the second";
        BitIdentity.Same("output", o1.Output, o2.Output, First, Second);
        BitIdentity.Same("h_n", o1.HN, o2.HN, First, Second);
        if (o1.CN is not null) BitIdentity.Same("c_n", o1.CN, o2.CN!, First, Second);
        BitIdentity.Same(g1, g2, First, Second);
    }
}
