// The OpenCL device the tests run on: PoCL's CPU device (Debian pocl-opencl-icd), opened once per
// precision for the whole test run, because PoCL's kernel compilation is slow. Without an OpenCL
// device a test is skipped with the reason; in CI (CI=true) it fails instead.
using NUnit.Framework;
using Rnn.Grading.Tests.Support;
using Rnn.Reference.Gpu.Kernels;
using Rnn.Reference.Gpu.OpenCL;
using Rnn.Reference.Gpu.Recurrent;

namespace Rnn.Reference.Gpu.Tests.Support;

public static class Pocl
{
    private static readonly Dictionary<GpuPrecision, Lazy<(GpuDevice? Device, string? Problem)>> Devices = new()
    {
        [GpuPrecision.Float64] = new(() => TryOpen(GpuPrecision.Float64)),
        [GpuPrecision.Float32] = new(() => TryOpen(GpuPrecision.Float32)),
    };

    private static (GpuDevice?, string?) TryOpen(GpuPrecision precision)
    {
        try { return (GpuDevice.Open(new DeviceSpec(GpuApi.OpenCL, 0), precision), null); }
        catch (GpuUnavailableException e) { return (null, e.Message); }
    }

    /// <summary>opencl:0 with the kernels built for the precision; skips (or fails in CI) when there is none.</summary>
    public static GpuDevice Device(GpuPrecision precision)
    {
        var (device, problem) = Devices[precision].Value;
        if (device is not null) return device;
        string reason = $"no OpenCL device: {problem} (install Debian's pocl-opencl-icd ocl-icd-libopencl1)";
        if (ExternalTools.InCi) Assert.Fail("required in CI: " + reason);
        Assert.Ignore(reason);
        return null!;
    }

    public static GpuRecurrentLayer Layer(GpuPrecision precision) => new(Device(precision));

    private static readonly Dictionary<GpuPrecision, Lazy<GpuDevice>> OtherTileDevices = new()
    {
        [GpuPrecision.Float64] = new(() => OpenOtherTile(GpuPrecision.Float64)),
        [GpuPrecision.Float32] = new(() => OpenOtherTile(GpuPrecision.Float32)),
    };

    private static GpuDevice OpenOtherTile(GpuPrecision precision)
    {
        var chosen = Device(precision).PackedTile;
        var other = chosen == PackedTile.Wide(precision) ? PackedTile.Narrow(precision) : PackedTile.Wide(precision);
        return OpenClDevice.Open(0, precision, packedTile: other);
    }

    /// <summary>
    /// opencl:0 built with the other of gemm_packed's two tiles than the one chosen for this CPU (Kernels/PackedTile.cs),
    /// so that both tiles are tested on one machine; skips (or fails in CI) as Device does.
    /// </summary>
    public static GpuDevice OtherTileDevice(GpuPrecision precision)
    {
        Device(precision);
        return OtherTileDevices[precision].Value;
    }

    /// <summary>Frees the devices at the end of the run.</summary>
    public static void DisposeAll()
    {
        foreach (var lazy in Devices.Values)
            if (lazy.IsValueCreated) lazy.Value.Device?.Dispose();
        foreach (var lazy in OtherTileDevices.Values)
            if (lazy.IsValueCreated) lazy.Value.Dispose();
    }
}
