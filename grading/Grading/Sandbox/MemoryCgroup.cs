// A memory limit on a run's whole process tree: a cgroup of its own, below the grader's own
// cgroup, whose memory limit the kernel enforces on the sum of every process in it (resident
// memory, the page cache and tmpfs pages it touches, kernel memory charged to it). The run's
// PID 1 joins it before anything else (`echo 0 > cgroup.procs`: 0 is the writer itself), so
// every process of the run is in it from the start. At the limit the kernel's out-of-memory
// killer kills a process of the run (SIGKILL), never one outside it.
//   cgroup v2: <mount>/<own>/rnn-run-XXXXXXXX with memory.max = limit, memory.swap.max = 0;
//              needs "memory" in the own cgroup's cgroup.subtree_control (a delegated cgroup);
//   cgroup v1: <memory mount>/<own>/rnn-run-XXXXXXXX with memory.limit_in_bytes = limit and
//              memory.memsw.limit_in_bytes = limit where swap is accounted.
// v2 is used where its memory controller is enabled, else v1. Where neither can be made (not
// root, no memory controller, not permitted) Create says why and the run uses the fallback
// bound (Spec/sandbox.md, "Memory of the whole run").
using System.Globalization;
using System.Security.Cryptography;

namespace Rnn.Grading.Sandbox;

internal sealed class MemoryCgroup : IDisposable
{
    public const string NamePrefix = "rnn-run-";

    /// <summary>The cgroup folder.</summary>
    public string Path { get; }

    /// <summary>1 or 2.</summary>
    public int Version { get; }

    public long LimitBytes { get; }

    /// <summary>The file PID 1 of the run writes 0 to, joining the cgroup.</summary>
    public string ProcsFile => System.IO.Path.Combine(Path, "cgroup.procs");

    private MemoryCgroup(string path, int version, long limit)
    {
        Path = path;
        Version = version;
        LimitBytes = limit;
    }

    /// <summary>A new cgroup limited to limitBytes, or null with why not.</summary>
    public static MemoryCgroup? Create(long limitBytes, out string? problem)
    {
        problem = null;
        if (!OperatingSystem.IsLinux()) { problem = "not Linux"; return null; }
        string? v2 = OwnFolder(2), v1 = OwnFolder(1);
        string? v2Problem = null;
        if (v2 is not null)
        {
            var made = TryMake(v2, 2, limitBytes, out v2Problem);
            if (made is not null) return made;
        }
        if (v1 is not null)
        {
            var made = TryMake(v1, 1, limitBytes, out string? v1Problem);
            if (made is not null) return made;
            problem = v1Problem + (v2Problem is null ? "" : $"; cgroup v2: {v2Problem}");
            return null;
        }
        problem = v2Problem ?? "this system has no memory cgroup controller mounted (neither cgroup v2 with memory nor cgroup v1 memory)";
        return null;
    }

