// An OpenCL device opened for one precision: a context, an in-order command queue, the program
// built from KernelSource with -DREAL=..., and one kernel object per entry point. Opened with
// profile, the queue has CL_QUEUE_PROFILING_ENABLE and every command returns an event whose
// CL_PROFILING_COMMAND_START / _END are added to the GpuProfile under the kernel's name once the
// command has finished (at Finish, after a blocking transfer, or when ReadProfile is called).
using System.Text;
using Rnn.Reference.Gpu.Kernels;

namespace Rnn.Reference.Gpu.OpenCL;

public sealed unsafe class OpenClDevice : GpuDevice
{
    private readonly ClContextHandle _context;
    private readonly ClQueueHandle _queue;
    private readonly ClProgramHandle _program;
    private readonly Dictionary<string, ClKernelHandle> _kernels = new(StringComparer.Ordinal);
    private readonly GpuProfile? _profile;
    private readonly List<(string Name, nint Event)> _pendingEvents = [];
    private readonly BufferPool<ClMemHandle> _pool = new(PoolCapacityBytes, mem => mem.Dispose());
    private bool _disposed;

    public OpenClDeviceInfo Info { get; }

    public override GemmVersion PreferredGemm => Info.IsCpu ? GemmVersion.Packed : GemmVersion.Tiled;

    public override int PointwiseRun => Info.IsCpu ? 16 : 1;

    public override PackedTile PackedTile { get; }

    private OpenClDevice(OpenClDeviceInfo info, GpuPrecision precision, PackedTile packedTile, ClContextHandle context, ClQueueHandle queue, ClProgramHandle program, bool profile)
        : base(precision, new DeviceSpec(GpuApi.OpenCL, info.Index), $"{info.Name} ({info.Platform})")
    {
        Info = info;
        PackedTile = packedTile;
        _context = context;
        _queue = queue;
        _program = program;
        _profile = profile ? new GpuProfile() : null;
    }

