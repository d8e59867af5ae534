// Work in numbered blocks that a sequential loop needs one after another (the forward's input
// projection, a block of steps at a time), computed ahead of the loop by a free thread. The loop
// calls Need(b) before it reads block b: a block not yet taken is computed there and then on the
// loop's thread (blocks are taken in order 0, 1, 2, ... from one shared counter), one taken by a
// helper is waited for. Up to threads - 1 thread-pool helpers take blocks while any are left; the
// loop never waits for a helper to start, so on a machine whose other cores are busy the loop
// computes every block itself, just before it needs it, as on one thread.
//
// Which thread computes a block never changes what it computes (the projection's rows, each by the
// same operations wherever it runs), so the results are the same bits however the blocks fall.
namespace Rnn.Reference.Fast;

internal sealed class BlocksAhead
{
    private readonly int _count;
    private readonly Action<int> _compute;
    private readonly int[] _done;     // 1 once block b is computed
    private int _next = -1;           // the last block taken
    private int _helping;             // helpers between taking a block and finishing it
    private Exception? _error;

    private BlocksAhead(int count, Action<int> compute)
    {
        _count = count;
        _compute = compute;
        _done = new int[count];
    }

    /// <summary>Blocks 0 .. count - 1 of compute, to be asked for in order with Need; helpers start on them at once.</summary>
    public static BlocksAhead Start(int count, int threads, Action<int> compute)
    {
        var blocks = new BlocksAhead(count, compute);
        for (int h = 1; h < Math.Min(threads, count); h++)
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Help(), blocks, preferLocal: false);
        return blocks;
    }

    /// <summary>Returns once block b is computed: by the calling thread if no helper has taken it.</summary>
    public void Need(int b)
    {
        while (Volatile.Read(ref _done[b]) == 0)
        {
            int taken = Interlocked.Increment(ref _next);
            if (taken < _count) Compute(taken);
            else
            {
                // a helper holds b: wait for it
                var spin = new SpinWait();
                while (Volatile.Read(ref _done[b]) == 0 && Volatile.Read(ref _error) is null) spin.SpinOnce();
            }
            if (Volatile.Read(ref _error) is { } e) throw new AggregateException(e);
        }
    }

    /// <summary>
    /// Leaves no block for the helpers to take and waits for the ones they hold: after it no helper
    /// touches the blocks' buffers, which may then be returned (also when the loop ends by an exception).
    /// </summary>
    public void Finish()
    {
        Interlocked.Exchange(ref _next, _count);
        var spin = new SpinWait();
        while (Volatile.Read(ref _helping) > 0) spin.SpinOnce();
    }

    private void Help()
    {
        while (Volatile.Read(ref _error) is null)
        {
            Interlocked.Increment(ref _helping);     // before taking, so that Finish sees a block being taken
            try
            {
                int taken = Interlocked.Increment(ref _next);
                if (taken >= _count) return;
                Compute(taken);
            }
            finally
            {
                Interlocked.Decrement(ref _helping);
            }
        }
    }

    private void Compute(int b)
    {
        try
        {
            _compute(b);
            Volatile.Write(ref _done[b], 1);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
        }
    }
}
