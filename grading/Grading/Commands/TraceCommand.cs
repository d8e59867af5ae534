// `rnn-grading trace CASES [--case ID] [--json]`: every intermediate value of a recurrent case's
// forward pass and backward pass, step by step, in PyTorch's names with the slides' beside them
// (Rnn.Grading.Teaching.Trace; Spec/figures.md, "Trace"). Without --case, every case of CASES
// whose op the trace follows (lstm, gru, rnn, relu_rnn_slide, tanh_rnn_slide).
// Exit codes: 0 traced; 1 a case could not be traced (named, with the reason); 2 wrong command
// line; 3 CASES could not be read.
using Rnn.Grading.Oracle;
using Rnn.Grading.Teaching.Trace;

namespace Rnn.Grading.Commands;

public static class TraceCommand
{
    private const string UsageLine = "usage: rnn-grading trace CASES [--case ID] [--json]   (rnn-grading trace --help)";

    public const string Usage =
        """
        usage:
          rnn-grading trace CASES [--case ID] [--json]
              Print every intermediate value of a recurrent case, step by step: the forward pass
              (pre-activations, gates, c_t, h_t; the slides' names beside PyTorch's) and then the
              backward pass (the gradient reaching h_t and c_t, each gate's pre-activation gradient,
              the weight gradients accumulated so far). CASES is a case file (.json or .npz, the
              format eval reads); --case picks one case by id (default: every lstm, gru, rnn,
              relu_rnn_slide and tanh_rnn_slide case). --json writes the same as JSON
              (format rnn-reference/trace@1) for a program to compare.
              Tiny cases to start from: grading/examples/trace/cases.json.
        exit codes: 0 traced; 1 a case could not be traced; 2 wrong command line; 3 CASES unreadable.
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (CommandLine.WantsHelp(args)) { stdout.WriteLine(Usage); return ExitCodes.Ok; }
        var parsed = CommandLine.Parse(args, ["--case"], ["--json"], "CASES", out var error);
        if (parsed is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        if (parsed.Positionals.Count == 0) return CommandLine.Fail(stderr, ExitCodes.Usage, "trace needs a case file (CASES)", UsageLine);
        string path = parsed.Positionals[0];
        var format = FileFormats.FromPath(path);
        if (format is null) return CommandLine.Fail(stderr, ExitCodes.Usage, $"case file '{path}' must end in .json or .npz", UsageLine);

        IReadOnlyList<Case> cases;
        try
        {
            // only a regular file is read (a FIFO or device would block or never end), and at most as much as eval reads
            using var input = new MemoryStream(InputFile.ReadRegular(path, CaseBudget.Default.MaxBytes / 4), writable: false);
            cases = FileFormats.ReadCases(input, path, format.Value);
        }
        catch (Exception e) when (e is CaseFileFormatException or InputFileException or NumPy.NpyFormatException)
        {
            return CommandLine.Fail(stderr, ExitCodes.UnreadableInput, e.Message, UsageLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandLine.Fail(stderr, ExitCodes.UnreadableInput, $"cannot read '{path}': {e.Message}", UsageLine);
        }

        List<Case> chosen;
        if (parsed.Values.TryGetValue("--case", out var id))
        {
            chosen = cases.Where(c => c.Id == id).ToList();
            if (chosen.Count == 0)
                return CommandLine.Fail(stderr, ExitCodes.SomeNotEvaluated, $"'{path}' has no case with id '{id}'; its ids: {string.Join(", ", cases.Select(c => c.Id))}", UsageLine);
        }
        else
        {
            chosen = cases.Where(c => RecurrentTrace.Ops.Contains(c.Op)).ToList();
            if (chosen.Count == 0)
                return CommandLine.Fail(stderr, ExitCodes.SomeNotEvaluated, $"'{path}' has no case whose op trace follows ({string.Join(", ", RecurrentTrace.Ops)})", UsageLine);
        }

        var traces = new List<CaseTrace>();
        foreach (var c in chosen)
        {
            try
            {
                traces.Add(RecurrentTrace.Of(c));
            }
            catch (ArgumentException e)
            {
                return CommandLine.Fail(stderr, ExitCodes.SomeNotEvaluated, $"case {c.Id}: {e.Message}", UsageLine);
            }
        }
        if (parsed.Flags.Contains("--json")) stdout.Write(TraceJson.Render(traces));
        else stdout.Write(string.Join("\n", traces.Select(TraceText.Render)));
        return ExitCodes.Ok;
    }

}