    private static MemoryCgroup? TryMake(string own, int version, long limit, out string? problem)
    {
        problem = null;
        if (version == 2)
        {
            string subtree = ReadOrEmpty(System.IO.Path.Combine(own, "cgroup.subtree_control"));
            if (!subtree.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("memory"))
            {
                problem = $"the memory controller is not enabled for the children of {own} (cgroup.subtree_control: \"{subtree.Trim()}\"); a delegated cgroup with +memory is needed";
                return null;
            }
        }
        RemoveStale(own);
        string path = System.IO.Path.Combine(own, NamePrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot make the cgroup {path}: {e.Message}";
            return null;
        }
        var cgroup = new MemoryCgroup(path, version, limit);
        try
        {
            string text = limit.ToString(CultureInfo.InvariantCulture);
            if (version == 2)
            {
                File.WriteAllText(System.IO.Path.Combine(path, "memory.max"), text);
                TryWrite(System.IO.Path.Combine(path, "memory.swap.max"), "0");
            }
            else
            {
                File.WriteAllText(System.IO.Path.Combine(path, "memory.limit_in_bytes"), text);
                TryWrite(System.IO.Path.Combine(path, "memory.memsw.limit_in_bytes"), text);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot set the memory limit of {path}: {e.Message}";
            cgroup.Dispose();
            return null;
        }
        return cgroup;
    }

    /// <summary>The most memory the run's processes held together (the kernel's high-water mark), if the kernel says.</summary>
    public long? PeakBytes()
    {
        string file = Version == 2 ? "memory.peak" : "memory.max_usage_in_bytes";
        return long.TryParse(ReadOrEmpty(System.IO.Path.Combine(Path, file)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;
    }

    /// <summary>How many processes of the run the kernel killed for the cgroup's limit (oom_kill).</summary>
    public int OutOfMemoryKills()
    {
        string file = Version == 2 ? "memory.events" : "memory.oom_control";
        foreach (string line in ReadOrEmpty(System.IO.Path.Combine(Path, file)).Split('\n'))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 2 && f[0] == "oom_kill" && int.TryParse(f[1], CultureInfo.InvariantCulture, out int n)) return n;
        }
        return 0;
    }

    /// <summary>Kills whatever is still in the cgroup and removes it (a few tries: the kernel lets go of dead processes asynchronously).</summary>
    public void Dispose()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            foreach (string pid in ReadOrEmpty(ProcsFile).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                if (int.TryParse(pid, CultureInfo.InvariantCulture, out int p)) UnixFile.Kill(p, UnixFile.SigKill);
            try
            {
                Directory.Delete(Path);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>The grader's own cgroup folder in the hierarchy of that version that has the memory controller, or null.</summary>
    private static string? OwnFolder(int version)
    {
        string? relative = null;
        foreach (string line in ReadOrEmpty("/proc/self/cgroup").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "hierarchy-id:controllers:path"; v2 is "0::path"
            string[] f = line.Split(':', 3);
            if (f.Length != 3) continue;
            if (version == 2 && f[0] == "0" && f[1] == "") relative = f[2];
            if (version == 1 && f[1].Split(',').Contains("memory")) relative = f[2];
        }
        if (relative is null) return null;
        foreach (string line in ReadOrEmpty("/proc/self/mountinfo").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "id parent major:minor root mountpoint options ... - fstype source superoptions"
            string[] halves = line.Split(" - ", 2);
            if (halves.Length != 2) continue;
            string[] left = halves[0].Split(' '), right = halves[1].Split(' ');
            if (left.Length < 5 || right.Length < 3) continue;
            bool match = version == 2 ? right[0] == "cgroup2" : right[0] == "cgroup" && right[2].Split(',').Contains("memory");
            if (!match) continue;
            string root = left[3], mountPoint = left[4];
            if (!relative.StartsWith(root, StringComparison.Ordinal)) continue;
            string folder = System.IO.Path.Join(mountPoint, relative[root.Length..]);
            if (version == 2 && !ReadOrEmpty(System.IO.Path.Combine(folder, "cgroup.controllers")).Split(' ', '\n').Contains("memory")) return null;
            return Directory.Exists(folder) ? folder : null;
        }
        return null;
    }

    /// <summary>Removes cgroups of runs whose grader was killed: empty, and older than 10 minutes (a run's PID 1 joins its cgroup at once).</summary>
    private static void RemoveStale(string own)
    {
        try
        {
            foreach (string dir in Directory.EnumerateDirectories(own, NamePrefix + "*"))
                if (Directory.GetLastWriteTimeUtc(dir) < DateTime.UtcNow - TimeSpan.FromMinutes(10)
                    && ReadOrEmpty(System.IO.Path.Combine(dir, "cgroup.procs")).Trim().Length == 0)
                    try { Directory.Delete(dir); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static void TryWrite(string path, string text)
    {
        try
        {
            if (File.Exists(path)) File.WriteAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // swap accounting off, or no swap: the memory limit alone holds
        }
    }
}
