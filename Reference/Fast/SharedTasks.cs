// Runs a product's tasks 0 .. n-1 on the calling thread and on up to threads - 1 thread-pool
// threads that join it, each taking the next task not yet taken (one shared counter). The caller
// starts at once and never waits for a helper to start: a helper that the machine does not run
// before the caller has taken every task finds none left and ends. So a free core shares the
// work and a busy machine costs no more than one thread would. The caller returns when every task
// taken has finished.
//
// Which thread runs a task never changes what the task computes (Gemm's tasks are whole tiles of
// C, each computed by the same operations wherever it runs), so the results are the same bits
// however the tasks fall.
namespace Rnn.Reference.Fast;

internal sealed class SharedTasks
{
    private readonly int _count;
    private readonly Action<int> _run;
    private readonly ManualResetEventSlim _allDone = new(false);
    private int _next = -1;       // the last task taken
    private int _finished;        // tasks finished
    private Exception? _error;

    private SharedTasks(int count, Action<int> run)
    {
        _count = count;
        _run = run;
    }

    /// <summary>run(0) .. run(count - 1), each once, on the caller and on up to threads - 1 helpers.</summary>
    public static void Run(int count, int threads, Action<int> run)
    {
        var shared = new SharedTasks(count, run);
        for (int h = 1; h < Math.Min(threads, count); h++)
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Work(), shared, preferLocal: false);
        shared.Work();
        shared._allDone.Wait();   // not disposed: it holds no kernel handle, and a helper may still be leaving Set
        if (shared._error is not null) throw new AggregateException(shared._error);
    }

    private void Work()
    {
        while (true)
        {
            int task = Interlocked.Increment(ref _next);
            if (task >= _count) return;
            try
            {
                _run(task);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }
            finally
            {
                if (Interlocked.Increment(ref _finished) == _count) _allDone.Set();
            }
        }
    }
}
