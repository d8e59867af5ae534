// rnn-grading: the command-line program.
//   eval CASES -o RESULTS   the oracle: outputs and every gradient for each case (Spec/formats.md)
//   grade ...               the autograder (Spec/autograder.md)
//   trace, demo, figures, gallery   the teaching tools (Spec/figures.md)
using Rnn.Grading.Commands;

namespace Rnn.Grading;

public static class Program
{
    public const string Usage =
        """
        usage:
          rnn-grading eval CASES -o RESULTS [--compute fast|plain] [--threads N] [--max-memory SIZE] [--max-work N]
              Evaluate every case in CASES (.json or .npz; - for standard input, JSON) and write
              the outputs and gradients to RESULTS (.json or .npz; - for standard output, JSON).
              Computed on the fast path (every core, or N threads; the same bits for any N) unless
              --compute plain asks for the readable loops; both agree within rounding.
              A case may use at most 4G of memory and 5e10 multiply-adds unless raised.
          rnn-grading ops
              List the ops the oracle knows.
          rnn-grading grade --assignment A (--answers FILE | --submission DIR) [--results PATH] [--report text|none]
          rnn-grading grade sample-cases --assignment A -o FILE
              Grade students' answers against the reference (rnn-grading grade --help for more).
          rnn-grading grade-all DIR --assignment A [--jobs N] [--out scores.csv] [--results-dir RDIR] [--force]
              Grade every student's folder in DIR and write a CSV of scores (rnn-grading grade-all --help).
          rnn-grading bundle --assignment A -o autograder.zip [--runtime linux-x64 | --grader-dir DIR] [--force]
              Build Gradescope's autograder zip (rnn-grading bundle --help).
          rnn-grading trace CASES [--case ID] [--json]
              Every intermediate value of a recurrent case, forward then backward, step by step (trace --help).
          rnn-grading demo NAME [-o DIR] [--small] [--seed N] [--quiet] [--force]
              Train a demo: text-generation, sentiment, next-word, time-series (demo --help).
          rnn-grading figures -o DIR [--only NAME] [--small] [--force]
              The slides' pictures computed by the reference, as SVG and CSV (figures --help).
          rnn-grading gallery -o DIR [--small] [--seed N] [--quiet] [--force]
              Every figure and demo with an index.html gallery (gallery --help).
        eval's exit codes: 0 every case evaluated; 1 some case has an error (the others are still in
        RESULTS); 2 wrong command line; 3 CASES could not be read; 4 RESULTS could not be written.
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? Console.Error : Console.Out).WriteLine(Usage);
            return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
        }
        return args[0] switch
        {
            "eval" => EvalCommand.Run(args[1..], Console.OpenStandardInput, Console.OpenStandardOutput, Console.Error),
            "ops" => ListOps(),
            "grade" => GradeCommand.Run(args[1..]),
            "grade-all" => GradeAllCommand.Run(args[1..]),
            "bundle" => BundleCommand.Run(args[1..]),
            "trace" => TraceCommand.Run(args[1..], Console.Out, Console.Error),
            "demo" => DemoCommand.Run(args[1..], Console.Out, Console.Error),
            "figures" => FiguresCommand.Run(args[1..], Console.Out, Console.Error),
            "gallery" => GalleryCommand.Run(args[1..], Console.Out, Console.Error),
            _ => CommandLine.Fail(Console.Error, ExitCodes.Usage, $"unknown command '{args[0]}'", Usage),
        };
    }

    private static int ListOps()
    {
        foreach (var name in Oracle.OpRegistry.Names) Console.WriteLine(name);
        return ExitCodes.Ok;
    }
}
