// `rnn-grading eval CASES -o RESULTS`: read a case file, evaluate every case, write the results.
// The format follows the file extension (.json or .npz); "-" is standard input / output in JSON.
// CASES must be a regular file (or "-"): a folder, FIFO or device is refused unread. RESULTS is
// written to a temporary file first and then moved into place, so a reader never sees half a
// file; RESULTS may not be the CASES file itself, under any name (a symbolic or hard link), and an
// existing RESULTS file is replaced only with --force.
// Each case may use at most --max-memory of memory and --max-work multiply-adds, estimated from
// its sizes before anything is allocated (Spec/formats.md, "Limits"); the case file may be at
// most a quarter of --max-memory (JSON: a sixteenth, as its parsed form is larger than its text).
// --compute fast (default, every core or --threads N) or plain chooses how the ops compute (ComputeOption).
using System.Globalization;
// --device opencl[:N]|cuda[:N] [--precision f64|f32] evaluates the recurrent ops (rnn, lstm, gru) on
// that GPU device (Reference.Gpu) and every other op on the CPU; standard error says which.
using Rnn.Grading.Oracle;
using Rnn.Reference.Gpu;
using Rnn.Reference.Gpu.Recurrent;

namespace Rnn.Grading.Commands;

public static class EvalCommand
{
    private const string UsageLine =
        "usage: rnn-grading eval CASES -o RESULTS [--compute fast|plain] [--threads N] [--max-memory SIZE] [--max-work N] [--force] [--device opencl[:N]|cuda[:N] [--precision f64|f32]]   (see rnn-grading eval --help)";

