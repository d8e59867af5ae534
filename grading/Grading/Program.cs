// rnn-grading: the command-line program.
//   eval CASES -o RESULTS   the oracle: outputs and every gradient for each case (Spec/formats.md)
//   vectors, check          the conformance vectors and the check of another implementation (Spec/vectors.md)
//   grade ...               the autograder (Spec/autograder.md)
//   devices, gpu-check      the GPU path's devices and its check against the CPU reference (Spec/gpu.md)
//   trace, demo, figures, gallery   the teaching tools (Spec/figures.md)
using Rnn.Grading.Commands;

namespace Rnn.Grading;

public static class Program
{
    public const string Usage =
        """
        usage:
          rnn-grading eval CASES -o RESULTS [--compute fast|plain] [--threads N] [--max-memory SIZE] [--max-work N] [--force]
              [--device opencl[:N]|cuda[:N] [--precision f64|f32]]
              Evaluate every case in CASES (.json or .npz; - for standard input, JSON) and write
              the outputs and gradients to RESULTS (.json or .npz; - for standard output, JSON).
              Computed on the fast path (every core, or N threads; the same bits for any N) unless
              --compute plain asks for the readable loops; both agree within rounding. An existing
              RESULTS is replaced only with --force. A case may use at most 4G of memory and 5e10
              multiply-adds unless raised (rnn-grading eval --help).
              With --device the recurrent ops (rnn, lstm, gru) run on that GPU device in f64
              (default) or f32, every other op on the CPU (Spec/gpu.md).
          rnn-grading devices
              List the OpenCL and CUDA devices --device can name, or why there are none.
          rnn-grading gpu-check [--device opencl[:N]|cuda[:N]] [--precision f64|f32]
              Run built-in workloads on the device and on the CPU reference and print, per tensor,
              the worst difference against the tolerance.
          rnn-grading ops
              List the ops the oracle knows.
          rnn-grading vectors -o DIR [--force]
              Write the conformance vectors (every op and convention, with edge cases): cases,
              expected results and a manifest of tolerances and SHA-256s (Spec/vectors.md).
          rnn-grading check CASES RESULTS [--rtol R] [--atol A] [--only OP|ID-PREFIX,...] [--skip-missing] [--report FILE.md [--force]]
              Compare another implementation's RESULTS for CASES with the oracle's, tensor by
              tensor, naming layout slips and known mistakes (Spec/vectors.md); exit 0 every case
              passes, 1 some fails, 2 wrong command line, 3 CASES or RESULTS unreadable, 4 report not written.
          rnn-grading grade --assignment A (--answers FILE | --submission DIR) [--results PATH] [--report text|none]
          rnn-grading grade sample-cases --assignment A -o FILE [--self-check CHECK]
          rnn-grading grade check-cases --assignment A
              Grade students' answers against the reference (rnn-grading grade --help for more).
          rnn-grading grade-all DIR --assignment A [-j N] [-o scores.csv] [--results-dir RDIR] [--force]
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
          rnn-grading --version
              The program's version.
        Every command takes --help; an option's value may also be given as --name=VALUE.
        eval's exit codes: 0 every case evaluated; 1 some case has an error (the others are still in
        RESULTS); 2 wrong command line; 3 CASES could not be read; 4 RESULTS could not be written;
        6 (eval --device, devices, gpu-check) the device cannot be opened, or none was found.
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? Console.Error : Console.Out).WriteLine(Usage);
            return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
        }
        if (args[0] is "--version" or "version")
        {
            Console.WriteLine($"rnn-grading {Version}");
            return ExitCodes.Ok;
        }
        return args[0] switch
        {
            "eval" => EvalCommand.Run(args[1..], Console.OpenStandardInput, Console.OpenStandardOutput, Console.Error),
            "ops" => CommandLine.WantsHelp(args[1..]) ? Help("usage: rnn-grading ops\n  List the ops the oracle knows (Spec/formats.md).") : ListOps(),
            "vectors" => VectorsCommand.Run(args[1..], Console.Out, Console.Error),
            "check" => CheckCommand.Run(args[1..], Console.Out, Console.Error),
            "devices" => DevicesCommand.Run(args[1..], Console.Out, Console.Error),
            "gpu-check" => GpuCheckCommand.Run(args[1..], Console.Out, Console.Error),
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

    /// <summary>The program's version (the assembly's informational version, without the source revision).</summary>
    public static string Version
    {
        get
        {
            var info = typeof(Program).Assembly
                .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
            return info is null ? "unknown" : info.Split('+')[0];
        }
    }

    private static int Help(string usage)
    {
        Console.WriteLine(usage);
        return ExitCodes.Ok;
    }

    private static int ListOps()
    {
        foreach (var name in Oracle.OpRegistry.Names) Console.WriteLine(name);
        return ExitCodes.Ok;
    }
}
