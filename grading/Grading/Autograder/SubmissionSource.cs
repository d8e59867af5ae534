// Answers from a student's submission folder (grade --submission DIR): for each problem, a
// fresh work folder gets a safe copy of the submission, the kit's own runner.py (replacing any
// the student sent) and the problem's cases (inputs only); the student's program runs there in
// the sandbox (Rnn.Grading.Sandbox: time, memory, process, file-size and output limits, no
// network, an unprivileged user when the grader is root), and answers.json is read back with
// AnswersFile.Read once the program and everything it started have stopped.
// The verdict comes only from answers.json; the program's exit code and output are feedback.
using Rnn.Grading.Oracle;
using Rnn.Grading.Sandbox;

namespace Rnn.Grading.Autograder;

public sealed record SubmissionSource : IAnswerSource
{
    private readonly string _submission;
    private readonly string _runner;
    private readonly IReadOnlyList<string> _protectedPaths;

    /// <summary>Notes for staff about isolation that could not be had (the grader not running as root).</summary>
    public IReadOnlyList<string> StaffNotes { get; }

    /// <summary>
    /// The grader's folders that the student's user could read, list, enter or write, each saying
    /// how ("/srv/grader can be listed by uid 65534 (mode 0755, owner 0:0)"). With any, no program
    /// is run (GetAnswers throws GraderFilesExposedException) unless AcceptExposedGraderFiles.
    /// </summary>
    public IReadOnlyList<string> ExposedGraderFiles { get; }

    /// <summary>
    /// Run the student's program even though ExposedGraderFiles is not empty (grade's
    /// --allow-readable-grader): for a checkout graded from, whose files are public anyway.
    /// </summary>
    public bool AcceptExposedGraderFiles { get; init; }

    /// <summary>
    /// The unprivileged user and group the student's program runs as when the grader is root
    /// (default nobody:nogroup). Programs graded at the same time get different users (see
    /// ForWorker), so one student's processes can neither count against another's process limit
    /// nor signal or read another's.
    /// </summary>
    public (int Uid, int Gid) StudentUser { get; init; } = (65534, 65534);

