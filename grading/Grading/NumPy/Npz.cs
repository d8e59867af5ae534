// NumPy .npz archives: a zip file with one .npy entry per array, named KEY.npy, as
// np.savez (entries stored) and np.savez_compressed (entries deflated) write them;
// np.load(path)[KEY] gives the array back. Keys may contain '/' ("lstm/0/params/weight_ih_l0").
// Reading is strict (Spec/npy.md): every entry must be a readable .npy file under a safe,
// unique name, and the whole archive may unpack to at most maxBytes.
using System.IO.Compression;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.NumPy;

public static class Npz
{
    /// <summary>The time stamp written on every entry, so equal arrays give equal archives.</summary>
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Entry names and keys are shown in full in messages up to this many characters.</summary>
    private const int MaxNameShown = 200;

    /// <summary>
    /// Reads every entry of an .npz archive, in archive order, as (key, array) with key the
    /// entry name without ".npy". The entries together may unpack to at most maxBytes; a
    /// stream that cannot seek is first read into memory, also at most maxBytes.
    /// </summary>
    public static IReadOnlyList<(string Key, NpyArray Array)> Read(Stream stream, string sourceName, long maxBytes = Npy.DefaultMaxBytes) =>
        Read(stream, sourceName, [], maxBytes).Arrays;

    /// <summary>
    /// As Read, but the entries named in rawEntries (exact zip entry names that are not .npy,
    /// such as the oracle's "__cases__.json") are returned as their bytes instead of being
    /// rejected. np.load gives such members back as bytes too.
    /// </summary>
    public static (IReadOnlyList<(string Key, NpyArray Array)> Arrays, IReadOnlyDictionary<string, byte[]> Raw) Read(
        Stream stream, string sourceName, IReadOnlyCollection<string> rawEntries, long maxBytes = Npy.DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(rawEntries);
        var raw = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        string src = sourceName;
        Stream seekable = stream.CanSeek ? stream : new MemoryStream(BoundedRead.All(stream, maxBytes, src), writable: false);

        var result = new List<(string, NpyArray)>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        long budget = maxBytes;
        string? current = null;   // the entry being read, for the message if unpacking fails
        try
        {
            using var zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in zip.Entries)
            {
                string name = entry.FullName;
                string where = $"{src}, entry '{NpyHeaderText.Escape(name, MaxNameShown)}'";
                bool isRaw = rawEntries.Contains(name);
                string key = name;
                string? problem = isRaw ? null : KeyProblem(name, out key);
                if (problem is not null) throw new NpyFormatException($"{where}: {problem}");
                if (!keys.Add(key)) throw new NpyFormatException($"{where}: the key '{NpyHeaderText.Escape(key, MaxNameShown)}' appears twice in the archive");

                if (entry.Length > budget)
                    throw new NpyFormatException($"{where}: its zip header says {entry.Length} bytes unpacked, "
                        + $"more than the {budget} left of the {maxBytes}-byte limit");
                byte[] bytes;
                current = where;
                using (var es = entry.Open())
                    bytes = BoundedRead.All(es, budget, where, $"what is left of the {maxBytes}-byte limit", sizeHint: StoredLength(entry, seekable.Length));
                current = null;
                budget -= bytes.Length;
                if (bytes.Length != entry.Length)
                    throw new NpyFormatException($"{where}: unpacks to {bytes.Length} bytes but its zip header says {entry.Length}");
                uint crc = Crc32.Of(bytes);
                if (crc != entry.Crc32)
                    throw new NpyFormatException($"{where}: its data has CRC-32 {crc:x8} but its zip header says {entry.Crc32:x8} (corrupt)");
                if (isRaw) raw[name] = bytes;
                else result.Add((key, Npy.Read(bytes, where)));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // System.IO.Compression reports a damaged archive (bad records, bad deflate data,
            // an unsupported compression method or encryption) with InvalidDataException; a
            // stream ending early gives an IOException. Fuzzing found no other exception type.
            throw new NpyFormatException(current is null
                ? $"{src}: not a readable zip archive: {e.Message}"
                : $"{current}: cannot be unpacked: {e.Message}");
        }
        return (result, raw);
    }

