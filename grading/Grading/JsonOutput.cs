// The JSON files the program writes (eval's results, case files, answers, Gradescope's
// results.json, traces) are each one document in UTF-8 ending in a newline, written here.
// Strings keep < > & + ' as they are (the files are read by people and programs, never embedded in
// HTML, where System.Text.Json's default escaping of them would matter); control characters, quotes
// and backslashes are still escaped, so every file stays valid JSON and safe to print.
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Rnn.Grading;

public static class JsonOutput
{
    /// <summary>The escaping every written file uses: only what JSON requires, plus control characters.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <param name="indented">true for files people read (results.json), false for data files (cases, results)</param>
    /// <param name="writeDocument">writes the one top-level value</param>
    public static void Write(Stream stream, bool indented, Action<Utf8JsonWriter> writeDocument)
    {
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = Encoder }))
            writeDocument(w); // disposing flushes what the writer holds
        stream.Write("\n"u8);
    }
}
