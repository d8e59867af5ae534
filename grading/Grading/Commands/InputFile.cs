// Reading a file named on the command line (eval's CASES) without trusting what it is. Symbolic
// links are followed (the user named the file), but only a regular file is read: a folder, a FIFO
// (which would block the reader until someone writes to it), a device such as /dev/zero (which
// never ends) or a socket is refused with a message saying what it is. The file is opened
// without blocking, checked again through the open handle (so a name swapped meanwhile is
// noticed), and read to at most maxBytes bytes, whatever its size said.
using Rnn.Grading.Sandbox;

namespace Rnn.Grading.Commands;

/// <summary>A command-line input that is not a readable regular file; the message names it and says why.</summary>
public sealed class InputFileException(string message) : Exception(message);

/// <summary>Which file a path names: device and inode, after following links (two paths name the same file when both agree).</summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode);

public static class InputFile
{
    /// <summary>The bytes of the regular file path names, at most maxBytes of them; InputFileException otherwise.</summary>
    public static byte[] ReadRegular(string path, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        string shown = Printable.Escape(path, 200);
        if (OperatingSystem.IsWindows())
            return ReadAtMost(File.OpenRead(path), shown, maxBytes);

        if (!UnixFile.TryStat(path, out var stat, out string error, out int errno))
            throw new InputFileException(errno == UnixFile.ENOENT ? $"'{shown}' does not exist" : $"cannot read '{shown}': {error}");
        if (stat.Kind != UnixFileKind.Regular)
            throw new InputFileException($"'{shown}' is {stat.KindText}, not a regular file; only a regular file (or - for standard input) is read");
        if (stat.Size > maxBytes)
            throw new InputFileException($"'{shown}' is {stat.Size} bytes, more than the {maxBytes} bytes accepted (see --max-memory); it was not read");
        var handle = UnixFile.OpenReadNonBlocking(path, out error)
            ?? throw new InputFileException($"cannot read '{shown}': {error}");
        using (handle)
        {
            if (!UnixFile.TryFstat(handle, out var opened, out error))
                throw new InputFileException($"cannot read '{shown}': {error}");
            if (opened.Kind != UnixFileKind.Regular || opened.Device != stat.Device || opened.Inode != stat.Inode)
                throw new InputFileException($"'{shown}' changed while it was being opened (now {opened.KindText}); it was not read");
            return ReadAtMost(new FileStream(handle, FileAccess.Read, bufferSize: 0), shown, maxBytes);
        }
    }

    /// <summary>The identity of the file path names (links followed), or null when nothing is there or it cannot be examined.</summary>
    public static FileIdentity? Identify(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        return UnixFile.TryStat(path, out var stat, out _, out _) ? new FileIdentity(stat.Device, stat.Inode) : null;
    }

    /// <summary>Everything left in the stream, if that is at most maxBytes; InputFileException otherwise.</summary>
    public static byte[] ReadAtMost(Stream stream, string shownName, long maxBytes)
    {
        using (stream)
        {
            var bytes = new MemoryStream();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                // ask for one byte more than still allowed, so a file that grows is noticed
                int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, maxBytes - bytes.Length + 1));
                if (n == 0) break;
                bytes.Write(buffer, 0, n);
                if (bytes.Length > maxBytes)
                    throw new InputFileException($"'{shownName}' holds more than the {maxBytes} bytes accepted (see --max-memory); it was not read");
            }
            return bytes.ToArray();
        }
    }
}