    public const string Usage =
        """
        usage: rnn-grading eval CASES -o RESULTS [--compute fast|plain] [--threads N] [--max-memory SIZE] [--max-work N] [--force]
                                 [--device opencl[:N]|cuda[:N] [--precision f64|f32]]
          Evaluate every case in CASES (.json or .npz; - for standard input, JSON) and write the
          outputs and gradients to RESULTS (.json or .npz; - for standard output, JSON). Computed on
          the fast path (every core, or N threads; the same bits for any N) unless --compute plain
          asks for the readable loops; both agree within rounding. An existing RESULTS file is
          replaced only with --force. A case may use at most --max-memory (default 4G) of memory and
          --max-work (default 5e10) multiply-adds, estimated from its sizes before anything is
          allocated. Formats and limits: Spec/formats.md.
          With --device the recurrent ops (rnn, lstm, gru; not the reset-before GRU) run on that GPU
          device in f64 (default) or f32 and every other case on the CPU; standard error says which
          ran where (rnn-grading devices lists the devices; Spec/gpu.md).
        exit codes: 0 every case evaluated; 1 some case has an error (the others are still in RESULTS);
        2 wrong command line; 3 CASES could not be read; 4 RESULTS could not be written or exists (no --force);
        6 the --device cannot be opened.
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
        var parsed = CommandLine.Parse(args, ["-o", "--max-memory", "--max-work", .. ComputeOption.Names, DeviceOption.Device, DeviceOption.Precision], ["--force"], "CASES", out string? error);
        if (parsed is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        var compute = ComputeOption.Read(parsed.Values, out error);
        if (compute is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        string? casesPath = parsed.Positionals.FirstOrDefault();
        string? resultsPath = parsed.Values.GetValueOrDefault("-o");
        if (casesPath is null) return CommandLine.Fail(stderr, ExitCodes.Usage, "eval needs a case file (or - for standard input)", UsageLine);
        if (resultsPath is null) return CommandLine.Fail(stderr, ExitCodes.Usage, "eval needs -o RESULTS (a file name, or - for standard output)", UsageLine);
        var budget = ReadBudget(parsed, out error);
        if (budget is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        if (casesPath != "-" && resultsPath != "-" && SameFile(casesPath, resultsPath))
            return CommandLine.Fail(stderr, ExitCodes.Usage, $"RESULTS '{resultsPath}' is the case file itself; it would be overwritten", UsageLine);
        var inFormat = FileFormats.FromPath(casesPath);
        var outFormat = FileFormats.FromPath(resultsPath);
        if (inFormat is null) return CommandLine.Fail(stderr, ExitCodes.Usage, $"case file '{casesPath}' must end in .json or .npz", UsageLine);
        if (outFormat is null) return CommandLine.Fail(stderr, ExitCodes.Usage, $"results file '{resultsPath}' must end in .json or .npz", UsageLine);
        DeviceSpec? deviceSpec = null;
        var precision = GpuPrecision.Float64;
        if (parsed.Values.TryGetValue(DeviceOption.Device, out string? deviceText))
        {
            deviceSpec = DeviceOption.ParseDevice(deviceText, out error);
            if (deviceSpec is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        }
        if (parsed.Values.TryGetValue(DeviceOption.Precision, out string? precisionText))
        {
            if (deviceSpec is null) return CommandLine.Fail(stderr, ExitCodes.Usage, "--precision applies to --device only (the CPU reference is float64)", UsageLine);
            var p = DeviceOption.ParsePrecision(precisionText, out error);
            if (p is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
            precision = p.Value;
        }

        if (resultsPath != "-" && !parsed.Flags.Contains("--force") && (File.Exists(resultsPath) || Directory.Exists(resultsPath)))
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput,
                $"RESULTS '{resultsPath}' already exists; give --force to replace it (nothing was written)", UsageLine);

        IReadOnlyList<Case> cases;
        try
        {
            long maxInput = budget.MaxBytes / 4;
            long maxJson = budget.MaxBytes / 16;
            byte[] bytes = casesPath == "-"
                ? InputFile.ReadAtMost(openStdin(), "<stdin>", maxJson)
                : InputFile.ReadRegular(casesPath, inFormat == FileFormat.Json ? maxJson : maxInput);
            using var input = new MemoryStream(bytes, writable: false);
            cases = FileFormats.ReadCases(input, casesPath == "-" ? "<stdin>" : casesPath, inFormat.Value, maxJson);
        }
        catch (Exception e) when (e is CaseFileFormatException or InputFileException or NumPy.NpyFormatException)
        {
            return CommandLine.Fail(stderr, ExitCodes.UnreadableInput, e.Message, UsageLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandLine.Fail(stderr, ExitCodes.UnreadableInput, $"cannot read '{casesPath}': {e.Message}", UsageLine);
        }

        if (outFormat == FileFormat.Npz)
            foreach (var c in cases)
                if (NpzCaseFile.IdProblem(c.Id) is { } problem)
                    return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput,
                        $"case id \"{c.Id}\" cannot name arrays in an .npz file ({problem}); nothing was written: "
                        + "give RESULTS a .json name, or change the id", UsageLine);

        GpuDevice? device = null;
        if (deviceSpec is not null)
        {
            device = DeviceOption.Open(deviceSpec.Value, precision, out error);
            if (device is null) return CommandLine.Fail(stderr, ExitCodes.DeviceUnavailable, error!, UsageLine);
        }
        IReadOnlyList<CaseResult> results;
        // each case's backward runs right after its forward, from the device copy: the cache is never read on the host
        using (device)
            results = Evaluator.EvaluateAll(cases, compute, budget, device is null ? null : new GpuRecurrentLayer(device, CacheDownload.WhenRead));
        if (device is not null) stderr.WriteLine("rnn-grading: " + Printable.Escape(WhereEvaluated(cases, device)));
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
        catch (ArgumentException e) when (outFormat == FileFormat.Npz)
        {
            // a tensor name (the optimizer op's parameters are named by the case) that is not a safe .npz key
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput,
                $"cannot write '{resultsPath}': {e.Message}; nothing was written: give RESULTS a .json name", UsageLine);
        }
        foreach (var r in results.Where(r => r.Error is not null))
            stderr.WriteLine($"rnn-grading: case {Printable.Escape(r.Id, 200)}: {r.Error}"); // Evaluator escaped the error
        if (failed > 0)
            return CommandLine.Fail(stderr, ExitCodes.SomeNotEvaluated, $"{cases.Count - failed} of {cases.Count} cases evaluated, {failed} with errors", UsageLine);
        return ExitCodes.Ok;
    }

    /// <summary>Whether the two paths name one file: the same full path, or (links followed) the same device and inode.</summary>
    private static bool SameFile(string a, string b)
    {
        if (Path.GetFullPath(a) == Path.GetFullPath(b)) return true;
        return InputFile.Identify(a) is { } x && InputFile.Identify(b) is { } y && x == y;
    }

    /// <summary>--max-memory SIZE (a whole number with M or G: 512M, 8G) and --max-work N (multiply-adds: 1e11), over the defaults.</summary>
    private static CaseBudget? ReadBudget(CommandArgs parsed, out string? error)
    {
        error = null;
        var budget = CaseBudget.Default;
        if (parsed.Values.TryGetValue("--max-memory", out var memory))
        {
            long unit = memory.EndsWith('G') ? 1L << 30 : memory.EndsWith('M') ? 1L << 20 : 0;
            if (unit == 0 || !long.TryParse(memory[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 1 || n > (long.MaxValue >> 30))
            {
                error = $"--max-memory must be a whole number of mebibytes or gibibytes such as 512M or 8G but is '{memory}'";
                return null;
            }
            budget = budget with { MaxBytes = n * unit };
        }
        if (parsed.Values.TryGetValue("--max-work", out var work))
        {
            if (!double.TryParse(work, NumberStyles.Float, CultureInfo.InvariantCulture, out double w) || !double.IsFinite(w) || w < 1)
            {
                error = $"--max-work must be a number of multiply-adds of at least 1 such as 1e11 but is '{work}'";
                return null;
            }
            budget = budget with { MaxWork = w };
        }
        return budget;
    }

    /// <summary>"on opencl:0 NAME (f64): 3 cases (rnn, lstm); on the CPU reference: 2 cases (linear)".</summary>
    private static string WhereEvaluated(IReadOnlyList<Case> cases, GpuDevice device)
    {
        static string Count(IEnumerable<Case> group)
        {
            var list = group.ToList();
            return list.Count == 0 ? "no case"
                : $"{list.Count} case{(list.Count == 1 ? "" : "s")} ({string.Join(", ", list.Select(c => c.Op).Distinct())})";
        }
        return $"on {device}: {Count(cases.Where(Evaluator.RunsOnDevice))}; " +
            $"on the CPU reference (no GPU path for these): {Count(cases.Where(c => !Evaluator.RunsOnDevice(c)))}";
    }
}
