// Device memory kept for reuse, as PyTorch's caching allocator keeps CUDA memory: a buffer's Dispose
// gives its memory to the device's pool instead of back to the driver, and the next Allocate of the
// same number of bytes takes it from there. The recurrent stack allocates the same sizes at every call
// (xProj, the gates, dG: 26 MB each for lstm-medium in float), and a fresh allocation costs the driver's
// call and, on a CPU device such as PoCL's, a page fault at the first touch of each of its pages.
// Reuse is safe because every device runs its commands in order (OpenCL: an in-order queue; CUDA: the
// default stream): a command enqueued after the memory is taken again runs after every command that
// used it before. A reused buffer holds whatever it held (Allocate never promised zeros; Zeros does).
// The pool holds at most CapacityBytes; memory returned beyond that goes back to the driver.
namespace Rnn.Reference.Gpu;

internal sealed class BufferPool<TMemory>(long capacityBytes, Action<TMemory> free)
{
    private readonly Dictionary<long, Stack<TMemory>> _free = [];

    /// <summary>Bytes held for reuse now.</summary>
    public long HeldBytes { get; private set; }

    public long CapacityBytes { get; } = capacityBytes;

    /// <summary>Memory of exactly `bytes` bytes returned earlier, if there is any.</summary>
    public bool TryTake(long bytes, out TMemory memory)
    {
        if (_free.TryGetValue(bytes, out var stack) && stack.TryPop(out memory!))
        {
            HeldBytes -= bytes;
            return true;
        }
        memory = default!;
        return false;
    }

    /// <summary>Keeps the memory for reuse, or frees it when the pool would hold more than CapacityBytes.</summary>
    public void Return(long bytes, TMemory memory)
    {
        if (HeldBytes + bytes > CapacityBytes)
        {
            free(memory);
            return;
        }
        if (!_free.TryGetValue(bytes, out var stack)) _free[bytes] = stack = new Stack<TMemory>();
        stack.Push(memory);
        HeldBytes += bytes;
    }

    /// <summary>Frees everything held.</summary>
    public void FreeAll()
    {
        foreach (var stack in _free.Values)
            while (stack.TryPop(out var memory)) free(memory);
        _free.Clear();
        HeldBytes = 0;
    }
}
