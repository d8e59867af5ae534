// The one process that makes the reduced view's folders, links and mounts (Spec/sandbox.md, "How
// the view is made"). FileView lists them as a plan of plain steps, in order; the run's PID 1 (root
// of its mount namespace, before the pivot, with the machine's files still there) runs the
// machine's own interpreter on the trusted script below (`python3 -I -S`: no environment, no
// site, no user or working folder on its path), which carries the steps out with the same system
// calls the mount, mkdir and ln programs make: mount(2) (a read-only bind is a bind, then a
// remount of that bind read-only, as `mount --bind -o ro` does), mkdir(2), symlink(2). One process
// instead of one per step: a view of some hundred steps took a fifth of a second as programs.
// A step that fails stops the script with its message on stderr and exit status 1 (the launch
// then exits 125: the program never ran).
using System.Text.Json;

namespace Rnn.Grading.Sandbox;

public sealed class ViewBuilder
{
    private readonly List<object?[]> _steps = [];

    /// <summary>mkdir path (its parent must exist), mode 0777 less the umask.</summary>
    public void Folder(string path) => _steps.Add(["folder", path]);

    /// <summary>mkdir -p for each path.</summary>
    public void Folders(IEnumerable<string> paths) => _steps.Add(["folders", paths.ToArray()]);

    /// <summary>ln -s target path, for each (path, target).</summary>
    public void Links(IEnumerable<KeyValuePair<string, string>> links) =>
        _steps.Add(["links", links.Select(l => new[] { l.Value, l.Key }).ToArray()]);

    /// <summary>mount -t type -o options name path; options as mount takes them (the flags nosuid, nodev, noexec, ro and the file system's own, such as size=16m).</summary>
    public void FileSystem(string type, string name, string path, string options)
    {
        var (flags, data) = SplitOptions(options);
        _steps.Add(["mount", name, path, type, flags, data]);
    }

    /// <summary>
    /// mount --bind source target [-o ro], for each source, with target = under + source (the same
    /// path inside the view). The mount point is made first: a folder (mkdir -p) for a folder, an
    /// empty file for anything else.
    /// </summary>
    public void Binds(string under, IEnumerable<string> sources, bool readOnly) =>
        _steps.Add(["binds", under, sources.ToArray(), readOnly]);

    /// <summary>mount --bind source target [-o ro], the mount point made as for Binds.</summary>
    public void Bind(string source, string target, bool readOnly) => _steps.Add(["bind", source, target, readOnly]);

    /// <summary>mount -o remount,bind,ro[,flags] path: that mount made read-only (flags: those it already has that a remount must keep, e.g. "nosuid,nodev").</summary>
    public void RemountReadOnly(string path, string flags) =>
        _steps.Add(["mount", null, path, null, new[] { "remount", "bind", "ro" }.Concat(SplitOptions(flags).Flags).ToArray(), null]);

    /// <summary>The shell command that carries out every step: the interpreter on the script, the plan as its one argument.</summary>
    public string Command(string python) =>
        $"{Shell.Quote(python)} -I -S -c {Shell.Quote(Script)} {Shell.Quote(JsonSerializer.Serialize(_steps))}";

    private static readonly HashSet<string> Flags = ["ro", "nosuid", "nodev", "noexec"];

    /// <summary>"size=16m,mode=0755,nosuid,nodev" as mount(2) takes it: the flags ([nosuid, nodev]) and the file system's data ("size=16m,mode=0755").</summary>
    public static (string[] Flags, string? Data) SplitOptions(string options)
    {
        string[] words = options.Split(',', StringSplitOptions.RemoveEmptyEntries);
        string[] data = [.. words.Where(w => !Flags.Contains(w))];
        return ([.. words.Where(Flags.Contains)], data.Length == 0 ? null : string.Join(',', data));
    }

    /// <summary>The trusted script (argv[1]: the plan, a JSON list of steps).</summary>
    private const string Script = """
        import ctypes, json, os, sys

        libc = ctypes.CDLL(None, use_errno=True)
        # <sys/mount.h>
        FLAG = {"ro": 1, "nosuid": 2, "nodev": 4, "noexec": 8, "remount": 32, "bind": 4096}

        def arg(text):
            return None if text is None else os.fsencode(text)

        def mount(source, target, fstype, flags, data):
            bits = 0
            for f in flags:
                bits |= FLAG[f]
            if libc.mount(arg(source), arg(target), arg(fstype), bits, arg(data)) != 0:
                e = ctypes.get_errno()
                raise OSError(e, os.strerror(e), target)

        def bind(source, target, read_only):
            if os.path.isdir(source):
                os.makedirs(target, exist_ok=True)
            else:
                open(target, "w").close()
            mount(source, target, None, ["bind"], None)
            if read_only:
                mount(None, target, None, ["remount", "bind", "ro"], None)

        step = None
        try:
            for step in json.loads(sys.argv[1]):
                op, args = step[0], step[1:]
                if op == "folder":
                    os.mkdir(args[0])
                elif op == "folders":
                    for path in args[0]:
                        os.makedirs(path, exist_ok=True)
                elif op == "links":
                    for target, path in args[0]:
                        os.symlink(target, path)
                elif op == "mount":
                    mount(*args)
                elif op == "binds":
                    under, sources, read_only = args
                    for source in sources:
                        bind(source, under + source, read_only)
                elif op == "bind":
                    bind(*args)
                else:
                    raise ValueError("unknown step " + op)
        except (OSError, ValueError) as e:
            sys.stderr.write("the view could not be made: %s (step %s)\n" % (e, json.dumps(step)[:300]))
            sys.exit(1)
        """;
}