    /// <summary>
    /// Writes the arrays as an .npz archive, entry KEY.npy for each (np.savez's layout); with
    /// compress the entries are deflated (np.savez_compressed's). Keys are checked first
    /// (ArgumentException for an empty, unsafe or repeated key), so a bad key writes nothing.
    /// </summary>
    public static void Write(Stream stream, IEnumerable<(string Key, Tensor Tensor)> arrays, bool compress = false) =>
        Write(stream, arrays, [], compress);

    /// <summary>
    /// As Write, with extra non-.npy members (such as the oracle's "__results__.json") written
    /// first under their exact names; np.load returns them as bytes.
    /// </summary>
    public static void Write(Stream stream, IEnumerable<(string Key, Tensor Tensor)> arrays,
        IReadOnlyList<(string Name, byte[] Bytes)> rawEntries, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(rawEntries);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(arrays);
        var list = arrays.ToList();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++)
        {
            var (key, tensor) = list[i];
            if (key is null) throw new ArgumentNullException(nameof(arrays), $"arrays[{i}] has a null key");
            string? problem = KeyProblem(key + ".npy", out _);
            if (problem is not null) throw new ArgumentException($"arrays[{i}] key '{NpyHeaderText.Escape(key, MaxNameShown)}': {problem}", nameof(arrays));
            if (!keys.Add(key)) throw new ArgumentException($"arrays[{i}] repeats the key '{NpyHeaderText.Escape(key, MaxNameShown)}'", nameof(arrays));
            Npy.CheckWritable(tensor, $"arrays[{i}] ('{key}')");
        }

        foreach (var (name, _) in rawEntries)
            if (name.EndsWith(".npy", StringComparison.Ordinal) || name.Contains('/') || name.Contains('\\') || !keys.Add(name))
                throw new ArgumentException($"raw entry name '{name}' must be a plain, unique file name not ending in .npy", nameof(rawEntries));

        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, bytes) in rawEntries)
        {
            var entry = zip.CreateEntry(name, compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            entry.LastWriteTime = EntryTime;
            using var es = entry.Open();
            es.Write(bytes);
        }
        foreach (var (key, tensor) in list)
        {
            var entry = zip.CreateEntry(key + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            entry.LastWriteTime = EntryTime;
            using var es = entry.Open();
            Npy.Write(es, tensor);
        }
    }

    /// <summary>
    /// The unpacked length of an entry stored without compression (np.savez's), as a size hint for
    /// reading it: its header's claim can then be no more than the archive's own size, which is in
    /// memory already. -1 (no hint) for a deflated entry, whose claim could be far larger.
    /// </summary>
    private static long StoredLength(ZipArchiveEntry entry, long archiveLength) =>
        entry.CompressedLength == entry.Length && entry.Length <= archiveLength ? entry.Length : -1;

    /// <summary>
    /// Why an entry name is not acceptable, or null with key set to the name without ".npy".
    /// A key is one or more '/'-separated segments; a segment is not empty, not "." or "..",
    /// and no character is a backslash or a control character; a drive letter ("C:") may
    /// not start it. So a key is always a safe relative path.
    /// </summary>
    internal static string? KeyProblem(string name, out string key)
    {
        key = "";
        if (!name.EndsWith(".npy", StringComparison.Ordinal))
            return "the name does not end in .npy (np.savez names every entry KEY.npy)";
        key = name[..^4];
        if (key.Length == 0)
            return "the key (the name without .npy) is empty";
        if (key.StartsWith('/'))
            return "the name is an absolute path (starts with '/')";
        if (key.Length >= 2 && char.IsAsciiLetter(key[0]) && key[1] == ':')
            return "the name starts with a drive letter";
        foreach (char c in key)
        {
            if (c == '\\') return "the name contains a backslash; segments are separated by '/'";
            if (char.IsControl(c)) return $"the name contains the control character \\x{(int)c:x2}";
        }
        foreach (string segment in key.Split('/'))
        {
            if (segment.Length == 0) return "the name has an empty segment ('//' or a trailing '/')";
            if (segment is "." or "..") return $"the name has a '{segment}' segment";
        }
        return null;
    }
}
