// MistakeCatalog.Diagnose: FsCheck properties over random cases of every kit op (a right
// answer is never diagnosed; each mistake's own answer is diagnosed as that mistake), the
// rules for which tensors count as evidence, the forward-evidence rule (a forward mistake
// whose backward pass does something else still shows in the outputs), argument checks, and
// the catalog's own shape (ids, ops the oracle knows, Spec/diagnosis.md lists every mistake).
// Sizes are bounded (T <= 4, B <= 3, I <= 3, H <= 3); FsCheck prints the replay seed of a failure.
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Rnn.Grading.Diagnosis;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Rnn.Grading.Tests.Diagnosis;

public sealed class MistakeCatalogTests
{
    private const double Rtol = 1e-7, Atol = 1e-9;
    private static readonly MistakeCatalog Catalog = new();

    private static readonly string[] KitOps = ["relu_rnn_slide", "tanh_rnn_slide", "lstm", "gru", "clip_grad_norm", "optimizer"];

    /// <summary>A random case of a kit op, every optional part chosen at random; sizes bounded.</summary>
    private static Case RandomCase(int seed)
    {
        var rng = new SeededRandom((ulong)seed);
        string op = KitOps[rng.NextInt(KitOps.Length)];
        int T = 1 + rng.NextInt(4), I = 1 + rng.NextInt(3), H = 1 + rng.NextInt(3);
        int? B = rng.NextInt(3) == 0 ? null : 1 + rng.NextInt(3);
        bool coin() => rng.NextInt(2) == 0;
        return op switch
        {
            "relu_rnn_slide" => KitCases.ReluSlide("r", rng, T, B, I, H, coin(), grads: true),
            "tanh_rnn_slide" => KitCases.TanhSlide("t", rng, T, B, I, H, 1 + rng.NextInt(3), coin(), grads: true),
            "lstm" or "gru" => KitCases.Gated("g", op, rng, T, B, I, H, h0: coin(), c0: coin(), batchFirst: coin(), bias: rng.NextInt(4) != 0),
            "clip_grad_norm" => KitCases.Clip("c", rng, rng.Uniform(0.1, 4), rng.NextInt(4) == 0 ? "inf" : 2,
                [.. Enumerable.Range(0, 1 + rng.NextInt(3)).Select(k => ($"g{k}", new[] { 1 + rng.NextInt(3), 1 + rng.NextInt(2) }))]),
            _ => KitCases.Adam("a", rng, [1 + rng.NextInt(3), 1 + rng.NextInt(2)], 1 + rng.NextInt(3),
                rng.Uniform(1e-3, 0.3), rng.Uniform(0.5, 0.95), rng.Uniform(0.9, 0.9999), coin() ? 1e-8 : 1e-3, coin() ? 0 : rng.Uniform(0, 0.5)),
        };
    }

    private static List<string> AllTensors(CaseResult r) =>
        [.. r.Outputs.Names.Select(n => "outputs." + n), .. r.Grads.Names.Select(n => "grads." + n)];

    private static List<string> Differing(CaseResult a, CaseResult b)
    {
        var names = new List<string>();
        foreach (var (n, t) in a.Outputs) if (!TensorMatch.Close(t, b.Outputs[n], Rtol, Atol)) names.Add("outputs." + n);
        foreach (var (n, t) in a.Grads) if (!TensorMatch.Close(t, b.Grads[n], Rtol, Atol)) names.Add("grads." + n);
        return names;
    }

    private static Arbitrary<int> Seeds => Gen.Choose(0, int.MaxValue).ToArbitrary();

    [Property(MaxTest = 150)]
    public Property ARightAnswerIsNeverDiagnosed() =>
        Prop.ForAll(Seeds, seed =>
        {
            var c = RandomCase(seed);
            var expected = Evaluator.Evaluate(c);
            // told that every tensor failed, still no mistake explains the oracle's own answer
            return expected.Error is null && Catalog.Diagnose(c, expected, expected, AllTensors(expected), Rtol, Atol) is null;
        });

