// The known mistakes `check` looks for (Spec/vectors.md, "check"): the autograder's catalog
// (KnownMistakes), made to work on a case given under a convention, plus the mistakes a
// conversion between conventions makes (Spec/conventions.md).
//
// A case under a convention is re-evaluated the catalog's way on its PyTorch form (the same
// case with PyTorch's names and layout), and each mistaken result's parameter gradients are
// mapped back to the convention's names and shapes (the convention's GradientsFromPyTorch), so
// they compare with the answer tensor by tensor. Ng's GRU gets one mistake of its own: reading
// its update gate Γu as PyTorch's z (Γu = 1 - z).
using Rnn.Grading.Oracle;
using Rnn.Grading.Oracle.Ops;
using Rnn.Reference.Conventions;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Diagnosis;

public static class ConventionMistakes
{
    public const string NgUpdateGateAsZ = "ng-update-gate-as-z";

    /// <summary>The catalog check uses: every known mistake (also on convention cases), then the conventions' own.</summary>
    public static MistakeCatalog Catalog() =>
        new([.. KnownMistakes.All.Select(OnConventionCases), NgUpdateGate]);

    private static readonly string[] RecurrentOps = ["rnn", "lstm", "gru"];

    /// <summary>The mistake as it is, and on a convention case through the case's PyTorch form.</summary>
    private static KnownMistake OnConventionCases(KnownMistake m) =>
        new(m.Id, m.Message, m.Ops, m.Detection, m.Source, c =>
        {
            var convention = RecurrentOps.Contains(c.Op) ? ConventionOption.Read(c.Config) : null;
            if (convention is null) return m.ReevaluateForms(c);
            // on Ng's GRU the reversed update gate is Ng's own mistake below, told in Ng's terms
            if (convention.Name == "ng" && m.Id == KnownMistakes.GruUpdateGateReversed) return [];
            var (pytorch, back) = PyTorchForm(c);
            return m.ReevaluateForms(pytorch).Select(back);
        });

    /// <summary>
    /// A recurrent case under a convention as the same case in PyTorch's names and layout, and the
    /// map of a result of that case back to the convention's names (its parameter gradients).
    /// </summary>
    public static (Case PyTorch, Func<CaseResult, CaseResult> Back) PyTorchForm(Case c)
    {
        var read = new RecurrentOp(c.Op).Read(c);
        var convention = read.Convention ?? throw new ArgumentException($"case {c.Id} gives no convention");
        var config = (System.Text.Json.Nodes.JsonObject)c.Config.DeepClone();
        config.Remove(ConventionOption.Key);
        if (read.Config.Kind == CellKind.GruResetBefore) config["reset_after"] = false;
        else config.Remove("reset_after");
        var pytorch = c with { Config = config, Params = read.Params };
        var names = RecurrentParameters.Layout(read.Config).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return (pytorch, r =>
        {
            var dParams = new NamedTensors();
            var grads = new NamedTensors();
            foreach (var (name, g) in r.Grads)
                if (names.Contains(name)) dParams.Add(name, g);
                else grads.Add(name, g);
            if (dParams.Count != names.Count) return r;
            foreach (var (name, g) in convention.GradientsFromPyTorch(read.Config, dParams)) grads.Add(name, g);
            return r with { Grads = grads };
        });
    }

    /// <summary>
    /// Ng's GRU read with PyTorch's update rule: h = (1 - Γu) ⊙ c̃ + Γu ⊙ h_prev. That is the oracle's
    /// GRU with Wu, bu negated (Γu = σ(a) taken for z = σ(-a)); the gradients of Wu, bu negated back.
    /// </summary>
    private static readonly KnownMistake NgUpdateGate = new(NgUpdateGateAsZ,
        "Your GRU takes Ng's update gate Γu for PyTorch's z. Ng writes c<t> = Γu ⋆ c̃<t> + (1 - Γu) ⋆ c<t-1>: Γu weights " +
        "the new candidate, where PyTorch's z weights the old state (h = (1 - z) ⊙ n + z ⊙ h_prev), so Γu = 1 - z. " +
        "With Ng's Wu and bu, use Γu on the candidate (or negate Wu and bu to get PyTorch's z rows).",
        ["gru"],
        "the oracle on the case with Wu and bu negated (σ(-a) = 1 - σ(a)); their gradients negated back",
        "Andrew Ng's GRU (deeplearning.ai Sequence Models): c<t> = Γu ⋆ c̃<t> + (1 - Γu) ⋆ c<t-1>",
        c =>
        {
            if (ConventionOption.Read(c.Config)?.Name != "ng") return [];
            static bool IsU(string name) => name == "Wu" || name == "bu" || name.StartsWith("Wu_", StringComparison.Ordinal) || name.StartsWith("bu_", StringComparison.Ordinal);
            static Tensor Negated(Tensor t)
            {
                var n = t.Clone();
                for (int i = 0; i < n.Length; i++) n.Data[i] = -n.Data[i];
                return n;
            }
            var edited = CaseEdits.WithParams(c, (name, t) => IsU(name) ? Negated(t) : t);
            var r = Evaluator.Evaluate(edited);
            return [r.Error is null ? CaseEdits.WithGrads(r, (name, g) => IsU(name) ? Negated(g) : g) : null];
        });
}
