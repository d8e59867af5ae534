// One opened device with the kernel program built for one precision: the few operations the
// recurrent stack needs (allocate, upload, download, zero, launch, finish), the same for OpenCL and
// CUDA. Buffers hold REAL (float or double) or int elements; the host side is always double.
// A device is used from one thread at a time. Dispose frees everything it allocated.
using System.Runtime.InteropServices;
using Rnn.Reference.Gpu.Kernels;

namespace Rnn.Reference.Gpu;

/// <summary>A kernel's launch shape: GroupsX x GroupsY work-groups of LocalX x LocalY work-items.</summary>
public readonly record struct LaunchShape(int GroupsX, int GroupsY, int LocalX, int LocalY)
{
    /// <summary>1-D: enough work-groups of `local` work-items to cover `count`.</summary>
    public static LaunchShape Cover(int count, int local = KernelSource.PointwiseWg) =>
        new(Math.Max(1, (count + local - 1) / local), 1, local, 1);
}

/// <summary>A kernel argument: a device buffer or a 32-bit integer.</summary>
public readonly struct KernelArg
{
    public GpuBuffer? Buffer { get; }
    public int Value { get; }

    private KernelArg(GpuBuffer? buffer, int value) { Buffer = buffer; Value = value; }

    public static implicit operator KernelArg(GpuBuffer buffer) => new(buffer ?? throw new ArgumentNullException(nameof(buffer)), 0);

    public static implicit operator KernelArg(int value) => new(null, value);

    public static implicit operator KernelArg(bool value) => new(null, value ? 1 : 0);
}

public enum BufferElement { Real, Int32 }

/// <summary>Device memory of Length elements. Owned by its device: Dispose returns it, and the device frees what is left when it is disposed.</summary>
public abstract class GpuBuffer : IDisposable
{
    protected GpuBuffer(GpuDevice device, int length, BufferElement element)
    {
        Device = device;
        Length = length;
        Element = element;
    }

    public GpuDevice Device { get; }
    public int Length { get; }
    public BufferElement Element { get; }
    public long Bytes => (long)Length * (Element == BufferElement.Int32 ? 4 : Device.Precision.Size());

    public abstract void Dispose();
}

public abstract class GpuDevice : IDisposable
{
    protected GpuDevice(GpuPrecision precision, DeviceSpec spec, string name)
    {
        Precision = precision;
        Spec = spec;
        Name = name;
    }

    public GpuPrecision Precision { get; }
    public DeviceSpec Spec { get; }

    /// <summary>The device's own name (and platform), as the driver reports it.</summary>
    public string Name { get; }

    public override string ToString() => $"{Spec} {Name} ({Precision.Name()})";

    /// <summary>The gemm version the stack's products use on this device (Kernels/GpuKernels.cs): version 4 takes any layout; with another, a B that is not row-major takes version 1.</summary>
    public virtual GemmVersion PreferredGemm => GemmVersion.Tiled;

    /// <summary>gemm_packed's register tile, the one the device's kernels were built with (Kernels/PackedTile.cs).</summary>
    public abstract PackedTile PackedTile { get; }

    /// <summary>
    /// Hidden units per work-item of the fused pointwise kernels (Kernels/recurrent_*.c): 1 on a GPU (one
    /// thread per element); on a CPU device a run of neighbouring ones, whose loop the compiler vectorises.
    /// </summary>
    public virtual int PointwiseRun => 1;

    /// <summary>
    /// Opens "opencl[:N]" or "cuda[:N]" and builds the kernels for the precision. With profile, every
    /// command's device time is recorded per kernel (ReadProfile); OpenCL only, and it slows each launch a little.
    /// </summary>
    public static GpuDevice Open(DeviceSpec spec, GpuPrecision precision, bool profile = false) => spec.Api switch
    {
        GpuApi.OpenCL => OpenCL.OpenClDevice.Open(spec.Index, precision, profile),
        _ => profile
            ? throw new NotSupportedException($"profiling is implemented for OpenCL devices only, not {spec}")
            : Cuda.CudaDevice.Open(spec.Index, precision),
    };

    public static GpuDevice Open(string spec, GpuPrecision precision, bool profile = false) => Open(DeviceSpec.Parse(spec), precision, profile);

    /// <summary>
    /// The per-kernel device times (the longest first) recorded since the device opened or since the
    /// last reset, after waiting for every queued command; reset starts the totals again from zero.
    /// Throws when the device was not opened with profile: true.
    /// </summary>
    public virtual IReadOnlyList<KernelTime> ReadProfile(bool reset = false) =>
        throw new InvalidOperationException($"{Spec} was not opened with profiling (GpuDevice.Open(..., profile: true))");

