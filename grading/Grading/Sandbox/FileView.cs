// The reduced view of the filesystem a student's Python program runs in (Spec/sandbox.md, "The
// files the program sees"): a new root, a tmpfs in the run's mount namespace, holding read-only
// bind mounts of exactly what RuntimeFiles found (the interpreter, its standard library, the
// libraries it and the allowed packages load, the allowed packages with their dependencies and
// metadata), each at the path it has on the machine, with every symbolic link on the way to it
// made again as the same link (so /lib -> usr/lib and the BLAS chosen through /etc/alternatives
// resolve as they do outside), plus /dev/null, /dev/zero, /dev/random, /dev/urandom, a fresh /proc,
// empty /tmp, /var/tmp and /dev/shm, and the run's own folder (read-write). The run's PID 1 builds
// it, then pivot_root(".", ".") and a lazy unmount of the old root: the machine's other files are
// then not hidden but gone from the namespace, with no path back even for a process that is root
// inside a user namespace.
//
// After the pivot the launcher still needs umount (to detach the old root) and, when the grader is
// root, setpriv (the user switch); neither is part of the view. They are bound, with the libraries
// they link against (from ldd) and the dynamic loader, into /.rnn-launch, a tmpfs of mode 0700
// that only root can enter, and run through the loader with --library-path /.rnn-launch. Without
// the user switch (an unprivileged grader: the program is root of its user namespace) that folder
// is unmounted together with the old root, so it is left empty.

namespace Rnn.Grading.Sandbox;

internal sealed class FileView
{
    /// <summary>Where the view is built in the run's mount namespace (its private /dev/shm), and where the launcher's tools sit inside it.</summary>
    public const string BuildAt = "/dev/shm/.rnn-view", LaunchFolder = "/.rnn-launch";

    /// <summary>The devices the program may open.</summary>
    public static readonly string[] Devices = ["/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"];

    private readonly SortedSet<string> _dirs = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _links = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _boundDirs = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _boundFiles = new(StringComparer.Ordinal);
    private readonly List<(string Source, string Name)> _launch = [];

    /// <summary>The folders and files bound read-only (real paths), and the symbolic links made again (path, target).</summary>
    public IReadOnlyCollection<string> BoundFolders => _boundDirs;

    public IReadOnlyCollection<string> BoundFiles => _boundFiles;

    public IReadOnlyDictionary<string, string> Links => _links;

    /// <summary>
    /// The view of these runtime files, with the launcher's tools (umount, and setpriv when given)
    /// in the launch folder; null with the reason when a tool's libraries cannot be found.
    /// </summary>
    public static FileView? Make(RuntimeFiles files, string umount, string? setpriv, out string? problem)
    {
        var view = new FileView();
        foreach (string folder in files.Folders) view.Add(folder, 0);
        foreach (string file in files.Files) view.Add(file, 0);
        view.DropWhatBoundFoldersShow();
        string? loader = null;
        foreach (string tool in setpriv is null ? (string[])[umount] : [umount, setpriv])
        {
            var libraries = LinkedLibraries(tool, out string? interpreter, out problem);
            if (libraries is null) return null;
            loader ??= interpreter;
            view._launch.Add((tool, Path.GetFileName(tool)));
            foreach (string library in libraries)
                if (!view._launch.Exists(l => l.Name == Path.GetFileName(library))) view._launch.Add((library, Path.GetFileName(library)));
        }
        if (loader is null)
        {
            problem = $"ldd names no dynamic loader for {umount}";
            return null;
        }
        view._launch.Add((loader, "ld.so"));
        problem = null;
        return view;
    }

    /// <summary>
    /// Shell commands (for the run's PID 1, as root of the mount namespace, after the private /tmp
    /// is made) that build the view (one ViewBuilder process), set the limits (limits: a command run just before the pivot),
    /// pivot into it and change to the work folder. Ends with " || exit 125; ".
    /// </summary>
    public string Script(string pivotRoot, string runRoot, string workDir, string tmpOptions, string? limits, bool keepLaunchFolder)
    {
        const string v = BuildAt;
        var build = new ViewBuilder();
        build.Folder(v);
        build.FileSystem("tmpfs", "rnn-view", v, "size=16m,nr_inodes=16384,mode=0755,nosuid,nodev");
        // their paths hold no symbolic link: Add follows links
        build.Folders(_dirs.Select(dir => v + dir));
        build.Links(_links.Select(l => KeyValuePair.Create(v + l.Key, l.Value)));
        build.Binds(v, _boundDirs.Concat(_boundFiles), readOnly: true);
        build.Folders([v + "/dev"]);
        build.Binds(v, Devices, readOnly: false);
        build.Folders([v + "/proc"]);
        build.FileSystem("proc", "rnn-proc", v + "/proc", "nosuid,nodev,noexec");
        foreach (string tmp in (string[])["/tmp", "/var/tmp", "/dev/shm"])
        {
            build.Folders([v + tmp]);
            build.FileSystem("tmpfs", "rnn-tmp", v + tmp, tmpOptions);
        }
        build.Binds(v, [runRoot], readOnly: false);
        build.Folder(v + LaunchFolder);
        build.FileSystem("tmpfs", "rnn-launch", v + LaunchFolder, "size=1m,nr_inodes=64,mode=0700,nosuid,nodev");
        foreach (var (source, name) in _launch) build.Bind(source, $"{v}{LaunchFolder}/{name}", readOnly: true);
        build.RemountReadOnly(v, "nosuid,nodev");

        var steps = new List<string> { "umask 022", build.Command(StudentProcess.PythonPath) };
        if (limits is not null) steps.Add(limits);
        // pivot_root(".", "."): the old root is stacked on the new one, and "." is the old root until it is detached
        steps.Add($"cd {Shell.Quote(v)} && {Shell.Quote(pivotRoot)} . .");
        steps.Add(LaunchCommand("umount") + " -l ." + (keepLaunchFolder ? "" : $" {LaunchFolder}"));
        steps.Add($"cd {Shell.Quote(workDir)} && unset OLDPWD");
        // 125: the sandbox could not be set up (the program never ran)
        return string.Join(" && ", steps) + " || exit 125; ";
    }

