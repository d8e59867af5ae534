// `rnn-grading grade-all`: grades a folder of submissions, one subfolder per student, outside
// Gradescope (Spec/gradescope.md, "Grading a whole class").
//   grade-all DIR --assignment A [--jobs N] [--out scores.csv] [--results-dir RDIR] [--force]
// Each student is graded exactly as `grade --submission DIR/STUDENT` grades (the same Grader,
// answer source and diagnoser), on N worker threads; each writes RDIR/STUDENT/results.json
// (Gradescope's file, kept up to date while grading) and RDIR/STUDENT/report.txt (the staff
// report). At the end one CSV row per student, sorted by name:
//   student,score,max_score,<one column per problem: its points>,status
// A student whose grading fails inside the grader gets the status "grader error: ..." and the
// others are still graded. Nothing that exists is replaced without --force.
// Exit codes (ExitCodes): 0 every student graded (whatever the scores); 1 the grader failed for some
// students (their rows say so; the CSV is written); 2 wrong command line; 3 the assignment
// could not be read; 4 an output exists (without --force) or could not be written; 5 the
// grader's files are readable by the students' users (without --allow-readable-grader).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rnn.Grading.Autograder;

namespace Rnn.Grading.Commands;

/// <summary>One CSV row: the points per problem (null where not graded), or why the grader failed.</summary>
public sealed record StudentScore(string Student, double? Score, double MaxScore, IReadOnlyList<double?> ProblemScores, string Status)
{
    public bool GraderError => Status.StartsWith(GradeAllCommand.GraderErrorPrefix, StringComparison.Ordinal);
}

public static class GradeAllCommand
{
    public const int MaxJobs = 64;
    public const string GraderErrorPrefix = "grader error: ";

    public const string Usage =
        """
        usage:
          rnn-grading grade-all DIR --assignment A [--jobs N] [--out scores.csv] [--results-dir RDIR] [--force]
                                [--allow-readable-grader]
              Grade every subfolder of DIR (one student's submission each, as grade --submission
              grades it) with N students at a time (default 1). Writes RDIR/STUDENT/results.json
              and RDIR/STUDENT/report.txt (RDIR defaults to "results" beside the CSV) and the CSV
              (default scores.csv): student,score,max_score,<points per problem>,status.
              Existing files are not replaced unless --force is given. As root it refuses to start
              (exit 5) when the students' users could read the grader's folders, unless
              --allow-readable-grader is given (as grade does; Spec/sandbox.md).
        exit codes: 0 every student graded; 1 the grader failed for some students (their status
        says "grader error: ..."); 2 wrong command line; 3 assignment unreadable; 4 an output
        exists (give --force) or could not be written; 5 the grader's files are readable by the
        students' users.
        """;

    /// <summary>The line printed after a wrong command line.</summary>
    private const string UsageLine =
        "usage: rnn-grading grade-all DIR --assignment A [-j|--jobs N] [-o|--out scores.csv] [--results-dir RDIR] [--force]   (see rnn-grading grade-all --help)";

    public static int Run(string[] args) =>
        Run(args, Console.Out, Console.Error, GradeCommand.OpenSubmission, GradeCommand.Diagnoser);

