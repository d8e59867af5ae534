// Do an assignment's graded cases expose every known mistake? (Spec/autograder.md, "Cases that
// expose every mistake".) For each problem and each catalog mistake of its op, the margin of a
// case is, over the problem's checked tensors, the largest
//     |mistaken - expected| / (atol + rtol * |expected|)
// (1 = just at the tolerance), taken for the least-exposed form of the mistake; the problem's
// margin is the best over its graded cases. A mistake is exposed when that margin exceeds
// RequiredMargin (10): some graded case fails it by more than ten times the tolerance, so
// neither rounding nor a lucky draw can let it pass.
// A mistake cannot show on some problems by its nature, and is then not counted:
//   a backward-pass mistake (no-bptt-through-state) on a problem that checks no gradient;
//   initial-state-ignored on a problem whose cases give no h0 or c0 (zeros are then right).
// Anything else that does not reach the margin is a weakness of the cases (degenerate sizes
// such as H = 1, a zero weight decay, gradients far from eps) and is reported as such.
using Rnn.Grading.Autograder;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Diagnosis;

/// <summary>One (problem, mistake) pair: its best margin and on which case, or why it cannot show.</summary>
public sealed record MistakeExposure(string Problem, string Mistake, double Margin, string? CaseId, string? CannotShow)
{
    public bool Exposed => CannotShow is null && Margin > CaseCoverage.RequiredMargin;
}

public static class CaseCoverage
{
    /// <summary>How many times the tolerance a mistake must miss by on at least one graded case.</summary>
    public const double RequiredMargin = 10;

    public static IReadOnlyList<MistakeExposure> Measure(Assignment assignment, MistakeCatalog catalog)
    {
        var rows = new List<MistakeExposure>();
        foreach (var problem in assignment.Problems)
        {
            var cases = CaseStreams.Graded(assignment, problem);
            var expected = cases.Select(Evaluator.Evaluate).ToList();
            foreach (var mistake in catalog.Mistakes)
            {
                if (!mistake.Ops.Contains(problem.Op)) continue;
                if (CannotShow(mistake, problem) is { } reason)
                {
                    rows.Add(new(problem.Name, mistake.Id, 0, null, reason));
                    continue;
                }
                double best = 0;
                string? bestCase = null;
                for (int k = 0; k < cases.Count; k++)
                {
                    double margin = CaseMargin(problem, cases[k], expected[k], mistake);
                    if (margin > best) { best = margin; bestCase = cases[k].Id; }
                }
                rows.Add(new(problem.Name, mistake.Id, best, bestCase, null));
            }
        }
        return rows;
    }

    /// <summary>Why the mistake cannot show on the problem whatever its cases, or null when it can.</summary>
    public static string? CannotShow(KnownMistake mistake, Problem problem)
    {
        if (mistake.Id == KnownMistakes.NoBpttThroughState && !problem.ChecksGrads)
            return "a backward-pass mistake; the problem checks no gradient";
        if (mistake.Id == KnownMistakes.InitialStateIgnored && !problem.OptionalInputs.Any(n => n is "h0" or "c0"))
            return "the cases give no initial state, so zeros are right";
        return null;
    }

    /// <summary>The least-exposed form's margin on one case (0 when the mistake cannot re-evaluate it).</summary>
    public static double CaseMargin(Problem problem, Case c, CaseResult expected, KnownMistake mistake)
    {
        IReadOnlyList<CaseResult> forms;
        try { forms = mistake.ReevaluateForms(c); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException) { return 0; }
        if (forms.Count == 0) return 0;
        double least = double.PositiveInfinity;
        foreach (var form in forms)
        {
            double worst = 0;
            foreach (var name in ProblemGrading.CheckedNames(problem, expected))
            {
                bool isOutput = name.StartsWith("outputs.", StringComparison.Ordinal);
                string bare = name[(name.IndexOf('.') + 1)..];
                var e = (isOutput ? expected.Outputs : expected.Grads)[bare];
                if ((isOutput ? form.Outputs : form.Grads).TryGet(bare, out var m))
                    worst = Math.Max(worst, Margin(m, e, problem.Rtol, problem.Atol));
            }
            least = Math.Min(least, worst);
        }
        return least;
    }

    /// <summary>The largest |got - expected| / (atol + rtol * |expected|); infinity for a shape or finiteness difference.</summary>
    public static double Margin(Tensor got, Tensor expected, double rtol, double atol)
    {
        if (!got.HasShape(expected.Shape)) return double.PositiveInfinity;
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double g = got.Data[i], e = expected.Data[i];
            if (!double.IsFinite(g) || !double.IsFinite(e))
            {
                if (!(g == e || (double.IsNaN(g) && double.IsNaN(e)))) return double.PositiveInfinity;
                continue;
            }
            double allowed = atol + rtol * Math.Abs(e);
            double ratio = allowed > 0 ? Math.Abs(g - e) / allowed : (g == e ? 0 : double.PositiveInfinity);
            worst = Math.Max(worst, ratio);
        }
        return worst;
    }

    /// <summary>A table for staff: one line per pair, the weak ones marked.</summary>
    public static string Render(IReadOnlyList<MistakeExposure> rows)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append($"Known mistakes against the graded cases (exposed: some case misses by more than {RequiredMargin:0}x the tolerance)\n");
        int width = Math.Max(7, rows.Select(r => r.Problem.Length).DefaultIfEmpty(0).Max());
        int mwidth = Math.Max(7, rows.Select(r => r.Mistake.Length).DefaultIfEmpty(0).Max());
        foreach (var r in rows)
        {
            string verdict = r.CannotShow is not null ? $"cannot show ({r.CannotShow})"
                : r.Exposed ? $"exposed, {TensorComparison.Short(r.Margin)}x on {r.CaseId}"
                : r.CaseId is null ? "NOT EXPOSED: no case shows it"
                : $"NOT EXPOSED: at most {TensorComparison.Short(r.Margin)}x (on {r.CaseId})";
            sb.Append($"  {r.Problem.PadRight(width)}  {r.Mistake.PadRight(mwidth)}  {verdict}\n");
        }
        int weak = rows.Count(r => r.CannotShow is null && !r.Exposed);
        sb.Append(weak == 0 ? "Every mistake that can show is exposed.\n" : $"{weak} pair(s) not exposed: widen the sizes, add cases or change the options.\n");
        return sb.ToString();
    }
}
