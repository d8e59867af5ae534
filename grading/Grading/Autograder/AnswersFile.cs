// Reads one answers file (the oracle's results format, Spec/formats.md) written by or for a
// student, refusing what a careless or hostile file could do to the grader:
//   - a symbolic link (it could point at any file the grader can read): refused, not followed;
//   - a folder, an empty file, or anything stat reports as size 0 (a named pipe, a device:
//     opening those could block the grader or never end): refused without being opened;
//   - more than maxBytes (default 16 MiB): refused from its size before reading, and never more
//     than maxBytes + 1 bytes are read even if it grows meanwhile;
//   - not JSON, not UTF-8, the wrong "format" tag, malformed arrays: refused with the reader's
//     message, which names the place in the file.
// Every refusal is an AnswerOutcome failure whose message the student reads.
using System.Text;
using Rnn.Grading.Oracle;

namespace Rnn.Grading.Autograder;

public static class AnswersFile
{
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    /// <summary>Reads PATH; displayName is how feedback names the file (e.g. "answers.json").</summary>
    public static AnswerOutcome Read(string path, string displayName, long maxBytes = DefaultMaxBytes)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
            return AnswerOutcome.Failed($"{displayName} is a symbolic link (to {target}); the grader reads only a regular file and does not follow links");
        if (Directory.Exists(path))
            return AnswerOutcome.Failed($"{displayName} is a folder, not a file");
        if (!info.Exists)
            return AnswerOutcome.Failed($"no answers file: {displayName} was not found");
        if (info.Length == 0)
            return AnswerOutcome.Failed($"{displayName} is empty (or is not a regular file)");
        if (info.Length > maxBytes)
            return AnswerOutcome.Failed($"{displayName} is {info.Length} bytes, more than the limit of {maxBytes} bytes; it was not read");

        byte[] bytes;
        try
        {
            bytes = ReadAtMost(path, maxBytes + 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return AnswerOutcome.Failed($"{displayName} could not be read: {e.Message}");
        }
        if (bytes.Length > maxBytes)
            return AnswerOutcome.Failed($"{displayName} grew past the limit of {maxBytes} bytes while it was read");

        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return AnswerOutcome.Answered(CaseFile.ReadResults(stream, displayName));
        }
        catch (CaseFileFormatException e)
        {
            // one bad entry costs only its own case: read the entries one by one
            if (AnswerResults.ReadEach(bytes, displayName) is { } each)
                return AnswerOutcome.Answered(each.Readable) with { Unreadable = each.Unreadable };
            string hint = e.Message.Contains("not valid JSON", StringComparison.Ordinal) && HasBareNonFinite(bytes)
                ? " (NaN and infinities must be written as the strings \"NaN\", \"Infinity\", \"-Infinity\": Python's json.dump writes bare NaN, which is not JSON)"
                : "";
            return AnswerOutcome.Failed(StudentText.Truncate(e.Message + hint, 1000));
        }
    }

    private static byte[] ReadAtMost(string path, long limit)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        while (buffer.Length < limit)
        {
            int n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, limit - buffer.Length));
            if (n == 0) break;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>NaN or Infinity written as a bare word (not inside quotes), as Python's json.dump does.</summary>
    private static bool HasBareNonFinite(byte[] bytes) =>
        System.Text.RegularExpressions.Regex.IsMatch(Encoding.UTF8.GetString(bytes), "(?<![\"\\w])-?(NaN|Infinity)(?![\"\\w])");
}

/// <summary>`--answers FILE`: one answers file holding the cases of every problem. Read once.</summary>
public sealed class AnswersFileSource(string path, long maxBytes = AnswersFile.DefaultMaxBytes) : IAnswerSource
{
    private AnswerOutcome? _read;

    public string Description => $"answers file {path}";

    public AnswerOutcome GetAnswers(AnswerRequest request)
    {
        _read ??= AnswersFile.Read(path, Path.GetFileName(path), maxBytes);
        return _read;
    }
}

/// <summary>`--answers DIR`: one answers file per problem, DIR/NAME.json (the layout of a submission run).</summary>
public sealed class AnswersDirectorySource(string directory, long maxBytes = AnswersFile.DefaultMaxBytes) : IAnswerSource
{
    public string Description => $"answers folder {directory}";

    public AnswerOutcome GetAnswers(AnswerRequest request)
    {
        string file = request.Problem.Name + ".json";
        return AnswersFile.Read(Path.Combine(directory, file), file, maxBytes);
    }
}
