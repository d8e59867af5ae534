// `rnn-grading demo NAME [-o DIR] [--small] [--seed N] [--quiet] [--force]`: runs one of the
// demos (Rnn.Grading.Teaching.Demos; Spec/figures.md), printing one line per epoch (and the
// text-generation samples as it trains) unless --quiet, then its report; writes its figures
// (SVG and CSV) and the report (NAME.txt) into DIR.
// Exit codes: 0 done; 2 wrong command line; 4 DIR cannot be written (or already holds those files, without --force).
using Rnn.Grading.Teaching.Demos;
using Rnn.Grading.Teaching.Plot;

namespace Rnn.Grading.Commands;

public static class DemoCommand
{
    private const string UsageLine = "usage: rnn-grading demo NAME [-o DIR] [--small] [--seed N] [--quiet] [--force]   (rnn-grading demo --help)";

    public static string Usage =>
        $"""
        usage:
          rnn-grading demo NAME [-o DIR] [--small] [--seed N] [--quiet] [--force]
              Train one demo with the reference, seeded, printing progress per epoch (--quiet: only
              the report at the end), and write its figures (NAME.svg, NAME.csv) and report
              (NAME.txt) into DIR (default demo-output). --small runs the test size (seconds);
              --seed N changes every random draw (default 1). Files of those names already in DIR
              are replaced only with --force.
          demos:
        {string.Join("\n", DemoCatalog.All.Select(d => $"    {d.Name,-16} {d.Summary}"))}
        exit codes: 0 done; 2 wrong command line; 4 DIR cannot be written (or already holds those files: give --force).
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (CommandLine.WantsHelp(args)) { stdout.WriteLine(Usage); return ExitCodes.Ok; }
        var parsed = CommandLine.Parse(args, ["-o", "--seed"], ["--small", "--quiet", "--force"], "NAME", out var error);
        if (parsed is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        if (parsed.Positionals.Count == 0)
            return CommandLine.Fail(stderr, ExitCodes.Usage, $"demo needs a NAME: {string.Join(", ", DemoCatalog.All.Select(d => d.Name))}", UsageLine);
        var demo = DemoCatalog.Find(parsed.Positionals[0]);
        if (demo is null)
            return CommandLine.Fail(stderr, ExitCodes.Usage, $"no demo is called '{parsed.Positionals[0]}'; the demos: {string.Join(", ", DemoCatalog.All.Select(d => d.Name))}", UsageLine);
        if (!TeachingOptions.Seed(parsed, out ulong seed, out error)) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        string dir = parsed.Values.GetValueOrDefault("-o", "demo-output");
        if (OutputFolder.Prepare(dir, parsed.Flags.Contains("--force"), [.. OutputFolder.FigureFiles(demo.Name), demo.Name + ".txt"]) is string problem) return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, problem, UsageLine);

        var result = demo.Run(new DemoOptions(parsed.Flags.Contains("--small"), seed, parsed.Flags.Contains("--quiet") ? null : stdout));
        try
        {
            foreach (var figure in result.Figures) FigureFiles.Write(figure, dir);
            File.WriteAllLines(Path.Combine(dir, demo.Name + ".txt"), result.Report);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"cannot write into {dir}: {e.Message}", UsageLine);
        }
        foreach (var line in result.Report) stdout.WriteLine(line);
        stdout.WriteLine($"figures and report: {string.Join(", ", result.Figures.Select(f => Path.Combine(dir, f.Name + ".svg")))}, {Path.Combine(dir, demo.Name + ".txt")}");
        return ExitCodes.Ok;
    }

}
