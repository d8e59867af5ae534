// `rnn-grading grade`: the autograder (Spec/autograder.md).
//   grade --assignment A (--answers FILE|DIR | --submission DIR) [--results PATH] [--report text|none]
//   grade sample-cases --assignment A -o FILE [--self-check FILE]   (the student kit's sample_cases.json, sample_check.json)
//   grade demo-answers --assignment A -o FILE      (builds grading/examples/answers/with-mistakes.json)
// Exit codes (ExitCodes): 0 graded (points lost or not); 2 wrong command line; 3 the assignment could not be
// read; 4 results.json (or the -o file) could not be written; 5 the grader itself failed (an
// internal error: results.json still exists and says so).
using Rnn.Grading.Autograder;
using Rnn.Grading.Diagnosis;
using Rnn.Grading.Oracle;

namespace Rnn.Grading.Commands;

public static class GradeCommand
{
    public const string Usage =
        """
        usage:
          rnn-grading grade --assignment A (--answers FILE | --answers DIR | --submission DIR)
                            [--results PATH] [--report text|none] [--compute fast|plain] [--threads N]
                            [--allow-readable-grader]
              Grade the answers (one answers file for every problem, or DIR/PROBLEM.json per problem)
              or a student's submission against assignment A. Writes Gradescope's results.json to
              PATH (default results.json) after every problem and prints a report for staff;
              --results - prints results.json on standard output (the report then goes to standard
              error). The reference answers are computed on the fast path (every core; --threads N)
              unless --compute plain asks for the readable loops (Spec/performance.md).
              With --submission as root, grade refuses to run the student's program (exit 5, and a
              results.json saying the autograder is misconfigured) when the student's user could
              read the grader's folders (its program, the assignment's folder, the results):
              make them 0700, or give --allow-readable-grader to grade anyway (a checkout, whose
              files are public; Spec/sandbox.md).
          rnn-grading grade sample-cases --assignment A -o FILE [--self-check CHECK]
              Write example cases of A's visible problems (ids NAME/sample-k, never the graded ones)
              to FILE, and with --self-check their expected values and the known mistakes' values
              to CHECK (the student kit's sample_cases.json and sample_check.json).
          rnn-grading grade check-cases --assignment A
              For every problem and known mistake of its op, how far the mistake's answer misses on
              the best graded case; exits 1 when some mistake that can show misses by 10x the
              tolerance or less on every case.
        exit codes: 0 graded (points lost or not); 2 wrong command line; 3 assignment unreadable;
        4 results could not be written; 5 internal error in the grader (results.json says so).
        """;

    /// <summary>The flag that grades a submission even when the student's user can read the grader's files (Spec/sandbox.md).</summary>
    public const string AllowReadableGrader = "--allow-readable-grader";

    /// <summary>The line printed after a wrong command line.</summary>
    private const string UsageLine =
        "usage: rnn-grading grade --assignment A (--answers FILE | --submission DIR)   (see rnn-grading grade --help)";

    /// <summary>
    /// The answer source for --submission DIR (given the submission folder and the assignment
    /// file): runs the student's program on each problem's cases in the sandbox, with the kit's
    /// runner.py, keeping the grader's own folders (its binaries, the assignment's folder) out of reach.
    /// </summary>
    public static readonly Func<string, string, IAnswerSource> OpenSubmission = (submissionDir, assignmentPath) =>
        new SubmissionSource(submissionDir,
            SubmissionSource.FindKitRunner(Environment.CurrentDirectory, Path.GetDirectoryName(Path.GetFullPath(assignmentPath))!)
                ?? throw new GraderSetupException("the student kit's runner.py was not found: looked for student-kit/runner.py and "
                    + "grading/student-kit/runner.py upwards from the grader's folder, the working folder and the assignment's folder"),
            [AppContext.BaseDirectory, Path.GetDirectoryName(Path.GetFullPath(assignmentPath))!]);

    /// <summary>
    /// The catalog of known mistakes whose diagnoses are shown in feedback, and where no known
    /// mistake explains a wrong answer, where it goes wrong (Spec/diagnosis.md).
    /// </summary>
    public static readonly IMistakeDiagnoser Diagnoser = new LocatingDiagnoser(new MistakeCatalog());

