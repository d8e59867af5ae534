// BenchmarkDotNet's switcher, or "--compare OUT.json": the quick timing harness that
// compare-pytorch.py runs (CompareHarness.cs), or "--gpu-profile OUT.json": the GPU path's times
// and per-kernel breakdown that gpu_vs_pytorch.py --profile runs (GpuProfileHarness.cs).
using BenchmarkDotNet.Running;

namespace Rnn.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--compare") return CompareHarness.Run(args[1..]);
        if (args.Length > 0 && args[0] == "--gpu-profile") return GpuProfileHarness.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