    /// <param name="submissionSource">makes the answer source for one student's folder (given it and the assignment path)</param>
    /// <param name="diagnoser">shared by the workers: it must be safe to call from several threads (MistakeCatalog is)</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr,
        Func<string, string, IAnswerSource> submissionSource, IMistakeDiagnoser diagnoser)
    {
        if (CommandLine.WantsHelp(args))
        {
            stdout.WriteLine(Usage);
            return ExitCodes.Ok;
        }
        var options = Parse(args, out string? error);
        if (options is null) return CommandLine.Fail(stderr, ExitCodes.Usage, error!, UsageLine);

        if (!Directory.Exists(options.Dir))
            return CommandLine.Fail(stderr, ExitCodes.Usage, $"DIR {options.Dir} is not a folder", UsageLine);
        string dir = Path.GetFullPath(options.Dir);
        string csv = Path.GetFullPath(options.Out);
        string resultsDir = Path.GetFullPath(options.ResultsDir ?? Path.Combine(Path.GetDirectoryName(csv)!, "results"));
        if (IsSameOrInside(resultsDir, dir))
            return CommandLine.Fail(stderr, ExitCodes.Usage, $"--results-dir {resultsDir} is inside DIR {dir}: the results would mix with the submissions", UsageLine);

        if (CommandLine.LoadAssignment(options.Assignment, stderr, UsageLine, out int unreadable) is not { } assignment) return unreadable;

        var students = FindStudents(dir, stderr);
        if (students.Count == 0)
            return CommandLine.Fail(stderr, ExitCodes.Usage, $"DIR {dir} holds no student folders (one subfolder per student)", UsageLine);

        if (Directory.Exists(csv))
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"--out {csv} is a folder", UsageLine);
        if (!options.Force)
        {
            var existing = new List<string>();
            if (File.Exists(csv)) existing.Add(csv);
            foreach (var s in students)
                foreach (string file in new[] { ResultsPath(resultsDir, s.Name), ReportPath(resultsDir, s.Name) })
                    if (File.Exists(file)) existing.Add(file);
            if (existing.Count > 0)
                return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"{Files(existing.Count)} would be replaced: {string.Join(", ", existing.Take(5))}"
                    + (existing.Count > 5 ? $" and {existing.Count - 5} more" : "") + "; give --force to replace them", UsageLine);
        }
        try
        {
            // 0700: other users (the students' programs among them) cannot read the results of other students
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(resultsDir);
            else if (!Directory.Exists(resultsDir))
                Directory.CreateDirectory(resultsDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"cannot make --results-dir {resultsDir}: {e.Message}", UsageLine);
        }

        // the grader's own folders are the same for every student: refuse once, before anyone is graded
        if (submissionSource(students[0].Dir, options.Assignment) is SubmissionSource probe
            && (probe with { AcceptExposedGraderFiles = options.AllowReadableGrader }).Refusal is { } refusal)
            return CommandLine.Fail(stderr, ExitCodes.GraderFailed, refusal, UsageLine);

        stderr.WriteLine($"rnn-grading: grading {students.Count} {(students.Count == 1 ? "student" : "students")} of {dir}, "
            + $"{options.Jobs} at a time, against {assignment.Name}");
        var scores = GradeEveryone(students, assignment, options.Assignment, resultsDir, options.Jobs, submissionSource, diagnoser, stderr,
            options.AllowReadableGrader);

        try
        {
            WriteCsv(csv, assignment, scores, options.Force);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandLine.Fail(stderr, ExitCodes.CannotWriteOutput, $"cannot write --out {csv}: {e.Message} (the per-student results are in {resultsDir})", UsageLine);
        }
        int errors = scores.Count(s => s.GraderError);
        stdout.WriteLine($"graded {scores.Count - errors} of {scores.Count} students"
            + (errors > 0 ? $" ({errors} grader {(errors == 1 ? "error" : "errors")}: see the status column)" : "")
            + $"; scores in {csv}, results in {resultsDir}");
        return errors > 0 ? ExitCodes.SomeNotEvaluated : ExitCodes.Ok;
    }

    private sealed record Student(string Name, string Dir);

    /// <summary>The subfolders of dir (folders whose names start with '.' are left out and named).</summary>
    private static List<Student> FindStudents(string dir, TextWriter stderr)
    {
        var students = new List<Student>();
        var hidden = new List<string>();
        int files = 0;
        foreach (string entry in Directory.EnumerateFileSystemEntries(dir))
        {
            string name = Path.GetFileName(entry);
            if (!Directory.Exists(entry)) files++;
            else if (name.StartsWith('.')) hidden.Add(name);
            else students.Add(new Student(name, entry));
        }
        if (hidden.Count > 0) stderr.WriteLine($"rnn-grading: note: folders starting with '.' are not graded: {string.Join(", ", hidden.Order(StringComparer.Ordinal))}");
        if (files > 0) stderr.WriteLine($"rnn-grading: note: {Files(files)} directly in {dir} are not submissions and were left alone");
        students.Sort((a, b) => StringComparer.Ordinal.Compare(a.Name, b.Name));
        return students;
    }

    private static string ResultsPath(string resultsDir, string student) => Path.Combine(resultsDir, student, "results.json");

    private static string ReportPath(string resultsDir, string student) => Path.Combine(resultsDir, student, "report.txt");

    /// <summary>
    /// Grades every student on `jobs` threads of their own (not the thread pool: each worker blocks
    /// while a student's program runs, and the sandbox's output readers need pool threads).
    /// </summary>
    private static List<StudentScore> GradeEveryone(List<Student> students, Assignment assignment, string assignmentPath,
        string resultsDir, int jobs, Func<string, string, IAnswerSource> submissionSource, IMistakeDiagnoser diagnoser, TextWriter stderr,
        bool allowReadableGrader)
    {
        var queue = new ConcurrentQueue<Student>(students);
        var scores = new ConcurrentBag<StudentScore>();
        var notesShown = new HashSet<string>(StringComparer.Ordinal);
        var gate = new Lock();
        int done = 0;

        // worker k runs students' programs as its own unprivileged user (SubmissionSource.ForWorker)
        void Work(int worker)
        {
            while (queue.TryDequeue(out var student))
            {
                var clock = Stopwatch.StartNew();
                var score = GradeOne(student, assignment, assignmentPath, resultsDir, submissionSource, diagnoser, worker, allowReadableGrader, out var staffNotes);
                scores.Add(score);
                lock (gate)
                {
                    foreach (string note in staffNotes)
                        if (notesShown.Add(note)) stderr.WriteLine($"rnn-grading: note: {note}");
                    done++;
                    string points = score.Score is { } s ? $"{Number(s)} / {Number(score.MaxScore)}" : "no score";
                    stderr.WriteLine($"rnn-grading: [{done}/{students.Count}] {student.Name}: {points}, {score.Status} ({clock.Elapsed.TotalSeconds:0.0} s)");
                }
            }
        }

        var workers = Enumerable.Range(0, Math.Min(jobs, students.Count))
            .Select(k => new Thread(() => Work(k)) { Name = $"grade-all worker {k + 1}", IsBackground = true })
            .ToList();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        return [.. scores.OrderBy(s => s.Student, StringComparer.Ordinal)];
    }

    /// <summary>One student, as `grade --submission` grades: never throws; a fault of the grader becomes a "grader error" row.</summary>
    private static StudentScore GradeOne(Student student, Assignment assignment, string assignmentPath, string resultsDir,
        Func<string, string, IAnswerSource> submissionSource, IMistakeDiagnoser diagnoser, int worker, bool allowReadableGrader,
        out IReadOnlyList<string> staffNotes)
    {
        staffNotes = [];
        var noScores = assignment.Problems.Select(_ => (double?)null).ToList();
        try
        {
            string folder = Path.Combine(resultsDir, student.Name);
            Directory.CreateDirectory(folder);
            var source = submissionSource(student.Dir, assignmentPath);
            if (source is SubmissionSource running)
            {
                running = running with { StudentUser = SubmissionSource.ForWorker(worker), AcceptExposedGraderFiles = allowReadableGrader };
                staffNotes = running.AllStaffNotes;
                source = running;
            }
            bool empty = !Directory.EnumerateFileSystemEntries(student.Dir).Any();
            var run = new Grader(source, diagnoser).Grade(assignment, ResultsPath(resultsDir, student.Name));
            AtomicFile.Write(ReportPath(resultsDir, student.Name), s => s.Write(Encoding.UTF8.GetBytes(StaffReport.Render(run))));

            var problemScores = run.Problems.Select(p => p.Status == ProblemStatus.Graded ? p.Score : (double?)null).ToList();
            if (run.InternalError is not null)
                return new StudentScore(student.Name, null, assignment.MaxScore, problemScores, GraderErrorPrefix + OneLine(run.InternalError));
            return new StudentScore(student.Name, run.Score, assignment.MaxScore, problemScores, GradedStatus(run, empty));
        }
        catch (Exception e)
        {
            return new StudentScore(student.Name, null, assignment.MaxScore, noScores, GraderErrorPrefix + OneLine($"{e.GetType().Name}: {e.Message}"));
        }
    }

    /// <summary>"graded", with why when the program gave no answers to some problems (an empty folder says so).</summary>
    private static string GradedStatus(GradingRun run, bool emptyFolder)
    {
        if (emptyFolder) return "graded; the submission folder is empty";
        var failed = run.Problems.Where(p => p.SourceFailure is not null).ToList();
        if (failed.Count == 0) return "graded";
        string first = failed[0].SourceFailure!;
        if (first.Length > 200) first = first[..200] + "...";
        return OneLine($"graded; no answers for {failed.Count} of {run.Problems.Count} problems ({failed[0].Problem.Name}: {first})");
    }

    // ---- the CSV ------------------------------------------------------------------------

    /// <summary>RFC 4180: UTF-8, CRLF line ends, a field quoted (quotes doubled) when it holds a comma, quote, CR or LF.</summary>
    public static string Csv(Assignment assignment, IReadOnlyList<StudentScore> scores)
    {
        var sb = new StringBuilder();
        Row(sb, ["student", "score", "max_score", .. assignment.Problems.Select(p => p.Name), "status"]);
        foreach (var s in scores)
            Row(sb, [s.Student, s.Score is { } t ? Number(t) : "", Number(s.MaxScore),
                     .. s.ProblemScores.Select(p => p is { } v ? Number(v) : ""), s.Status]);
        return sb.ToString();
    }

    public static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    private static void Row(StringBuilder sb, IEnumerable<string> fields) => sb.Append(string.Join(',', fields.Select(CsvField))).Append("\r\n");

    /// <summary>Points as results.json writes them: rounded to 6 decimals, shortest round-trip form.</summary>
    private static string Number(double v) => Math.Round(v, 6).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Written to a temporary file beside it, then renamed; an existing file is replaced only with --force.</summary>
    private static void WriteCsv(string path, Assignment assignment, IReadOnlyList<StudentScore> scores, bool force) =>
        AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(Csv(assignment, scores))), overwrite: force);

    // ---- the command line ---------------------------------------------------------------

    private sealed record Options(string Dir, string Assignment, int Jobs, string Out, string? ResultsDir, bool Force, bool AllowReadableGrader);

    /// <summary>The options, or null and what is wrong with the command line.</summary>
    private static Options? Parse(string[] args, out string? error)
    {
        var parsed = CommandLine.Parse(args, ["--assignment", "--jobs", "--out", "--results-dir"], ["--force", GradeCommand.AllowReadableGrader], "DIR", out error,
            aliases: new Dictionary<string, string> { ["-j"] = "--jobs", ["-o"] = "--out", ["--output"] = "--out" });
        if (parsed is null) return null;
        var values = parsed.Values;
        string? dir = parsed.Positionals.FirstOrDefault();
        bool force = parsed.Flags.Contains("--force");
        if (dir is null)
        {
            error = "grade-all needs DIR, the folder with one subfolder per student";
            return null;
        }
        if (!values.TryGetValue("--assignment", out var assignment))
        {
            error = "grade-all needs --assignment A";
            return null;
        }
        int jobs = 1;
        if (values.TryGetValue("--jobs", out var jobsText)
            && (!int.TryParse(jobsText, NumberStyles.None, CultureInfo.InvariantCulture, out jobs) || jobs < 1 || jobs > MaxJobs))
        {
            error = $"--jobs must be a whole number from 1 to {MaxJobs} but is '{jobsText}'";
            return null;
        }
        string output = values.GetValueOrDefault("--out") ?? "scores.csv";
        if (!output.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            error = $"--out must end in .csv but is '{output}'";
            return null;
        }
        return new Options(dir, assignment, jobs, output, values.GetValueOrDefault("--results-dir"), force,
            parsed.Flags.Contains(GradeCommand.AllowReadableGrader));
    }

    private static bool IsSameOrInside(string path, string folder)
    {
        string p = Path.TrimEndingDirectorySeparator(path), f = Path.TrimEndingDirectorySeparator(folder);
        return p == f || p.StartsWith(f + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static string Files(int n) => n == 1 ? "1 file" : $"{n} files";
}