    /// <summary>argv that runs a launcher tool from the launch folder inside the view.</summary>
    public static string[] LaunchArgv(string tool) =>
        [$"{LaunchFolder}/ld.so", "--library-path", LaunchFolder, $"{LaunchFolder}/{Path.GetFileName(tool)}"];

    private static string LaunchCommand(string tool) => string.Join(' ', LaunchArgv(tool));

    /// <summary>Makes path visible: every folder on the way, every symbolic link again (following its target), the file or folder itself bound.</summary>
    private void Add(string path, int depth)
    {
        if (depth > 40 || !path.StartsWith('/')) return;
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string current = "";
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i] is "." or "..") { Add(Path.GetFullPath(path), depth + 1); return; }
            string next = current + "/" + parts[i];
            if (!UnixFile.TryLstat(next, out var st, out _)) return; // not there: nothing to show
            if (st.Kind == UnixFileKind.SymbolicLink)
            {
                string? target = new FileInfo(next).LinkTarget;
                if (target is null) return;
                _links[next] = target;
                string rest = string.Join('/', parts.Skip(i + 1));
                string resolved = target.StartsWith('/') ? target : (current.Length == 0 ? "/" : current) + "/" + target;
                Add(Path.GetFullPath(rest.Length == 0 ? resolved : resolved + "/" + rest), depth + 1);
                return;
            }
            bool last = i == parts.Length - 1;
            if (st.Kind == UnixFileKind.Directory && !last) { _dirs.Add(next); current = next; continue; }
            if (st.Kind == UnixFileKind.Directory) _boundDirs.Add(next);
            else if (st.Kind == UnixFileKind.Regular) _boundFiles.Add(next);
            return;
        }
    }

    /// <summary>A bound folder shows its own contents: nothing below it is made or bound again, and no folder is bound inside another.</summary>
    private void DropWhatBoundFoldersShow()
    {
        bool Inside(string path) => _boundDirs.Any(d => path.StartsWith(d + "/", StringComparison.Ordinal));
        _boundDirs.RemoveWhere(Inside);
        _boundFiles.RemoveWhere(Inside);
        _dirs.RemoveWhere(d => Inside(d) || _boundDirs.Contains(d));
        foreach (string link in _links.Keys.Where(Inside).ToList()) _links.Remove(link);
    }

    /// <summary>The libraries program links against and its dynamic loader, from ldd (a system program, so trusted); null with the reason.</summary>
    private static List<string>? LinkedLibraries(string program, out string? interpreter, out string? problem)
    {
        lock (LddGate)
        {
            if (!LddCache.TryGetValue(program, out var found))
                LddCache[program] = found = (AskLdd(program, out string? loader, out string? why), loader, why);
            interpreter = found.Interpreter;
            problem = found.Problem;
            return found.Libraries;
        }
    }

    // ldd's answer for a system program does not change while the grader runs: asked once per program
    private static readonly Dictionary<string, (List<string>? Libraries, string? Interpreter, string? Problem)> LddCache = [];
    private static readonly Lock LddGate = new();

    private static List<string>? AskLdd(string program, out string? interpreter, out string? problem)
    {
        interpreter = null;
        string? ldd = StudentProcess.FindTool("ldd");
        if (ldd is null)
        {
            problem = "ldd not found (the launcher's tools cannot be placed in the view)";
            return null;
        }
        var run = TrustedTool.Run(ldd, [program], TimeSpan.FromSeconds(30));
        problem = run.StartError is { } error ? $"ldd could not be run: {error}"
            : run.TimedOut ? $"ldd {program} did not finish within 30 s"
            : run.ExitCode != 0 ? $"ldd {program} failed (exit {run.ExitCode})"
            : null;
        if (problem is not null) return null;
        var libraries = new List<string>();
        foreach (string raw in run.Stdout.Split('\n'))
        {
            // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)", "/lib64/ld-linux-x86-64.so.2 (0x...)"
            string line = raw.Trim();
            int arrow = line.IndexOf("=> ", StringComparison.Ordinal);
            string path = (arrow >= 0 ? line[(arrow + 3)..] : line).Split(' ')[0];
            if (!path.StartsWith('/')) continue;
            if (arrow >= 0) libraries.Add(path);
            else interpreter = path;
        }
        return libraries;
    }
}
