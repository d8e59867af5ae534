// Text that came from a file or a student, made safe to print on a terminal and bounded in
// length. Control characters (C0, DEL, C1: ESC sequences, carriage returns, backspaces),
// Unicode format characters (bidirectional overrides, zero-width characters) and lone
// surrogates are written as \xNN or \uNNNN escapes, so what is printed can neither move the
// cursor, recolour the terminal nor hide text. Every
// message the program prints, and every error it stores in a results file, goes through here.
using System.Globalization;
using System.Text;

namespace Rnn.Grading;

public static class Printable
{
    /// <summary>The longest message the program prints or stores (characters, after escaping).</summary>
    public const int MaxMessageChars = 4000;

    /// <summary>
    /// text with every unsafe character escaped and, past maxChars characters, cut with a note
    /// saying how many characters were left out. Newlines are kept when keepNewlines is set
    /// (multi-line reports), escaped as \n otherwise.
    /// </summary>
    public static string Escape(string text, int maxChars = MaxMessageChars, bool keepNewlines = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChars);
        if (IsSafe(text, keepNewlines) && text.Length <= maxChars) return text;
        var sb = new StringBuilder(Math.Min(text.Length, maxChars) + 16);
        int i = 0;
        for (; i < text.Length && sb.Length < maxChars; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);   // a well-formed pair: one printable character
                continue;
            }
            if (c == '\n' && keepNewlines) sb.Append(c);
            else if (IsUnsafe(c)) sb.Append(c <= 0xFF ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        if (i < text.Length)
            sb.Append($"... [{text.Length - i} more characters not shown]");
        return sb.ToString();
    }

    private static bool IsSafe(string text, bool keepNewlines)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (c == '\n' && keepNewlines) continue;
            if (IsUnsafe(c)) return false;
        }
        return true;
    }

    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || char.IsSurrogate(c)
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
