// The output folder of the teaching commands (figures, demo, gallery): created if missing, and
// written into freely except that a file the command would write, and which is already there,
// is replaced only with --force: nothing there is lost without being asked.
namespace Rnn.Grading.Commands;

public static class OutputFolder
{
    /// <summary>The files a figure named name is written as (Plot.FigureFiles).</summary>
    public static IEnumerable<string> FigureFiles(string name) => [name + ".svg", name + ".csv", name + "-surface.csv"];

    /// <summary>Null when the files may be written into dir (it is created); else the message saying why not.</summary>
    public static string? Prepare(string dir, bool force, IEnumerable<string> files)
    {
        if (File.Exists(dir)) return $"-o {dir} is a file, not a folder";
        if (!force)
        {
            var existing = files.Select(f => Path.Combine(dir, f)).Where(File.Exists).ToList();
            if (existing.Count > 0)
                return $"{string.Join(", ", existing.Take(4))}{(existing.Count > 4 ? $" and {existing.Count - 4} more" : "")} " +
                       $"would be replaced; give --force to replace {(existing.Count == 1 ? "it" : "them")}";
        }
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
