// `rnn-grading check CASES RESULTS [--rtol R] [--atol A] [--only OP,...] [--skip-missing] [--report FILE.md [--force]]`:
// RESULTS is another implementation's answers to CASES (the result format of eval, JSON or
// .npz). The oracle evaluates CASES itself, compares every tensor (Checker) and prints, per case
// and tensor, pass or fail with the worst element, expected and got, the layout slip a failed
// tensor looks like, and the known mistake that explains a failed case (Spec/vectors.md).
// Tolerances: --rtol / --atol when given; else the manifest.json beside CASES (the conformance
// vectors') for the cases it lists; else rtol 1e-7, atol 1e-10 (float64).
// --only OP,... checks the cases of those ops, or whose id starts with one of them ("lstm/",
// "keras/"); --skip-missing lists the cases RESULTS leaves out as not answered instead of failed
// (an implementation of a few ops answers the cases it has).
// Exit codes: 0 every checked case passes, 1 some case fails, 2 wrong command line, 3 CASES or
// RESULTS unreadable, 4 the report could not be written.
using System.Globalization;
using System.Text;
using Rnn.Grading.Oracle;
using Rnn.Grading.Vectors;

namespace Rnn.Grading.Commands;

public static class CheckCommand
{
    private const string UsageLine = "usage: rnn-grading check CASES RESULTS [--rtol R] [--atol A] [--only OP|ID-PREFIX,...] [--skip-missing] [--report FILE.md [--force]]";
    private static readonly string[] Valued = ["--rtol", "--atol", "--only", "--report"];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // CASES and RESULTS are the two arguments that are neither an option nor an option's value
        var positionals = new List<string>();
        var options = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (Array.IndexOf(Valued, args[i]) >= 0)
            {
                options.Add(args[i]);
                if (i + 1 < args.Length) options.Add(args[++i]);
            }
            else if (args[i].StartsWith('-') && args[i].Length > 1) options.Add(args[i]);
            else positionals.Add(args[i]);
        }
        var parsed = CommandLine.Parse([.. options], Valued, ["--skip-missing", "--force"], null, out string? error);
        if (parsed is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        if (positionals.Count != 2)
            return CommandLine.Fail(stderr, ExitCodes.Usage,
                positionals.Count < 2 ? "check needs CASES and RESULTS (another implementation's answers to CASES)"
                                      : $"unexpected argument '{positionals[2]}' (CASES is {positionals[0]}, RESULTS {positionals[1]})", UsageLine);
        string casesPath = positionals[0], resultsPath = positionals[1];
        if (casesPath == "-" && resultsPath == "-")
            return CommandLine.Fail(stderr, ExitCodes.Usage, "only one of CASES and RESULTS can be standard input", UsageLine);

        double? rtol = null, atol = null;
        foreach (var (key, set) in new (string, Action<double>)[] { ("--rtol", v => rtol = v), ("--atol", v => atol = v) })
            if (parsed.Values.TryGetValue(key, out var text))
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= 0) || double.IsInfinity(v))
                    return CommandLine.Fail(stderr, ExitCodes.Usage, $"{key} must be a number >= 0 but is '{text}'", UsageLine);
                set(v);
            }
        string[]? only = null;
        if (parsed.Values.TryGetValue("--only", out var onlyText))
        {
            only = onlyText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (only.Length == 0)
                return CommandLine.Fail(stderr, ExitCodes.Usage, $"--only names no op or case id; the ops are {string.Join(", ", OpRegistry.Names)}", UsageLine);
        }
        string? reportPath = parsed.Values.GetValueOrDefault("--report");
        bool force = parsed.Flags.Contains("--force");
        if (reportPath is not null && !force && (File.Exists(reportPath) || Directory.Exists(reportPath)))
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput,
                $"the report '{reportPath}' already exists; give --force to replace it (nothing was written)", UsageLine);

        IReadOnlyList<Case> cases;
        IReadOnlyList<CaseResult> answers;
        Dictionary<string, Dictionary<string, Tolerance>>? manifest = null;
        try
        {
            cases = Read(casesPath, (s, name, f) => FileFormats.ReadCases(s, name, f));
            answers = Read(resultsPath, (s, name, f) => f == FileFormat.Json ? CaseFile.ReadResults(s, name) : NpzCaseFile.ReadResults(s, name));
            string manifestPath = casesPath == "-" ? "" : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(casesPath))!, VectorFiles.Manifest);
            if (File.Exists(manifestPath))
            {
                using var m = File.OpenRead(manifestPath);
                manifest = VectorFiles.ReadTolerances(m, manifestPath);
            }
        }
        catch (UsageException e) { return CommandLine.Fail(stderr, ExitCodes.Usage, e.Message, UsageLine); }
        catch (Exception e) when (e is CaseFileFormatException or IOException or UnauthorizedAccessException or NumPy.NpyFormatException)
        {
            return CommandLine.Fail(stderr, ExitCodes.UnreadableInput, e.Message, UsageLine);
        }

        bool Chosen(Case c) => only is null || only.Any(o => c.Op == o || c.Id.StartsWith(o, StringComparison.Ordinal));
        if (only?.FirstOrDefault(o => !cases.Any(c => c.Op == o || c.Id.StartsWith(o, StringComparison.Ordinal))) is { } none)
            return CommandLine.Fail(stderr, ExitCodes.Usage,
                $"--only '{none}' is neither the op nor the start of the id of any case in {casesPath}; the ops are {string.Join(", ", OpRegistry.Names)}", UsageLine);
        var answered = answers.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var chosen = cases.Where(Chosen).ToList();
        var notAnswered = parsed.Flags.Contains("--skip-missing") ? chosen.Where(c => !answered.Contains(c.Id)).Select(c => c.Id).ToList() : [];
        chosen = [.. chosen.Where(c => !notAnswered.Contains(c.Id))];
        Tolerance ToleranceOf(string id, string tensor)
        {
            var t = manifest is not null && manifest.TryGetValue(id, out var byTensor) && byTensor.TryGetValue(tensor, out var m) ? m : Tolerance.Float64;
            return new Tolerance(rtol ?? t.Rtol, atol ?? t.Atol);
        }
        var checks = Checker.Check(chosen, answers, ToleranceOf);
        string source = rtol is not null && atol is not null ? "--rtol/--atol"
            : manifest is not null ? $"{VectorFiles.Manifest} beside CASES{(rtol is not null || atol is not null ? ", with the one given on the command line" : "")}"
            : $"rtol {Autograder.TensorComparison.Short(Tolerance.Float64.Rtol)}, atol {Autograder.TensorComparison.Short(Tolerance.Float64.Atol)} (float64){(rtol is not null || atol is not null ? ", with the one given on the command line" : "")}";

        if (notAnswered.Count > 0)
            source += $"; {notAnswered.Count} case{(notAnswered.Count == 1 ? "" : "s")} not answered (--skip-missing): {string.Join(", ", notAnswered.Take(12))}{(notAnswered.Count > 12 ? $" and {notAnswered.Count - 12} more" : "")}";
        stdout.Write(Text(checks, source));
        if (reportPath is not null)
        {
            try { AtomicFile.Write(reportPath, s => s.Write(Encoding.UTF8.GetBytes(Markdown(checks, casesPath, resultsPath, source))), overwrite: force); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"cannot write the report '{reportPath}': {e.Message}", UsageLine);
            }
        }
        return checks.All(c => c.Passed) ? ExitCodes.Ok : ExitCodes.SomeNotEvaluated;
    }

    private sealed class UsageException(string message) : Exception(message);

    private static T Read<T>(string path, Func<Stream, string, FileFormat, T> read)
    {
        var format = FileFormats.FromPath(path) ?? throw new UsageException($"'{path}' must end in .json or .npz");
        try
        {
            using var s = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            return read(s, path == "-" ? "<stdin>" : path, format);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot read '{path}': {e.Message}", e);
        }
    }

    /// <summary>What check prints: every tensor of a failed case, one line per passed case, a summary.</summary>
    public static string Text(IReadOnlyList<CaseCheck> checks, string toleranceSource)
    {
        var w = new StringBuilder();
        foreach (var c in checks)
        {
            if (c.Passed)
            {
                w.AppendLine($"PASS {c.Id} ({c.Op}): {string.Join(", ", c.Tensors.Select(t => t.Tensor))}");
                continue;
            }
            w.AppendLine($"FAIL {c.Id} ({c.Op})");
            if (c.Problem is not null) w.AppendLine($"  {c.Problem}");
            foreach (var t in c.Tensors)
            {
                w.AppendLine(t.Passed ? $"  pass {t.Tensor}" : $"  FAIL {t.Tensor}: {t.Reason}");
                if (t.Hint is not null) w.AppendLine($"       likely: {t.Hint}");
            }
            foreach (var x in c.Extra) w.AppendLine($"  (not compared: {x} is not a tensor of this op's result)");
            if (c.MistakeId is not null) w.AppendLine($"  known mistake {c.MistakeId}: {c.MistakeMessage}");
        }
        int failed = checks.Count(c => !c.Passed);
        w.AppendLine($"{checks.Count - failed} of {checks.Count} cases pass, {failed} fail " +
                     $"({checks.Sum(c => c.Tensors.Count(t => !t.Passed))} tensors failed); tolerance from {toleranceSource}");
        return w.ToString();
    }

    /// <summary>The --report file: a summary table, then each failed case with its tensors, hints and mistake.</summary>
    public static string Markdown(IReadOnlyList<CaseCheck> checks, string casesPath, string resultsPath, string toleranceSource)
    {
        static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
        var w = new StringBuilder();
        int failed = checks.Count(c => !c.Passed);
        w.AppendLine($"# check: {Cell(resultsPath)} against the oracle on {Cell(casesPath)}");
        w.AppendLine();
        w.AppendLine($"{checks.Count - failed} of {checks.Count} cases pass, {failed} fail. Tolerance from {toleranceSource}: " +
                     "a tensor passes when every element has |got - expected| <= atol + rtol * |expected|.");
        w.AppendLine();
        w.AppendLine("| case | op | result | failed tensors | known mistake |");
        w.AppendLine("|---|---|---|---|---|");
        foreach (var c in checks)
            w.AppendLine($"| {Cell(c.Id)} | {c.Op} | {(c.Passed ? "pass" : "FAIL")} | " +
                         $"{(c.Problem is not null ? Cell(c.Problem) : string.Join(", ", c.Tensors.Where(t => !t.Passed).Select(t => t.Tensor)))} | {c.MistakeId ?? ""} |");
        foreach (var c in checks.Where(c => !c.Passed))
        {
            w.AppendLine();
            w.AppendLine($"## {c.Id} ({c.Op})");
            w.AppendLine();
            if (c.Problem is not null) w.AppendLine($"- {c.Problem}");
            foreach (var t in c.Tensors)
            {
                w.AppendLine(t.Passed ? $"- `{t.Tensor}`: pass" : $"- `{t.Tensor}`: **fail**: {t.Reason}");
                if (t.Hint is not null) w.AppendLine($"  - likely: {t.Hint}");
            }
            if (c.MistakeId is not null)
            {
                w.AppendLine();
                w.AppendLine($"Known mistake `{c.MistakeId}`: {c.MistakeMessage}");
            }
        }
        return w.ToString();
    }
}
