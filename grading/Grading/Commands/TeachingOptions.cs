// What the teaching commands (figures, demo, gallery, trace) share: reading --seed, and failing
// with the command's name and a pointer to its --help.
using System.Globalization;

namespace Rnn.Grading.Commands;

/// <summary>What the teaching commands share: reading --seed, and failing with the command's usage line.</summary>
public static class TeachingOptions
{
    public static bool Seed(CommandArgs parsed, out ulong seed, out string? error)
    {
        seed = 1;
        error = null;
        if (!parsed.Values.TryGetValue("--seed", out var text)) return true;
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seed)) return true;
        error = $"--seed must be a whole number >= 0 but is '{text}'";
        return false;
    }

    public static int Fail(TextWriter stderr, string command, int code, string message)
    {
        stderr.WriteLine($"rnn-grading {command}: {message}");
        if (code == ExitCodes.Usage) stderr.WriteLine($"see rnn-grading {command} --help");
        return code;
    }
}
