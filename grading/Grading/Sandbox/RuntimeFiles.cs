// What the Python runtime and an assignment's allowed packages need from the machine's files,
// found with the interpreter's own help before the run (Spec/sandbox.md, "The files the program
// sees"). The grader runs, as itself and outside any sandbox, a short trusted script with the
// machine's interpreter (`python3 -I`, so nothing of the environment or the working folder is
// read) that
// 1. finds each allowed top-level module (importlib.util.find_spec: a package's folders, or a
//    single module's file), then its installed distribution's metadata (the .dist-info or
//    .egg-info) and, transitively, every distribution it requires (Requires-Dist without an
//    "extra" marker) and their top-level modules: the packages' own dependencies, from the
//    installed files, for whatever machine this is;
// 2. imports the allowed modules and adds the top-level package of every module that import
//    brought in (a dependency without metadata);
// 3. loads (dlopen, RTLD_LAZY, without initialising anything) every shared object in those
//    folders and in the standard library's folder, so the dynamic loader resolves everything they
//    link against, the BLAS chosen through /etc/alternatives included; then lists every library
//    the process has loaded (dl_iterate_phdr), by the path the loader opened it by;
// and prints the folders (the standard library's, the packages', their metadata) and the files
// (the interpreter, every library, any module file outside those folders) as JSON. Modules that
// Python's own start-up imported before the script ran (site's .pth hooks) are not followed.
// FileView turns the answer into mounts. The answer is cached per interpreter and module list.
using System.Text.Json;

namespace Rnn.Grading.Sandbox;

/// <summary>Absolute paths the view must show: whole folders, and single files (each possibly reached through symbolic links).</summary>
public sealed record RuntimeFiles(IReadOnlyList<string> Folders, IReadOnlyList<string> Files, IReadOnlyList<string> NotInstalled)
{
    private static readonly Dictionary<string, (RuntimeFiles? Files, string? Problem)> Cache = [];
    private static readonly Lock Gate = new();

    /// <summary>What python and the modules in mayImport need, or null with the reason in problem.</summary>
    public static RuntimeFiles? Find(string python, IReadOnlyList<string> mayImport, out string? problem)
    {
        string key = python + "\0" + string.Join('\0', mayImport);
        lock (Gate)
        {
            if (!Cache.TryGetValue(key, out var found))
                Cache[key] = found = (Probe(python, mayImport, out string? why), why);
            problem = found.Problem;
            return found.Files;
        }
    }

    private static RuntimeFiles? Probe(string python, IReadOnlyList<string> mayImport, out string? problem)
    {
        var run = TrustedTool.Run(python, ["-I", "-c", Script, .. mayImport], TimeSpan.FromSeconds(120), workingDirectory: "/");
        problem = run.StartError is { } error ? $"{python} could not list the runtime's files: {error}"
            : run.TimedOut ? $"{python} did not list the runtime's files within 120 s"
            : run.ExitCode != 0 ? $"{python} could not list the runtime's files (exit {run.ExitCode}): {Last(run.Stderr)}"
            : null;
        if (problem is not null) return null;
        try
        {
            using var json = JsonDocument.Parse(run.Stdout);
            return new RuntimeFiles(Strings(json, "folders"), Strings(json, "files"), Strings(json, "missing"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            problem = $"{python} could not list the runtime's files: {e.Message}";
            return null;
        }
    }

    private static string[] Strings(JsonDocument json, string name) =>
        [.. json.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).Where(s => s.StartsWith('/'))];

    private static string Last(string text)
    {
        string[] lines = text.Trim().Split('\n');
        return lines.Length == 0 ? "" : lines[^1];
    }

    /// <summary>The trusted listing script (argv: the allowed top-level modules).</summary>
    private const string Script = """
        import ctypes, importlib, importlib.metadata, importlib.util, json, os, re, sys, sysconfig

        allowed = sys.argv[1:]
        at_start = set(sys.modules)
        folders, files, missing = set(), set(), []
        stdlib = os.path.realpath(sysconfig.get_path("stdlib"))

        def add_module(name):
            try:
                spec = importlib.util.find_spec(name)
            except (ImportError, ValueError):
                return False
            if spec is None:
                return False
            if spec.submodule_search_locations:
                folders.update(os.path.abspath(p) for p in spec.submodule_search_locations)
            elif spec.origin and os.path.isabs(spec.origin):
                files.add(os.path.abspath(spec.origin))
            return True

        def norm(name):
            return re.sub(r"[-_.]+", "-", name).lower()

        owners = importlib.metadata.packages_distributions()
        tops = {}
        for top, dists in owners.items():
            for d in dists:
                tops.setdefault(norm(d), set()).add(top)

        # 1. the allowed modules, their distributions and what those require
        queue, seen = [], set()
        for name in allowed:
            if not add_module(name):
                missing.append(name)
            queue.extend(owners.get(name, []))
        while queue:
            d = norm(queue.pop())
            if d in seen:
                continue
            seen.add(d)
            try:
                dist = importlib.metadata.distribution(d)
            except importlib.metadata.PackageNotFoundError:
                continue
            meta = getattr(dist, "_path", None)
            if meta is not None:
                (folders if os.path.isdir(meta) else files).add(os.path.abspath(str(meta)))
            for top in tops.get(d, ()):
                add_module(top)
            for req in dist.requires or []:
                if "extra" in req.partition(";")[2]:
                    continue
                m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", req)
                if m:
                    queue.append(m.group(1))

        # 2. what importing them brings in
        for name in allowed:
            if name not in missing:
                try:
                    importlib.import_module(name)
                except Exception:
                    pass
        for mod in list(sys.modules.values()):
            f = getattr(mod, "__file__", None)
            top = getattr(mod, "__name__", "").partition(".")[0]
            if not f or not os.path.isabs(f) or top in at_start or top == "__main__":
                continue
            real = os.path.realpath(f)
            if real.startswith(stdlib + "/"):
                continue
            if top not in sys.stdlib_module_names and add_module(top):
                continue
            files.add(real)

        # 3. every library their extension modules (and the standard library's) link against
        for folder in sorted(folders) + [stdlib]:
            for dirpath, dirnames, filenames in os.walk(folder):
                for f in filenames:
                    if f.endswith(".so") or ".so." in f:
                        try:
                            ctypes.CDLL(os.path.join(dirpath, f), mode=os.RTLD_LAZY | os.RTLD_LOCAL)
                        except OSError:
                            pass

        class PhdrInfo(ctypes.Structure):
            _fields_ = [("addr", ctypes.c_void_p), ("name", ctypes.c_char_p)]

        libraries = []

        @ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(PhdrInfo), ctypes.c_size_t, ctypes.c_void_p)
        def each(info, size, data):
            if info.contents.name:
                libraries.append(os.fsdecode(info.contents.name))
            return 0

        ctypes.CDLL(None).dl_iterate_phdr(each, None)
        files.update(l for l in libraries if os.path.isabs(l))
        files.add(sys.executable)
        folders.add(stdlib)
        print(json.dumps({"folders": sorted(folders), "files": sorted(files), "missing": missing}))
        """;
}
