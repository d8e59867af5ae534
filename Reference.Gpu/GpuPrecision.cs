// The floating type the kernels are compiled for (-DREAL=double or -DREAL=float) and which API
// and device index a user asks for ("opencl", "opencl:1", "cuda:0").
namespace Rnn.Reference.Gpu;

public enum GpuPrecision { Float64, Float32 }

public enum GpuApi { OpenCL, Cuda }

/// <summary>An API and a device index within it, as written on the command line: opencl[:N] or cuda[:N].</summary>
public readonly record struct DeviceSpec(GpuApi Api, int Index)
{
    public static DeviceSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(':');
        GpuApi? api = parts[0] switch { "opencl" => GpuApi.OpenCL, "cuda" => GpuApi.Cuda, _ => null };
        int index = 0;
        if (api is null || parts.Length > 2
            || (parts.Length == 2 && !(int.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out index))))
            throw new ArgumentException($"device '{text}' is not opencl[:N] or cuda[:N] (N a device index, 0 first)", nameof(text));
        return new DeviceSpec(api.Value, index);
    }

    public override string ToString() => $"{(Api == GpuApi.OpenCL ? "opencl" : "cuda")}:{Index}";
}

public static class GpuPrecisions
{
    /// <summary>"f64" or "f32", as the command line writes them.</summary>
    public static GpuPrecision Parse(string text) => text switch
    {
        "f64" => GpuPrecision.Float64,
        "f32" => GpuPrecision.Float32,
        _ => throw new ArgumentException($"precision '{text}' is not f64 or f32", nameof(text)),
    };

    public static string Name(this GpuPrecision p) => p == GpuPrecision.Float64 ? "f64" : "f32";

    /// <summary>The C type REAL is defined as.</summary>
    public static string CType(this GpuPrecision p) => p == GpuPrecision.Float64 ? "double" : "float";

    public static int Size(this GpuPrecision p) => p == GpuPrecision.Float64 ? 8 : 4;
}
