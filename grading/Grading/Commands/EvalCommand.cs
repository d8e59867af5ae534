// `rnn-grading eval CASES -o RESULTS`: read a case file, evaluate every case, write the results.
// The format follows the file extension (.json or .npz); "-" is standard input / output in JSON.
// RESULTS is written to a temporary file first and then moved into place, so a reader never
// sees half a file; RESULTS may not be the CASES file itself, and an existing RESULTS file is
// replaced only with --force. --compute fast (default, every core or --threads N) or plain
// chooses how the ops compute (ComputeOption).
using Rnn.Grading.Oracle;

namespace Rnn.Grading.Commands;

public static class EvalCommand
{
    private const string UsageLine = "usage: rnn-grading eval CASES -o RESULTS [--compute fast|plain] [--threads N] [--force]   (see rnn-grading eval --help)";

    public const string Usage =
        """
        usage: rnn-grading eval CASES -o RESULTS [--compute fast|plain] [--threads N] [--force]
          Evaluate every case in CASES (.json or .npz; - for standard input, JSON) and write the
          outputs and gradients to RESULTS (.json or .npz; - for standard output, JSON). Computed on
          the fast path (every core, or N threads; the same bits for any N) unless --compute plain
          asks for the readable loops; both agree within rounding. An existing RESULTS file is
          replaced only with --force. Formats: Spec/formats.md.
        exit codes: 0 every case evaluated; 1 some case has an error (the others are still in RESULTS);
        2 wrong command line; 3 CASES could not be read; 4 RESULTS could not be written or exists (no --force).
        """;

    public static int Run(string[] args, Func<Stream> openStdin, Func<Stream> openStdout, TextWriter stderr) =>
        Run(args, openStdin, openStdout, Console.Out, stderr);

    public static int Run(string[] args, Func<Stream> openStdin, Func<Stream> openStdout, TextWriter stdoutText, TextWriter stderr)
    {
        if (CommandLine.WantsHelp(args))
        {
            stdoutText.WriteLine(Usage);
            return ExitCodes.Ok;
        }
        var parsed = CommandLine.Parse(args, ["-o", .. ComputeOption.Names], ["--force"], "CASES", out string? error);
        if (parsed is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        var compute = ComputeOption.Read(parsed.Values, out error);
        if (compute is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        string? casesPath = parsed.Positionals.FirstOrDefault();
        string? resultsPath = parsed.Values.GetValueOrDefault("-o");
        if (casesPath is null) return CommandLine.Fail(stderr, ExitCodes.Usage, "eval needs a case file (or - for standard input)", UsageLine);
        if (resultsPath is null) return CommandLine.Fail(stderr, ExitCodes.Usage, "eval needs -o RESULTS (a file name, or - for standard output)", UsageLine);
        if (casesPath != "-" && resultsPath != "-" && Path.GetFullPath(casesPath) == Path.GetFullPath(resultsPath))
            return CommandLine.Fail(stderr, ExitCodes.Usage, $"RESULTS '{resultsPath}' is the case file itself; it would be overwritten", UsageLine);
        var inFormat = FileFormats.FromPath(casesPath);
        var outFormat = FileFormats.FromPath(resultsPath);
        if (inFormat is null) return CommandLine.Fail(stderr, ExitCodes.Usage, $"case file '{casesPath}' must end in .json or .npz", UsageLine);
        if (outFormat is null) return CommandLine.Fail(stderr, ExitCodes.Usage, $"results file '{resultsPath}' must end in .json or .npz", UsageLine);

        if (resultsPath != "-" && !parsed.Flags.Contains("--force") && (File.Exists(resultsPath) || Directory.Exists(resultsPath)))
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput,
                $"RESULTS '{resultsPath}' already exists; give --force to replace it (nothing was written)", UsageLine);

        IReadOnlyList<Case> cases;
        try
        {
            using var input = casesPath == "-" ? openStdin() : File.OpenRead(casesPath);
            cases = FileFormats.ReadCases(input, casesPath == "-" ? "<stdin>" : casesPath, inFormat.Value);
        }
        catch (Exception e) when (e is CaseFileFormatException or IOException or UnauthorizedAccessException or NumPy.NpyFormatException)
        {
            return CommandLine.Fail(stderr, ExitCodes.UnreadableInput, e is CaseFileFormatException or NumPy.NpyFormatException
                ? e.Message : $"cannot read '{casesPath}': {e.Message}", UsageLine);
        }

        var results = Evaluator.EvaluateAll(cases, compute);
        int failed = results.Count(r => r.Error is not null);
        try
        {
            if (resultsPath == "-")
            {
                using var stdout = openStdout();
                FileFormats.WriteResults(stdout, results, outFormat.Value);
            }
            else
                AtomicFile.Write(resultsPath, s => FileFormats.WriteResults(s, results, outFormat.Value),
                    overwrite: parsed.Flags.Contains("--force"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"cannot write '{resultsPath}': {e.Message}", UsageLine);
        }
        foreach (var r in results.Where(r => r.Error is not null))
            stderr.WriteLine($"rnn-grading: case {r.Id}: {r.Error}");
        if (failed > 0)
            return CommandLine.Fail(stderr, ExitCodes.SomeNotEvaluated, $"{cases.Count - failed} of {cases.Count} cases evaluated, {failed} with errors", UsageLine);
        return ExitCodes.Ok;
    }
}
