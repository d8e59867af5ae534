// FsCheck-drawn stacks (every cell and flag, sizes including 1 and odd ones, some wider than a GEMM
// tile) on the GPU path against the CPU reference, float64 and float32; and the smallest stack of
// each cell (T = B = I = H = 1) spelled out.
using FsCheck.NUnit;
using NUnit.Framework;
using Rnn.Reference.Gpu.Tests.Support;
using Rnn.Reference.Gpu.Recurrent;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tests.Recurrent.Support;

namespace Rnn.Reference.Gpu.Tests;

[Properties(Arbitrary = [typeof(GpuArbitraries)], QuietOnSuccess = true, MaxTest = 40)]
public sealed class DrawnShapeTests
{
    [SetUp]
    public void RequireDevices()
    {
        Pocl.Device(GpuPrecision.Float64);
        Pocl.Device(GpuPrecision.Float32);
    }

    [FsCheck.NUnit.Property]
    public void Float64MatchesTheCpuReference(LayerCase c) => Check(c, GpuPrecision.Float64);

    [FsCheck.NUnit.Property]
    public void Float32IsWithinTheStatedBound(LayerCase c) => Check(c, GpuPrecision.Float32);

    [Test]
    public void TheSmallestStackOfEveryCell(
        [ValueSource(typeof(GpuRecurrentLayer), nameof(GpuRecurrentLayer.Kinds))] CellKind kind, [Values] GpuPrecision precision, [Values(false, true)] bool bidirectional)
    {
        Check(new LayerCase(kind, T: 1, B: 1, I: 1, H: 1, Bidirectional: bidirectional, Seed: 5), precision);
        Check(new LayerCase(kind, T: 1, B: 1, I: 1, H: 1, Unbatched: true, Seed: 6), precision);
    }

    [Test]
    public void OddSizesAcrossSeveralGemmTiles([ValueSource(typeof(GpuRecurrentLayer), nameof(GpuRecurrentLayer.Kinds))] CellKind kind, [Values] GpuPrecision precision) =>
        // G*H = 67 (RNN), 268 (LSTM), 201 (GRU); T*B = 65 rows: every gemm has a ragged last tile
        Check(new LayerCase(kind, T: 13, B: 5, I: 71, H: 67, Layers: 2, Bidirectional: true, Lengths: [13, 1, 7, 12, 13], Seed: 9), precision);

    private static void Check(LayerCase c, GpuPrecision precision)
    {
        var d = c.Draw();
        var (expected, expectedGrads) = LayerCaseRuns.Cpu(c, d);
        var (actual, actualGrads) = LayerCaseRuns.Gpu(Pocl.Layer(precision), c, d);
        Closeness.Stack(c.ToString(), precision, c.Config, c.T, expected, expectedGrads, actual, actualGrads);
    }
}
