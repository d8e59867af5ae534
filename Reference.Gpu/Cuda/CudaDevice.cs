// A CUDA device opened for one precision through the driver API: the device's primary context
// (cuDevicePrimaryCtxRetain + cuCtxSetCurrent), the kernel source compiled by NVRTC to a CUBIN for
// the device's own sm_XY, and one function per entry point. Device memory is owned by this object:
// a buffer's Dispose gives its memory to the device's pool for reuse (BufferPool.cs), and Dispose of the
// device frees the pool and whatever is left (no finalizers).
using System.Runtime.InteropServices;
using System.Text;
using Rnn.Reference.Gpu.Kernels;

namespace Rnn.Reference.Gpu.Cuda;

/// <summary>What the driver reports about one CUDA device.</summary>
public sealed record CudaDeviceInfo(int Index, string Name, int ComputeMajor, int ComputeMinor, long TotalMemoryBytes, int Multiprocessors)
{
    public string Architecture => $"sm_{ComputeMajor}{ComputeMinor}";
}

public static unsafe class CudaDevices
{
    /// <summary>Loads libcuda.so.1 and initialises the driver, or throws the "no CUDA driver" error.</summary>
    internal static void RequireDriver()
    {
        if (NativeLibraries.TryLoad(NativeLibraries.Cuda, out var error) == 0)
            throw new GpuUnavailableException(GpuUnavailableReason.NoCudaDriver,
                $"no CUDA driver: {error}. The NVIDIA driver (libcuda.so.1) is needed for --device cuda");
        int status = CudaNative.cuInit(0);
        if (status != CudaNative.CUDA_SUCCESS)
            throw new GpuUnavailableException(GpuUnavailableReason.NoCudaDriver,
                "no CUDA driver: cuInit failed", new GpuCallException("cuInit", status, CudaStatusName(status)));
    }

    /// <summary>Loads NVRTC or throws the "no NVRTC" error; returns its version.</summary>
    public static (int Major, int Minor) RequireNvrtc()
    {
        if (NativeLibraries.TryLoad(NativeLibraries.Nvrtc, out var error) == 0)
            throw new GpuUnavailableException(GpuUnavailableReason.NoNvrtc,
                $"no NVRTC: {error}. The CUDA toolkit's runtime compiler (libnvrtc) is needed to build the kernels for --device cuda");
        int major = 0, minor = 0;
        NvrtcNative.Check(NvrtcNative.nvrtcVersion(&major, &minor), "nvrtcVersion");
        return (major, minor);
    }

    /// <summary>Every CUDA device; throws GpuUnavailableException when there is no driver.</summary>
    public static IReadOnlyList<CudaDeviceInfo> List()
    {
        RequireDriver();
        int count = 0;
        CudaNative.Check(CudaNative.cuDeviceGetCount(&count), "cuDeviceGetCount");
        var devices = new List<CudaDeviceInfo>();
        byte* name = stackalloc byte[256];
        for (int i = 0; i < count; i++)
        {
            int device = 0, major = 0, minor = 0, sms = 0;
            nuint memory = 0;
            CudaNative.Check(CudaNative.cuDeviceGet(&device, i), "cuDeviceGet");
            CudaNative.Check(CudaNative.cuDeviceGetName(name, 256, device), "cuDeviceGetName");
            CudaNative.Check(CudaNative.cuDeviceGetAttribute(&major, CudaNative.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device), "cuDeviceGetAttribute");
            CudaNative.Check(CudaNative.cuDeviceGetAttribute(&minor, CudaNative.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device), "cuDeviceGetAttribute");
            CudaNative.Check(CudaNative.cuDeviceGetAttribute(&sms, CudaNative.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device), "cuDeviceGetAttribute");
            CudaNative.Check(CudaNative.cuDeviceTotalMem(&memory, device), "cuDeviceTotalMem_v2");
            devices.Add(new CudaDeviceInfo(i, Marshal.PtrToStringUTF8((nint)name) ?? "?", major, minor, (long)memory, sms));
        }
        return devices;
    }

    internal static string CudaStatusName(int status)
    {
        byte* name = null;
        return CudaNative.cuGetErrorName(status, &name) == CudaNative.CUDA_SUCCESS && name != null
            ? Marshal.PtrToStringUTF8((nint)name) ?? "unknown CUDA status" : "unknown CUDA status";
    }
}

public sealed unsafe class CudaDevice : GpuDevice
{
    private readonly int _device;
    private readonly nint _context;
    private readonly nint _module;
    private readonly Dictionary<string, nint> _functions = new(StringComparer.Ordinal);
    private readonly HashSet<CudaBuffer> _live = [];
    private readonly BufferPool<ulong> _pool = new(PoolCapacityBytes, pointer => CudaNative.cuMemFree(pointer));
    private bool _disposed;

