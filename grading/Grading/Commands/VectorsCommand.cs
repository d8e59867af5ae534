// `rnn-grading vectors -o DIR [--force]`: writes the conformance vectors (Spec/vectors.md) into
// DIR: cases.json / cases.npz, expected.json / expected.npz and manifest.json. A file already
// there is replaced only with --force. The suite committed under Spec/vectors/ is this
// command's output.
using Rnn.Grading.Vectors;

namespace Rnn.Grading.Commands;

public static class VectorsCommand
{
    private const string UsageLine = "usage: rnn-grading vectors -o DIR [--force]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = CommandLine.Parse(args, ["-o"], ["--force"], null, out string? error,
            aliases: new Dictionary<string, string> { ["--output"] = "-o" });
        if (parsed is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        if (!parsed.Values.TryGetValue("-o", out string? dir))
            return CommandLine.Fail(stderr, ExitCodes.Usage, "vectors needs -o DIR (the folder to write the suite into)", UsageLine);
        if (OutputFolder.Prepare(dir, parsed.Flags.Contains("--force"), VectorFiles.Files) is { } problem)
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, problem, UsageLine);

        var vectors = ConformanceSuite.Build();
        var files = VectorFiles.Render(vectors);
        try
        {
            foreach (var (name, bytes) in files)
                AtomicFile.Write(Path.Combine(dir, name), s => s.Write(bytes));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"cannot write into '{dir}': {e.Message}", UsageLine);
        }
        stdout.WriteLine($"{vectors.Count} cases ({vectors.Select(v => v.Case.Op).Distinct().Count()} ops, " +
                         $"{vectors.Select(v => v.Convention).Distinct().Count()} conventions) written to {dir}: {string.Join(", ", files.Select(f => f.Name))}");
        return ExitCodes.Ok;
    }
}
