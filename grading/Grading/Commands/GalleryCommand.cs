// `rnn-grading gallery -o DIR [--small] [--seed N] [--quiet] [--force]`: every figure and every
// demo's results into DIR with index.html (Rnn.Grading.Teaching.Gallery).
// Exit codes: 0 done; 2 wrong command line; 4 DIR cannot be written (or already holds those files, without --force).
using System.Diagnostics;
using Rnn.Grading.Teaching.Demos;
using Rnn.Grading.Teaching.Figures;
using Rnn.Grading.Teaching.Gallery;

namespace Rnn.Grading.Commands;

public static class GalleryCommand
{
    private const string UsageLine = "usage: rnn-grading gallery -o DIR [--small] [--seed N] [--quiet] [--force]   (rnn-grading gallery --help)";

    public const string Usage =
        """
        usage:
          rnn-grading gallery -o DIR [--small] [--seed N] [--quiet] [--force]
              Compute every figure and run every demo, and write them into DIR with index.html: each
              figure under its caption, the slide it illustrates and a link to its Spec page, with
              its CSV and each demo's report. Takes about a minute on 2 cores (--small: seconds).
              Progress goes to standard output unless --quiet. Files of those names already in DIR
              are replaced only with --force.
        exit codes: 0 done; 2 wrong command line; 4 DIR cannot be written (or already holds those files: give --force).
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (CommandLine.WantsHelp(args)) { stdout.WriteLine(Usage); return ExitCodes.Ok; }
        var parsed = CommandLine.Parse(args, ["-o", "--seed"], ["--small", "--quiet", "--force"], null, out var error);
        if (parsed is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        if (!parsed.Values.TryGetValue("-o", out var dir)) return CommandLine.Fail(stderr, ExitCodes.Usage, "gallery needs -o DIR", UsageLine);
        if (!TeachingOptions.Seed(parsed, out ulong seed, out error)) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        var files = FigureCatalog.All.Select(f => f.Name).Concat(DemoCatalog.All.Select(d => d.Name))
            .SelectMany(OutputFolder.FigureFiles).Concat(DemoCatalog.All.Select(d => d.Name + ".txt")).Append("index.html");
        if (OutputFolder.Prepare(dir, parsed.Flags.Contains("--force"), files) is string problem) return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, problem, UsageLine);
        var clock = Stopwatch.StartNew();
        try
        {
            string index = GalleryWriter.Write(dir, parsed.Flags.Contains("--small"), seed, parsed.Flags.Contains("--quiet") ? null : stdout);
            stdout.WriteLine($"{index} ({clock.Elapsed.TotalSeconds:F0} s)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"cannot write into {dir}: {e.Message}", UsageLine);
        }
        return ExitCodes.Ok;
    }

}
