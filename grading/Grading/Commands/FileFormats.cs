// Chooses the case / result file format by extension: .json (CaseFile) or .npz (NpzCaseFile).
using Rnn.Grading.Oracle;

namespace Rnn.Grading.Commands;

public enum FileFormat { Json, Npz }

public static class FileFormats
{
    public static FileFormat? FromPath(string path)
    {
        if (path == "-") return FileFormat.Json;
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch { ".json" => FileFormat.Json, ".npz" => FileFormat.Npz, _ => null };
    }

    public static IReadOnlyList<Case> ReadCases(Stream s, string sourceName, FileFormat format, long maxJsonBytes = CaseFile.DefaultMaxBytes) =>
        format == FileFormat.Json ? CaseFile.ReadCases(s, sourceName, maxJsonBytes) : NpzCaseFile.ReadCases(s, sourceName);

    public static void WriteResults(Stream s, IReadOnlyList<CaseResult> results, FileFormat format)
    {
        if (format == FileFormat.Json) CaseFile.WriteResults(s, results);
        else NpzCaseFile.WriteResults(s, results);
    }
}
