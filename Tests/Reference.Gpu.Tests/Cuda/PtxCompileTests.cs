// The CUDA flavour of the one kernel source, compiled to PTX with Debian's clang (no CUDA toolkit:
// -nocudainc -nocudalib and a shim header declaring what NVRTC provides), in both precisions: it
// must compile, export every kernel entry the host looks up (KernelSource.EntryPoints, what
// CudaDevice resolves with cuModuleGetFunction), and the float build must not touch double at all
// (the math wrappers keep float code in float). Runs in CI; skipped without clang-14 elsewhere.
using System.Text.RegularExpressions;
using NUnit.Framework;
using Rnn.Grading.Tests.Support;
using Rnn.Reference.Gpu.Kernels;

namespace Rnn.Reference.Gpu.Tests.Cuda;

public sealed partial class PtxCompileTests
{
    private const string Clang = "/usr/bin/clang-14";
    private const string Architecture = "sm_70";

    /// <summary>What NVRTC provides without any include: the CUDA keywords, the built-in variables, the math functions.</summary>
    private const string Shim =
        """
        // shim for clang -x cuda -nocudainc: what NVRTC provides implicitly
        #define __global__ __attribute__((global))
        #define __device__ __attribute__((device))
        #define __shared__ __attribute__((shared))
        #include <__clang_cuda_builtin_vars.h>
        extern "C" __device__ float __int_as_float(int);
        extern "C" __device__ double __longlong_as_double(long long);
        """;

    private static string RequireClang()
    {
        if (!File.Exists(Clang))
        {
            string reason = $"{Clang} is not installed (Debian: apt-get install clang-14)";
            if (ExternalTools.InCi) Assert.Fail("required in CI: " + reason);
            Assert.Ignore(reason);
        }
        return Clang;
    }

    private static string CompileToPtx(GpuPrecision precision)
    {
        string clang = RequireClang();
        string dir = Directory.CreateTempSubdirectory("rnn-ptx-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "shim.h"), Shim);
            File.WriteAllText(Path.Combine(dir, "kernels.cu"), KernelSource.Text);
            string ptx = Path.Combine(dir, "kernels.ptx");
            string[] args =
            [
                "-x", "cuda", "--cuda-device-only", "-nocudainc", "-nocudalib", $"--cuda-gpu-arch={Architecture}", "-O2", "-S",
                "-include", Path.Combine(dir, "shim.h"), .. KernelSource.DefineOptions(precision, PackedTile.Wide(precision)),
                "-o", ptx, Path.Combine(dir, "kernels.cu"),
            ];
            var (code, _, err) = ExternalTools.Run(clang, args, TimeSpan.FromMinutes(2), dir);
            Assert.That(code, Is.EqualTo(0), $"clang could not compile the CUDA flavour ({precision}):\n{err}");
            return File.ReadAllText(ptx);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [GeneratedRegex(@"^\.visible \.entry (\w+)\(", RegexOptions.Multiline)]
    private static partial Regex EntryRegex();

    [Test]
    public void EveryKernelTheHostAsksForIsAnEntryOfThePtx([Values] GpuPrecision precision)
    {
        string ptx = CompileToPtx(precision);
        var entries = EntryRegex().Matches(ptx).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.That(entries, Is.SupersetOf(KernelSource.EntryPoints), "extern \"C\" kernels keep their names");
        Assert.That(ptx, Does.Contain($".target {Architecture}"));
    }

    [Test]
    public void TheFloatBuildNeverPromotesToDouble()
    {
        Assert.That(CompileToPtx(GpuPrecision.Float32), Does.Not.Contain(".f64"), "a float kernel that computes in double");
        Assert.That(CompileToPtx(GpuPrecision.Float64), Does.Contain("fma.rn.f64").Or.Contain("mul.rn.f64").Or.Contain("add.f64"));
    }
}
