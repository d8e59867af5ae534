// What the teaching commands (figures, demo, gallery) share: reading --seed.
using System.Globalization;

namespace Rnn.Grading.Commands;

/// <summary>What the teaching commands share: reading --seed.</summary>
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
}
