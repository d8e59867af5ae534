// An OpenCL device opened for one precision: a context, an in-order command queue, the program
// built from KernelSource with -DREAL=..., and one kernel object per entry point.
using System.Text;
using Rnn.Reference.Gpu.Kernels;

namespace Rnn.Reference.Gpu.OpenCL;

public sealed unsafe class OpenClDevice : GpuDevice
{
    private readonly ClContextHandle _context;
    private readonly ClQueueHandle _queue;
    private readonly ClProgramHandle _program;
    private readonly Dictionary<string, ClKernelHandle> _kernels = new(StringComparer.Ordinal);
    private bool _disposed;

    public OpenClDeviceInfo Info { get; }

    public override GemmVersion PreferredGemm => Info.IsCpu ? GemmVersion.RowBlock : GemmVersion.Tiled;

    private OpenClDevice(OpenClDeviceInfo info, GpuPrecision precision, ClContextHandle context, ClQueueHandle queue, ClProgramHandle program)
        : base(precision, new DeviceSpec(GpuApi.OpenCL, info.Index), $"{info.Name} ({info.Platform})")
    {
        Info = info;
        _context = context;
        _queue = queue;
        _program = program;
    }

    /// <summary>Opens opencl:index and builds the kernels; throws GpuUnavailableException / GpuBuildException.</summary>
    public static OpenClDevice Open(int index, GpuPrecision precision)
    {
        var info = OpenClDevices.Find(index, precision);
        var (context, queue) = CreateContext(info);
        ClProgramHandle? program = null;
        try
        {
            program = Build(context, info, KernelSource.Text, precision);
            var device = new OpenClDevice(info, precision, context, queue, program);
            foreach (var name in KernelSource.EntryPoints) device._kernels[name] = device.CreateKernel(name);
            return device;
        }
        catch
        {
            program?.Dispose();
            queue.Dispose();
            context.Dispose();
            throw;
        }
    }

    /// <summary>Compiles a program text for one device; a compile error throws GpuBuildException with the build log.</summary>
    public static void BuildOnly(int index, string source, GpuPrecision precision)
    {
        var info = OpenClDevices.Find(index, precision);
        var (context, queue) = CreateContext(info);
        using (context)
        using (queue)
        using (Build(context, info, source, precision)) { }
    }

    private static (ClContextHandle, ClQueueHandle) CreateContext(OpenClDeviceInfo info)
    {
        nint deviceId = info.DeviceId;
        int err = 0;
        var context = new ClContextHandle(OpenClNative.clCreateContext(null, 1, &deviceId, 0, 0, &err));
        OpenClNative.Check(err, "clCreateContext");
        var queue = new ClQueueHandle(OpenClNative.clCreateCommandQueue(context.DangerousGetHandle(), deviceId, 0, &err));
        if (err != OpenClNative.CL_SUCCESS) context.Dispose();
        OpenClNative.Check(err, "clCreateCommandQueue");
        return (context, queue);
    }

    private static ClProgramHandle Build(ClContextHandle context, OpenClDeviceInfo info, string source, GpuPrecision precision)
    {
        byte[] text = Encoding.UTF8.GetBytes(source);
        int err = 0;
        nint handle;
        fixed (byte* t = text)
        {
            byte* strings = t;
            nuint length = (nuint)text.Length;
            handle = OpenClNative.clCreateProgramWithSource(context.DangerousGetHandle(), 1, &strings, &length, &err);
        }
        OpenClNative.Check(err, "clCreateProgramWithSource");
        var program = new ClProgramHandle(handle);
        string options = string.Join(' ', KernelSource.DefineOptions(precision)) + " -cl-std=CL1.2";
        byte[] optionBytes = Encoding.UTF8.GetBytes(options + "\0");
        nint deviceId = info.DeviceId;
        int status;
        fixed (byte* o = optionBytes) status = OpenClNative.clBuildProgram(handle, 1, &deviceId, o, 0, 0);
        if (status != OpenClNative.CL_SUCCESS)
        {
            string log = BuildLog(handle, deviceId);
            program.Dispose();
            if (status == OpenClNative.CL_BUILD_PROGRAM_FAILURE)
                throw new GpuBuildException($"clBuildProgram on opencl:{info.Index} {info.Name}", options, log);
            throw new GpuCallException("clBuildProgram", status, OpenClNative.StatusName(status), log);
        }
        return program;
    }

