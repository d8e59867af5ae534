// A fresh folder for one run of a student's program, laid out so the program can reach its
// own folder but find nothing else, and so that nothing of the run stays readable by anyone
// if the grader is killed (SIGKILL: no clean-up code runs):
//   <temp>/rnn-grading-<uid>/              the grader's base (owner the grader), mode 0700: no
//                                          other user can enter it, so a killed grader's leftovers
//                                          (the hidden cases.json) can be read by no one but it
//   <temp>/rnn-grading-<uid>/rnn-student-XXXXXXXX/          Root: owner the grader, mode 0711, and
//                                          .lock in it, held (flock) while the run lives
//   <temp>/rnn-grading-<uid>/rnn-student-XXXXXXXX/<32 random hex digits>/   the work folder (Path)
// The student's program passes the 0700 base only inside its own mount namespace, where
// StudentProcess remakes the path above Root in the run's private /tmp (Spec/sandbox.md). A run
// without that private /tmp (no namespaces) needs a base others may pass through:
// <temp>/rnn-grading-<uid>-open/, mode 0711 (not listable), with the same layout.
// Every Create first deletes the Roots of runs whose grader is gone (their .lock is free).
// The work folder's name cannot be guessed, so another program running as the same user at
// the same time cannot find it. StudentProcess.Run gives the work folder to the student's user.
using System.Security.Cryptography;

namespace Rnn.Grading.Sandbox;

public sealed class StudentWorkDir : IDisposable
{
    /// <summary>The name of every run's folder starts with this.</summary>
    public const string RootPrefix = "rnn-student-";

    /// <summary>The file in Root that the grader keeps locked while the run lives.</summary>
    public const string LockName = ".lock";

    private const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PassThrough = Owner | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>A Root older than this without a .lock file is a grader killed between making it and locking it.</summary>
    private static readonly TimeSpan UnlockedGrace = TimeSpan.FromMinutes(10);

    private readonly FileStream _lock;

    /// <summary>The 0711 folder holding the work folder; deleted with everything in it by Dispose.</summary>
    public string Root { get; }

    /// <summary>The work folder: put the submission, the runner and the case file here.</summary>
    public string Path { get; }

    private StudentWorkDir(string root, string path, FileStream held)
    {
        Root = root;
        Path = path;
        _lock = held;
    }

    /// <summary>
    /// The base the runs of this grader live in: 0700 for runs with a private /tmp (the default
    /// grading run: StudentProcess.PrivateTmpPossible), 0711 for runs without.
    /// </summary>
    public static string BaseFolder(bool closed) =>
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rnn-grading-{UnixFile.EffectiveUid()}{(closed ? "" : "-open")}");

    /// <summary>Makes the folders for a run with the default request (namespaces, a private /tmp where the system permits).</summary>
    public static StudentWorkDir Create() => Create(StudentProcess.PrivateTmpPossible());

    /// <param name="privateTmp">the run gets its own /tmp (closed base); false for a run without namespaces</param>
    public static StudentWorkDir Create(bool privateTmp)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("StudentWorkDir needs Linux");
        string baseFolder = PrepareBase(privateTmp);
        RemoveLeftovers(baseFolder);
        string root;
        while (true)
        {
            root = System.IO.Path.Combine(baseFolder, RootPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
            if (!UnixFile.TryMkdir(root, 0b111_000_000, out bool exists, out string error))
            {
                if (exists) continue;
                throw new IOException($"cannot make the run's folder {root}: {error}");
            }
            break;
        }
        // locked under another name, then renamed: another grader's RemoveLeftovers, which takes every
        // .lock it can, never finds this one between its creation and its lock
        string unlocked = System.IO.Path.Combine(root, LockName + "-new");
        var held = new FileStream(unlocked, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        try
        {
            File.Move(unlocked, System.IO.Path.Combine(root, LockName));
        }
        catch
        {
            held.Dispose();
            throw;
        }
        File.SetUnixFileMode(root, PassThrough);
        string work = System.IO.Path.Combine(root, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        Directory.CreateDirectory(work, Owner);
        return new StudentWorkDir(root, work, held);
    }

    /// <summary>
    /// Deletes every run folder in baseFolder whose grader is gone: its .lock can be taken (or it
    /// has none and is older than 10 minutes). Returns how many were deleted.
    /// </summary>
    public static int RemoveLeftovers(string baseFolder)
    {
        int removed = 0;
        if (!Directory.Exists(baseFolder)) return 0;
        foreach (string root in Directory.EnumerateDirectories(baseFolder, RootPrefix + "*"))
        {
            try
            {
                string lockPath = System.IO.Path.Combine(root, LockName);
                if (File.Exists(lockPath))
                {
                    using var taken = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                    DeleteTree(root);   // while holding the lock, so no one else deletes it meanwhile
                }
                else if (Directory.GetLastWriteTimeUtc(root) < DateTime.UtcNow - UnlockedGrace)
                    DeleteTree(root);
                else continue;
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // held by a live run (the lock is taken), or removed by another grader meanwhile
            }
        }
        return removed;
    }

    /// <summary>The base folder, made if missing; one that is not a folder owned by this grader is refused.</summary>
    private static string PrepareBase(bool closed)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("StudentWorkDir needs Linux");
        string baseFolder = BaseFolder(closed);
        UnixFile.TryMkdir(baseFolder, closed ? 0b111_000_000u : 0b111_001_001u, out _, out _);
        if (!UnixFile.TryLstat(baseFolder, out var st, out string error))
            throw new IOException($"cannot make the grader's folder for runs {baseFolder}: {error}");
        if (st.Kind != UnixFileKind.Directory || st.Uid != UnixFile.EffectiveUid())
            throw new IOException($"the grader's folder for runs {baseFolder} is not a folder owned by uid {UnixFile.EffectiveUid()} "
                + $"({st.Kind}, owner {st.Uid}): someone else made it; remove it");
        File.SetUnixFileMode(baseFolder, closed ? Owner : PassThrough);
        return baseFolder;
    }

    /// <summary>Deletes Root and everything under it (symbolic links are removed, never followed).</summary>
    public void Dispose()
    {
        try
        {
            DeleteTree(Root);
        }
        finally
        {
            _lock.Dispose();
        }
    }

    private static void DeleteTree(string root)
    {
        try
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
        catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && OperatingSystem.IsLinux())
        {
            // A folder the program made unwritable (chmod 0500) stops the delete: open it up and retry once.
            foreach (string dir in Directory.EnumerateDirectories(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
                File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(root, recursive: true);
        }
    }
}
