// The text a student reads for one problem (a Gradescope test's "output"): the score and how
// it was counted, the tolerance rule, each failed tensor (case id, tensor, worst element with
// expected and given value), likely causes from the diagnoser, notes, and the program's output.
// Plain text: nothing from the student is interpreted as markup.
using System.Globalization;
using System.Text;

namespace Rnn.Grading.Autograder;

public static class Feedback
{
    /// <summary>At most this many failed tensors are listed; the rest are counted.</summary>
    public const int MaxListedFailures = 12;

    /// <param name="errorAtTop">the run's common error (CommonError) is shown above the tests: say so instead of repeating it and the program's output</param>
    public static string ForProblem(ProblemOutcome o, bool errorAtTop = false)
    {
        var p = o.Problem;
        var sb = new StringBuilder();
        if (o.Status == ProblemStatus.NotGraded)
        {
            sb.Append("Not graded: ").Append(o.NotGradedReason).Append('\n');
            return sb.ToString();
        }
        sb.Append($"Score {Points(o.Score)} of {Points(p.Points)}: {o.PassedTensors} of {o.CheckedTensors} checked tensors match ");
        sb.Append($"over {p.Cases} case{(p.Cases == 1 ? "" : "s")} ({p.Name}/0 to {p.Name}/{p.Cases - 1}).\n");
        sb.Append("Checked:");
        if (p.Check.Outputs.Count > 0) sb.Append(" outputs ").Append(string.Join(", ", p.Check.Outputs));
        if (p.Check.Outputs.Count > 0 && p.Check.Grads.Count > 0) sb.Append(';');
        if (p.Check.Grads.Count > 0) sb.Append(" grads ").Append(string.Join(", ", p.Check.Grads));
        sb.Append(".\n");
        sb.Append($"A value passes when |answer - expected| <= atol + rtol * |expected|, with rtol {Num(p.Rtol)} and atol {Num(p.Atol)}.\n");

        if (o.SourceFailure is not null)
            sb.Append("\nNo answers could be read for this problem: ").Append(o.SourceFailure).Append('\n');

        if (errorAtTop)
        {
            sb.Append("\nYour program failed on every case with the error shown at the top of the results.\n");
            return sb.ToString();
        }

        if (o.Failures.Count > 0)
        {
            sb.Append("\nWhat did not match:\n");
            // whole cases that failed for the same reason (the same error, usually) are listed once
            var lines = new List<(List<string> Ids, TensorFailure F)>();
            foreach (var f in o.Failures)
            {
                if (f.Tensor == ProblemGrading.WholeCase && lines.Count > 0 && lines[^1].F.Tensor == ProblemGrading.WholeCase
                    && SameReason(lines[^1].F, f))
                    lines[^1].Ids.Add(f.CaseId);
                else lines.Add(([f.CaseId], f));
            }
            foreach (var (ids, f) in lines.Take(MaxListedFailures))
                sb.Append(f.Tensor == ProblemGrading.WholeCase
                    ? ids.Count == 1 ? $"- case {f.CaseId}: {f.Reason}\n" : $"- {CaseList(ids)}: {f.Reason.Replace($"case {f.CaseId}", "this case", StringComparison.Ordinal).Replace(f.CaseId, "this case", StringComparison.Ordinal)}\n"
                    : $"- case {f.CaseId}, {f.Tensor}: {f.Reason}\n");
            if (lines.Count > MaxListedFailures)
                sb.Append($"- ... and {lines.Skip(MaxListedFailures).Sum(l => l.Ids.Count)} more\n");
        }

        foreach (var d in o.Diagnoses)
            sb.Append(d.Text.StartsWith(LocationPrefix, StringComparison.Ordinal)
                ? $"\nWhere it goes wrong ({CaseList(d.CaseIds)}): {d.Text[LocationPrefix.Length..]}\n"
                : $"\nLikely cause ({CaseList(d.CaseIds)}): {d.Text}\n");

        if (o.Notes.Count > 0)
        {
            sb.Append("\nNotes (no points lost for these):\n");
            foreach (var n in o.Notes) sb.Append("- ").Append(n).Append('\n');
        }

        if (!string.IsNullOrEmpty(o.StudentOutput))
            sb.Append("\nYour program printed:\n").Append(o.StudentOutput).Append('\n');
        return sb.ToString();
    }

    /// <summary>A diagnosis that starts with this says where the answer goes wrong rather than naming a mistake (Diagnosis.ErrorLocation).</summary>
    public const string LocationPrefix = "Where it goes wrong: ";

    /// <summary>The same reason, the case's own id aside ("no answer for case A/0" and "... A/1" are the same).</summary>
    private static bool SameReason(TensorFailure a, TensorFailure b) =>
        a.Reason.Replace(a.CaseId, "", StringComparison.Ordinal) == b.Reason.Replace(b.CaseId, "", StringComparison.Ordinal);

    /// <summary>
    /// The error every case of every graded problem reported, when they all reported the same
    /// one (a syntax error in the student's file, an exception at import): the top of the
    /// results says it once, with the program's output; null otherwise.
    /// </summary>
    public static string? CommonError(IReadOnlyList<ProblemOutcome> problems)
    {
        var graded = problems.Where(p => p.Status == ProblemStatus.Graded).ToList();
        if (graded.Count < 2 || graded.Any(p => p.SourceFailure is not null || p.Failures.Count == 0 || p.PassedTensors > 0)) return null;
        string? common = null;
        foreach (var p in graded)
            foreach (var f in p.Failures)
            {
                if (f.Tensor != ProblemGrading.WholeCase || !f.Reason.StartsWith(ErrorPrefix, StringComparison.Ordinal)) return null;
                common ??= f.Reason;
                if (f.Reason != common) return null;
            }
        return common;
    }

    /// <summary>How ProblemGrading words an "error" answer.</summary>
    public const string ErrorPrefix = "your program reported an error: ";

    public static string CaseList(IReadOnlyList<string> ids) =>
        (ids.Count == 1 ? "case " : "cases ") + string.Join(", ", ids.Take(8)) + (ids.Count > 8 ? $" and {ids.Count - 8} more" : "");

    /// <summary>Points as people write them: 7.5, 10, 6.667.</summary>
    public static string Points(double x) => Math.Round(x, 3).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Num(double x) => x.ToString("G", CultureInfo.InvariantCulture).Replace('E', 'e');
}