    [Property(MaxTest = 150)]
    public Property EachMistakesOwnAnswerIsDiagnosedAsThatMistake() =>
        Prop.ForAll(Seeds, seed =>
        {
            var c = RandomCase(seed);
            var expected = Evaluator.Evaluate(c);
            foreach (var m in Catalog.Mistakes)
            {
                var answer = m.Reevaluate(c);
                if (answer is null) continue;
                var failed = Differing(answer, expected);
                if (failed.Count == 0) continue;                           // this case cannot show the mistake
                var found = Catalog.Identify(c, expected, answer, failed, Rtol, Atol);
                if (found?.Mistake.Id != m.Id && !Indistinguishable(c, expected, answer, failed, m))
                {
                    TestContext.Out.WriteLine($"seed {seed} ({c.Op}): {m.Id}'s answer (failed {string.Join(", ", failed)}) was diagnosed as {found?.Mistake.Id ?? "nothing"}");
                    return false;
                }
            }
            return true;
        });

    /// <summary>
    /// True when the diagnosis rightly says nothing about m's answer: m explains it, and so does
    /// another mistake, equally well (the case cannot tell the two apart).
    /// </summary>
    private static bool Indistinguishable(Case c, CaseResult expected, CaseResult answer, List<string> failed, KnownMistake m)
    {
        var all = Catalog.Explanations(c, expected, answer, failed, Rtol, Atol);
        var mine = all.FirstOrDefault(e => e.Mistake.Id == m.Id);
        return mine is not null && all.Any(e => e.Mistake.Id != m.Id && e.Agreement == mine.Agreement && e.Agreement == all[0].Agreement);
    }

    [Test]
    public void TwoMistakesTheCaseCannotTellApartAreNotGuessedBetween()
    {
        // a ReLU RNN step whose units are all off: starting from zeros, or with U untransposed,
        // both give all-zero outputs and gradients. Nothing tells the two apart, so nothing is said.
        var c = KitCases.RoundTrip(new Case("dead", "relu_rnn_slide", new System.Text.Json.Nodes.JsonObject(),
            Set(("input", new Tensor([1, 1], [1.0])), ("h0", new Tensor([2], [1.0, 0.5]))),
            Set(("W", new Tensor([2, 1], [-1.0, -1.0])), ("U", new Tensor([2, 2], [0.5, 2.0, 0.0, -3.0])), ("b", new Tensor([2], [0.0, 0.0]))),
            Set(("output", new Tensor([1, 2], [1.0, 1.0])))));
        // x Wᵀ = [-1, -1]
        //   right:         + h0 Uᵀ = [0.5 + 0.5·2, 0 + 0.5·(-3)] = [1.5, -1.5]  → linear [0.5, -2.5], output [0.5, 0]
        //   untransposed:  + h0 U  = [0.5 + 0.5·0, 2 + 0.5·(-3)] = [0.5, 0.5]   → linear [-0.5, -0.5], output [0, 0]
        //   zero h0:       + 0                                                  → linear [-1, -1],     output [0, 0]
        // and with every unit off, every gradient of both mistakes is zero too
        var expected = Evaluator.Evaluate(c);
        Assert.That(expected.Outputs["output"].Data, Is.EqualTo(new[] { 0.5, 0.0 }));
        var zeros = Catalog.Get(KnownMistakes.InitialStateIgnored).Reevaluate(c)!;
        var untransposed = Catalog.Get(KnownMistakes.RecurrentWeightUntransposed).Reevaluate(c)!;
        Assert.That(zeros.Outputs.ToFlat().Concat(zeros.Grads.ToFlat()), Is.All.EqualTo(0.0));
        Assert.That(untransposed.Outputs.ToFlat().Concat(untransposed.Grads.ToFlat()), Is.All.EqualTo(0.0));
        var failed = Differing(zeros, expected);
        Assert.That(Catalog.Explanations(c, expected, zeros, failed, Rtol, Atol).Select(e => e.Mistake.Id),
            Is.SupersetOf(new[] { KnownMistakes.InitialStateIgnored, KnownMistakes.RecurrentWeightUntransposed }));
        // never named as one of them: reported as ambiguous, with both
        Assert.That(Catalog.Identify(c, expected, zeros, failed, Rtol, Atol), Is.Null);
        string? text = Catalog.Diagnose(c, expected, zeros, failed, Rtol, Atol);
        Assert.That(text, Does.StartWith("Your answer is what each of 2 known mistakes gives (recurrent-weight-untransposed, initial-state-ignored)")
            .Or.StartWith("Your answer is what each of 2 known mistakes gives (initial-state-ignored, recurrent-weight-untransposed)"));
        Assert.That(text, Does.Contain(Catalog.Get(KnownMistakes.InitialStateIgnored).Message));
        Assert.That(text, Does.Contain(Catalog.Get(KnownMistakes.RecurrentWeightUntransposed).Message));
    }

