// The JSON files the program writes (eval's results, case files, answers, Gradescope's
// results.json) are each one document in UTF-8 ending in a newline, written here.
using System.Text.Json;

namespace Rnn.Grading;

public static class JsonOutput
{
    /// <param name="indented">true for files people read (results.json), false for data files (cases, results)</param>
    /// <param name="writeDocument">writes the one top-level value</param>
    public static void Write(Stream stream, bool indented, Action<Utf8JsonWriter> writeDocument)
    {
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
            writeDocument(w); // disposing flushes what the writer holds
        stream.Write("\n"u8);
    }
}
