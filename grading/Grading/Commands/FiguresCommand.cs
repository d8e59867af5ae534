// `rnn-grading figures -o DIR [--only NAME] [--small] [--force]`: writes the slides' pictures
// (Rnn.Grading.Teaching.Figures: the skier, the optimizer race, batch sizes, vanishing and
// exploding gradients, clipped training, the clipping rules) as SVG and CSV into DIR.
// Exit codes: 0 done; 2 wrong command line; 4 DIR cannot be written (or already holds those files, without --force).
using Rnn.Grading.Teaching.Figures;
using Rnn.Grading.Teaching.Plot;

namespace Rnn.Grading.Commands;

public static class FiguresCommand
{
    private const string UsageLine = "usage: rnn-grading figures -o DIR [--only NAME] [--small] [--force]   (rnn-grading figures --help)";

    public static string Usage =>
        $"""
        usage:
          rnn-grading figures -o DIR [--only NAME] [--small] [--force]
              Compute the slides' pictures with the reference and write each as NAME.svg and NAME.csv
              (every plotted number; NAME-surface.csv for contour plots) into DIR. --only writes one;
              --small trains the figures that train on a smaller problem. Files of those names
              already in DIR are replaced only with --force.
          figures:
        {string.Join("\n", FigureCatalog.All.Select(f => $"    {f.Name}"))}
        exit codes: 0 done; 2 wrong command line; 4 DIR cannot be written (or already holds those files: give --force).
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (CommandLine.WantsHelp(args)) { stdout.WriteLine(Usage); return ExitCodes.Ok; }
        var parsed = CommandLine.Parse(args, ["-o", "--only"], ["--small", "--force"], null, out var error);
        if (parsed is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        if (!parsed.Values.TryGetValue("-o", out var dir)) return CommandLine.Fail(stderr, ExitCodes.Usage, "figures needs -o DIR", UsageLine);
        var entries = FigureCatalog.All;
        if (parsed.Values.TryGetValue("--only", out var only))
        {
            var entry = FigureCatalog.Find(only);
            if (entry is null)
                return CommandLine.Fail(stderr, ExitCodes.Usage, $"no figure is called '{only}'; the figures: {string.Join(", ", FigureCatalog.All.Select(f => f.Name))}", UsageLine);
            entries = [entry];
        }
        if (OutputFolder.Prepare(dir, parsed.Flags.Contains("--force"), entries.SelectMany(e => OutputFolder.FigureFiles(e.Name))) is string problem) return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, problem, UsageLine);
        try
        {
            foreach (var entry in entries)
                stdout.WriteLine(FigureFiles.Write(entry.Build(parsed.Flags.Contains("--small")), dir));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"cannot write into {dir}: {e.Message}", UsageLine);
        }
        return ExitCodes.Ok;
    }

}