    /// <summary>
    /// Opens opencl:index and builds the kernels; throws GpuUnavailableException / GpuBuildException.
    /// With profile, the queue records every command's device time (ReadProfile). packedTile, when given,
    /// replaces the gemm_packed tile chosen for the device's registers (OpenClDeviceInfo.PackedTile): the
    /// same products and bits, at another speed (tests build both tiles on one device).
    /// </summary>
    public static OpenClDevice Open(int index, GpuPrecision precision, bool profile = false, PackedTile? packedTile = null)
    {
        if (packedTile is { } t && (t.Rows is < 1 or > 16 || t.Lanes is not (2 or 4 or 8 or 16)))
            throw new ArgumentOutOfRangeException(nameof(packedTile), t,
                "a packed tile has 1 to 16 rows and 2, 4, 8 or 16 lanes (an OpenCL vector type)");
        var info = OpenClDevices.Find(index, precision);
        var tile = packedTile ?? info.PackedTile(precision);
        var (context, queue) = CreateContext(info, profile);
        ClProgramHandle? program = null;
        try
        {
            program = Build(context, info, KernelSource.Text, precision, tile);
            var device = new OpenClDevice(info, precision, tile, context, queue, program, profile);
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
        var (context, queue) = CreateContext(info, profile: false);
        using (context)
        using (queue)
        using (Build(context, info, source, precision, info.PackedTile(precision))) { }
    }

    private static (ClContextHandle, ClQueueHandle) CreateContext(OpenClDeviceInfo info, bool profile)
    {
        nint deviceId = info.DeviceId;
        int err = 0;
        var context = new ClContextHandle(OpenClNative.clCreateContext(null, 1, &deviceId, 0, 0, &err));
        OpenClNative.Check(err, "clCreateContext");
        ulong properties = profile ? OpenClNative.CL_QUEUE_PROFILING_ENABLE : 0;
        var queue = new ClQueueHandle(OpenClNative.clCreateCommandQueue(context.DangerousGetHandle(), deviceId, properties, &err));
        if (err != OpenClNative.CL_SUCCESS) context.Dispose();
        OpenClNative.Check(err, "clCreateCommandQueue");
        return (context, queue);
    }

    private static ClProgramHandle Build(ClContextHandle context, OpenClDeviceInfo info, string source, GpuPrecision precision, PackedTile tile)
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
        string options = string.Join(' ', KernelSource.DefineOptions(precision, tile)) + " -cl-std=CL1.2";
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
        private bool _disposed;

        public ClMemHandle Mem { get; } = mem;

        /// <summary>Gives the memory to the device's pool (or, once the device is disposed, back to the driver); a second Dispose does nothing.</summary>
        public override void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            ((OpenClDevice)Device).Return(this);
        }
    }

    private void Return(ClBuffer buffer)
    {
        if (_disposed) buffer.Mem.Dispose();
        else _pool.Return(buffer.Bytes, buffer.Mem);
    }

    public override long PooledBytes => _pool.HeldBytes;

    public override GpuBuffer Allocate(int length, BufferElement element = BufferElement.Real)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ObjectDisposedException.ThrowIf(_disposed, this);
        long bytes = (long)length * (element == BufferElement.Int32 ? 4 : Precision.Size());
        if (_pool.TryTake(bytes, out var reused)) return new ClBuffer(this, length, element, reused);
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
        nint evt = 0;
        OpenClNative.Check(OpenClNative.clEnqueueFillBuffer(_queue.DangerousGetHandle(), MemOf(buffer), &zero, 1, 0,
            (nuint)buffer.Bytes, 0, null, EventSlot(&evt)), "clEnqueueFillBuffer");
        Record("(fill)", evt);
    }

    protected override void Write(GpuBuffer buffer, long byteOffset, ReadOnlySpan<byte> bytes)
    {
        nint evt = 0;
        fixed (byte* b = bytes)
            OpenClNative.Check(OpenClNative.clEnqueueWriteBuffer(_queue.DangerousGetHandle(), MemOf(buffer), 1, (nuint)byteOffset,
                (nuint)bytes.Length, b, 0, null, EventSlot(&evt)), "clEnqueueWriteBuffer");
        Record("(upload)", evt);
        CollectFinished();   // a blocking write on an in-order queue: every earlier command has finished
    }

    protected override void Read(GpuBuffer buffer, long byteOffset, Span<byte> bytes)
    {
        nint evt = 0;
        fixed (byte* b = bytes)
            OpenClNative.Check(OpenClNative.clEnqueueReadBuffer(_queue.DangerousGetHandle(), MemOf(buffer), 1, (nuint)byteOffset,
                (nuint)bytes.Length, b, 0, null, EventSlot(&evt)), "clEnqueueReadBuffer");
        Record("(download)", evt);
        CollectFinished();   // a blocking read on an in-order queue: every earlier command has finished
    }

    /// <summary>
    /// On a CPU device the buffer is host memory: mapped for reading (no copy into a staging array) and
    /// widened from where it is, on all cores (the device is idle meanwhile: the map waits for every
    /// queued command). Any other device reads through the staging array (GpuDevice).
    /// </summary>
    protected override void ReadWidened(GpuBuffer buffer, long byteOffset, Span<double> values)
    {
        if (!Info.IsCpu)
        {
            base.ReadWidened(buffer, byteOffset, values);
            return;
        }
        nint queue = _queue.DangerousGetHandle(), mem = MemOf(buffer);
        nint evt = 0;
        int err = 0;
        void* mapped = OpenClNative.clEnqueueMapBuffer(queue, mem, 1, OpenClNative.CL_MAP_READ, (nuint)byteOffset,
            (nuint)values.Length * sizeof(float), 0, null, EventSlot(&evt), &err);
        OpenClNative.Check(err, "clEnqueueMapBuffer");
        Record("(download)", evt);
        CollectFinished();   // a blocking map on an in-order queue: every earlier command has finished
        try
        {
            FloatConversion.WidenOnAllCores(new ReadOnlySpan<float>(mapped, values.Length), values);
        }
        finally
        {
            OpenClNative.Check(OpenClNative.clEnqueueUnmapMemObject(queue, mem, mapped, 0, null, null), "clEnqueueUnmapMemObject");
        }
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
        nint evt = 0;
        OpenClNative.Check(OpenClNative.clEnqueueNDRangeKernel(_queue.DangerousGetHandle(), k, shape.GroupsY == 1 && shape.LocalY == 1 ? 1u : 2u,
            null, global, local, 0, null, EventSlot(&evt)), $"clEnqueueNDRangeKernel({kernel})");
        Record(kernel, evt);
    }

    public override void Finish()
    {
        OpenClNative.Check(OpenClNative.clFinish(_queue.DangerousGetHandle()), "clFinish");
        CollectFinished();
    }

    public override IReadOnlyList<KernelTime> ReadProfile(bool reset = false)
    {
        if (_profile is null) return base.ReadProfile(reset);
        Finish();
        var totals = _profile.Totals();
        if (reset) _profile.Reset();
        return totals;
    }

    /// <summary>Where the enqueue call writes the command's event: only when profiling (null asks for none).</summary>
    private nint* EventSlot(nint* evt) => _profile is null ? null : evt;

    private void Record(string name, nint evt)
    {
        if (_profile is null) return;
        _pendingEvents.Add((name, evt));
    }

    /// <summary>Adds every pending event's END - START to the profile and releases it; the queue has finished them all.</summary>
    private void CollectFinished()
    {
        if (_profile is null) return;
        foreach (var (name, evt) in _pendingEvents)
        {
            ulong start = 0, end = 0;
            OpenClNative.Check(OpenClNative.clGetEventProfilingInfo(evt, OpenClNative.CL_PROFILING_COMMAND_START, sizeof(ulong), &start, null), "clGetEventProfilingInfo(CL_PROFILING_COMMAND_START)");
            OpenClNative.Check(OpenClNative.clGetEventProfilingInfo(evt, OpenClNative.CL_PROFILING_COMMAND_END, sizeof(ulong), &end, null), "clGetEventProfilingInfo(CL_PROFILING_COMMAND_END)");
            OpenClNative.Check(OpenClNative.clReleaseEvent(evt), "clReleaseEvent");
            _profile.Add(name, (long)(end - start));
        }
        _pendingEvents.Clear();
    }

    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, evt) in _pendingEvents) OpenClNative.clReleaseEvent(evt);
        _pendingEvents.Clear();
        _pool.FreeAll();
        foreach (var k in _kernels.Values) k.Dispose();
        _program.Dispose();
        _queue.Dispose();
        _context.Dispose();
    }
}
