// The one way the program reads a JSON file that someone else wrote (case files, answers files,
// .npz metadata, assignments). System.Text.Json alone accepts, or fails later with an exception
// of its own on, several things a strict reader must refuse up front with a message naming the
// place in the file:
//   - an object that repeats a key ({"format": ..., "format": ...}): which one counts is
//     ambiguous, so neither does;
//   - a string that is not valid text: bytes that are not UTF-8, or a \uD800-style escape
//     that leaves a UTF-16 surrogate unpaired;
//   - a number outside double's range (1e400): it would silently become Infinity; non-finite
//     values have their own spelling ("Infinity", "-Infinity", "NaN"). A number too small to
//     be represented (1e-400) rounds to 0, as every JSON reader does.
// Nesting is limited to 64 levels and the text to maxBytes. Only after the whole text has been
// checked is it parsed into nodes, so no later read of a node can throw.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rnn.Grading.Oracle;

public static class StrictJson
{
    public const int MaxDepth = 64;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Parses text, first checking it as the file header says. Every problem is thrown as
    /// fail(message), the message starting with sourceName and naming the place ("cases[2].id").
    /// </summary>
    /// <param name="pathPrefix">where text sits in a larger file ("results[3]"): places are named from there (answers read part by part)</param>
    /// <param name="byteOffset">where text starts in that file: byte positions are counted from the file's start</param>
    public static JsonNode? Parse(ReadOnlyMemory<byte> text, string sourceName, Func<string, Exception> fail, string pathPrefix = "", long byteOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(fail);
        var bytes = text.Span;
        if (bytes.StartsWith("\xEF\xBB\xBF"u8)) text = text[3..];   // a UTF-8 byte order mark, as JsonDocument skips it
        Check(text.Span, sourceName, fail, pathPrefix, byteOffset);
        return JsonNode.Parse(text.Span, new JsonNodeOptions { PropertyNameCaseInsensitive = false },
            new JsonDocumentOptions { MaxDepth = MaxDepth });
    }

    /// <summary>Reads the stream to its end (at most maxBytes, else fail) and parses it as Parse does.</summary>
    public static JsonNode? Parse(Stream stream, string sourceName, long maxBytes, Func<string, Exception> fail)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[64 * 1024];
        long total = 0;
        while (true)
        {
            int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, maxBytes - total + 1));
            if (n == 0) break;
            total += n;
            if (total > maxBytes)
                throw fail($"{sourceName}: holds more than {maxBytes} bytes, the most this reader accepts");
            ms.Write(buffer, 0, n);
        }
        return Parse(ms.GetBuffer().AsMemory(0, (int)ms.Length), sourceName, fail);
    }

    private sealed class Frame(bool isObject)
    {
        public bool IsObject { get; } = isObject;
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
        public int Index { get; set; } = -1;
        public string Key { get; set; } = "";
    }

    private static void Check(ReadOnlySpan<byte> text, string sourceName, Func<string, Exception> fail, string pathPrefix, long byteOffset)
    {
        var reader = new Utf8JsonReader(text, new JsonReaderOptions { MaxDepth = MaxDepth });
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    frames.RemoveAt(frames.Count - 1);
                    continue;
                }
                if (token == JsonTokenType.PropertyName)
                {
                    var frame = frames[^1];
                    string key = ReadString(ref reader, () => PathOf(frames, pathPrefix, keyPending: true), sourceName, "a key", fail, byteOffset);
                    if (!frame.Keys.Add(key))
                        throw fail($"{sourceName}: {PathOf(frames, pathPrefix, keyPending: true)}: the key \"{Shown(key)}\" appears twice in one object; "
                            + "a key may be given once (which of the two would count is ambiguous)");
                    frame.Key = key;
                    continue;
                }
                if (frames.Count > 0 && !frames[^1].IsObject) frames[^1].Index++;
                switch (token)
                {
                    case JsonTokenType.String:
                        ReadString(ref reader, () => PathOf(frames, pathPrefix), sourceName, "the string", fail, byteOffset);
                        break;
                    case JsonTokenType.Number:
                        if (!reader.TryGetDouble(out double d) || !double.IsFinite(d))
                            throw fail($"{sourceName}: {PathOf(frames, pathPrefix)}: the number {Shown(Encoding.UTF8.GetString(reader.ValueSpan))} "
                                + "is outside the range of a double (about ±1.8e308); write an infinity as the string \"Infinity\" or \"-Infinity\"");
                        break;
                    case JsonTokenType.StartObject:
                        frames.Add(new Frame(isObject: true));
                        break;
                    case JsonTokenType.StartArray:
                        frames.Add(new Frame(isObject: false));
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            // the reader's own message names the problem, the line and the byte in it (both from 0)
            string at = e.LineNumber is long line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            throw fail($"{sourceName}: not valid JSON{at} ({Shown(FirstSentence(e.Message), 200)})");
        }
    }

    private static string ReadString(ref Utf8JsonReader reader, Func<string> where,
        string sourceName, string what, Func<string, Exception> fail, long byteOffset)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            long at = byteOffset + reader.TokenStartIndex;
            bool badBytes;
            try { StrictUtf8.GetCharCount(reader.ValueSpan); badBytes = false; }
            catch (DecoderFallbackException) { badBytes = true; }
            throw fail($"{sourceName}: {where()}: {what} starting at byte {at + 1} is not valid text: "
                + (badBytes
                    ? "it holds bytes that are not UTF-8 (a JSON file must be UTF-8)"
                    : "a \\u escape leaves a UTF-16 surrogate unpaired (such as \"\\ud800\" alone); "
                      + "a surrogate escape must be a high one (\\ud800-\\udbff) followed by a low one (\\udc00-\\udfff)"));
        }
    }

    /// <summary>Where the reader is, as a JSON path: "cases[2].inputs.x.data[7]" ("the top level" outside any value).</summary>
    private static string PathOf(List<Frame> frames, string prefix, bool keyPending = false)
    {
        var sb = new StringBuilder(prefix);
        for (int i = 0; i < frames.Count; i++)
        {
            var f = frames[i];
            bool last = i == frames.Count - 1;
            if (f.IsObject)
            {
                if (last && keyPending) break;
                if (f.Keys.Count == 0) break;
                if (sb.Length > 0) sb.Append('.');
                sb.Append(Shown(f.Key, 60));
            }
            else if (f.Index >= 0)
                sb.Append('[').Append(f.Index).Append(']');
        }
        return sb.Length == 0 ? "the top level" : sb.ToString();
    }

    private static string Shown(string text, int max = 60) => Printable.Escape(text, max);

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd();
    }
}