    /// <summary>
    /// A buffer of `length` elements, its contents undefined: memory of the same size that an earlier
    /// buffer's Dispose gave back is reused (BufferPool.cs), else the driver allocates it.
    /// </summary>
    public abstract GpuBuffer Allocate(int length, BufferElement element = BufferElement.Real);

    /// <summary>Bytes of device memory that disposed buffers left for reuse (at most PoolCapacityBytes); Dispose of the device frees them.</summary>
    public abstract long PooledBytes { get; }

    /// <summary>How much memory of disposed buffers a device keeps for reuse: 1 GiB.</summary>
    public const long PoolCapacityBytes = 1L << 30;

    public abstract void Zero(GpuBuffer buffer);

    /// <summary>Runs a kernel (asynchronously; Finish waits). Every entry of KernelSource.EntryPoints can be launched.</summary>
    public abstract void Launch(string kernel, LaunchShape shape, ReadOnlySpan<KernelArg> args);

    /// <summary>Waits until every queued command has finished.</summary>
    public abstract void Finish();

    protected abstract void Write(GpuBuffer buffer, long byteOffset, ReadOnlySpan<byte> bytes);

    protected abstract void Read(GpuBuffer buffer, long byteOffset, Span<byte> bytes);

    public abstract void Dispose();

    /// <summary>A new buffer holding the values (converted to float for Float32).</summary>
    public GpuBuffer Upload(ReadOnlySpan<double> values)
    {
        var buffer = Allocate(Math.Max(1, values.Length));
        if (!values.IsEmpty) Upload(buffer, 0, values);
        return buffer;
    }

    /// <summary>A new int buffer holding the values.</summary>
    public GpuBuffer UploadInts(ReadOnlySpan<int> values)
    {
        var buffer = Allocate(Math.Max(1, values.Length), BufferElement.Int32);
        if (!values.IsEmpty) Write(buffer, 0, MemoryMarshal.AsBytes(values));
        return buffer;
    }

    /// <summary>Writes values into buffer[offset .. offset + values.Length).</summary>
    public void Upload(GpuBuffer buffer, int offset, ReadOnlySpan<double> values)
    {
        CheckRange(buffer, offset, values.Length, BufferElement.Real);
        if (Precision == GpuPrecision.Float64)
            Write(buffer, offset * 8L, MemoryMarshal.AsBytes(values));
        else
        {
            var singles = Staging(values.Length);
            FloatConversion.Narrow(values, singles);
            Write(buffer, offset * 4L, MemoryMarshal.AsBytes(singles));
        }
    }

    /// <summary>Reads buffer[offset .. offset + values.Length) into values (float widened to double).</summary>
    public void Download(GpuBuffer buffer, int offset, Span<double> values)
    {
        CheckRange(buffer, offset, values.Length, BufferElement.Real);
        if (Precision == GpuPrecision.Float64)
            Read(buffer, offset * 8L, MemoryMarshal.AsBytes(values));
        else if (!values.IsEmpty)
            ReadWidened(buffer, offset * 4L, values);
    }

    /// <summary>
    /// A float32 device's download: the floats from byteOffset on, widened into values (not empty). Here
    /// through the staging array; a device whose memory the host can read where it is reads it there
    /// (OpenClDevice on a CPU device).
    /// </summary>
    protected virtual void ReadWidened(GpuBuffer buffer, long byteOffset, Span<double> values)
    {
        var singles = Staging(values.Length);
        Read(buffer, byteOffset, MemoryMarshal.AsBytes(singles));
        FloatConversion.WidenOnAllCores(singles, values);
    }

    private float[] _staging = [];

    /// <summary>
    /// The floats a float32 transfer goes through (Write and Read are blocking, so one array serves every
    /// transfer): kept and grown to the largest transfer so far, so that a transfer does not allocate and
    /// first-touch fresh host memory each time. Every element is written before it is read.
    /// </summary>
    private Span<float> Staging(int length)
    {
        if (_staging.Length < length) _staging = GC.AllocateUninitializedArray<float>(length);
        return _staging.AsSpan(0, length);
    }

    /// <summary>The first `length` elements of the buffer as doubles.</summary>
    public double[] Download(GpuBuffer buffer, int offset, int length)
    {
        // every element is written by the download: nothing to clear first
        var values = GC.AllocateUninitializedArray<double>(length);
        if (length > 0) Download(buffer, offset, values);
        return values;
    }

    private void CheckRange(GpuBuffer buffer, int offset, int length, BufferElement element)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Device != this) throw new ArgumentException("the buffer belongs to another device", nameof(buffer));
        if (buffer.Element != element) throw new ArgumentException($"the buffer holds {buffer.Element} elements, not {element}", nameof(buffer));
        if (offset < 0 || length < 0 || (long)offset + length > buffer.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"elements {offset} .. {offset + length} are outside the buffer's {buffer.Length}");
    }
}
