// Where a student's answers come from. The grader asks once per problem and compares what it
// gets with the oracle's values, which it computes itself, in memory, and never writes where a
// student's program could read them.
//   AnswersFileSource       one ready answers file holding every problem's cases (--answers FILE)
//   AnswersDirectorySource  one ready answers file per problem, DIR/NAME.json (--answers DIR)
//   a process-running source (--submission DIR) writes request.Cases to cases.json in a fresh
//   folder, runs the student's program there within request.TimeLimit and reads answers.json
//   with AnswersFile.Read; whatever the program printed goes back as StudentOutput.
using Rnn.Grading.Oracle;

namespace Rnn.Grading.Autograder;

public interface IAnswerSource
{
    /// <summary>Where the answers come from, for the staff report ("answers file with-mistakes.json").</summary>
    string Description { get; }

    /// <summary>
    /// The student's answers for one problem's cases, or a failure whose message the student
    /// reads (the whole problem then scores 0). Throw only for a fault of the grader itself:
    /// the run then stops, and results.json says the grader failed.
    /// </summary>
    AnswerOutcome GetAnswers(AnswerRequest request);
}

/// <summary>One problem's cases, inputs only (write them with CaseFile.WriteCases), and how long the student's program may take.</summary>
public sealed record AnswerRequest(Assignment Assignment, Problem Problem, IReadOnlyList<Case> Cases, TimeSpan TimeLimit);

/// <summary>
/// Answers (results in the oracle's format, "id" + "outputs"/"grads" or "error"), or a failure
/// message; and, from a process-running source, the program's captured output (already
/// truncated with StudentText.Truncate).
/// </summary>
public sealed record AnswerOutcome(IReadOnlyList<CaseResult>? Answers, string? Failure, string? StudentOutput = null)
{
    /// <summary>
    /// Entries of the answers file that could not be read (a malformed tensor, a repeated key, a
    /// string that is not valid text) while the rest could: each costs only its own case, or, when
    /// its id could not be read either, is noted where a case has no answer (AnswerResults).
    /// </summary>
    public IReadOnlyList<UnreadableAnswer> Unreadable { get; init; } = [];

    /// <summary>
    /// Where the run of the student's program fell short of the full sandbox, and why
    /// (StudentRunOutcome.Notes: no reduced view of the filesystem, no memory cgroup, ...): for the
    /// staff report only (ProblemOutcome.StaffNotes), never the student's feedback.
    /// </summary>
    public IReadOnlyList<string> SandboxNotes { get; init; } = [];

    public static AnswerOutcome Answered(IReadOnlyList<CaseResult> answers, string? studentOutput = null) =>
        new(answers, null, studentOutput);

    public static AnswerOutcome Failed(string message, string? studentOutput = null) => new(null, message, studentOutput);

    public bool Succeeded => Answers is not null;

    public AnswerOutcome WithStudentOutput(string? studentOutput) => this with { StudentOutput = studentOutput };
}

/// <summary>Entry `Index` of the answers' "results" list could not be read; Id is its id when that much could be read.</summary>
public sealed record UnreadableAnswer(int Index, string? Id, string Reason);

/// <summary>Text from a student (error messages, printed output) shortened before it goes into feedback.</summary>
public static class StudentText
{
    public const int DefaultMaxChars = 2000;

    /// <summary>Keeps the first maxChars characters and says how many were left out.</summary>
    public static string Truncate(string text, int maxChars = DefaultMaxChars)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChars);
        if (text.Length <= maxChars) return text;
        return text[..maxChars] + $"... [{text.Length - maxChars} more characters not shown]";
    }
}