    public CudaDeviceInfo Info { get; }

    private CudaDevice(CudaDeviceInfo info, GpuPrecision precision, int device, nint context, nint module)
        : base(precision, new DeviceSpec(GpuApi.Cuda, info.Index), $"{info.Name} ({info.Architecture})")
    {
        Info = info;
        _device = device;
        _context = context;
        _module = module;
    }

    public static CudaDevice Open(int index, GpuPrecision precision)
    {
        var devices = CudaDevices.List();
        if (devices.Count == 0)
            throw new GpuUnavailableException(GpuUnavailableReason.NoCudaDevice, "no CUDA device: the driver reports none");
        if (index < 0 || index >= devices.Count)
            throw new GpuUnavailableException(GpuUnavailableReason.NoCudaDevice,
                $"no CUDA device cuda:{index}: there {(devices.Count == 1 ? "is 1 device" : $"are {devices.Count} devices")} " +
                $"({string.Join("; ", devices.Select(d => $"cuda:{d.Index} {d.Name}"))})");
        var info = devices[index];
        byte[] cubin = Compile(KernelSource.Text, info.Architecture, precision);

        int device = 0;
        CudaNative.Check(CudaNative.cuDeviceGet(&device, index), "cuDeviceGet");
        nint context = 0;
        CudaNative.Check(CudaNative.cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
        nint module = 0;
        try
        {
            CudaNative.Check(CudaNative.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            fixed (byte* image = cubin) CudaNative.Check(CudaNative.cuModuleLoadData(&module, image), "cuModuleLoadData");
            var result = new CudaDevice(info, precision, device, context, module);
            foreach (var name in KernelSource.EntryPoints)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(name + "\0");
                nint function = 0;
                fixed (byte* n = bytes) CudaNative.Check(CudaNative.cuModuleGetFunction(&function, module, n), $"cuModuleGetFunction({name})");
                result._functions[name] = function;
            }
            return result;
        }
        catch
        {
            if (module != 0) CudaNative.cuModuleUnload(module);
            CudaNative.cuDevicePrimaryCtxRelease(device);
            throw;
        }
    }

    /// <summary>NVRTC: the source to a CUBIN for `architecture` (sm_XY); a compile error throws GpuBuildException with the log.</summary>
    public static byte[] Compile(string source, string architecture, GpuPrecision precision)
    {
        CudaDevices.RequireNvrtc();
        string[] options = [.. KernelSource.DefineOptions(precision, TileFor(precision)), $"--gpu-architecture={architecture}"];
        nint program = 0;
        byte[] src = Encoding.UTF8.GetBytes(source + "\0"), name = "rnn_kernels.cu\0"u8.ToArray();
        fixed (byte* s = src)
        fixed (byte* n = name)
            NvrtcNative.Check(NvrtcNative.nvrtcCreateProgram(&program, s, n, 0, null, null), "nvrtcCreateProgram");
        try
        {
            var optionBytes = options.Select(o => Encoding.UTF8.GetBytes(o + "\0")).ToArray();
            var handles = optionBytes.Select(b => GCHandle.Alloc(b, GCHandleType.Pinned)).ToArray();
            int status;
            try
            {
                byte** pointers = stackalloc byte*[options.Length];
                for (int i = 0; i < options.Length; i++) pointers[i] = (byte*)handles[i].AddrOfPinnedObject();
                status = NvrtcNative.nvrtcCompileProgram(program, options.Length, pointers);
            }
            finally
            {
                foreach (var h in handles) h.Free();
            }
            if (status == NvrtcNative.NVRTC_ERROR_COMPILATION)
                throw new GpuBuildException($"NVRTC for {architecture}", string.Join(' ', options), Log(program));
            NvrtcNative.Check(status, "nvrtcCompileProgram");
            nuint size = 0;
            NvrtcNative.Check(NvrtcNative.nvrtcGetCubinSize(program, &size), "nvrtcGetCUBINSize");
            var cubin = new byte[size];
            fixed (byte* c = cubin) NvrtcNative.Check(NvrtcNative.nvrtcGetCubin(program, c), "nvrtcGetCUBIN");
            return cubin;
        }
        finally
        {
            NvrtcNative.nvrtcDestroyProgram(&program);
        }
    }

    private static string Log(nint program)
    {
        nuint size = 0;
        if (NvrtcNative.nvrtcGetProgramLogSize(program, &size) != 0 || size == 0) return "(no build log)";
        var bytes = new byte[size];
        fixed (byte* b = bytes) if (NvrtcNative.nvrtcGetProgramLog(program, b) != 0) return "(no build log)";
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private sealed class CudaBuffer(CudaDevice device, int length, BufferElement element, ulong pointer) : GpuBuffer(device, length, element)
    {
        public ulong Pointer { get; private set; } = pointer;

        public override void Dispose()
        {
            if (Pointer == 0) return;
            ((CudaDevice)Device).Free(this);
            Pointer = 0;
        }
    }

    /// <summary>A disposed buffer's memory: kept in the pool for the next Allocate of its size (BufferPool.cs).</summary>
    private void Free(CudaBuffer buffer)
    {
        if (_disposed || !_live.Remove(buffer)) return;
        _pool.Return(buffer.Bytes, buffer.Pointer);
    }

    public override long PooledBytes => _pool.HeldBytes;

    /// <summary>
    /// The tile the kernels are compiled with (Compile) and the host launches gemm_packed with: the wide one. A
    /// CUDA device's products use the tiled gemm (version 1); version 4 runs there only when asked for.
    /// </summary>
    public override PackedTile PackedTile => TileFor(Precision);

    private static PackedTile TileFor(GpuPrecision precision) => PackedTile.Wide(precision);

    private void MakeCurrent() => CudaNative.Check(CudaNative.cuCtxSetCurrent(_context), "cuCtxSetCurrent");

    public override GpuBuffer Allocate(int length, BufferElement element = BufferElement.Real)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ObjectDisposedException.ThrowIf(_disposed, this);
        MakeCurrent();
        long bytes = (long)length * (element == BufferElement.Int32 ? 4 : Precision.Size());
        if (!_pool.TryTake(bytes, out ulong pointer))
            CudaNative.Check(CudaNative.cuMemAlloc(&pointer, (nuint)bytes), $"cuMemAlloc_v2({bytes} bytes)");
        var buffer = new CudaBuffer(this, length, element, pointer);
        _live.Add(buffer);
        return buffer;
    }

    private static ulong PointerOf(GpuBuffer buffer) =>
        buffer is CudaBuffer { Pointer: not 0 } b ? b.Pointer : throw new ArgumentException("not a live CUDA buffer", nameof(buffer));

    public override void Zero(GpuBuffer buffer)
    {
        MakeCurrent();
        CudaNative.Check(CudaNative.cuMemsetD8(PointerOf(buffer), 0, (nuint)buffer.Bytes), "cuMemsetD8_v2");
    }

    protected override void Write(GpuBuffer buffer, long byteOffset, ReadOnlySpan<byte> bytes)
    {
        MakeCurrent();
        fixed (byte* b = bytes)
            CudaNative.Check(CudaNative.cuMemcpyHtoD(PointerOf(buffer) + (ulong)byteOffset, b, (nuint)bytes.Length), "cuMemcpyHtoD_v2");
    }

    protected override void Read(GpuBuffer buffer, long byteOffset, Span<byte> bytes)
    {
        MakeCurrent();
        fixed (byte* b = bytes)
            CudaNative.Check(CudaNative.cuMemcpyDtoH(b, PointerOf(buffer) + (ulong)byteOffset, (nuint)bytes.Length), "cuMemcpyDtoH_v2");
    }

    public override void Launch(string kernel, LaunchShape shape, ReadOnlySpan<KernelArg> args)
    {
        if (!_functions.TryGetValue(kernel, out var function))
            throw new ArgumentException($"no kernel '{kernel}'; the kernels are {string.Join(", ", _functions.Keys)}", nameof(kernel));
        MakeCurrent();
        // cuLaunchKernel takes one pointer per parameter, each pointing at the parameter's value
        ulong* values = stackalloc ulong[args.Length];
        void** parameters = stackalloc void*[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].Buffer is { } buffer) values[i] = PointerOf(buffer);
            else *(int*)&values[i] = args[i].Value;
            parameters[i] = &values[i];
        }
        CudaNative.Check(CudaNative.cuLaunchKernel(function, (uint)shape.GroupsX, (uint)shape.GroupsY, 1,
            (uint)shape.LocalX, (uint)shape.LocalY, 1, 0, 0, parameters, null), $"cuLaunchKernel({kernel})");
    }

    public override void Finish()
    {
        MakeCurrent();
        CudaNative.Check(CudaNative.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    public override void Dispose()
    {
        if (_disposed) return;
        CudaNative.cuCtxSetCurrent(_context);
        CudaNative.cuCtxSynchronize();
        foreach (var buffer in _live) CudaNative.cuMemFree(buffer.Pointer);
        _live.Clear();
        _pool.FreeAll();
        CudaNative.cuModuleUnload(_module);
        CudaNative.cuDevicePrimaryCtxRelease(_device);
        _disposed = true;
    }
}
