// Finding OpenCL devices: every platform the ICD loader knows, and every device of each, numbered
// across platforms in the loader's order (opencl:0 is the first device of the first platform).
using System.Text;
using Rnn.Reference.Gpu.Kernels;

namespace Rnn.Reference.Gpu.OpenCL;

/// <summary>What the driver reports about one OpenCL device.</summary>
public sealed record OpenClDeviceInfo(
    int Index, string Platform, string PlatformVersion, string Name, string Vendor, string Version, string DriverVersion,
    string Extensions, ulong DoubleFpConfig, int ComputeUnits, long GlobalMemoryBytes, long LocalMemoryBytes, long MaxWorkGroupSize, ulong DeviceType,
    int NativeFloatVectorWidth)
{
    /// <summary>fp64 is usable when the device reports a double-precision configuration (cl_khr_fp64).</summary>
    public bool SupportsFp64 => DoubleFpConfig != 0;

    /// <summary>A CPU device (CL_DEVICE_TYPE_CPU), such as PoCL's: the stack's products use gemm version 4 (gemm_packed) there.</summary>
    public bool IsCpu => (DeviceType & OpenClNative.CL_DEVICE_TYPE_CPU) != 0;

    /// <summary>
    /// gemm_packed's register tile on this device, from its vector registers (CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT:
    /// 16 floats with AVX-512, 8 with AVX2).
    /// </summary>
    public PackedTile PackedTile(GpuPrecision precision) => Kernels.PackedTile.For(NativeFloatVectorWidth, precision);

    internal nint PlatformId { get; init; }
    internal nint DeviceId { get; init; }
}

public static unsafe class OpenClDevices
{
    /// <summary>Loads libOpenCL.so.1 or throws the "no OpenCL library" error.</summary>
    internal static void RequireLibrary()
    {
        if (NativeLibraries.TryLoad(NativeLibraries.OpenCL, out var error) == 0)
            throw new GpuUnavailableException(GpuUnavailableReason.NoOpenClLibrary,
                $"no OpenCL library: {error}. Install the ICD loader (Debian: ocl-icd-libopencl1) and a driver (e.g. pocl-opencl-icd)");
    }

    /// <summary>Every device of every platform. Throws GpuUnavailableException when there is no library or no platform.</summary>
    public static IReadOnlyList<OpenClDeviceInfo> List()
    {
        RequireLibrary();
        uint count = 0;
        int status = OpenClNative.clGetPlatformIDs(0, null, &count);
        if (status == OpenClNative.CL_PLATFORM_NOT_FOUND_KHR || (status == OpenClNative.CL_SUCCESS && count == 0))
            throw new GpuUnavailableException(GpuUnavailableReason.NoOpenClPlatform,
                "no OpenCL platform: the ICD loader found no driver (clGetPlatformIDs returned " +
                $"{status}, {OpenClNative.StatusName(status)}). Install one (e.g. pocl-opencl-icd) or check OCL_ICD_VENDORS / /etc/OpenCL/vendors");
        OpenClNative.Check(status, "clGetPlatformIDs");
        var platforms = new nint[count];
        fixed (nint* p = platforms) OpenClNative.Check(OpenClNative.clGetPlatformIDs(count, p, null), "clGetPlatformIDs");

        var devices = new List<OpenClDeviceInfo>();
        foreach (var platform in platforms)
        {
            string platformName = PlatformString(platform, OpenClNative.CL_PLATFORM_NAME);
            string platformVersion = PlatformString(platform, OpenClNative.CL_PLATFORM_VERSION);
            uint n = 0;
            status = OpenClNative.clGetDeviceIDs(platform, OpenClNative.CL_DEVICE_TYPE_ALL, 0, null, &n);
            if (status == OpenClNative.CL_DEVICE_NOT_FOUND || n == 0) continue;
            OpenClNative.Check(status, "clGetDeviceIDs");
            var ids = new nint[n];
            fixed (nint* d = ids) OpenClNative.Check(OpenClNative.clGetDeviceIDs(platform, OpenClNative.CL_DEVICE_TYPE_ALL, n, d, null), "clGetDeviceIDs");
            foreach (var id in ids)
                devices.Add(new OpenClDeviceInfo(
                    devices.Count, platformName, platformVersion,
                    DeviceString(id, OpenClNative.CL_DEVICE_NAME), DeviceString(id, OpenClNative.CL_DEVICE_VENDOR),
                    DeviceString(id, OpenClNative.CL_DEVICE_VERSION), DeviceString(id, OpenClNative.CL_DRIVER_VERSION),
                    DeviceString(id, OpenClNative.CL_DEVICE_EXTENSIONS), DeviceValue<ulong>(id, OpenClNative.CL_DEVICE_DOUBLE_FP_CONFIG),
                    (int)DeviceValue<uint>(id, OpenClNative.CL_DEVICE_MAX_COMPUTE_UNITS),
                    (long)DeviceValue<ulong>(id, OpenClNative.CL_DEVICE_GLOBAL_MEM_SIZE),
                    (long)DeviceValue<ulong>(id, OpenClNative.CL_DEVICE_LOCAL_MEM_SIZE),
                    (long)DeviceValue<nuint>(id, OpenClNative.CL_DEVICE_MAX_WORK_GROUP_SIZE),
                    DeviceValue<ulong>(id, OpenClNative.CL_DEVICE_TYPE),
                    (int)DeviceValue<uint>(id, OpenClNative.CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT))
                { PlatformId = platform, DeviceId = id });
        }
        return devices;
    }

