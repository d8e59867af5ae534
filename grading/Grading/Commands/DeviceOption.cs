// The --device opencl[:N]|cuda[:N] and --precision f64|f32 options of eval and gpu-check: read,
// checked, and the device opened with its kernels built. Spec/gpu.md.
using Rnn.Reference.Gpu;

namespace Rnn.Grading.Commands;

public static class DeviceOption
{
    public const string Device = "--device";
    public const string Precision = "--precision";

    /// <summary>The device named by --device, or an error message (a wrong command line).</summary>
    public static DeviceSpec? ParseDevice(string text, out string? error)
    {
        error = null;
        try { return DeviceSpec.Parse(text); }
        catch (ArgumentException)
        {
            error = $"--device '{text}' is not opencl[:N] or cuda[:N] (N a device index, 0 first; rnn-grading devices lists them)";
            return null;
        }
    }

    /// <summary>The precision named by --precision, or an error message.</summary>
    public static GpuPrecision? ParsePrecision(string text, out string? error)
    {
        error = null;
        if (text is "f64" or "f32") return GpuPrecisions.Parse(text);
        error = $"--precision '{text}' is not f64 or f32";
        return null;
    }

    /// <summary>Opens the device and builds the kernels; on failure returns null and the reason (the GPU path's own message).</summary>
    public static GpuDevice? Open(DeviceSpec spec, GpuPrecision precision, out string? error)
    {
        error = null;
        try { return GpuDevice.Open(spec, precision); }
        catch (GpuException e)
        {
            error = $"cannot use --device {spec} --precision {precision.Name()}: {e.Message}";
            return null;
        }
    }
}
