// The output folder of the teaching commands (figures, demo, gallery): created if missing; one
// that already holds files is written into only with --force, so nothing there is replaced
// without being asked.
namespace Rnn.Grading.Commands;

public static class OutputFolder
{
    /// <summary>Null when DIR may be written (it is created); else the message saying why not.</summary>
    public static string? Prepare(string dir, bool force)
    {
        if (File.Exists(dir)) return $"-o {dir} is a file, not a folder";
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any() && !force)
            return $"-o {dir} already holds files; give --force to write into it (files of the same name are replaced)";
        try
        {
            Directory.CreateDirectory(dir);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot create -o {dir}: {e.Message}";
        }
    }
}
