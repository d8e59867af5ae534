// The C# side of compare-pytorch.py: times the recurrent workloads (plain loops, fast path on 1
// thread and on every core; forward and forward+backward) and the fast product at 512² and 2048²,
// and writes the medians (seconds) as JSON. Warm-up: every code path runs 60 times on small
// inputs first, so that the tiered JIT has compiled the optimised code before anything is timed
// (tiering goes by calls, not sizes), then each measured configuration runs once untimed.
//   --compare OUT.json [--plain-large] [--repeats N] [--workloads a,b,...] [--skip-gemm]
using System.Diagnostics;
using System.Text.Json;
using Rnn.Reference.Fast;
using Rnn.Reference.Numerics;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Benchmarks;

public static class CompareHarness
{
    public static int Run(string[] args)
    {
        if (args.Length == 0) { Console.Error.WriteLine("usage: --compare OUT.json [--plain-large] [--repeats N] [--workloads a,b,...] [--skip-gemm]"); return 2; }
        string output = args[0];
        bool plainLarge = args.Contains("--plain-large");
        int repeatsArg = Array.IndexOf(args, "--repeats");
        int repeats = repeatsArg > 0 ? int.Parse(args[repeatsArg + 1]) : 5;
        int workloadsArg = Array.IndexOf(args, "--workloads");
        var only = workloadsArg > 0 ? args[workloadsArg + 1].Split(',') : null;
        if (only?.FirstOrDefault(w => !RecurrentBenchmarks.Workloads.ContainsKey(w)) is { } unknown)
        {
            Console.Error.WriteLine($"--workloads: '{unknown}' is not one of {string.Join(", ", RecurrentBenchmarks.Workloads.Keys)}");
            return 2;
        }
        bool skipGemm = args.Contains("--skip-gemm");

        WarmUp();
        var results = new Dictionary<string, object>
        {
            ["threads_all"] = Environment.ProcessorCount,
            ["vector512"] = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated,
        };
        var recurrent = new Dictionary<string, Dictionary<string, double>>();
        foreach (var (name, (kind, T, B, I, H)) in RecurrentBenchmarks.Workloads)
        {
            if (only is not null && !only.Contains(name)) continue;
            var config = new RecurrentConfig(kind, I, H);
            var parameters = RecurrentParameters.Initialize(config, seed: 1);
            var rng = new SeededRandom(2);
            var input = rng.UniformTensor(-1, 1, T, B, I);
            var dOutput = rng.UniformTensor(-1, 1, T, B, H);
            foreach (var computeName in new[] { "plain", "fast-1", "fast" })
            {
                bool large = T * B * H >= 200 * 64 * 512;
                if (computeName == "plain" && large && !plainLarge) continue;
                var compute = RecurrentBenchmarks.ComputeNamed(computeName);
                // the small workloads take milliseconds: four times the repeats, so that a median is not one disturbed call
                bool small = T * B * H <= 50 * 32 * 64;
                int n = computeName == "plain" && (large || H >= 256) ? Math.Min(repeats, large ? 1 : 3) : small ? 4 * repeats + 1 : repeats;
                double fwd = Median(n, () => RecurrentLayer.Forward(config, parameters, input, compute: compute));
                double fb = Median(n, () => RecurrentLayer.Backward(RecurrentLayer.Forward(config, parameters, input, compute: compute).Cache, dOutput));
                recurrent[$"{name}/{computeName}"] = new() { ["forward"] = fwd, ["forward_backward"] = fb };
                Console.Error.WriteLine($"{name,-12} {computeName,-7} forward {fwd * 1e3,10:F2} ms   forward+backward {fb * 1e3,10:F2} ms");
            }
        }
        results["recurrent"] = recurrent;

        var gemm = new Dictionary<string, double>();
        foreach (int n in skipGemm ? Array.Empty<int>() : [512, 2048])
        {
            var rng = new Random(3);
            var a = Enumerable.Range(0, n * n).Select(_ => rng.NextDouble()).ToArray();
            var b = Enumerable.Range(0, n * n).Select(_ => rng.NextDouble()).ToArray();
            var c = new double[n * n];
            foreach (int threads in new[] { 1, Environment.ProcessorCount })
            {
                double s = Median(n == 512 ? 15 : 5, () => { Array.Clear(c); Gemm.Multiply(GemmLayout.AB, a, b, n, n, n, c, threads); });
                gemm[$"{n}/{threads}"] = s;
                Console.Error.WriteLine($"gemm {n}x{n}x{n} on {threads} thread(s): {s * 1e3:F2} ms, {2.0 * n * n * n / s / 1e9:F1} GFLOP/s");
            }
        }
        results["gemm"] = gemm;
        File.WriteAllText(output, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary>Every path of every cell, 60 calls each on a small stack (two layers, both directions, lengths).</summary>
    private static void WarmUp()
    {
        foreach (var kind in Enum.GetValues<CellKind>())
        {
            var config = new RecurrentConfig(kind, 8, 12, 2, Bidirectional: true);
            var parameters = RecurrentParameters.Initialize(config, seed: 1);
            var rng = new SeededRandom(2);
            var input = rng.UniformTensor(-1, 1, 5, 3, 8);
            var dOutput = rng.UniformTensor(-1, 1, 5, 3, 24);
            foreach (var compute in new[] { Compute.Plain, Compute.Fast(1), Compute.Fast() })
                for (int k = 0; k < 60; k++)
                    RecurrentLayer.Backward(RecurrentLayer.Forward(config, parameters, input, lengths: [5, 3, 4], compute: compute).Cache, dOutput);
        }
        var a = new double[64 * 64];
        for (int k = 0; k < 60; k++)
            foreach (var layout in Enum.GetValues<GemmLayout>())
                Gemm.Multiply(layout, a, a, 64, 64, 64, new double[64 * 64], 2);
        Thread.Sleep(1000);   // let the background tier-1 compilations finish
    }

    /// <summary>Median wall time (seconds) of n calls after one untimed call.</summary>
    private static double Median(int n, Action work)
    {
        work();
        var times = new double[n];
        for (int k = 0; k < n; k++)
        {
            var sw = Stopwatch.StartNew();
            work();
            times[k] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    }
}
