// `rnn-grading devices`: the OpenCL platforms and devices and the CUDA devices this machine has,
// numbered as --device takes them (opencl:N, cuda:N), or, for each API, why there are none.
// Exit code 0 when some device was found, 6 when none (ExitCodes.DeviceUnavailable).
using Rnn.Reference.Gpu;
using Rnn.Reference.Gpu.Cuda;
using Rnn.Reference.Gpu.OpenCL;

namespace Rnn.Grading.Commands;

public static class DevicesCommand
{
    private const string UsageLine = "usage: rnn-grading devices   (lists the devices --device can name)";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--help" or "-h"]) { stdout.WriteLine(UsageLine); return ExitCodes.Ok; }
        if (args.Length > 0) return CommandLine.Fail(stderr, ExitCodes.Usage, $"unexpected argument '{args[0]}'", UsageLine);
        int found = 0;

        stdout.WriteLine("OpenCL:");
        try
        {
            var devices = OpenClDevices.List();
            if (devices.Count == 0) stdout.WriteLine("  none: the platforms report no devices");
            string? platform = null;
            foreach (var d in devices)
            {
                if (d.Platform != platform)
                {
                    platform = d.Platform;
                    stdout.WriteLine($"  platform {d.Platform} ({d.PlatformVersion})");
                }
                stdout.WriteLine($"    opencl:{d.Index}  {d.Name}  ({d.Version}; driver {d.DriverVersion}; {d.ComputeUnits} compute units; " +
                    $"{Gib(d.GlobalMemoryBytes)} global, {d.LocalMemoryBytes / 1024} KiB local memory; " +
                    $"fp64 {(d.SupportsFp64 ? "yes" : "no: --precision f32 only")})");
                found++;
            }
        }
        catch (GpuException e) { stdout.WriteLine("  none: " + e.Message); }

        stdout.WriteLine("CUDA:");
        try
        {
            var devices = CudaDevices.List();
            if (devices.Count == 0) stdout.WriteLine("  none: the driver reports no devices");
            string nvrtc;
            try { var (major, minor) = CudaDevices.RequireNvrtc(); nvrtc = $"NVRTC {major}.{minor}"; }
            catch (GpuException e) { nvrtc = e.Message; }
            foreach (var d in devices)
            {
                stdout.WriteLine($"    cuda:{d.Index}  {d.Name}  ({d.Architecture}; {d.Multiprocessors} multiprocessors; {Gib(d.TotalMemoryBytes)})");
                found++;
            }
            if (devices.Count > 0) stdout.WriteLine($"  kernels compiled with: {nvrtc}");
        }
        catch (GpuException e) { stdout.WriteLine("  none: " + e.Message); }

        if (found == 0) return CommandLine.Fail(stderr, ExitCodes.DeviceUnavailable, "no OpenCL or CUDA device found (the reasons are above)", UsageLine);
        return ExitCodes.Ok;
    }

    private static string Gib(long bytes) => $"{bytes / (1024.0 * 1024 * 1024):F1} GiB";
}
