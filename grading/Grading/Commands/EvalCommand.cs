// `rnn-grading eval CASES -o RESULTS`: read a case file, evaluate every case, write the results.
// The format follows the file extension (.json or .npz); "-" is standard input / output in JSON.
// RESULTS is written to a temporary file first and then moved into place, so a reader never
// sees half a file; RESULTS may not be the CASES file itself. --compute fast (default, every core or
// --threads N) or plain chooses how the ops compute (ComputeOption).
// --device opencl[:N]|cuda[:N] [--precision f64|f32] evaluates the recurrent ops (rnn, lstm, gru) on
// that GPU device (Reference.Gpu) and every other op on the CPU; standard error says which.
using Rnn.Grading.Oracle;
using Rnn.Reference.Gpu;
using Rnn.Reference.Gpu.Recurrent;

namespace Rnn.Grading.Commands;

public static class EvalCommand
{
    private const string UsageLine = "usage: rnn-grading eval CASES -o RESULTS [--compute fast|plain] [--threads N] [--device opencl[:N]|cuda[:N] [--precision f64|f32]]   (see rnn-grading --help)";

    public static int Run(string[] args, Func<Stream> openStdin, Func<Stream> openStdout, TextWriter stderr)
    {
        var parsed = CommandLine.Parse(args, ["-o", .. ComputeOption.Names, DeviceOption.Device, DeviceOption.Precision], [], "CASES", out string? error,
            aliases: new Dictionary<string, string> { ["--output"] = "-o" });
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

        GpuDevice? device = null;
        if (deviceSpec is not null)
        {
            device = DeviceOption.Open(deviceSpec.Value, precision, out error);
            if (device is null) return CommandLine.Fail(stderr, ExitCodes.DeviceUnavailable, error!, UsageLine);
        }
        IReadOnlyList<CaseResult> results;
        using (device)
            results = Evaluator.EvaluateAll(cases, compute, device is null ? null : new GpuRecurrentLayer(device));
        if (device is not null) stderr.WriteLine("rnn-grading: " + WhereEvaluated(cases, device));
        int failed = results.Count(r => r.Error is not null);
        try
        {
            if (resultsPath == "-")
            {
                using var stdout = openStdout();
                FileFormats.WriteResults(stdout, results, outFormat.Value);
            }
            else
                AtomicFile.Write(resultsPath, s => FileFormats.WriteResults(s, results, outFormat.Value));
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

    /// <summary>"on opencl:0 NAME (f64): 3 cases (rnn, lstm); on the CPU reference: 2 cases (linear)".</summary>
    private static string WhereEvaluated(IReadOnlyList<Case> cases, GpuDevice device)
    {
        static string Count(IEnumerable<Case> group)
        {
            var list = group.ToList();
            return list.Count == 0 ? "no case"
                : $"{list.Count} case{(list.Count == 1 ? "" : "s")} ({string.Join(", ", list.Select(c => c.Op).Distinct())})";
        }
        return $"on {device}: {Count(cases.Where(c => Evaluator.RunsOnDevice(c.Op)))}; " +
            $"on the CPU reference (no GPU path for these ops): {Count(cases.Where(c => !Evaluator.RunsOnDevice(c.Op)))}";
    }
}
