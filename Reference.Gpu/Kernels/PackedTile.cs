// gemm_packed's register tile (gemm_packed.c), chosen per device from its vector registers and passed to
// the kernel source as -DGEMM4_MR and -DVW. A work-item holds its Rows x Columns tile of C in 2 * Rows
// vector registers of Lanes values each, and per k also needs the two vectors of its B panel and one
// broadcast element of A: 2 * Rows + 3 registers, which must fit in the machine's register file, or the
// compiler spills accumulators to memory at every k.
//   512-bit registers (AVX-512, 32 of them):  Rows 8, Lanes 16 floats / 8 doubles, 16 accumulators
//   256-bit registers (AVX2, 16 of them):     Rows 6, Lanes  8 floats / 4 doubles, 12 accumulators
// (the register blocks of a CPU BLAS's micro-kernels for those machines). The tile changes only which
// work-item computes an element of C, never its sum: each element is still summed over k in increasing
// order, so both tiles give the same bits.

namespace Rnn.Reference.Gpu.Kernels;

/// <summary>gemm_packed's tile of C per work-item: Rows (GEMM4_MR) x Columns (GEMM4_NR = 2 * Lanes), Lanes (VW) values of REAL per vector register.</summary>
public readonly record struct PackedTile(int Rows, int Lanes)
{
    /// <summary>GEMM4_NR: two vector registers of the tile's rows.</summary>
    public int Columns => 2 * Lanes;

    /// <summary>The tile for 512-bit vector registers (AVX-512), and a CUDA device's (CudaDevice.PackedTile).</summary>
    public static PackedTile Wide(GpuPrecision precision) => new(8, precision == GpuPrecision.Float64 ? 8 : 16);

    /// <summary>The tile for 256-bit vector registers (AVX2).</summary>
    public static PackedTile Narrow(GpuPrecision precision) => new(6, precision == GpuPrecision.Float64 ? 4 : 8);

    /// <summary>The tile for a device whose native vector holds nativeFloatLanes floats (OpenCL's CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT).</summary>
    public static PackedTile For(int nativeFloatLanes, GpuPrecision precision) =>
        nativeFloatLanes >= 16 ? Wide(precision) : Narrow(precision);
}
