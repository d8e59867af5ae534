// Names the known mistake behind a wrong answer, when one explains it (Spec/diagnosis.md).
// No slide shows grading (95-865 lecture and recitation, STATS 507, MATH80629 checked); the
// mistakes are departures from the slides' lines, quoted in each mistaken form.
//
// For a case the student got wrong, each mistake of the catalog that applies to the case's op
// re-evaluates the case the way an implementation with that mistake would. A mistake explains
// the answer when:
//   - it changes the outputs, and the student's outputs are the mistaken ones (every output
//     the answer has agrees with the mistake's within tolerance). A mistake in the forward
//     pass is recognised from the outputs alone, whatever the student's backward pass did with
//     them: that depends on how it was written, while the outputs do not; or
//   - it leaves the outputs as the reference's (a backward-pass mistake), and every failed
//     gradient the answer has agrees with the mistake's, which differs from the reference's
//     on at least one of them.
// When several mistakes explain the answer, the one that agrees with the most of the answer's
// tensors wins. When two different mistakes agree equally well, the case cannot tell them
// apart (e.g. a ReLU RNN whose units are all off gives zeros under either): Identify returns
// null and Diagnose says the answer is ambiguous, naming each; it says nothing when no
// mistake explains the answer.
// Agreement is |answer - mistaken| <= atol + rtol * |mistaken| elementwise (TensorMatch).
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Diagnosis;

public sealed class MistakeCatalog : Rnn.Grading.Autograder.IMistakeDiagnoser
{
    /// <summary>The project's catalog, KnownMistakes.All.</summary>
    public MistakeCatalog() : this(KnownMistakes.All) { }