    [Test]
    public void WithOneUnitTheTwoResetPlacementMistakesAreReportedAsAmbiguous()
    {
        // H = 1: r * (h w) + b_hn (b_hn outside the reset product) and (r * h) w + b_hn (reset before the
        // product) are the same number, forward and backward; with H = 2 the two part
        var one = KitCases.Gated("gru/one-unit", "gru", new SeededRandom(21), 3, 2, 2, 1);
        var expected = Evaluator.Evaluate(one);
        var outside = Catalog.Get(KnownMistakes.GruBiasOutsideReset);
        var before = Catalog.Get(KnownMistakes.GruResetBeforeMatmul);
        foreach (var answer in new[] { outside.Reevaluate(one)!, before.Reevaluate(one)! })
        {
            var failed = Differing(answer, expected);
            Assert.That(failed, Is.Not.Empty);
            Assert.That(Catalog.Identify(one, expected, answer, failed, Rtol, Atol), Is.Null);
            string? text = Catalog.Diagnose(one, expected, answer, failed, Rtol, Atol);
            Assert.That(text, Does.StartWith("Your answer is what each of 2 known mistakes gives (gru-reset-before-matmul, gru-bias-outside-reset)"));
            Assert.That(text, Does.Contain(outside.Message).And.Contain(before.Message));
        }

        var two = KitCases.Gated("gru/two-units", "gru", new SeededRandom(21), 3, 2, 2, 2);
        var expectedTwo = Evaluator.Evaluate(two);
        foreach (var m in new[] { outside, before })
        {
            var answer = m.Reevaluate(two)!;
            var failed = Differing(answer, expectedTwo);
            Assert.That(Catalog.Identify(two, expectedTwo, answer, failed, Rtol, Atol)?.Mistake.Id, Is.EqualTo(m.Id));
            Assert.That(Catalog.Diagnose(two, expectedTwo, answer, failed, Rtol, Atol), Is.EqualTo(m.Message));
        }
    }

    [Test]
    public void BhnOutsideTheResetProductIsRightWhenThereIsNoBias()
    {
        // without a bias (or with b_hn = 0) the mistake computes PyTorch's GRU: it cannot show, nothing is said
        var c = KitCases.Gated("gru/no-bias", "gru", new SeededRandom(22), 3, 2, 2, 3, bias: false);
        var expected = Evaluator.Evaluate(c);
        var answer = Catalog.Get(KnownMistakes.GruBiasOutsideReset).Reevaluate(c)!;
        Assert.That(Differing(answer, expected), Is.Empty);
    }

    private static NamedTensors Set(params (string Name, Tensor T)[] items)
    {
        var s = new NamedTensors();
        foreach (var (n, t) in items) s.Add(n, t);
        return s;
    }