    public static int Run(string[] args) => Run(args, Console.Out, Console.Error, OpenSubmission, Diagnoser);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr,
        Func<string, string, IAnswerSource>? submissionSource, IMistakeDiagnoser diagnoser)
    {
        if (CommandLine.WantsHelp(args))
        {
            stdout.WriteLine(Usage);
            return ExitCodes.Ok;
        }
        if (args.Length > 0 && args[0] == "check-cases")
            return CheckCases(args[1..], stdout, stderr);
        if (args.Length > 0 && args[0] is "sample-cases" or "demo-answers")
            return WriteCaseOrAnswerFile(args[0], args[1..], stderr);

        var parsed = CommandLine.Parse(args, ["--assignment", "--answers", "--submission", "--results", "--report", .. ComputeOption.Names],
            [AllowReadableGrader], null, out string? error);
        var options = parsed?.Values;
        if (options is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        bool allowReadableGrader = parsed!.Flags.Contains(AllowReadableGrader);
        var compute = ComputeOption.Read(options, out error);
        if (compute is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        if (!options.TryGetValue("--assignment", out var assignmentPath))
            return CommandLine.Fail(stderr, ExitCodes.Usage, "grade needs --assignment A", UsageLine);
        bool hasAnswers = options.TryGetValue("--answers", out var answersPath);
        bool hasSubmission = options.TryGetValue("--submission", out var submissionDir);
        if (hasAnswers == hasSubmission)
            return CommandLine.Fail(stderr, ExitCodes.Usage, "grade needs exactly one of --answers FILE|DIR and --submission DIR", UsageLine);
        string resultsPath = options.GetValueOrDefault("--results") ?? "results.json";
        string report = options.GetValueOrDefault("--report") ?? "text";
        if (report is not ("text" or "none"))
            return CommandLine.Fail(stderr, ExitCodes.Usage, $"--report must be text or none but is '{report}'", UsageLine);

        IAnswerSource source;
        if (hasSubmission)
        {
            if (submissionSource is null)
                return CommandLine.Fail(stderr, ExitCodes.Usage, "grade --submission is not available in this build; grade an answers file with --answers FILE", UsageLine);
            if (!Directory.Exists(submissionDir))
                return CommandLine.Fail(stderr, ExitCodes.Usage, $"--submission {submissionDir} is not a folder", UsageLine);
            try
            {
                source = submissionSource(submissionDir!, assignmentPath);
            }
            catch (GraderSetupException e)
            {
                int failed = CommandLine.Fail(stderr, ExitCodes.GraderFailed, e.Message, UsageLine);
                TryWriteMisconfigured(resultsPath, stderr);
                return failed;
            }
            if (source is SubmissionSource running)
            {
                if (allowReadableGrader) source = running = running with { AcceptExposedGraderFiles = true };
                if (running.Refusal is { } refusal)
                {
                    int refused = CommandLine.Fail(stderr, ExitCodes.GraderFailed, refusal, UsageLine);
                    TryWriteMisconfigured(resultsPath, stderr);
                    return refused;
                }
                foreach (var note in running.AllStaffNotes) stderr.WriteLine($"rnn-grading: note: {note}");
            }
        }
        else
            source = Directory.Exists(answersPath) ? new AnswersDirectorySource(answersPath!) : new AnswersFileSource(answersPath!);

        if (CommandLine.LoadAssignment(assignmentPath, stderr, UsageLine, out int unreadable) is not { } assignment)
        {
            TryWriteMisconfigured(resultsPath, stderr);
            return unreadable;
        }

        // --results -: results.json goes to standard output once graded (kept up to date in a
        // private temporary file meanwhile) and the staff report to standard error
        bool toStdout = resultsPath == "-";
        string? scratch = toStdout ? Directory.CreateTempSubdirectory("rnn-grade-").FullName : null;
        string writtenPath = scratch is null ? resultsPath : Path.Combine(scratch, "results.json");
        GradingRun run;
        using var computing = Evaluator.Use(compute);      // every reference answer, diagnosis included
        try
        {
            run = new Grader(source, diagnoser).Grade(assignment, writtenPath);
            if (toStdout) stdout.Write(File.ReadAllText(writtenPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"cannot write '{resultsPath}': {e.Message}", UsageLine);
        }
        finally
        {
            if (scratch is not null) Directory.Delete(scratch, recursive: true);
        }
        if (report == "text") (toStdout ? stderr : stdout).Write(StaffReport.Render(run));
        if (run.InternalError is not null)
            return CommandLine.Fail(stderr, ExitCodes.GraderFailed, $"internal error: {run.InternalError}", UsageLine);
        return ExitCodes.Ok;
    }

    private static int CheckCases(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = CommandLine.Parse(args, ["--assignment"], [], null, out string? error)?.Values;
        if (options is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        if (!options.TryGetValue("--assignment", out var assignmentPath))
            return CommandLine.Fail(stderr, ExitCodes.Usage, "grade check-cases needs --assignment A", UsageLine);
        if (CommandLine.LoadAssignment(assignmentPath, stderr, UsageLine, out int unreadable) is not { } assignment) return unreadable;
        var rows = CaseCoverage.Measure(assignment, new MistakeCatalog());
        stdout.Write(CaseCoverage.Render(rows));
        return rows.All(r => r.CannotShow is not null || r.Exposed) ? ExitCodes.Ok : ExitCodes.SomeNotEvaluated;
    }

    private static int WriteCaseOrAnswerFile(string command, string[] args, TextWriter stderr)
    {
        string[] valued = command == "sample-cases" ? ["--assignment", "-o", "--self-check"] : ["--assignment", "-o"];
        var options = CommandLine.Parse(args, valued, [], null, out string? error, OutputAlias)?.Values;
        if (options is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);
        if (!options.TryGetValue("--assignment", out var assignmentPath) || !options.TryGetValue("-o", out var output))
            return CommandLine.Fail(stderr, ExitCodes.Usage, $"grade {command} needs --assignment A and -o FILE", UsageLine);
        if (!output.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return CommandLine.Fail(stderr, ExitCodes.Usage, $"-o FILE must end in .json (the file is JSON) but is '{output}'", UsageLine);
        string? selfCheck = options.GetValueOrDefault("--self-check");
        if (selfCheck is not null && !selfCheck.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return CommandLine.Fail(stderr, ExitCodes.Usage, $"--self-check FILE must end in .json (the file is JSON) but is '{selfCheck}'", UsageLine);
        if (CommandLine.LoadAssignment(assignmentPath, stderr, UsageLine, out int unreadable) is not { } assignment) return unreadable;
        try
        {
            if (command == "sample-cases")
            {
                var cases = SampleCases.ForVisibleProblems(assignment);
                AtomicFile.Write(output, s => CaseFile.WriteCases(s, cases));
                if (selfCheck is not null)
                {
                    AtomicFile.Write(selfCheck, s => SelfCheckFile.Write(s, assignment, new MistakeCatalog()));
                    stderr.WriteLine($"rnn-grading: wrote their expected values and the known mistakes' values to {selfCheck}");
                }
                var left = assignment.Problems.Where(p => p.Visibility != Visibility.Visible).Select(p => p.Name).ToList();
                stderr.WriteLine($"rnn-grading: wrote {cases.Count} sample cases to {output}"
                    + (left.Count > 0 ? $"; problems not visible to students left out: {string.Join(", ", left)}" : ""));
            }
            else
            {
                var answers = DemoAnswers.Build(assignment);
                AtomicFile.Write(output, s => CaseFile.WriteResults(s, answers));
                stderr.WriteLine($"rnn-grading: wrote {answers.Count} answers (with the documented mistakes) to {output}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"cannot write '{output}': {e.Message}", UsageLine);
        }
        return ExitCodes.Ok;
    }

    private static readonly Dictionary<string, string> OutputAlias = new(StringComparer.Ordinal) { ["--output"] = "-o" };

    /// <summary>A results.json that tells the student the autograder is misconfigured (instead of "the autograder failed").</summary>
    private static void TryWriteMisconfigured(string resultsPath, TextWriter stderr)
    {
        try
        {
            AtomicFile.Write(resultsPath, s => GradescopeResults.WriteMisconfigured(s));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"rnn-grading: cannot write '{resultsPath}' either: {e.Message}");
        }
    }
}

/// <summary>The grader cannot run submissions as installed (its student kit is missing); grade exits 5 with a results.json saying so.</summary>
public sealed class GraderSetupException(string message) : Exception(message);
