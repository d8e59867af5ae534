// The options eval and grade share to choose how the oracle computes:
//   --compute fast|plain   fast (the default): Reference/Fast, equal to the loops within rounding;
//                          plain: the readable loops, the reference's meaning
//   --threads N            threads for the fast path (default: every core); the results do not
//                          depend on it
// Spec/performance.md.
using Rnn.Reference.Numerics;

namespace Rnn.Grading.Commands;

public static class ComputeOption
{
    /// <summary>The valued options to hand to CommandLine.Parse.</summary>
    public static readonly string[] Names = ["--compute", "--threads"];

    /// <summary>The usage text's line for them.</summary>
    public const string UsageText = "[--compute fast|plain] [--threads N]";

    /// <summary>The Compute the options ask for, or null with an error message naming the option.</summary>
    public static Compute? Read(IReadOnlyDictionary<string, string> values, out string? error)
    {
        error = null;
        string mode = values.GetValueOrDefault("--compute", "fast");
        string? threadsText = values.GetValueOrDefault("--threads");
        int threads = 0;
        if (threadsText is not null && (!int.TryParse(threadsText, System.Globalization.NumberStyles.None, null, out threads) || threads < 1))
        {
            error = $"--threads must be a whole number of at least 1 but is '{threadsText}'";
            return null;
        }
        switch (mode)
        {
            case "fast":
                return Compute.Fast(threads);
            case "plain":
                if (threadsText is not null)
                {
                    error = "--threads is for --compute fast; the plain loops run on one thread";
                    return null;
                }
                return Compute.Plain;
            default:
                error = $"--compute must be fast or plain but is '{mode}'";
                return null;
        }
    }
}
