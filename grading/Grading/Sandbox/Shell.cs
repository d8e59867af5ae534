// The launch's shell commands are built from paths the grader found (tools, folders, files): each
// is quoted for /bin/sh here, so a path with spaces, quotes or $ stays one word and is never
// expanded.
namespace Rnn.Grading.Sandbox;

internal static class Shell
{
    /// <summary>text as one single-quoted /bin/sh word ('it'\''s' for it's).</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";
}
