// Grades one problem: the oracle's values for its cases (computed here, in memory), the
// student's answers, and for every case every checked tensor passed or failed.
//   score = points * (checked tensors that passed) / (checked tensors), over all cases.
// Checked tensors of a case: the names under the problem's "check" that the oracle gives for
// that case (clipping with N = 2 gives no "bias"). What costs points, and what is only noted:
//   the source failed (no file, not JSON, program crashed, ...)   every tensor of the problem fails
//   no answer for a case id / the id twice / an "error" entry /
//   an answer that could not be read (AnswerResults)              every tensor of that case fails
//   a checked tensor missing, of the wrong shape, non-finite,
//   or outside the tolerance                                      that tensor fails
//   tensors the oracle does not give, ids of no case of this
//   problem ("NAME/99")                                           noted, not penalised
// Answers whose id does not start with "NAME/" belong to other problems and are not looked at.
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Autograder;

/// <summary>One failed checked tensor ("outputs.h_n"), or a whole case ("every checked tensor").</summary>
public sealed record TensorFailure(string CaseId, string Tensor, string Reason);

/// <summary>What the diagnoser said about some failing cases of a problem.</summary>
public sealed record ProblemDiagnosis(string Text, IReadOnlyList<string> CaseIds);

public enum ProblemStatus { Graded, NotGraded }

public sealed record ProblemOutcome(
    Problem Problem,
    int Number,                                  // 1-based position in the assignment
    ProblemStatus Status,
    double Score,
    int PassedTensors,
    int CheckedTensors,
    string? SourceFailure,                       // the answers could not be had at all
    IReadOnlyList<TensorFailure> Failures,
    IReadOnlyList<ProblemDiagnosis> Diagnoses,
    IReadOnlyList<string> Notes,                 // shown to the student, not penalised
    IReadOnlyList<string> StaffNotes,            // only in the staff report
    string? StudentOutput,
    string? NotGradedReason = null)
{
    public bool FullMarks => Status == ProblemStatus.Graded && PassedTensors == CheckedTensors;

    /// <summary>A problem the run did not reach (or stopped in): 0 points and why.</summary>
    public static ProblemOutcome NotGraded(Problem problem, int number, string reason) =>
        new(problem, number, ProblemStatus.NotGraded, 0, 0, 0, null, [], [], [], [], null, reason);
}

/// <summary>The oracle could not evaluate a generated case: a fault of the grader or the assignment, not of the student.</summary>
public sealed class GraderException(string message) : Exception(message);

public static class ProblemGrading
{
    public const string WholeCase = "every checked tensor";

