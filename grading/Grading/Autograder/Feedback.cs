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

    public static string ForProblem(ProblemOutcome o)
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

        if (o.Failures.Count > 0)
        {
            sb.Append("\nWhat did not match:\n");
            foreach (var f in o.Failures.Take(MaxListedFailures))
                sb.Append(f.Tensor == ProblemGrading.WholeCase
                    ? $"- case {f.CaseId}: {f.Reason}\n"
                    : $"- case {f.CaseId}, {f.Tensor}: {f.Reason}\n");
            if (o.Failures.Count > MaxListedFailures)
                sb.Append($"- ... and {o.Failures.Count - MaxListedFailures} more\n");
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

    public static string CaseList(IReadOnlyList<string> ids) =>
        (ids.Count == 1 ? "case " : "cases ") + string.Join(", ", ids.Take(8)) + (ids.Count > 8 ? $" and {ids.Count - 8} more" : "");

    /// <summary>Points as people write them: 7.5, 10, 6.667.</summary>
    public static string Points(double x) => Math.Round(x, 3).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Num(double x) => x.ToString("G", CultureInfo.InvariantCulture).Replace('E', 'e');
}
