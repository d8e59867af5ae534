// `rnn-grading gpu-check [--device opencl[:N]|cuda[:N]] [--precision f64|f32]`: runs the built-in
// workloads (every cell, every flag of the stack; Reference.Gpu/Checking/GpuSelfCheck.cs) forward
// and backward on the device and on the CPU reference, and prints for each workload and tensor the
// worst difference against the stated tolerance (Spec/gpu.md). Without --precision both are
// checked (f64 only when the device has it). The command a user runs to trust a new GPU.
// Exit codes: 0 every tensor within its tolerance, 1 some tensor outside it, 2 wrong command line,
// 6 the device cannot be opened.
using Rnn.Reference.Gpu;
using Rnn.Reference.Gpu.Checking;
using Rnn.Reference.Gpu.Recurrent;

namespace Rnn.Grading.Commands;

public static class GpuCheckCommand
{
    private const string UsageLine = "usage: rnn-grading gpu-check [--device opencl[:N]|cuda[:N]] [--precision f64|f32]   (default opencl:0, both precisions)";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--help" or "-h"]) { stdout.WriteLine(UsageLine); return ExitCodes.Ok; }
        var parsed = CommandLine.Parse(args, [DeviceOption.Device, DeviceOption.Precision], [], null, out string? error);
        if (parsed is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        var spec = DeviceOption.ParseDevice(parsed.Values.GetValueOrDefault(DeviceOption.Device, "opencl:0"), out error);
        if (spec is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        GpuPrecision[] precisions = [GpuPrecision.Float64, GpuPrecision.Float32];
        bool chosen = parsed.Values.TryGetValue(DeviceOption.Precision, out string? precisionText);
        if (chosen)
        {
            var p = DeviceOption.ParsePrecision(precisionText!, out error);
            if (p is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
            precisions = [p.Value];
        }

        int outside = 0, checkedPrecisions = 0;
        foreach (var precision in precisions)
        {
            GpuDevice? device;
            try { device = GpuDevice.Open(spec.Value, precision); }
            catch (GpuUnavailableException e) when (e.Reason == GpuUnavailableReason.NoFp64 && !chosen)
            {
                stdout.WriteLine($"f64 not checked: {e.Message}");
                continue;
            }
            catch (GpuException e)
            {
                return CommandLine.Fail(stderr, ExitCodes.DeviceUnavailable, $"cannot use --device {spec} --precision {precision.Name()}: {e.Message}", UsageLine);
            }
            using (device)
                outside += Check(new GpuRecurrentLayer(device), stdout);
            checkedPrecisions++;
        }
        if (checkedPrecisions == 0)
            return CommandLine.Fail(stderr, ExitCodes.DeviceUnavailable, $"{spec} could run no precision", UsageLine);
        if (outside > 0)
            return CommandLine.Fail(stderr, ExitCodes.SomeNotEvaluated, $"{outside} tensor{(outside == 1 ? " is" : "s are")} outside the tolerance on {spec}: do not trust this device", UsageLine);
        stdout.WriteLine($"gpu-check: every tensor on {spec} is within its tolerance of the CPU reference");
        return ExitCodes.Ok;
    }

    /// <summary>Prints one precision's table; returns how many tensors are outside their tolerance.</summary>
    private static int Check(GpuRecurrentLayer gpu, TextWriter stdout)
    {
        stdout.WriteLine($"gpu-check on {gpu.Device}, against the CPU reference (float64)");
        stdout.WriteLine($"  {"tensor",-28} {"worst |gpu - ref|",18} {"at",7}  {"tolerance",-26} {"used (%)",9}");
        int outside = 0, total = 0;
        double worstUsed = 0;
        foreach (var workload in GpuSelfCheck.Workloads)
        {
            stdout.WriteLine($"{workload.Name}:");
            foreach (var c in GpuSelfCheck.Run(gpu, workload))
            {
                total++;
                worstUsed = Math.Max(worstUsed, c.Worst.OfTolerance);
                string verdict = c.Worst.Passes ? "" : "  OUTSIDE";
                if (!c.Worst.Passes) outside++;
                stdout.WriteLine($"  {c.Tensor,-28} {c.Worst.Difference,18:E2} {c.Worst.Index,7}  {c.Tolerance,-26} {c.Worst.OfTolerance * 100,9:G3}{verdict}");
            }
        }
        stdout.WriteLine($"{gpu.Device.Precision.Name()}: {total - outside} of {total} tensors within tolerance (the worst uses {worstUsed * 100:G3} % of it)");
        return outside;
    }
}