    public static ProblemOutcome Grade(Problem problem, int number, IReadOnlyList<Case> cases, AnswerOutcome answers,
        IMistakeDiagnoser diagnoser)
    {
        var expected = new CaseResult[cases.Count];
        var checkedNames = new List<string>[cases.Count];
        int total = 0;
        for (int k = 0; k < cases.Count; k++)
        {
            expected[k] = Evaluator.Evaluate(cases[k]);
            if (expected[k].Error is { } error)
                throw new GraderException($"the oracle could not evaluate the generated case {cases[k].Id}: {error}");
            checkedNames[k] = CheckedNames(problem, expected[k]);
            total += checkedNames[k].Count;
        }

        // how the student's program was confined, where that fell short of the full sandbox
        var sandboxNotes = answers.SandboxNotes.Select(n => "sandbox: " + n).ToList();
        if (!answers.Succeeded)
        {
            string reason = answers.Failure ?? "no answers";
            return new ProblemOutcome(problem, number, ProblemStatus.Graded, 0, 0, total, reason, [], [], [], sandboxNotes, answers.StudentOutput);
        }

        string prefix = problem.Name + "/";
        var byId = new Dictionary<string, CaseResult>(StringComparer.Ordinal);
        var repeated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in answers.Answers!)
            if (r.Id.StartsWith(prefix, StringComparison.Ordinal) && !byId.TryAdd(r.Id, r))
                repeated.Add(r.Id);
        // entries that could not be read cost only their own case (AnswerResults)
        var unreadableById = new Dictionary<string, UnreadableAnswer>(StringComparer.Ordinal);
        foreach (var u in answers.Unreadable)
            if (u.Id is { } id && id.StartsWith(prefix, StringComparison.Ordinal)
                && (byId.ContainsKey(id) || !unreadableById.TryAdd(id, u)))
                repeated.Add(id);
        var caseIds = cases.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);

        var failures = new List<TensorFailure>();
        var notes = new List<string>();
        var staffNotes = new List<string>(sandboxNotes);
        var diagnosed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var extraTensors = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        int passed = 0;
        bool unanswered = false;
        for (int k = 0; k < cases.Count; k++)
        {
            var c = cases[k];
            var names = checkedNames[k];
            if (repeated.Contains(c.Id))
            {
                failures.Add(new(c.Id, WholeCase, $"the answers hold case {c.Id} more than once, so it cannot be graded"));
                continue;
            }
            if (unreadableById.TryGetValue(c.Id, out var unreadable))
            {
                failures.Add(new(c.Id, WholeCase, $"the answer could not be read: {unreadable.Reason}"));
                continue;
            }
            if (!byId.TryGetValue(c.Id, out var answer))
            {
                failures.Add(new(c.Id, WholeCase, $"no answer for case {c.Id}"));
                unanswered = true;
                continue;
            }
            var failedHere = new List<string>();
            if (answer.Error is { } studentError)
            {
                failures.Add(new(c.Id, WholeCase, Feedback.ErrorPrefix + StudentText.Truncate(studentError, 500)));
                failedHere.AddRange(names);
            }
            else
            {
                foreach (var name in names)
                {
                    var verdict = CompareOne(name, expected[k], answer, problem);
                    if (verdict.Passed) passed++;
                    else
                    {
                        failures.Add(new(c.Id, name, verdict.Reason!));
                        failedHere.Add(name);
                    }
                }
                NoteExtras(answer.Outputs, expected[k].Outputs, "outputs", c.Id, extraTensors);
                NoteExtras(answer.Grads, expected[k].Grads, "grads", c.Id, extraTensors);
            }
            if (failedHere.Count > 0)
            {
                string? text;
                try
                {
                    text = diagnoser.Diagnose(c, expected[k], answer, failedHere, problem.Rtol, problem.Atol);
                }
                catch (Exception e)
                {
                    staffNotes.Add($"the mistake diagnoser failed on case {c.Id}: {e.GetType().Name}: {e.Message}");
                    text = null;
                }
                if (!string.IsNullOrWhiteSpace(text))
                {
                    if (!diagnosed.TryGetValue(text, out var ids)) diagnosed[text] = ids = [];
                    ids.Add(c.Id);
                }
            }
        }

        // an entry whose id could not be read either may be the missing answer: say so where one is missing
        var anonymous = answers.Unreadable.Where(u => u.Id is null).ToList();
        if (unanswered && anonymous.Count > 0)
        {
            foreach (var u in anonymous.Take(3))
                notes.Add($"an answer could not be read, nor its id, so it answers no case: {u.Reason}");
            if (anonymous.Count > 3) notes.Add($"... and {anonymous.Count - 3} more answers whose id could not be read");
        }
        foreach (var (tensor, ids) in extraTensors)
            notes.Add($"{tensor} is not something the oracle gives, so it was ignored (case{(ids.Count > 1 ? "s" : "")} {string.Join(", ", ids)})");
        var extraIds = byId.Keys.Where(id => !caseIds.Contains(id)).Order(StringComparer.Ordinal).ToList();
        var sampleIds = extraIds.Where(id => id.StartsWith(prefix + Problem.SampleIdPrefix, StringComparison.Ordinal)).ToList();
        if (sampleIds.Count > 0)
        {
            notes.Add($"these are answers to the sample cases ({string.Join(", ", sampleIds.Take(3))}{(sampleIds.Count > 3 ? ", ..." : "")}), " +
                $"which are not graded: the grader grades its own cases, {problem.CaseId(0)} to {problem.CaseId(problem.Cases - 1)}, " +
                "and runs your program on them when you submit it (check yourself on the samples with the kit's self_check.py)");
            extraIds = extraIds.Except(sampleIds).ToList();
        }
        if (extraIds.Count > 0)
            notes.Add($"answers for case ids that are not cases of this problem were ignored: {string.Join(", ", extraIds.Take(10))}{(extraIds.Count > 10 ? $" and {extraIds.Count - 10} more" : "")}");

        double score = total == 0 ? 0 : problem.Points * passed / total;
        var diagnoses = diagnosed.Select(p => new ProblemDiagnosis(p.Key, p.Value)).ToList();
        return new ProblemOutcome(problem, number, ProblemStatus.Graded, score, passed, total, null, failures, diagnoses,
            notes, staffNotes, answers.StudentOutput);
    }

    /// <summary>"outputs.NAME" / "grads.NAME" for each checked name the oracle gives for this case.</summary>
    public static List<string> CheckedNames(Problem problem, CaseResult expected)
    {
        var names = new List<string>();
        foreach (var n in problem.Check.Outputs) if (expected.Outputs.Contains(n)) names.Add("outputs." + n);
        foreach (var n in problem.Check.Grads) if (expected.Grads.Contains(n)) names.Add("grads." + n);
        return names;
    }

    private static TensorVerdict CompareOne(string qualified, CaseResult expected, CaseResult answer, Problem problem)
    {
        bool isOutput = qualified.StartsWith("outputs.", StringComparison.Ordinal);
        string name = qualified[(qualified.IndexOf('.') + 1)..];
        var want = (isOutput ? expected.Outputs : expected.Grads)[name];
        var gotSet = isOutput ? answer.Outputs : answer.Grads;
        if (!gotSet.TryGet(name, out var got))
        {
            var other = isOutput ? answer.Grads : answer.Outputs;
            string hint = other.Contains(name) ? $" (\"{name}\" is under \"{(isOutput ? "grads" : "outputs")}\": it belongs under \"{(isOutput ? "outputs" : "grads")}\")" : "";
            return TensorVerdict.Fail($"missing from the answer{hint}");
        }
        return TensorComparison.Compare(want, got, problem.Rtol, problem.Atol);
    }

    private static void NoteExtras(NamedTensors given, NamedTensors known, string kind, string caseId,
        SortedDictionary<string, List<string>> extras)
    {
        foreach (var name in given.Names)
            if (!known.Contains(name))
            {
                string key = $"{kind}.{name}";
                if (!extras.TryGetValue(key, out var ids)) extras[key] = ids = [];
                if (ids.Count < 5) ids.Add(caseId);
            }
    }
}
