// Every file the program writes for a user (eval's RESULTS, results.json, report.txt, the
// scores CSV, the bundle's zip, sample cases and demo answers) goes through here: written to a
// temporary file in the same folder, flushed to disk, then renamed into place, so a reader
// never sees half a file and a failed write leaves the old file (if any) untouched.
namespace Rnn.Grading;

public static class AtomicFile
{
    /// <summary>Read and write for the owner only (0600): files that hold what other users must not read.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Writes path with write(stream). The temporary file beside it is removed if anything fails.
    /// </summary>
    /// <param name="mode">the new file's Unix mode; null for the usual 0666 less the umask (ignored on Windows)</param>
    /// <param name="overwrite">false: an existing path is never replaced (IOException), even one made while writing</param>
    /// <exception cref="IOException">path could not be written, or exists and overwrite is false</exception>
    /// <exception cref="UnauthorizedAccessException">the folder or file may not be written</exception>
    public static void Write(string path, Action<Stream> write, UnixFileMode? mode = null, bool overwrite = true)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (mode is { } m && !OperatingSystem.IsWindows()) options.UnixCreateMode = m;
            using (var stream = new FileStream(temp, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
