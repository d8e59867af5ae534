// gemm_packed's two register tiles (Kernels/PackedTile.cs): which one a device's vector registers get,
// that each fits its register file, and that the tile changes the speed only. One PoCL device is built
// with the tile chosen for this CPU and a second with the other one (Pocl.OtherTileDevice): products
// in every layout the stack uses, at sizes that are not multiples of either tile, are the same bits on
// both and the plain loop's sums, and a whole LSTM forward and backward is the same bits.
using NUnit.Framework;
using Rnn.Reference.Gpu.Kernels;
using Rnn.Reference.Gpu.OpenCL;
using Rnn.Reference.Gpu.Recurrent;
using Rnn.Reference.Gpu.Tests.Support;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Recurrent.Support;
using static Rnn.Reference.Gpu.Kernels.GpuKernels;

namespace Rnn.Reference.Gpu.Tests;

public sealed class PackedTileTests
{
    private static double[] Random(int n, ulong seed) => new SeededRandom(seed).UniformTensor(-1, 1, n).Data;

    [TestCase(16, GpuPrecision.Float32, 8, 16, 32)]   // AVX-512: 16 floats per register
    [TestCase(16, GpuPrecision.Float64, 8, 8, 16)]
    [TestCase(8, GpuPrecision.Float32, 6, 8, 16)]     // AVX2: 8 floats per register
    [TestCase(8, GpuPrecision.Float64, 6, 4, 8)]
    [TestCase(4, GpuPrecision.Float32, 6, 8, 16)]     // narrower (SSE): the AVX2 tile, the smallest there is
    public void TheTileIsTheOneForTheRegisters(int nativeFloatLanes, GpuPrecision precision, int rows, int lanes, int columns)
    {
        var tile = PackedTile.For(nativeFloatLanes, precision);
        Assert.That((tile.Rows, tile.Lanes, tile.Columns), Is.EqualTo((rows, lanes, columns)));
    }

    [TestCase(512, 32)]   // AVX-512: 32 vector registers of 512 bits
    [TestCase(256, 16)]   // AVX2: 16 of 256 bits
    public void TheTileFitsTheRegisterFile(int registerBits, int registers)
    {
        foreach (var precision in new[] { GpuPrecision.Float32, GpuPrecision.Float64 })
        {
            var tile = registerBits == 512 ? PackedTile.Wide(precision) : PackedTile.Narrow(precision);
            Assert.That(tile.Lanes * 8 * precision.Size(), Is.EqualTo(registerBits), "a vector of the tile is one register");
            // 2 * Rows accumulators, the two vectors of B's panel and one broadcast element of A
            Assert.That(2 * tile.Rows + 3, Is.LessThanOrEqualTo(registers));
        }
    }

    [TestCase(0, 8)]
    [TestCase(17, 8)]
    [TestCase(6, 3)]
    [TestCase(6, 32)]
    public void ATileThatIsNoVectorTypeIsRefused(int rows, int lanes)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => OpenClDevice.Open(0, GpuPrecision.Float32, packedTile: new PackedTile(rows, lanes)))!;
        Assert.That(e.ParamName, Is.EqualTo("packedTile"));
        Assert.That(e.Message, Does.StartWith("a packed tile has 1 to 16 rows and 2, 4, 8 or 16 lanes (an OpenCL vector type)"));
    }

    public enum Layout { XWt, DgW, DgtX }

    [Test]
    public void BothTilesGiveTheSameBitsAndThePlainLoopsSums([Values] GpuPrecision precision, [Values] Layout layout,
        [Values(new[] { 1, 1, 1 }, new[] { 5, 7, 3 }, new[] { 13, 37, 70 }, new[] { 64, 256, 1024 }, new[] { 49, 33, 17 })] int[] mnk)
    {
        int M = mnk[0], N = mnk[1], K = mnk[2], offA = 3;
        var a = Random(offA + M * K, 61);
        var b = Random(K * N, 62);
        bool aTransposed = layout == Layout.DgtX, bTransposed = layout == Layout.XWt;
        double Aat(int m, int k) => aTransposed ? a[offA + k * M + m] : a[offA + m * K + k];   // A = G^T with G [K, M]
        double Bat(int k, int n) => bTransposed ? b[n * K + k] : b[k * N + n];                 // B = W^T with W [N, K]
        double[] Product(GpuDevice dev)
        {
            using var scope = new BufferScope(dev);
            var A = aTransposed ? MatrixView.Transposed(scope.Upload(a), M, offA) : MatrixView.RowMajor(scope.Upload(a), K, offA);
            var B = bTransposed ? MatrixView.Transposed(scope.Upload(b), K) : MatrixView.RowMajor(scope.Upload(b), N);
            var C = scope.Allocate(M * N);
            Gemm(dev, M, A, PrepareB(dev, scope, K, N, B, maxM: M), C, 0, N, accumulate: false);
            return dev.Download(C, 0, M * N);
        }
        var chosenDevice = Pocl.Device(precision);
        var otherDevice = Pocl.OtherTileDevice(precision);
        Assert.That(otherDevice.PackedTile, Is.Not.EqualTo(chosenDevice.PackedTile));
        var chosen = Product(chosenDevice);
        var other = Product(otherDevice);
        for (int e = 0; e < chosen.Length; e++)
            if (BitConverter.DoubleToInt64Bits(chosen[e]) != BitConverter.DoubleToInt64Bits(other[e]))
                Assert.Fail($"C[{e / N}, {e % N}] is {chosen[e]:R} with the {chosenDevice.PackedTile} and {other[e]:R} with the {otherDevice.PackedTile}");
        double tol = (precision == GpuPrecision.Float64 ? 1e-13 : 2e-6) * K;
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++)
            {
                double sum = 0;
                for (int k = 0; k < K; k++) sum += Aat(m, k) * Bat(k, n);
                if (!(Math.Abs(chosen[m * N + n] - sum) <= tol * Math.Max(1, Math.Abs(sum))))
                    Assert.Fail($"C[{m}, {n}] is {chosen[m * N + n]:R}, the plain loop gives {sum:R}");
            }
    }

    [Test]
    public void AnLstmForwardAndBackwardIsTheSameBitsWithEitherTile([Values] GpuPrecision precision)
    {
        var c = new LayerCase(CellKind.Lstm, T: 6, B: 7, I: 19, H: 13, Layers: 2, Bidirectional: true, Lengths: [6, 2, 6, 1, 5, 6, 3], Seed: 23);
        var d = c.Draw();
        var (o1, g1) = LayerCaseRuns.Gpu(Pocl.Layer(precision), c, d);
        var (o2, g2) = LayerCaseRuns.Gpu(new GpuRecurrentLayer(Pocl.OtherTileDevice(precision)), c, d);
        const string Chosen = "with the tile chosen for this CPU", Other = "with the other tile";
        BitIdentity.Same("output", o1.Output, o2.Output, Chosen, Other);
        BitIdentity.Same("h_n", o1.HN, o2.HN, Chosen, Other);
        BitIdentity.Same("c_n", o1.CN!, o2.CN!, Chosen, Other);
        BitIdentity.Same(g1, g2, Chosen, Other);
    }
}
