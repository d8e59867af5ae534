// Reads an answers file entry by entry, for when reading it whole failed: a student's program
// can write any bytes, and one bad entry (a tensor whose data does not fit its shape, a key given
// twice inside one result, a lone surrogate in one string, a number outside double's range) must
// cost only the case it answers, not every problem (Spec/autograder.md, "Answers that cannot be
// read"). What still fails the whole file:
//   - text that is not JSON at all (without its syntax the entries cannot be told apart);
//   - a fault outside "results": the top level, "format", or "results" given twice or not a list.
// Each entry of "results" is then checked and read on its own, exactly as the whole file would
// be (StrictJson, CaseFile.ReadResult), its faults named from the file's top ("answers.json:
// results[3].outputs.h.shape: ..."). An entry that cannot be read keeps its id when the id
// itself can be read (one "id" key holding valid text), so the grader can say which case it was.
using System.Text.Json;
using Rnn.Grading.Oracle;

namespace Rnn.Grading.Autograder;

public static class AnswerResults
{
    /// <summary>The longest reason kept for one unreadable entry.</summary>
    public const int MaxReasonChars = 500;

    /// <summary>The entries that could be read and those that could not; null when the file's own frame cannot be read.</summary>
    public sealed record Entries(IReadOnlyList<CaseResult> Readable, IReadOnlyList<UnreadableAnswer> Unreadable);

    public static Entries? ReadEach(byte[] bytes, string displayName)
    {
        int offset = bytes.AsSpan().StartsWith("\xEF\xBB\xBF"u8) ? 3 : 0;
        var text = bytes.AsMemory(offset);
        if (!FindResults(text.Span, out long arrayStart, out long arrayEnd, out var spans)) return null;

        // the frame: the file with an empty "results" list must be a valid results file
        var frame = new byte[arrayStart + 2 + (text.Length - arrayEnd)];
        text.Span[..(int)arrayStart].CopyTo(frame);
        "[]"u8.CopyTo(frame.AsSpan((int)arrayStart));
        text.Span[(int)arrayEnd..].CopyTo(frame.AsSpan((int)arrayStart + 2));
        try
        {
            CaseFile.ReadResults(new MemoryStream(frame, writable: false), displayName);
        }
        catch (CaseFileFormatException)
        {
            return null;
        }

        var readable = new List<CaseResult>(spans.Count);
        var unreadable = new List<UnreadableAnswer>();
        for (int i = 0; i < spans.Count; i++)
        {
            var (start, end) = spans[i];
            var entry = text.Slice((int)start, (int)(end - start));
            string place = $"results[{i}]";
            try
            {
                var node = StrictJson.Parse(entry, displayName, message => new CaseFileFormatException(message), place, start);
                readable.Add(CaseFile.ReadResult(node, $"{displayName}: {place}"));
            }
            catch (CaseFileFormatException e)
            {
                unreadable.Add(new UnreadableAnswer(i, ReadableId(entry.Span), StudentText.Truncate(e.Message, MaxReasonChars)));
            }
        }
        return unreadable.Count == 0 ? null : new Entries(readable, unreadable);
    }

    /// <summary>
    /// Finds the top-level "results" list (exactly one) and the byte range of each of its
    /// entries. False when the text is not JSON, the top level is not an object, or "results"
    /// is missing, repeated or not a list.
    /// </summary>
    private static bool FindResults(ReadOnlySpan<byte> text, out long arrayStart, out long arrayEnd, out List<(long Start, long End)> spans)
    {
        arrayStart = arrayEnd = -1;
        spans = [];
        var reader = new Utf8JsonReader(text, new JsonReaderOptions { MaxDepth = StrictJson.MaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isResults = reader.ValueTextEquals("results"u8);
                reader.Read();
                if (!isResults)
                {
                    reader.Skip();
                    continue;
                }
                if (arrayStart >= 0 || reader.TokenType != JsonTokenType.StartArray) return false;
                arrayStart = reader.TokenStartIndex;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    long start = reader.TokenStartIndex;
                    reader.Skip();
                    spans.Add((start, reader.BytesConsumed));
                }
                arrayEnd = reader.BytesConsumed;
            }
            while (reader.Read()) { }   // the rest must be JSON too
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
        return arrayStart >= 0;
    }

    /// <summary>The entry's "id" when it is an object with one "id" key holding valid text; else null.</summary>
    private static string? ReadableId(ReadOnlySpan<byte> entry)
    {
        var reader = new Utf8JsonReader(entry, new JsonReaderOptions { MaxDepth = StrictJson.MaxDepth });
        string? id = null;
        int ids = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isId = reader.ValueTextEquals("id"u8);
                reader.Read();
                if (isId)
                {
                    ids++;
                    id = reader.TokenType == JsonTokenType.String ? TryGetString(ref reader) : null;
                }
                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
        return ids == 1 ? id : null;
    }

    private static string? TryGetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;   // not valid text: bytes that are not UTF-8, or an unpaired surrogate
        }
    }
}
