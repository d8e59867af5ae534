// Per-kernel device time of a profiled device (GpuDevice.Open(..., profile: true)): for every
// command the device ran, its start and end on the device's own clock (OpenCL:
// clGetEventProfilingInfo with CL_PROFILING_COMMAND_START / _END, on a queue created with
// CL_QUEUE_PROFILING_ENABLE), summed per kernel name. Transfers are counted under "(upload)",
// "(download)" and "(fill)". Spec/gpu.md, "Where the time goes".
namespace Rnn.Reference.Gpu;

/// <summary>One kernel's (or transfer's) total: how many commands ran and their summed device time.</summary>
public readonly record struct KernelTime(string Name, int Launches, double Seconds);

public sealed class GpuProfile
{
    private readonly Dictionary<string, (int Launches, long Nanoseconds)> _totals = new(StringComparer.Ordinal);

    /// <summary>Adds one finished command's device time.</summary>
    public void Add(string name, long nanoseconds)
    {
        _totals.TryGetValue(name, out var t);
        _totals[name] = (t.Launches + 1, t.Nanoseconds + nanoseconds);
    }

    /// <summary>Forgets every total.</summary>
    public void Reset() => _totals.Clear();

    /// <summary>The totals, the longest first.</summary>
    public IReadOnlyList<KernelTime> Totals() =>
        _totals.Select(kv => new KernelTime(kv.Key, kv.Value.Launches, kv.Value.Nanoseconds * 1e-9))
            .OrderByDescending(k => k.Seconds).ThenBy(k => k.Name, StringComparer.Ordinal).ToList();
}
