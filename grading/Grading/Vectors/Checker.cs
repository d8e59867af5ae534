// `check`'s comparison (Spec/vectors.md): another implementation's results for a case file
// against the oracle's, case by case and tensor by tensor, with the grader's rule
// (TensorComparison: |got - expected| <= atol + rtol * |expected|, shapes equal, no NaN or
// infinity unless expected), and for a failed case the known mistake that explains it
// (ConventionMistakes.Catalog) and, per failed tensor, the layout slip it looks like (LayoutHints).
using Rnn.Grading.Autograder;
using Rnn.Grading.Diagnosis;
using Rnn.Grading.Oracle;

namespace Rnn.Grading.Vectors;

/// <summary>One tensor compared: "outputs.X" or "grads.X", passed or why not, and the layout hint when one fits.</summary>
public sealed record TensorCheck(string Tensor, bool Passed, string? Reason, string? Hint, Tolerance Tolerance);

/// <summary>
/// One case checked: its id and op, whether every tensor passed, each tensor, a case-level problem
/// (no answer, the answer's error, the oracle's error) and the known mistake that explains the answer.
/// </summary>
public sealed record CaseCheck(string Id, string Op, bool Passed, IReadOnlyList<TensorCheck> Tensors,
    string? Problem, string? MistakeId, string? MistakeMessage, IReadOnlyList<string> Extra);

public static class Checker
{
    /// <param name="tolerance">the tolerance of a case's tensor: (case id, "outputs.X") to (rtol, atol)</param>
    public static IReadOnlyList<CaseCheck> Check(IReadOnlyList<Case> cases, IReadOnlyList<CaseResult> answers,
        Func<string, string, Tolerance> tolerance)
    {
        var byId = new Dictionary<string, CaseResult>(StringComparer.Ordinal);
        foreach (var a in answers) byId.TryAdd(a.Id, a);
        var catalog = ConventionMistakes.Catalog();
        var checks = new List<CaseCheck>();
        foreach (var c in cases)
            checks.Add(CheckCase(c, byId.GetValueOrDefault(c.Id), tolerance, catalog));
        return checks;
    }

    private static CaseCheck CheckCase(Case c, CaseResult? answer, Func<string, string, Tolerance> tolerance, MistakeCatalog catalog)
    {
        var expected = Evaluator.Evaluate(c);
        if (expected.Error is not null)
            return Problem(c, $"the oracle cannot evaluate this case: {expected.Error}");
        if (answer is null)
            return Problem(c, "RESULTS has no result with this id");
        if (answer.Error is not null)
            return Problem(c, $"the implementation reported an error: {answer.Error}");

        var tensors = new List<TensorCheck>();
        foreach (var (section, want, got) in new[] { ("outputs", expected.Outputs, answer.Outputs), ("grads", expected.Grads, answer.Grads) })
            foreach (var (name, e) in want)
            {
                string label = $"{section}.{name}";
                var tol = tolerance(c.Id, label);
                if (!got.TryGet(name, out var g))
                {
                    tensors.Add(new TensorCheck(label, false, $"missing (expected {e.ShapeText()})", null, tol));
                    continue;
                }
                var verdict = TensorComparison.Compare(e, g, tol.Rtol, tol.Atol);
                string? hint = verdict.Passed ? null : LayoutHints.Explain(c, label, e, g, tol.Rtol, tol.Atol);
                tensors.Add(new TensorCheck(label, verdict.Passed, verdict.Reason, hint, tol));
            }
        var extra = answer.Outputs.Names.Where(n => !expected.Outputs.Contains(n)).Select(n => "outputs." + n)
            .Concat(answer.Grads.Names.Where(n => !expected.Grads.Contains(n)).Select(n => "grads." + n)).ToList();
        bool passed = tensors.All(t => t.Passed);
        string? mistakeId = null, mistakeMessage = null;
        if (!passed)
        {
            // the loosest tolerance of the case's tensors for the diagnosis (they are usually all the same)
            double rtol = tensors.Max(t => t.Tolerance.Rtol), atol = tensors.Max(t => t.Tolerance.Atol);
            var failed = tensors.Where(t => !t.Passed).Select(t => t.Tensor).ToList();
            try
            {
                if (catalog.Identify(c, expected, answer, failed, rtol, atol) is { } id)
                    (mistakeId, mistakeMessage) = (id.Mistake.Id, id.Mistake.Message);
            }
            catch (ArgumentException) { /* a diagnosis is a hint: a case it cannot read shows none */ }
        }
        return new CaseCheck(c.Id, c.Op, passed, tensors, null, mistakeId, mistakeMessage, extra);
    }

    private static CaseCheck Problem(Case c, string problem) => new(c.Id, c.Op, false, [], problem, null, null, []);
}
