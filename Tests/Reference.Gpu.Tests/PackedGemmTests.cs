// gemm version 4 in its parts, against plain C# loops: gemm_pack alone (an exact copy into panels, 0 past
// the last row, in both work-item mappings: a matrix whose rows are contiguous and one whose columns are,
// at sizes that are not multiples of the panel width); a B made ready once (PrepareB) serving several
// products with different left operands, fewer rows than it was made for and accumulation, in every
// layout the stack uses; the errors for a left operand with more rows than B was made for and for a
// panels buffer that is too short; and a rerun bit-identical. A left operand with contiguous rows is read
// in place, one made ready with PrepareA is packed: the two give the same bits, and the plain loop's sums. GemmEqualsTheTripleLoop (KernelTests)
// checks the whole product, Gemm(version: Packed), at its ragged sizes.
using NUnit.Framework;
using Rnn.Reference.Gpu.Kernels;
using Rnn.Reference.Gpu.Tests.Support;
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;
using static Rnn.Reference.Gpu.Kernels.GpuKernels;

namespace Rnn.Reference.Gpu.Tests;

public sealed class PackedGemmTests
{
    private static double[] Random(int n, ulong seed) => new SeededRandom(seed).UniformTensor(-1, 1, n).Data;

    private static double InPrecision(double v, GpuPrecision precision) => precision == GpuPrecision.Float32 ? (float)v : v;

    [Test]
    public void PackCopiesEveryElementIntoItsPanel([Values] GpuPrecision precision, [Values(false, true)] bool columnsContiguous,
        [Values(new[] { 1, 1, 8 }, new[] { 13, 7, 8 }, new[] { 33, 20, 32 }, new[] { 17, 40, 16 }, new[] { 8, 3, 8 })] int[] size)
    {
        int rows = size[0], cols = size[1], width = size[2], off = 3;
        var dev = Pocl.Device(precision);
        using var scope = new BufferScope(dev);
        var x = Random(off + rows * cols, 21);
        // X(r, c) as stored: row-major [rows, cols] (columns contiguous), or the transpose of a row-major [cols, rows]
        var X = columnsContiguous ? MatrixView.RowMajor(scope.Upload(x), cols, off) : MatrixView.Transposed(scope.Upload(x), rows, off);
        double At(int r, int c) => columnsContiguous ? x[off + r * cols + c] : x[off + c * rows + r];
        int panels = (rows + width - 1) / width, length = PanelsLength(rows, width, cols);
        Assert.That(length, Is.EqualTo(panels * width * cols));
        var sentinel = Random(length + 5, 22);                 // what is there before; the 5 elements past the panels stay
        var P = scope.Upload(sentinel);
        Pack(dev, rows, cols, X, width, P);
        var expected = sentinel.Select(v => InPrecision(v, precision)).ToArray();
        for (int p = 0; p < panels; p++)
            for (int c = 0; c < cols; c++)
                for (int i = 0; i < width; i++)
                {
                    int r = p * width + i;
                    expected[(p * cols + c) * width + i] = r < rows ? InPrecision(At(r, c), precision) : 0;
                }
        Assert.That(dev.Download(P, 0, sentinel.Length), Is.EqualTo(expected));
    }

    public enum Layout { XWt, DgW, DgtX }

    [Test]
    public void APreparedBServesSeveralProducts([Values] GpuPrecision precision, [Values] Layout layout)
    {
        const int maxM = 21, N = 37, K = 70;
        var dev = Pocl.Device(precision);
        using var scope = new BufferScope(dev);
        var b = Random(K * N, 31);
        bool bTransposed = layout == Layout.XWt, aTransposed = layout == Layout.DgtX;
        double Bat(int k, int n) => bTransposed ? b[n * K + k] : b[k * N + n];             // B = W^T with W [N, K], or row-major
        var B = bTransposed ? MatrixView.Transposed(scope.Upload(b), K) : MatrixView.RowMajor(scope.Upload(b), N);
        var prepared = PrepareB(dev, scope, K, N, B, maxM);
        Assert.That(prepared.Panels, Is.Not.Null, "on PoCL's CPU device B is packed");

        var c = Random(maxM * N, 32);
        var C = scope.Upload(c);
        var expected = c.ToArray();
        // three products in a row with the same B: 21 rows, 13 rows added on, 1 row
        foreach (var (M, seed, accumulate) in new[] { (maxM, 33UL, false), (13, 34UL, true), (1, 35UL, false) })
        {
            var a = Random(M * K, seed);
            double Aat(int m, int k) => aTransposed ? a[k * M + m] : a[m * K + k];         // A = G^T with G [K, M], or row-major
            var A = aTransposed ? MatrixView.Transposed(scope.Upload(a), M) : MatrixView.RowMajor(scope.Upload(a), K);
            Gemm(dev, M, A, prepared, C, 0, N, accumulate);
            for (int m = 0; m < M; m++)
                for (int n = 0; n < N; n++)
                {
                    double sum = 0;
                    for (int k = 0; k < K; k++) sum += Aat(m, k) * Bat(k, n);
                    expected[m * N + n] = (accumulate ? expected[m * N + n] : 0) + sum;
                }
            var actual = dev.Download(C, 0, c.Length);
            double tol = (precision == GpuPrecision.Float64 ? 1e-13 : 2e-6) * K;
            for (int e = 0; e < expected.Length; e++)
                if (!(Math.Abs(actual[e] - expected[e]) <= tol * Math.Max(1, Math.Abs(expected[e]))))
                    Assert.Fail($"{layout} M = {M}: element {e} is {actual[e]:R}, the plain loop gives {expected[e]:R}");
        }
    }