    private static string BuildLog(nint program, nint device)
    {
        nuint size = 0;
        if (OpenClNative.clGetProgramBuildInfo(program, device, OpenClNative.CL_PROGRAM_BUILD_LOG, 0, null, &size) != 0) return "(no build log)";
        var bytes = new byte[size];
        fixed (byte* b = bytes)
            if (OpenClNative.clGetProgramBuildInfo(program, device, OpenClNative.CL_PROGRAM_BUILD_LOG, size, b, null) != 0) return "(no build log)";
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private ClKernelHandle CreateKernel(string name)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(name + "\0");
        int err = 0;
        nint handle;
        fixed (byte* n = bytes) handle = OpenClNative.clCreateKernel(_program.DangerousGetHandle(), n, &err);
        OpenClNative.Check(err, $"clCreateKernel({name})");
        return new ClKernelHandle(handle);
    }

    private sealed class ClBuffer(OpenClDevice device, int length, BufferElement element, ClMemHandle mem) : GpuBuffer(device, length, element)
    {
        public ClMemHandle Mem { get; } = mem;

        public override void Dispose() => Mem.Dispose();
    }

    public override GpuBuffer Allocate(int length, BufferElement element = BufferElement.Real)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        long bytes = (long)length * (element == BufferElement.Int32 ? 4 : Precision.Size());
        int err = 0;
        nint mem = OpenClNative.clCreateBuffer(_context.DangerousGetHandle(), OpenClNative.CL_MEM_READ_WRITE, (nuint)bytes, null, &err);
        OpenClNative.Check(err, $"clCreateBuffer({bytes} bytes)");
        return new ClBuffer(this, length, element, new ClMemHandle(mem));
    }

    private static nint MemOf(GpuBuffer buffer) =>
        buffer is ClBuffer b ? b.Mem.DangerousGetHandle() : throw new ArgumentException("not an OpenCL buffer", nameof(buffer));

    public override void Zero(GpuBuffer buffer)
    {
        byte zero = 0;
        OpenClNative.Check(OpenClNative.clEnqueueFillBuffer(_queue.DangerousGetHandle(), MemOf(buffer), &zero, 1, 0,
            (nuint)buffer.Bytes, 0, null, null), "clEnqueueFillBuffer");
    }

    protected override void Write(GpuBuffer buffer, long byteOffset, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* b = bytes)
            OpenClNative.Check(OpenClNative.clEnqueueWriteBuffer(_queue.DangerousGetHandle(), MemOf(buffer), 1, (nuint)byteOffset,
                (nuint)bytes.Length, b, 0, null, null), "clEnqueueWriteBuffer");
    }

    protected override void Read(GpuBuffer buffer, long byteOffset, Span<byte> bytes)
    {
        fixed (byte* b = bytes)
            OpenClNative.Check(OpenClNative.clEnqueueReadBuffer(_queue.DangerousGetHandle(), MemOf(buffer), 1, (nuint)byteOffset,
                (nuint)bytes.Length, b, 0, null, null), "clEnqueueReadBuffer");
    }

    public override void Launch(string kernel, LaunchShape shape, ReadOnlySpan<KernelArg> args)
    {
        if (!_kernels.TryGetValue(kernel, out var handle))
            throw new ArgumentException($"no kernel '{kernel}'; the kernels are {string.Join(", ", _kernels.Keys)}", nameof(kernel));
        nint k = handle.DangerousGetHandle();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].Buffer is { } buffer)
            {
                nint mem = MemOf(buffer);
                OpenClNative.Check(OpenClNative.clSetKernelArg(k, (uint)i, (nuint)sizeof(nint), &mem), $"clSetKernelArg({kernel}, {i})");
            }
            else
            {
                int value = args[i].Value;
                OpenClNative.Check(OpenClNative.clSetKernelArg(k, (uint)i, sizeof(int), &value), $"clSetKernelArg({kernel}, {i})");
            }
        }
        nuint* global = stackalloc nuint[2];
        nuint* local = stackalloc nuint[2];
        global[0] = (nuint)(shape.GroupsX * shape.LocalX);
        global[1] = (nuint)(shape.GroupsY * shape.LocalY);
        local[0] = (nuint)shape.LocalX;
        local[1] = (nuint)shape.LocalY;
        OpenClNative.Check(OpenClNative.clEnqueueNDRangeKernel(_queue.DangerousGetHandle(), k, shape.GroupsY == 1 && shape.LocalY == 1 ? 1u : 2u,
            null, global, local, 0, null, null), $"clEnqueueNDRangeKernel({kernel})");
    }

    public override void Finish() => OpenClNative.Check(OpenClNative.clFinish(_queue.DangerousGetHandle()), "clFinish");

    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var k in _kernels.Values) k.Dispose();
        _program.Dispose();
        _queue.Dispose();
        _context.Dispose();
    }
}
