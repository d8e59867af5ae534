// `rnn-grading bundle`: builds the autograder zip uploaded to Gradescope (Spec/gradescope.md).
//   bundle --assignment A -o autograder.zip [--runtime linux-x64 | --grader-dir DIR] [--force]
// The zip (unpacked by Gradescope into /autograder/source):
//   setup.sh                      runs once when the image is built: apt installs python3 and
//                                 python3-numpy, /autograder/source becomes root's, mode 0700
//   run_autograder                runs once per submission: the grader below, and a valid
//                                 results.json even if the grader cannot start
//   README.md                     for staff
//   assignment.json               A, checked with AssignmentLoader before it is packed
//   grader/rnn-grading            the grader, self-contained for Linux: the image needs no .NET
//   grader/student-kit/runner.py  the kit's runner, where SubmissionSource.FindKitRunner looks
// setup.sh, run_autograder and README.md are the templates in grading/bundle/, runner.py is
// grading/student-kit/runner.py: bundling needs the repository. The grader is published with
//   dotnet publish grading/Grading/Grading.csproj -c Release -r RUNTIME --self-contained true -p:PublishSingleFile=true
// (the .NET SDK is needed; the build's own folders are grading/Grading/obj/bundle/, apart from the
// ordinary build's), or taken from DIR (--grader-dir), a folder published that way.
// Exit codes (ExitCodes): 0 written; 2 wrong command line; 3 the assignment could not be read; 4 the zip
// exists (without --force) or could not be written; 5 the repository, the SDK or a usable
// grader could not be found, or publishing failed.
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Rnn.Grading.Autograder;

namespace Rnn.Grading.Commands;

public static class BundleCommand
{
    /// <summary>The runtimes a bundle can be built for (Gradescope's images are Ubuntu, x64 by default).</summary>
    public static readonly string[] Runtimes = ["linux-x64", "linux-arm64"];

    public const string GraderFolder = "grader";
    public const string GraderExecutable = "rnn-grading";

    public const string Usage =
        """
        usage:
          rnn-grading bundle --assignment A -o autograder.zip [--runtime linux-x64 | --grader-dir DIR] [--force]
              Build Gradescope's autograder zip for assignment A: setup.sh, run_autograder, README.md,
              assignment.json, and the grader built self-contained for Linux (so the image needs no
              .NET) with the student kit's runner.py beside it. Run it inside the repository: the
              templates come from grading/bundle/ and the grader is published with the .NET SDK
              (dotnet publish ... -r RUNTIME --self-contained true -p:PublishSingleFile=true; RUNTIME
              linux-x64, the default, or linux-arm64), unless --grader-dir DIR names a folder already
              published that way. An existing zip is replaced only with --force. Left out: debug
              symbols (*.pdb, and publishing makes none), documentation files (*.xml) and any
              student-kit/ folder of the grader's own (the repository's runner.py goes in instead);
              the command names each file it leaves out.
        exit codes: 0 written; 2 wrong command line; 3 assignment unreadable; 4 the zip exists (give
        --force) or could not be written; 5 the repository, the .NET SDK or a usable grader was not
        found, or publishing failed.
        """;

    /// <summary>The line printed after a wrong command line.</summary>
    private const string UsageLine =
        "usage: rnn-grading bundle --assignment A -o autograder.zip [--runtime linux-x64 | --grader-dir DIR] [--force]   (see rnn-grading bundle --help)";