    [Test]
    public void ALeftOperandLargerThanPreparedForIsRefused()
    {
        var dev = Pocl.Device(GpuPrecision.Float64);
        using var scope = new BufferScope(dev);
        var prepared = PrepareB(dev, scope, 4, 5, MatrixView.RowMajor(scope.Zeros(20), 5), maxM: 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm(dev, 4, MatrixView.RowMajor(scope.Zeros(16), 4), prepared, scope.Zeros(20), 0, 5, accumulate: false))!;
        Assert.That(e.Message, Does.Contain("B was prepared for left operands of at most 3 rows"));
    }

    [Test]
    public void PackRefusesPanelsThatAreTooShort()
    {
        var dev = Pocl.Device(GpuPrecision.Float64);
        using var scope = new BufferScope(dev);
        var e = Assert.Throws<ArgumentException>(() => Pack(dev, 9, 3, MatrixView.RowMajor(scope.Zeros(27), 3), 8, scope.Zeros(47)))!;
        Assert.That(e.Message, Does.StartWith("panels holds 47 elements but [9, 3] in panels of 8 rows needs 48"));
    }

    [Test]
    public void ARerunIsBitIdentical([Values] GpuPrecision precision)
    {
        const int M = 45, N = 70, K = 300;
        var dev = Pocl.Device(precision);
        using var scope = new BufferScope(dev);
        var A = MatrixView.Transposed(scope.Upload(Random(M * K, 41)), M);
        var B = MatrixView.RowMajor(scope.Upload(Random(K * N, 42)), N);
        var C1 = scope.Allocate(M * N);
        var C2 = scope.Allocate(M * N);
        Gemm(dev, M, N, K, A, B, C1, 0, N, accumulate: false, GemmVersion.Packed);
        Gemm(dev, M, N, K, A, B, C2, 0, N, accumulate: false, GemmVersion.Packed);
        Assert.That(dev.Download(C2, 0, M * N), Is.EqualTo(dev.Download(C1, 0, M * N)));
    }

    [Test]
    public void ALeftOperandReadInPlaceAndOnePackedGiveTheSameBits([Values] GpuPrecision precision, [Values(1, 7, 8, 21)] int M)
    {
        const int N = 37, K = 70, offA = 3;
        var dev = Pocl.Device(precision);
        using var scope = new BufferScope(dev);
        var a = Random(offA + M * K, 51);
        var b = Random(K * N, 52);
        var A = MatrixView.RowMajor(scope.Upload(a), K, offA);                              // rows contiguous: read in place
        var prepared = PrepareB(dev, scope, K, N, MatrixView.RowMajor(scope.Upload(b), N), maxM: M);
        var inPlace = scope.Allocate(M * N);
        var packed = scope.Allocate(M * N);
        Gemm(dev, M, A, prepared, inPlace, 0, N, accumulate: false);
        var packedA = PrepareA(dev, scope, M, K, A);
        Assert.That(packedA.Panels, Is.Not.Null, "on PoCL's CPU device PrepareA packs");
        Gemm(dev, packedA, prepared, packed, 0, N, accumulate: false);

        var fromInPlace = dev.Download(inPlace, 0, M * N);
        Assert.That(dev.Download(packed, 0, M * N), Is.EqualTo(fromInPlace), "the same products added in the same order");
        double tol = (precision == GpuPrecision.Float64 ? 1e-13 : 2e-6) * K;
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++)
            {
                double sum = 0;
                for (int k = 0; k < K; k++) sum += a[offA + m * K + k] * b[k * N + n];
                if (!(Math.Abs(fromInPlace[m * N + n] - sum) <= tol * Math.Max(1, Math.Abs(sum))))
                    Assert.Fail($"M = {M}: C[{m}, {n}] is {fromInPlace[m * N + n]:R}, the plain loop gives {sum:R}");
            }
    }

    [Test]
    public void OperandsPreparedForDifferentKAreRefused()
    {
        var dev = Pocl.Device(GpuPrecision.Float64);
        using var scope = new BufferScope(dev);
        var A = PrepareA(dev, scope, 3, 4, MatrixView.RowMajor(scope.Zeros(12), 4));
        var B = PrepareB(dev, scope, 5, 2, MatrixView.RowMajor(scope.Zeros(10), 2), maxM: 3);
        var e = Assert.Throws<ArgumentException>(() => Gemm(dev, A, B, scope.Zeros(6), 0, 2, accumulate: false))!;
        Assert.That(e.Message, Does.StartWith("A was prepared with K = 4 but B with K = 5"));
    }
}
