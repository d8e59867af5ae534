// results.json in Gradescope's format (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
//   {"score", "execution_time", "output", "output_format", "test_output_format", "visibility",
//    "stdout_visibility", "tests": [{"name", "number", "score", "max_score", "status",
//    "output", "output_format", "visibility", "tags"}]}
// One test per problem, in the assignment's order; "status" is "passed" for full marks, else
// "failed". stdout (the staff report) is hidden from students. Written through a temporary
// file in the same folder and a rename, so Gradescope never reads half a file. The file is
// the grader's alone (mode 0600): it holds the feedback of every problem graded so far,
// hidden ones too (with expected values of wrong answers), while the student's program runs
// for the next problem under another user.

namespace Rnn.Grading.Autograder;

public static class GradescopeResults
{
    /// <summary>Writes results.json (mode 0600) through a temporary file and a rename.</summary>
    public static void Write(string path, GradingRun run) =>
        AtomicFile.Write(path, stream => WriteJson(stream, run), mode: AtomicFile.OwnerOnly);

    public static void WriteJson(Stream stream, GradingRun run)
    {
        JsonOutput.Write(stream, indented: true, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("score", Math.Round(run.Score, 6));
            w.WriteNumber("execution_time", Math.Round(run.Elapsed.TotalSeconds, 2));
            w.WriteString("output", TopOutput(run));
            w.WriteString("output_format", "text");
            w.WriteString("test_output_format", "text");
            w.WriteString("visibility", "visible");
            w.WriteString("stdout_visibility", "hidden");
            w.WriteStartArray("tests");
            bool errorAtTop = Feedback.CommonError(run.Problems) is not null;
            foreach (var o in run.Problems)
            {
                w.WriteStartObject();
                w.WriteString("name", $"{o.Problem.Name}: {o.Problem.Title}");
                w.WriteString("number", o.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteNumber("score", Math.Round(o.Score, 6));
                w.WriteNumber("max_score", o.Problem.Points);
                w.WriteString("status", o.FullMarks ? "passed" : "failed");
                w.WriteString("output", Feedback.ForProblem(o, errorAtTop && o.Status == ProblemStatus.Graded));
                w.WriteString("output_format", "text");
                w.WriteString("visibility", o.Problem.Visibility.ToJson());
                w.WriteStartArray("tags");
                w.WriteStringValue(o.Problem.Op);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>results.json for a run that could not start because the assignment file is unusable: 0 points, no tests (staff read why on stderr).</summary>
    public static void WriteMisconfigured(Stream stream)
    {
        JsonOutput.Write(stream, indented: true, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("score", 0);
            w.WriteNumber("execution_time", 0);
            w.WriteString("output", "The autograder is misconfigured and graded nothing. This is not a fault of your code; "
                + "course staff can see what happened.");
            w.WriteString("output_format", "text");
            w.WriteString("visibility", "visible");
            w.WriteString("stdout_visibility", "hidden");
            w.WriteStartArray("tests");
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>The text above the tests. Never names hidden problems' results.</summary>
    private static string TopOutput(GradingRun run)
    {
        var a = run.Assignment;
        int graded = run.Problems.Count(p => p.Status == ProblemStatus.Graded);
        string head = $"{a.Title} ({a.Name}): {graded} of {a.Problems.Count} problems graded.";
        if (run.InternalError is not null)
            return head + "\nThe autograder stopped with an internal error before it finished. This is not a fault of your code; "
                + "the problems it did not reach score 0 for now, and course staff can see what happened.";
        if (graded < a.Problems.Count)
            return head + "\nGrading is still in progress, or stopped before the end (for example at the time limit); "
                + "the problems not yet graded score 0.";
        if (Feedback.CommonError(run.Problems) is { } error)
        {
            // said once, here: the same error on every case of every problem (a syntax error, an exception at import)
            var sb = new System.Text.StringBuilder(head);
            sb.Append("\nYour program failed the same way on every case of every problem, so nothing could be checked:\n  ");
            sb.Append(error[Feedback.ErrorPrefix.Length..]).Append('\n');
            // the program's own output (the traceback) from the first visible problem: never a hidden problem's
            if (run.Problems.FirstOrDefault(p => p.Problem.Visibility == Visibility.Visible && !string.IsNullOrEmpty(p.StudentOutput)) is { } first)
                sb.Append($"\nWhat your program printed (problem {first.Problem.Name}):\n").Append(first.StudentOutput).Append('\n');
            return sb.ToString();
        }
        return head + "\nEach problem below lists the cases and tensors that did not match, with the worst element of each.";
    }
}