    /// <summary>One file of the zip: its name there, where its bytes come from, and whether it is executable.</summary>
    public sealed record BundleFile(string Name, string SourcePath, bool Executable);

    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (CommandLine.WantsHelp(args))
        {
            stdout.WriteLine(Usage);
            return ExitCodes.Ok;
        }
        var options = Parse(args, out string? error);
        if (options is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        string output = Path.GetFullPath(options.Output);
        if (Directory.Exists(output)) return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"-o {output} is a folder", UsageLine);
        if (File.Exists(output) && !options.Force) return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"{output} exists; give --force to replace it", UsageLine);

        if (CommandLine.LoadAssignment(options.Assignment, stderr, UsageLine, out int unreadable) is not { } assignment) return unreadable;

        string? repo = FindRepository([Environment.CurrentDirectory, AppContext.BaseDirectory]);
        if (repo is null)
            return CommandLine.Fail(stderr, ExitCodes.GraderFailed, "bundling needs this project's repository (grading/bundle/ and grading/student-kit/runner.py), "
                + $"and none was found above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}: run it inside the repository", UsageLine);

        string? published = null;
        try
        {
            string graderDir;
            if (options.GraderDir is not null)
                graderDir = Path.GetFullPath(options.GraderDir);
            else
            {
                published = Directory.CreateTempSubdirectory("rnn-bundle-").FullName;
                graderDir = published;
                string? failure = Publish(repo, options.Runtime, graderDir, stderr);
                if (failure is not null) return CommandLine.Fail(stderr, ExitCodes.GraderFailed, failure, UsageLine);
            }
            string? problem = GraderProblem(graderDir);
            if (problem is not null) return CommandLine.Fail(stderr, ExitCodes.GraderFailed, problem, UsageLine);

            var files = Contents(repo, options.Assignment, graderDir, stderr);
            try
            {
                WriteZip(output, files, options.Force);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"cannot write {output}: {e.Message}", UsageLine);
            }
            stdout.WriteLine($"wrote {output} ({new FileInfo(output).Length / 1e6:0.0} MB): {string.Join(", ", files.Select(f => f.Name))}; "
                + $"assignment {assignment.Name} ({assignment.Problems.Count} problems, {assignment.MaxScore.ToString(CultureInfo.InvariantCulture)} points)");
            return ExitCodes.Ok;
        }
        finally
        {
            if (published is not null && Directory.Exists(published)) Directory.Delete(published, recursive: true);
        }
    }

    /// <summary>
    /// The repository root above one of the folders: the folder holding grading/bundle/run_autograder,
    /// grading/student-kit/runner.py and grading/Grading/Grading.csproj. Null if there is none.
    /// </summary>
    public static string? FindRepository(IEnumerable<string> startFolders)
    {
        foreach (string start in startFolders)
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "grading", "bundle", "run_autograder"))
                    && File.Exists(Path.Combine(dir.FullName, "grading", "student-kit", "runner.py"))
                    && File.Exists(Path.Combine(dir.FullName, "grading", "Grading", "Grading.csproj")))
                    return dir.FullName;
        return null;
    }

    /// <summary>What goes into the zip, in this order; the grader folder's own student-kit (if any) is replaced by the repository's.</summary>
    public static IReadOnlyList<BundleFile> Contents(string repo, string assignmentPath, string graderDir, TextWriter stderr)
    {
        string templates = Path.Combine(repo, "grading", "bundle");
        var files = new List<BundleFile>
        {
            new("setup.sh", Path.Combine(templates, "setup.sh"), Executable: true),
            new("run_autograder", Path.Combine(templates, "run_autograder"), Executable: true),
            new("README.md", Path.Combine(templates, "README.md"), Executable: false),
            new("assignment.json", Path.GetFullPath(assignmentPath), Executable: false),
        };
        var left = new List<string>();
        foreach (string path in Directory.EnumerateFiles(graderDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(graderDir, path).Replace(Path.DirectorySeparatorChar, '/');
            // documentation files (Rnn.Reference.xml) and debug symbols (*.pdb) are not needed to run;
            // the kit comes from the repository
            if (relative.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || relative.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase)
                || relative.StartsWith("student-kit/", StringComparison.Ordinal))
            {
                left.Add(relative);
                continue;
            }
            bool executable = OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0 || relative == GraderExecutable;
            files.Add(new($"{GraderFolder}/{relative}", path, executable));
        }
        if (left.Count > 0)
            stderr.WriteLine($"rnn-grading: not packed from the grader's folder (documentation, debug symbols, its own copy of the kit): {string.Join(", ", left)}");
        files.Add(new($"{GraderFolder}/student-kit/runner.py", Path.Combine(repo, "grading", "student-kit", "runner.py"), Executable: false));
        return files;
    }

    /// <summary>
    /// Null if dir holds a self-contained Linux build of the grader: an ELF executable rnn-grading
    /// that carries its own runtime (System.Private.CoreLib beside it, or inside it when published
    /// as a single file). Otherwise what is wrong.
    /// </summary>
    public static string? GraderProblem(string dir)
    {
        if (!Directory.Exists(dir)) return $"the grader's folder {dir} does not exist";
        string exe = Path.Combine(dir, GraderExecutable);
        if (!File.Exists(exe)) return $"{dir} has no {GraderExecutable}, the grader's executable for Linux";
        var head = new byte[4];
        using (var s = File.OpenRead(exe))
            if (s.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4 || !head.AsSpan().SequenceEqual("\u007fELF"u8))
                return $"{exe} is not a Linux (ELF) executable: publish with -r linux-x64";
        bool runtimeInside = File.Exists(Path.Combine(dir, "System.Private.CoreLib.dll")) || Contains(exe, "System.Private.CoreLib.dll"u8);
        if (!runtimeInside)
            return $"{exe} is not self-contained (it would need .NET on the Gradescope image): publish with --self-contained true";
        return null;
    }

    private static bool Contains(string path, ReadOnlySpan<byte> text)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return bytes.AsSpan().IndexOf(text) >= 0;
    }

    // ---- publishing ---------------------------------------------------------------------

    /// <summary>Runs dotnet publish into outDir; null on success, else what went wrong with the end of its output.</summary>
    private static string? Publish(string repo, string runtime, string outDir, TextWriter stderr)
    {
        string? dotnet = FindDotnet();
        if (dotnet is null)
            return "the .NET SDK (dotnet) was not found on PATH: bundling publishes the grader with it (or give --grader-dir DIR, a folder published with "
                + "dotnet publish grading/Grading/Grading.csproj -c Release -r linux-x64 --self-contained true -p:PublishSingleFile=true)";
        string project = Path.Combine(repo, "grading", "Grading", "Grading.csproj");
        // Its own build folders (bin, obj and restore of both projects), kept for the next bundle: a
        // runtime-specific restore in the projects' usual obj/ would make the next ordinary build
        // restore and compile everything again.
        string artifacts = Path.Combine(repo, "grading", "Grading", "obj", "bundle");
        string[] arguments = ["publish", project, "-c", "Release", "-r", runtime, "--self-contained", "true",
            "-p:PublishSingleFile=true", "-p:DebugType=none", "--artifacts-path", artifacts, "-o", outDir, "--nologo"];
        stderr.WriteLine($"rnn-grading: publishing the grader: {dotnet} {string.Join(' ', arguments)}");
        var psi = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repo };
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        // the SDK finds its own MSBuild: settings inherited from a parent build (e.g. a test run) are dropped
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";

        var tail = new Queue<string>();
        var gate = new Lock();
        void Keep(string? line)
        {
            if (line is null) return;
            lock (gate)
            {
                tail.Enqueue(line);
                if (tail.Count > 40) tail.Dequeue();
            }
        }
        var clock = Stopwatch.StartNew();
        try
        {
            using var p = new Process { StartInfo = psi };
            p.OutputDataReceived += (_, e) => Keep(e.Data);
            p.ErrorDataReceived += (_, e) => Keep(e.Data);
            p.Start();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            p.WaitForExit();
            if (p.ExitCode != 0)
                return $"dotnet publish failed (exit code {p.ExitCode}); the end of its output:\n{string.Join('\n', tail)}";
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            return $"{dotnet} could not be run: {e.Message}";
        }
        stderr.WriteLine($"rnn-grading: published in {clock.Elapsed.TotalSeconds:0.0} s");
        return null;
    }

    /// <summary>The dotnet program: the one running the SDK (DOTNET_HOST_PATH), else the first on PATH, else the usual places.</summary>
    private static string? FindDotnet()
    {
        string name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host) candidates.Add(host);
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            candidates.Add(Path.Combine(folder, name));
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root) candidates.Add(Path.Combine(root, name));
        candidates.AddRange(["/usr/share/dotnet/dotnet", "/usr/lib/dotnet/dotnet", "/usr/local/share/dotnet/dotnet"]);
        return candidates.FirstOrDefault(File.Exists);
    }

    // ---- the zip ------------------------------------------------------------------------

    /// <summary>Writes the zip through a temporary file beside it and a rename; Unix modes are kept (0755 for executables, else 0644).</summary>
    private static void WriteZip(string path, IReadOnlyList<BundleFile> files, bool force) =>
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var file in files)
            {
                var entry = zip.CreateEntry(file.Name, CompressionLevel.Optimal);
                // the upper 16 bits hold st_mode: S_IFREG (0100000) | permissions; `unzip` restores them
                uint mode = 0x8000u | (file.Executable ? 0b111_101_101u : 0b110_100_100u);
                entry.ExternalAttributes = unchecked((int)(mode << 16));
                entry.LastWriteTime = File.GetLastWriteTime(file.SourcePath);
                using var source = File.OpenRead(file.SourcePath);
                using var target = entry.Open();
                source.CopyTo(target);
            }
        }, overwrite: force);

    // ---- the command line ---------------------------------------------------------------

    private sealed record Options(string Assignment, string Output, string Runtime, string? GraderDir, bool Force);

    /// <summary>The options, or null and what is wrong with the command line.</summary>
    private static Options? Parse(string[] args, out string? error)
    {
        var parsed = CommandLine.Parse(args, ["--assignment", "-o", "--runtime", "--grader-dir"], ["--force"], null, out error);
        if (parsed is null) return null;
        var values = parsed.Values;
        bool force = parsed.Flags.Contains("--force");
        if (!values.TryGetValue("--assignment", out var assignment) || !values.TryGetValue("-o", out var output))
        {
            error = "bundle needs --assignment A and -o FILE.zip";
            return null;
        }
        if (!output.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            error = $"-o must end in .zip (Gradescope takes a zip) but is '{output}'";
            return null;
        }
        bool hasRuntime = values.TryGetValue("--runtime", out var runtime);
        if (hasRuntime && values.ContainsKey("--grader-dir"))
        {
            error = "--runtime and --grader-dir exclude each other: the grader in --grader-dir is already built for its runtime";
            return null;
        }
        runtime ??= Runtimes[0];
        if (!Runtimes.Contains(runtime))
        {
            error = $"--runtime must be one of {string.Join(", ", Runtimes)} but is '{runtime}'";
            return null;
        }
        return new Options(assignment, output, runtime, values.GetValueOrDefault("--grader-dir"), force);
    }
}