    public MistakeCatalog(IEnumerable<KnownMistake> mistakes)
    {
        ArgumentNullException.ThrowIfNull(mistakes);
        Mistakes = [.. mistakes];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in Mistakes)
            if (!ids.Add(m.Id)) throw new ArgumentException($"mistakes holds the id \"{m.Id}\" twice", nameof(mistakes));
    }

    public IReadOnlyList<KnownMistake> Mistakes { get; }

    public KnownMistake Get(string id) =>
        Mistakes.FirstOrDefault(m => m.Id == id)
        ?? throw new KeyNotFoundException($"no mistake \"{id}\"; the catalog holds {string.Join(", ", Mistakes.Select(m => m.Id))}");

    /// <summary>
    /// The message of the known mistake that explains the student's answer, or null when none does.
    /// c: the case; expected: the oracle's result for it; answer: the student's; failedTensors: the
    /// tensors the grader found wrong, each named "outputs.NAME", "grads.NAME" (or "outputs/NAME",
    /// "grads/NAME", or the bare NAME, looked up among the outputs first); rtol, atol: the grader's tolerance.
    /// </summary>
    /// When two or more different mistakes explain the answer equally well (the case cannot tell
    /// them apart, e.g. a GRU with H = 1, where the reset gate's place does not matter), the text
    /// says so and gives each one's message (Ambiguous), never just one of them.
    public string? Diagnose(Case c, CaseResult expected, CaseResult answer, IReadOnlyList<string> failedTensors, double rtol, double atol)
    {
        var all = Explanations(c, expected, answer, failedTensors, rtol, atol);
        if (all.Count == 0) return null;
        var tied = all.Where(e => e.Agreement == all[0].Agreement).Select(e => e.Mistake).DistinctBy(m => m.Id).ToList();
        return tied.Count == 1 ? tied[0].Message : Ambiguous(tied);
    }

    /// <summary>The text for an answer that several mistakes explain equally well.</summary>
    public static string Ambiguous(IReadOnlyList<KnownMistake> mistakes) =>
        $"Your answer is what each of {mistakes.Count} known mistakes gives ({string.Join(", ", mistakes.Select(m => m.Id))}), " +
        "and this case cannot tell them apart: " +
        string.Join(" ", mistakes.Select((m, i) => $"({i + 1}) {m.Message}"));

    /// <summary>The mistake Diagnose names, with the mistaken result that matched; null when none, or more than one equally, explains the answer.</summary>
    public Identification? Identify(Case c, CaseResult expected, CaseResult answer, IReadOnlyList<string> failedTensors, double rtol, double atol)
    {
        var all = Explanations(c, expected, answer, failedTensors, rtol, atol);
        if (all.Count == 0) return null;
        var best = all[0];
        foreach (var e in all)
            if (e.Agreement == best.Agreement && e.Mistake.Id != best.Mistake.Id) return null;   // the case cannot tell them apart
        return best;
    }

    /// <summary>
    /// Every mistake that explains the answer, each with its best-agreeing form, most agreeing
    /// first (catalog order among equals). Empty when there is no evidence or nothing explains it.
    /// </summary>
    public IReadOnlyList<Identification> Explanations(Case c, CaseResult expected, CaseResult answer, IReadOnlyList<string> failedTensors, double rtol, double atol)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(failedTensors);
        if (!(rtol >= 0) || !(atol >= 0))
            throw new ArgumentException($"rtol and atol must be numbers >= 0 but are {rtol} and {atol}", nameof(rtol));
        if (expected.Error is not null || answer.Error is not null) return [];

        // the failed tensors the answer has, with the right shape: the evidence
        var failed = new List<(bool IsOutput, string Name)>();
        foreach (string label in failedTensors)
            if (Resolve(label, expected) is { } f
                && (f.IsOutput ? answer.Outputs : answer.Grads).TryGet(f.Name, out var given)
                && given.HasShape((f.IsOutput ? expected.Outputs : expected.Grads)[f.Name].Shape))
                failed.Add(f);
        if (failed.Count == 0) return [];

        var explanations = new List<Identification>();
        foreach (var mistake in Mistakes)
        {
            if (!mistake.AppliesTo(c)) continue;
            IReadOnlyList<CaseResult> forms;
            // a diagnosis is a hint and never stops grading: a re-evaluation that fails shows nothing
            try { forms = mistake.ReevaluateForms(c); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException
                                          or KeyNotFoundException or IndexOutOfRangeException) { continue; }
            Identification? best = null;
            foreach (var form in forms)
            {
                if (!Explains(form, expected, answer, failed, rtol, atol)) continue;
                int agreement = Agreement(form, answer, rtol, atol);
                if (best is null || agreement > best.Agreement)
                    best = new Identification(mistake, form, agreement);
            }
            if (best is not null) explanations.Add(best);
        }
        // most agreeing first; OrderBy is stable, so catalog order among equals
        return [.. explanations.OrderByDescending(e => e.Agreement)];
    }

    /// <summary>A mistake that explains an answer: the mistake, its result that matched, and how many of the answer's tensors agree with it.</summary>
    public sealed record Identification(KnownMistake Mistake, CaseResult Mistaken, int Agreement);

    private static bool Explains(CaseResult mistaken, CaseResult expected, CaseResult answer,
        List<(bool IsOutput, string Name)> failed, double rtol, double atol)
    {
        // forward evidence: the mistake changes an output, and the answer's outputs are the mistake's
        bool changesOutputs = false, outputsAgree = true;
        foreach (var (name, given) in answer.Outputs)
        {
            if (!mistaken.Outputs.TryGet(name, out var m) || !expected.Outputs.TryGet(name, out var e)) continue;
            if (!TensorMatch.Close(m, e, rtol, atol)) changesOutputs = true;
            if (!TensorMatch.Close(given, m, rtol, atol)) outputsAgree = false;
        }
        if (changesOutputs) return outputsAgree;

        // backward evidence: the outputs are the reference's, every failed tensor is a gradient
        // that agrees with the mistake's, and the mistake changes at least one of them
        bool changesFailed = false;
        foreach (var (isOutput, name) in failed)
        {
            if (isOutput || !mistaken.Grads.TryGet(name, out var m)) return false;
            if (!TensorMatch.Close(answer.Grads[name], m, rtol, atol)) return false;
            if (!TensorMatch.Close(m, expected.Grads[name], rtol, atol)) changesFailed = true;
        }
        return changesFailed;
    }

    private static int Agreement(CaseResult mistaken, CaseResult answer, double rtol, double atol)
    {
        int n = 0;
        foreach (var (name, given) in answer.Outputs)
            if (mistaken.Outputs.TryGet(name, out var m) && TensorMatch.Close(given, m, rtol, atol)) n++;
        foreach (var (name, given) in answer.Grads)
            if (mistaken.Grads.TryGet(name, out var m) && TensorMatch.Close(given, m, rtol, atol)) n++;
        return n;
    }

    /// <summary>"outputs.X", "grads.X", "outputs/X", "grads/X" or a bare "X" (an output first) as (is it an output, its name); null when the expected result has no such tensor.</summary>
    private static (bool IsOutput, string Name)? Resolve(string label, CaseResult expected)
    {
        foreach (var (prefix, isOutput) in new[] { ("outputs.", true), ("outputs/", true), ("grads.", false), ("grads/", false) })
            if (label.StartsWith(prefix, StringComparison.Ordinal))
            {
                string name = label[prefix.Length..];
                return (isOutput ? expected.Outputs : expected.Grads).Contains(name) ? (isOutput, name) : null;
            }
        if (expected.Outputs.Contains(label)) return (true, label);
        if (expected.Grads.Contains(label)) return (false, label);
        return null;
    }
}
