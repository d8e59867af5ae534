// The kernel source, one text for both APIs: portable.h followed by each kernel file, read from
// the assembly's embedded resources. Also the defines the host compiles it with and every kernel
// entry the host looks up (the PTX check asserts the CUDA flavour exports each of them).
using System.Reflection;

namespace Rnn.Reference.Gpu.Kernels;

public static class KernelSource
{
    /// <summary>The kernel files in the order they are concatenated after portable.h.</summary>
    public static readonly string[] Files = ["gemm.c", "gemm_rowblock.c", "gemm_panel.c", "gemm_packed.c", "reduce.c", "transpose.c", "recurrent_forward.c", "recurrent_backward.c"];

    /// <summary>Every kernel entry point the host uses; a device resolves all of them when it opens.</summary>
    public static readonly string[] EntryPoints =
    [
        "gemm", "gemm_rowblock", "gemm_panel", "gemm_pack", "gemm_packed", "column_sum", "transpose",
        "rnn_step_forward", "lstm_step_forward", "gru_step_forward",
        "rnn_step_backward", "lstm_step_backward", "gru_step_backward",
    ];

    /// <summary>GEMM tiling: a work-group of Wg x Wg work-items computes a Tm x Tn tile of C, Tk columns of A at a time.</summary>
    public const int GemmTm = 64, GemmTn = 64, GemmTk = 16, GemmWg = 16;

    /// <summary>Work-items per work-group of the 1-D pointwise and reduction kernels.</summary>
    public const int PointwiseWg = 64;

    /// <summary>The whole program text: portable.h, then every kernel file.</summary>
    public static string Text { get; } = string.Join("\n", new[] { "portable.h" }.Concat(Files).Select(Read));

    /// <summary>-D definitions (name, value) for a precision and gemm_packed's tile: REAL, the GEMM tile sizes and the packed tile.</summary>
    public static IReadOnlyList<(string Name, string Value)> Defines(GpuPrecision precision, PackedTile packed) =>
    [
        ("REAL", precision.CType()),
        ("REAL_IS_DOUBLE", precision == GpuPrecision.Float64 ? "1" : "0"),
        ("GEMM_TM", Invariant(GemmTm)),
        ("GEMM_TN", Invariant(GemmTn)),
        ("GEMM_TK", Invariant(GemmTk)),
        ("GEMM_WG", Invariant(GemmWg)),
        ("GEMM4_MR", Invariant(packed.Rows)),
        ("VW", Invariant(packed.Lanes)),
    ];

    /// <summary>The defines as compiler options: -DREAL=double -DGEMM_TM=64 ...</summary>
    public static string[] DefineOptions(GpuPrecision precision, PackedTile packed) =>
        Defines(precision, packed).Select(d => $"-D{d.Name}={d.Value}").ToArray();

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One embedded file's text (portable.h or a kernel file).</summary>
    public static string Read(string file)
    {
        using var stream = typeof(KernelSource).Assembly.GetManifestResourceStream("Kernels/" + file)
            ?? throw new InvalidOperationException($"kernel file {file} is not embedded in {typeof(KernelSource).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
