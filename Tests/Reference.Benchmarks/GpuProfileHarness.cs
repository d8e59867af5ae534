// The C# side of gpu_vs_pytorch.py --profile: the GPU path on opencl:0 for the chosen workloads,
// forward+backward (and forward) wall-clock medians on an ordinary device, then the same calls on
// a profiled device (GpuDevice.Open(..., profile: true)) with each kernel's device time per call
// (the median over the repeats), so that where the time goes can be reported and reproduced.
// forward_backward_on_device is forward+backward with the cache kept on the device
// (CacheDownload.WhenRead); the profiled calls are those.
// Writes JSON: {workload/precision: {forward, forward_backward, forward_backward_on_device,
// profiled_forward_backward, kernels: {name: {launches, seconds}}}} (seconds per call). Warm-up: each
// configuration runs Warmup (40) times first, so that what is timed is the JIT's optimised code.
//   --gpu-profile OUT.json [--workloads a,b,...] [--precisions f32,f64] [--repeats N]
using System.Diagnostics;
using System.Text.Json;
using Rnn.Reference.Gpu;
using Rnn.Reference.Gpu.Recurrent;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Benchmarks;

public static class GpuProfileHarness
{
    public static int Run(string[] args)
    {
        if (args.Length == 0) { Console.Error.WriteLine("usage: --gpu-profile OUT.json [--workloads a,b,...] [--precisions f32,f64] [--repeats N]"); return 2; }
        string output = args[0];
        var workloads = Option(args, "--workloads")?.Split(',') ?? ["lstm-medium"];
        var precisions = Option(args, "--precisions")?.Split(',') ?? ["f32"];
        int repeats = Option(args, "--repeats") is { } r ? int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) : 7;
        if (workloads.FirstOrDefault(w => !RecurrentBenchmarks.Workloads.ContainsKey(w)) is { } unknown)
        {
            Console.Error.WriteLine($"--workloads: '{unknown}' is not one of {string.Join(", ", RecurrentBenchmarks.Workloads.Keys)}");
            return 2;
        }

        var results = new Dictionary<string, object>();
        foreach (var name in workloads)
            foreach (var precisionName in precisions)
            {
                var precision = GpuPrecisions.Parse(precisionName);
                var (kind, T, B, I, H) = RecurrentBenchmarks.Workloads[name];
                var config = new RecurrentConfig(kind, I, H);
                var parameters = RecurrentParameters.Initialize(config, seed: 1);
                var rng = new SeededRandom(2);
                var input = rng.UniformTensor(-1, 1, T, B, I);
                var dOutput = rng.UniformTensor(-1, 1, T, B, H);

                double fwd, fb, fbOnDevice;
                using (var device = GpuDevice.Open("opencl:0", precision))
                {
                    var gpu = new GpuRecurrentLayer(device);
                    var onDevice = new GpuRecurrentLayer(device, CacheDownload.WhenRead);
                    fwd = Median(repeats, () => gpu.Forward(config, parameters, input));
                    fb = Median(repeats, () => gpu.Backward(gpu.Forward(config, parameters, input).Cache, dOutput));
                    fbOnDevice = Median(repeats, () => onDevice.Backward(onDevice.Forward(config, parameters, input).Cache, dOutput));
                }

                var perKernel = new Dictionary<string, List<(int Launches, double Seconds)>>();
                var profiledWall = new List<double>();
                using (var device = GpuDevice.Open("opencl:0", precision, profile: true))
                {
                    var gpu = new GpuRecurrentLayer(device, CacheDownload.WhenRead);
                    for (int i = 0; i < Warmup + repeats; i++)
                    {
                        device.ReadProfile(reset: true);
                        var sw = Stopwatch.StartNew();
                        gpu.Backward(gpu.Forward(config, parameters, input).Cache, dOutput);
                        sw.Stop();
                        var totals = device.ReadProfile(reset: true);
                        if (i < Warmup) continue;
                        profiledWall.Add(sw.Elapsed.TotalSeconds);
                        foreach (var k in totals)
                        {
                            if (!perKernel.TryGetValue(k.Name, out var list)) perKernel[k.Name] = list = [];
                            list.Add((k.Launches, k.Seconds));
                        }
                    }
                }
                var kernels = perKernel.ToDictionary(kv => kv.Key, kv => new Dictionary<string, double>
                {
                    ["launches"] = kv.Value[0].Launches,
                    ["seconds"] = MedianOf(kv.Value.Select(v => v.Seconds).ToList()),
                });
                results[$"{name}/{precisionName}"] = new Dictionary<string, object>
                {
                    ["forward"] = fwd,
                    ["forward_backward"] = fb,
                    ["forward_backward_on_device"] = fbOnDevice,
                    ["profiled_forward_backward"] = MedianOf(profiledWall),
                    ["kernels"] = kernels,
                };
                Console.Error.WriteLine($"{name} {precisionName}: forward {fwd * 1e3:F1} ms, forward+backward {fb * 1e3:F1} ms, with the cache on the device {fbOnDevice * 1e3:F1} ms (profiled {MedianOf(profiledWall) * 1e3:F1} ms)");
                foreach (var (kernel, k) in kernels.OrderByDescending(kv => kv.Value["seconds"]))
                    Console.Error.WriteLine($"  {kernel,-20} {k["launches"],6} launches {k["seconds"] * 1e3,10:F2} ms");
            }
        File.WriteAllText(output, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i > 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Calls before any is timed: .NET's tiered JIT replaces a method's first, unoptimised code after about 30 calls.</summary>
    private const int Warmup = 40;

    /// <summary>Runs the call Warmup times untimed, then times `repeats` calls; the median in seconds.</summary>
    private static double Median(int repeats, Action call)
    {
        for (int i = 0; i < Warmup; i++) call();
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            call();
            times.Add(sw.Elapsed.TotalSeconds);
        }
        return MedianOf(times);
    }

    private static double MedianOf(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}