    [Test]
    public void TheRandomCasesExerciseEveryMistake()
    {
        // the property above, on fixed seeds, counting what it checked: every mistake must show on some case
        var shown = Catalog.Mistakes.ToDictionary(m => m.Id, _ => 0);
        int ambiguous = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            var c = RandomCase(seed);
            var expected = Evaluator.Evaluate(c);
            foreach (var m in Catalog.Mistakes)
            {
                if (m.Reevaluate(c) is not { } answer) continue;
                var failed = Differing(answer, expected);
                if (failed.Count == 0) continue;
                var found = Catalog.Identify(c, expected, answer, failed, Rtol, Atol);
                if (found is null && Indistinguishable(c, expected, answer, failed, m)) { ambiguous++; continue; }
                Assert.That(found?.Mistake.Id, Is.EqualTo(m.Id), $"seed {seed}");
                shown[m.Id]++;
            }
        }
        TestContext.Out.WriteLine(string.Join(", ", shown.Select(p => $"{p.Key} {p.Value}")) + $"; indistinguishable {ambiguous}");
        Assert.That(shown.Where(p => p.Value < 5).Select(p => p.Key), Is.Empty, "mistakes shown on fewer than 5 of 300 random cases");
    }

    // ---- which tensors count -------------------------------------------------------------

    private static (Case Case, CaseResult Expected, CaseResult Answer) GateOrderAnswer()
    {
        var c = KitCases.Revealing("lstm", seed: 3)[0];
        return (c, Evaluator.Evaluate(c), Catalog.Get(KnownMistakes.LstmGateOrderIfog).Reevaluate(c)!);
    }

    [Test]
    public void FailedTensorsMayBeNamedWithOrWithoutTheirKind()
    {
        var (c, expected, answer) = GateOrderAnswer();
        string message = Catalog.Get(KnownMistakes.LstmGateOrderIfog).Message;
        foreach (var names in new[] { new[] { "outputs.h_n" }, ["outputs/h_n"], ["h_n"], ["grads.weight_ih_l0"], ["grads/input"], ["input"] })
            Assert.That(Catalog.Diagnose(c, expected, answer, names, Rtol, Atol), Is.EqualTo(message), string.Join(",", names));
    }

    [Test]
    public void NothingIsSaidWithoutEvidence()
    {
        var (c, expected, answer) = GateOrderAnswer();
        Assert.That(Catalog.Diagnose(c, expected, answer, [], Rtol, Atol), Is.Null, "no failed tensors");
        Assert.That(Catalog.Diagnose(c, expected, answer, ["outputs.nonsense", "grads.c_n"], Rtol, Atol), Is.Null, "names the case does not have");
        Assert.That(Catalog.Diagnose(c, expected, CaseResult.Failed(c.Id, "ValueError: x"), ["outputs.h_n"], Rtol, Atol), Is.Null, "an error answer");
        Assert.That(Catalog.Diagnose(c, CaseResult.Failed(c.Id, "bad case"), answer, ["outputs.h_n"], Rtol, Atol), Is.Null, "an oracle error");
        var missing = answer with { Outputs = new NamedTensors(), Grads = new NamedTensors() };
        Assert.That(Catalog.Diagnose(c, expected, missing, ["outputs.h_n"], Rtol, Atol), Is.Null, "the failed tensor is missing from the answer");
        var reshaped = answer with { Outputs = CaseEdits.Map(answer.Outputs, (n, t) => n == "h_n" ? new Tensor([t.Length], t.Data) : t) };
        Assert.That(Catalog.Diagnose(c, expected, reshaped, ["outputs.h_n"], Rtol, Atol), Is.Null, "the failed tensor has the wrong shape");
    }

    [Test]
    public void AForwardMistakeIsRecognisedFromTheOutputsWhateverTheGradients()
    {
        // the answer's outputs are the i, f, o, g LSTM's; its gradients are something else entirely
        var (c, expected, answer) = GateOrderAnswer();
        var garbled = answer with { Grads = CaseEdits.Map(answer.Grads, (n, t) => Tensor.Zeros(t.Shape)) };
        Assert.That(Catalog.Identify(c, expected, garbled, ["grads.weight_ih_l0"], Rtol, Atol)?.Mistake.Id,
            Is.EqualTo(KnownMistakes.LstmGateOrderIfog), "only gradients failed, the outputs show the mistake");
        // but outputs that are neither the reference's nor the mistake's explain nothing
        var otherOutputs = garbled with { Outputs = CaseEdits.Map(answer.Outputs, (n, t) => n == "c_n" ? Tensor.Zeros(t.Shape) : t) };
        Assert.That(Catalog.Diagnose(c, expected, otherOutputs, ["outputs.c_n", "outputs.h_n"], Rtol, Atol), Is.Null);
    }

    [Test]
    public void ABackwardMistakeMustExplainEveryFailedGradient()
    {
        var c = KitCases.Revealing("gru", seed: 3)[0];
        var expected = Evaluator.Evaluate(c);
        var noBptt = Catalog.Get(KnownMistakes.NoBpttThroughState).Reevaluate(c)!;
        var failed = Differing(noBptt, expected);
        Assert.That(failed, Has.None.StartWith("outputs."));
        Assert.That(Catalog.Identify(c, expected, noBptt, failed, Rtol, Atol)?.Mistake.Id, Is.EqualTo(KnownMistakes.NoBpttThroughState));
        // one gradient off in another way: no longer explained
        var oneMore = noBptt with { Grads = CaseEdits.Map(noBptt.Grads, (n, t) => n == "weight_ih_l0" ? Tensor.Zeros(t.Shape) : t) };
        Assert.That(Catalog.Diagnose(c, expected, oneMore, failed, Rtol, Atol), Is.Null);
        // a failed output cannot be a backward mistake's doing
        Assert.That(Catalog.Diagnose(c, expected, noBptt, [.. failed, "outputs.h_n"], Rtol, Atol), Is.Null);
    }

    [Test]
    public void TheToleranceIsTheGradersOwn()
    {
        // an answer off from the mistake by 1e-6 relative: explained at rtol 1e-5, not at 1e-8
        var (c, expected, answer) = GateOrderAnswer();
        var nudged = answer with { Outputs = CaseEdits.Map(answer.Outputs, (n, t) => { for (int i = 0; i < t.Length; i++) t.Data[i] *= 1 + 1e-6; return t; }) };
        Assert.That(Catalog.Diagnose(c, expected, nudged, ["outputs.output"], 1e-5, 0), Is.Not.Null);
        Assert.That(Catalog.Diagnose(c, expected, nudged, ["outputs.output"], 1e-8, 0), Is.Null);
    }

    // ---- arguments and the catalog itself -----------------------------------------------

    [Test]
    public void BadArgumentsAreRejectedByName()
    {
        var (c, expected, answer) = GateOrderAnswer();
        var e = Assert.Throws<ArgumentException>(() => Catalog.Diagnose(c, expected, answer, ["h_n"], -1, 0))!;
        Assert.That(e.Message, Does.StartWith("rtol and atol must be numbers >= 0 but are -1 and 0"));
        Assert.Throws<ArgumentException>(() => Catalog.Diagnose(c, expected, answer, ["h_n"], 0, double.NaN));
        Assert.Throws<ArgumentNullException>(() => Catalog.Diagnose(c, expected, answer, null!, 0, 0));
        var unknown = Assert.Throws<KeyNotFoundException>(() => Catalog.Get("no-such-mistake"))!;
        Assert.That(unknown.Message, Does.Contain("no mistake \"no-such-mistake\"; the catalog holds lstm-gate-order-ifog"));
        var twice = Assert.Throws<ArgumentException>(() => new MistakeCatalog([Catalog.Mistakes[0], Catalog.Mistakes[0]]))!;
        Assert.That(twice.Message, Does.StartWith("mistakes holds the id \"lstm-gate-order-ifog\" twice"));
        var noOps = Assert.Throws<ArgumentException>(() => new KnownMistake("x", "m", [], "d", "s", _ => []))!;
        Assert.That(noOps.Message, Does.StartWith("mistake x must name at least one op"));
    }

    [Test]
    public void EveryMistakeIsWellFormed()
    {
        Assert.That(Catalog.Mistakes, Has.Count.GreaterThanOrEqualTo(12));
        foreach (var m in Catalog.Mistakes)
        {
            Assert.That(m.Id, Does.Match("^[a-z0-9]+(-[a-z0-9]+)*$"), m.Id);
            Assert.That(m.Message.Length, Is.GreaterThan(80), $"{m.Id}: the message should say what is wrong and what is right");
            Assert.That(m.Detection, Is.Not.Empty, m.Id);
            Assert.That(m.Source, Is.Not.Empty, m.Id);
            foreach (var op in m.Ops)
                Assert.That(OpRegistry.TryGet(op, out _), $"{m.Id}: op {op} is not an oracle op");
        }
    }

    [Test]
    public void SpecPageListsEveryMistakeWithItsMessage()
    {
        string spec = File.ReadAllText(Path.Combine(RepoPaths.Root, "Spec", "diagnosis.md"));
        foreach (var m in Catalog.Mistakes)
        {
            Assert.That(spec, Does.Contain($"`{m.Id}`"), $"Spec/diagnosis.md does not list {m.Id}");
            Assert.That(spec, Does.Contain(m.Message), $"Spec/diagnosis.md does not quote the message of {m.Id}");
        }
    }
}
