// The buffers of one call, freed together when the call ends (also when it throws).
namespace Rnn.Reference.Gpu;

public sealed class BufferScope(GpuDevice device) : IDisposable
{
    private readonly List<GpuBuffer> _buffers = [];

    public GpuDevice Device { get; } = device;

    public GpuBuffer Allocate(int length, BufferElement element = BufferElement.Real) => Track(Device.Allocate(length, element));

    /// <summary>A zero-filled buffer.</summary>
    public GpuBuffer Zeros(int length)
    {
        var b = Allocate(length);
        Device.Zero(b);
        return b;
    }

    public GpuBuffer Upload(ReadOnlySpan<double> values) => Track(Device.Upload(values));

    public GpuBuffer UploadInts(ReadOnlySpan<int> values) => Track(Device.UploadInts(values));

    public GpuBuffer Track(GpuBuffer buffer)
    {
        _buffers.Add(buffer);
        return buffer;
    }

    public void Dispose()
    {
        foreach (var b in _buffers) b.Dispose();
        _buffers.Clear();
    }
}
