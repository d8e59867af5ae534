// The terminal report for course staff (stdout of `grade`, hidden from students on Gradescope):
// a table of problems with visibility, points, tensors matched and status, then every
// problem's failures in short, the diagnoses, notes for staff, and the grader's own error.
using System.Text;

namespace Rnn.Grading.Autograder;

public static class StaffReport
{
    public static string Render(GradingRun run)
    {
        var a = run.Assignment;
        var sb = new StringBuilder();
        sb.Append($"{a.Name}: {a.Title}\n");
        sb.Append($"answers: {run.SourceDescription}\n\n");

        string[] header = ["#", "problem", "op", "visibility", "points", "tensors", "status"];
        var rows = new List<string[]>();
        foreach (var o in run.Problems)
            rows.Add([
                o.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                o.Problem.Name,
                o.Problem.Op,
                o.Problem.Visibility.ToJson(),
                $"{Feedback.Points(o.Score)} / {Feedback.Points(o.Problem.Points)}",
                o.Status == ProblemStatus.Graded ? $"{o.PassedTensors}/{o.CheckedTensors}" : "-",
                o.Status == ProblemStatus.NotGraded ? "not graded" : o.FullMarks ? "passed" : o.SourceFailure is not null ? "no answers" : "failed",
            ]);
        rows.Add(["", "total", "", "", $"{Feedback.Points(run.Score)} / {Feedback.Points(run.MaxScore)}", "", ""]);
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
        void Row(string[] cells) => sb.Append(string.Join("  ", cells.Select((s, c) => s.PadRight(widths[c]))).TrimEnd()).Append('\n');
        Row(header);
        Row(widths.Select(wd => new string('-', wd)).ToArray());
        foreach (var r in rows) Row(r);

        foreach (var o in run.Problems.Where(o => !o.FullMarks))
        {
            sb.Append($"\n{o.Problem.Name}:\n");
            if (o.Status == ProblemStatus.NotGraded) sb.Append($"  not graded: {o.NotGradedReason}\n");
            if (o.SourceFailure is not null) sb.Append($"  no answers: {o.SourceFailure}\n");
            foreach (var f in o.Failures.Take(5))
                sb.Append($"  {f.CaseId}{(f.Tensor == ProblemGrading.WholeCase ? "" : ", " + f.Tensor)}: {f.Reason}\n");
            if (o.Failures.Count > 5) sb.Append($"  ... {o.Failures.Count - 5} more failed tensors\n");
            foreach (var d in o.Diagnoses) sb.Append($"  diagnosis ({Feedback.CaseList(d.CaseIds)}): {d.Text}\n");
        }
        foreach (var o in run.Problems)
            foreach (var n in o.Notes) sb.Append($"\nnote, {o.Problem.Name}: {n}");
        // a staff note every run gives (the sandbox's) is said once, with the problems it came from
        var staffNotes = run.Problems.SelectMany(o => o.StaffNotes.Select(n => (Note: n, o.Problem.Name))).GroupBy(x => x.Note);
        foreach (var g in staffNotes) sb.Append($"\nstaff note, {string.Join(", ", g.Select(x => x.Name).Distinct())}: {g.Key}");
        if (run.Problems.Any(o => o.Notes.Count + o.StaffNotes.Count > 0)) sb.Append('\n');
        if (run.InternalError is not null) sb.Append($"\nINTERNAL ERROR (the run stopped): {run.InternalError}\n");
        sb.Append($"\ngraded in {run.Elapsed.TotalSeconds:F2} s\n");
        return sb.ToString();
    }
}