    /// <summary>
    /// The user for parallel worker k (0-based): nobody for worker 0, then uids 64001, 64002, ...
    /// in group nogroup. These must belong to no account: a uid listed in /etc/passwd is refused.
    /// </summary>
    public static (int Uid, int Gid) ForWorker(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (k == 0) return (65534, 65534);
        int uid = 64000 + k;
        if (File.Exists("/etc/passwd"))
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 2 && fields[2] == uid.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    throw new InvalidOperationException($"uid {uid} for grading worker {k + 1} belongs to the account '{fields[0]}'; use fewer --jobs");
            }
        return (uid, 65534);
    }

    /// <param name="submissionDir">the student's files (rnn_student.py and anything it imports)</param>
    /// <param name="kitRunner">the kit's runner.py that is run as `python3 runner.py cases.json answers.json`</param>
    /// <param name="graderPaths">folders the student's program must not read (the assignment, the grader itself); those a
    /// student's user could read are listed in ExposedGraderFiles, and no program runs unless that is accepted</param>
    public SubmissionSource(string submissionDir, string kitRunner, IEnumerable<string> graderPaths)
    {
        if (!Directory.Exists(submissionDir))
            throw new ArgumentException($"the submission folder '{submissionDir}' does not exist", nameof(submissionDir));
        if (!File.Exists(kitRunner))
            throw new ArgumentException($"the kit's runner '{kitRunner}' does not exist", nameof(kitRunner));
        _submission = Path.GetFullPath(submissionDir);
        _runner = Path.GetFullPath(kitRunner);
        var notes = new List<string>();
        var protectedPaths = new List<string>();
        var exposedPaths = new List<string>();
        bool switchesUser = Environment.UserName == "root";
        foreach (var path in graderPaths.Select(Path.GetFullPath).Distinct())
        {
            string? exposed = switchesUser && OperatingSystem.IsLinux() ? StudentAccess.ExposedTo(path, 65534, 65534) : null;
            if (exposed is null) protectedPaths.Add(path);
            else exposedPaths.Add(exposed);
        }
        if (!switchesUser)
            notes.Add("the grader is not running as root: the student's program runs as the grader's own user and can read what it can");
        _protectedPaths = protectedPaths;
        StaffNotes = notes;
        ExposedGraderFiles = exposedPaths;
    }

    /// <summary>What refusing to run says, or null when nothing is exposed or that was accepted.</summary>
    public string? Refusal => ExposedGraderFiles.Count == 0 || AcceptExposedGraderFiles ? null
        : "the grader's files are not protected from the student's program: " + string.Join("; ", ExposedGraderFiles)
          + ". Make the grader's folders 0700 (the Gradescope bundle's setup does), or give --allow-readable-grader "
          + "to grade anyway, with the student's program able to read them (Spec/sandbox.md)";

    /// <summary>The staff note of a run that was allowed to go on with exposed grader files.</summary>
    public IReadOnlyList<string> AllStaffNotes => AcceptExposedGraderFiles && ExposedGraderFiles.Count > 0
        ? [.. StaffNotes, .. ExposedGraderFiles.Select(e => $"--allow-readable-grader: the student's program can read the grader's files ({e})")]
        : StaffNotes;

    public string Description => $"submission {_submission}";

    /// <summary>strerror(EPERM): what execve gives under the guard's seccomp filter.</summary>
    private const string OperationNotPermitted = "Operation not permitted";

    public AnswerOutcome GetAnswers(AnswerRequest request)
    {
        if (Refusal is { } refusal) throw new GraderFilesExposedException(refusal);
        using var work = StudentWorkDir.Create();
        var copy = SubmissionCopy.Copy(_submission, work.Path);
        File.Copy(_runner, Path.Combine(work.Path, "runner.py"), overwrite: true);
        PythonGuard.WriteInto(work.Path, request.Assignment.MayImport);
        using (var cases = File.Create(Path.Combine(work.Path, "cases.json")))
            CaseFile.WriteCases(cases, request.Cases);

        var run = StudentProcess.Run(new StudentRunRequest
        {
            WorkingDirectory = work.Path,
            Command = PythonGuard.Command("runner.py", "cases.json", "answers.json"),
            WallClockLimit = request.TimeLimit,
            ProtectedPaths = _protectedPaths,
            StudentUid = StudentUser.Uid,
            StudentGid = StudentUser.Gid,
            MayImport = request.Assignment.MayImport,
        });
        if (!run.Started)
            throw new InvalidOperationException($"the student's program could not be started: {run.StartError}");

        var said = new List<string>();
        if (copy.Skipped.Count > 0) said.Add("not copied from your submission: " + string.Join("; ", copy.Skipped));
        if (!copy.Complete) said.Add($"your submission was not copied completely: {copy.StoppedBecause}");
        said.Add(run.Describe());
        // error output first: a traceback stays in view even when the program printed a lot
        if (run.Stderr.Text.Length > 0) said.Add("your program's error output:\n" + run.Stderr.Text);
        if (run.Stdout.Text.Length > 0) said.Add("your program printed:\n" + run.Stdout.Text);
        // the kernel's exec filter gives no message of its own: say what an EPERM most likely was
        if (run.Stderr.Text.Contains(OperationNotPermitted, StringComparison.Ordinal) || run.Stdout.Text.Contains(OperationNotPermitted, StringComparison.Ordinal))
            said.Add($"note: \"{OperationNotPermitted}\" (EPERM) is what the sandbox's kernel answers to running another program: "
                + PythonGuard.Rule(request.Assignment.MayImport) + " (Spec/sandbox.md)");
        string output = StudentText.Truncate(string.Join("\n", said), 6000);

        if (run.TimedOut)
            return AnswerOutcome.Failed($"your program did not finish within the time limit of {request.TimeLimit.TotalSeconds:0.#} s", output)
                with { SandboxNotes = run.Notes };
        return AnswersFile.Read(Path.Combine(work.Path, "answers.json"), "answers.json").WithStudentOutput(output) with { SandboxNotes = run.Notes };
    }

    /// <summary>
    /// The kit's runner.py: beside the grader (a bundle: student-kit/runner.py) or in the
    /// repository (grading/student-kit/runner.py), looked for upwards from the grader's own folder
    /// and then from each of searchFrom (the working folder, the assignment's folder), so a grader
    /// built to any folder (dotnet build -o DIR) still finds the working tree's kit. Null if none.
    /// </summary>
    public static string? FindKitRunner(params string[] searchFrom) =>
        FindKitRunnerFrom([AppContext.BaseDirectory, .. searchFrom]);

    /// <summary>As FindKitRunner, looking upwards from each of starts in order (and nowhere else).</summary>
    public static string? FindKitRunnerFrom(IEnumerable<string> starts)
    {
        foreach (var start in starts)
        {
            var dir = new DirectoryInfo(Path.GetFullPath(start));
            while (dir is not null)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, "student-kit", "runner.py"),
                                                  Path.Combine(dir.FullName, "grading", "student-kit", "runner.py") })
                    if (File.Exists(candidate)) return candidate;
                dir = dir.Parent;
            }
        }
        return null;
    }
}

/// <summary>The grader's own files can be reached by the student's user, and that was not accepted: no program is run.</summary>
public sealed class GraderFilesExposedException(string message) : Exception(message);