    /// <summary>Device `index`, checked: it exists, and it has fp64 when Float64 is asked for.</summary>
    public static OpenClDeviceInfo Find(int index, GpuPrecision precision)
    {
        var devices = List();
        if (devices.Count == 0)
            throw new GpuUnavailableException(GpuUnavailableReason.NoOpenClDevice, "no OpenCL device: the platforms report no devices");
        if (index < 0 || index >= devices.Count)
            throw new GpuUnavailableException(GpuUnavailableReason.NoOpenClDevice,
                $"no OpenCL device opencl:{index}: there {(devices.Count == 1 ? "is 1 device" : $"are {devices.Count} devices")} " +
                $"({string.Join("; ", devices.Select(d => $"opencl:{d.Index} {d.Name}"))})");
        var device = devices[index];
        RequireFp64(device, precision);
        return device;
    }

    /// <summary>Throws the "no fp64" error when Float64 is asked of a device without double precision.</summary>
    public static void RequireFp64(OpenClDeviceInfo device, GpuPrecision precision)
    {
        if (precision == GpuPrecision.Float64 && !device.SupportsFp64)
            throw new GpuUnavailableException(GpuUnavailableReason.NoFp64,
                $"no fp64 on opencl:{device.Index} {device.Name}: the device reports no double precision (cl_khr_fp64); use --precision f32");
    }

    private static string PlatformString(nint platform, uint param)
    {
        nuint size = 0;
        OpenClNative.Check(OpenClNative.clGetPlatformInfo(platform, param, 0, null, &size), "clGetPlatformInfo");
        var bytes = new byte[size];
        fixed (byte* b = bytes) OpenClNative.Check(OpenClNative.clGetPlatformInfo(platform, param, size, b, null), "clGetPlatformInfo");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private static string DeviceString(nint device, uint param)
    {
        nuint size = 0;
        OpenClNative.Check(OpenClNative.clGetDeviceInfo(device, param, 0, null, &size), "clGetDeviceInfo");
        var bytes = new byte[size];
        fixed (byte* b = bytes) OpenClNative.Check(OpenClNative.clGetDeviceInfo(device, param, size, b, null), "clGetDeviceInfo");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private static T DeviceValue<T>(nint device, uint param) where T : unmanaged
    {
        T value = default;
        OpenClNative.Check(OpenClNative.clGetDeviceInfo(device, param, (nuint)sizeof(T), &value, null), "clGetDeviceInfo");
        return value;
    }
}
