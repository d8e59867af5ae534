// What an unprivileged user (uid, gid, no supplementary groups) can reach, judged from the
// permission bits of every folder on the way, as the kernel would for that user. Used before
// a student's program runs as that user: its work folder must be reachable (or Python cannot
// find its own files), and the grader's folders must not be (or the program could read the
// assignment, the grader's code or its results). ACLs and capabilities are not looked at:
// the grader's folders are expected to be plain 0700 (see Spec/sandbox.md).
namespace Rnn.Grading.Sandbox;

internal static class StudentAccess
{
    private const uint Read = 4, Write = 2, Search = 1;

    /// <summary>
    /// Null if uid/gid can search every folder from / down to and including path; otherwise the
    /// first folder that stops it, with its mode.
    /// </summary>
    public static string? BlockedOnTheWay(string path, uint uid, uint gid)
    {
        foreach (string folder in FoldersDownTo(Resolve(path)))
        {
            if (!UnixFile.TryLstat(folder, out var st, out string error))
                return $"{folder} cannot be examined: {error}";
            if (!Allows(st, uid, gid, Search))
                return $"{folder} ({st.ModeText}) does not let uid {uid} through";
        }
        return null;
    }

    /// <summary>Null if uid/gid can search the folder itself (whatever is above it); otherwise why not.</summary>
    public static string? BlockedAt(string folder, uint uid, uint gid)
    {
        if (!UnixFile.TryLstat(folder, out var st, out string error))
            return $"{folder} cannot be examined: {error}";
        return Allows(st, uid, gid, Search) ? null : $"{folder} ({st.ModeText}) does not let uid {uid} through";
    }

    /// <summary>
    /// Null if uid/gid can neither read path nor reach it; otherwise how it can. A path that does
    /// not exist yet is judged by the nearest folder above it that does: whatever is written there
    /// later would be as reachable as that folder.
    /// </summary>
    public static string? ExposedTo(string path, uint uid, uint gid)
    {
        string full = Resolve(path);
        string existing = full;
        while (!UnixFile.TryLstat(existing, out _, out _) && Path.GetDirectoryName(existing) is { } parent)
            existing = parent;
        UnixFile.TryLstat(existing, out var st, out _);
        foreach (string folder in FoldersDownTo(Path.GetDirectoryName(existing) ?? "/"))
        {
            if (!UnixFile.TryLstat(folder, out var f, out _)) return null;
            if (f.Kind == UnixFileKind.Directory && !Allows(f, uid, gid, Search)) return null; // stopped on the way
        }
        string what = existing == full ? full : $"{full} (judged by {existing}, which exists)";
        if (st.Kind == UnixFileKind.Directory)
        {
            if (Allows(st, uid, gid, Read)) return $"{what} can be listed by uid {uid} ({st.ModeText})";
            if (Allows(st, uid, gid, Search))
                return $"{what} can be entered by uid {uid} ({st.ModeText}): files in it with known names are reachable";
            return null;
        }
        if (Allows(st, uid, gid, Read)) return $"{what} can be read by uid {uid} ({st.ModeText})";
        if (Allows(st, uid, gid, Write)) return $"{what} can be written by uid {uid} ({st.ModeText})";
        return null;
    }

    /// <summary>The permission bits that apply to uid/gid: owner's, else group's, else other's.</summary>
    private static bool Allows(UnixStat st, uint uid, uint gid, uint bit)
    {
        uint shift = st.Uid == uid ? 6u : st.Gid == gid ? 3u : 0u;
        return ((st.Permissions >> (int)shift) & bit) != 0;
    }

    /// <summary>
    /// The absolute path with every symbolic link on the way replaced by what it points to, as the
    /// kernel would walk it (the part that does not exist yet is kept as written).
    /// </summary>
    internal static string Resolve(string path)
    {
        string resolved = "/";
        var rest = new Queue<string>(Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries));
        int linksFollowed = 0;
        while (rest.Count > 0)
        {
            string next = Path.Combine(resolved, rest.Dequeue());
            if (UnixFile.TryLstat(next, out var st, out _) && st.Kind == UnixFileKind.SymbolicLink && linksFollowed++ < 40)
            {
                string target = new FileInfo(next).LinkTarget ?? "";
                string absolute = Path.GetFullPath(target, resolved);
                // restart from the target, then continue with what was left
                var remaining = rest.ToList();
                rest = new Queue<string>(absolute.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(remaining));
                resolved = "/";
                continue;
            }
            resolved = next;
        }
        return resolved;
    }

    /// <summary>"/", "/a", "/a/b" for "/a/b".</summary>
    private static List<string> FoldersDownTo(string full)
    {
        var list = new List<string>();
        for (string? f = full; f is not null; f = Path.GetDirectoryName(f)) list.Add(f);
        list.Reverse();
        return list;
    }
}
