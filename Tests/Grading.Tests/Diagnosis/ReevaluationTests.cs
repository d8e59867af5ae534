// Each mistake's re-evaluation (KnownMistakes) checked on its own, against computations written
// independently here: the reference run directly on weights the test rearranges itself, other
// oracle ops that compute the same function, small steps worked by hand with the arithmetic
// shown. Mistakes that are a whole mistaken model (forward and its exact gradient) are also
// gradient-checked: their gradients must be central differences of their own outputs
// (public GradientCheck, relative error <= 1e-7). The drivers themselves reproduce the oracle
// when run without a mistake.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Diagnosis;
using Rnn.Grading.Oracle;
using Rnn.Reference.Checking;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Diagnosis;

public sealed class ReevaluationTests
{
    private static readonly MistakeCatalog Catalog = new();

    private static KnownMistake M(string id) => Catalog.Get(id);

    private static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));

    private static Tensor T(int[] shape, params double[] data) => new(shape, data);

    /// <summary>A case from explicit tensors, read back through the case file format.</summary>
    private static Case Make(string op, JsonObject config, (string, Tensor)[] inputs, (string, Tensor)[] parameters, (string, Tensor)[] gradOutputs)
    {
        static NamedTensors Set((string, Tensor)[] items)
        {
            var s = new NamedTensors();
            foreach (var (n, t) in items) s.Add(n, t);
            return s;
        }
        return KitCases.RoundTrip(new Case(op + "/test", op, config, Set(inputs), Set(parameters), Set(gradOutputs)));
    }

    private static void AssertClose(Tensor actual, Tensor expected, string what, double tol = 1e-12)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), what + " shape");
        for (int i = 0; i < expected.Length; i++)
            Assert.That(actual.Data[i], Is.EqualTo(expected.Data[i]).Within(tol + tol * Math.Abs(expected.Data[i])), $"{what}[{i}]");
    }

    private static void AssertSame(CaseResult actual, CaseResult expected, double tol = 1e-12, params string[] skipGrads)
    {
        Assert.That(actual.Error, Is.Null);
        Assert.That(actual.Outputs.Names, Is.EquivalentTo(expected.Outputs.Names));
        foreach (var (n, t) in expected.Outputs) AssertClose(actual.Outputs[n], t, "outputs." + n, tol);
        Assert.That(actual.Grads.Names, Is.EquivalentTo(expected.Grads.Names));
        foreach (var (n, t) in expected.Grads)
            if (Array.IndexOf(skipGrads, n) < 0) AssertClose(actual.Grads[n], t, "grads." + n, tol);
    }

    private static bool Differs(CaseResult a, CaseResult b) =>
        a.Outputs.Concat(a.Grads).Any(p => !TensorMatch.Close(p.Value, (a.Outputs.Contains(p.Key) ? b.Outputs : b.Grads)[p.Key], 1e-9, 1e-12));

    /// <summary>
    /// The mistake's gradients are central differences of its own outputs:
    /// L = Σ_outputs Σ output ⊙ grad_output over the mistake's re-evaluation.
    /// </summary>
    private static double ConsistentGradients(KnownMistake m, Case c, params string[] skip)
    {
        var variables = new NamedTensors();
        foreach (var (n, t) in c.Inputs.Concat(c.Params))
            if (Array.IndexOf(skip, n) < 0) variables.Add(n, t);       // the case's own tensors, perturbed in place
        double Loss()
        {
            var r = m.Reevaluate(c)!;
            double L = 0;
            foreach (var (n, g) in c.GradOutputs)
                for (int i = 0; i < g.Length; i++) L += r.Outputs[n].Data[i] * g.Data[i];
            return L;
        }
        var analytic = m.Reevaluate(c)!.Grads;
        var report = GradientCheck.Check(Loss, variables, analytic, new GradientCheckOptions(Step: 1e-5));
        TestContext.Out.WriteLine($"gradcheck {m.Id} on {c.Op}: worst relative error {report.WorstRelativeError:E2}");
        Assert.That(analytic.ToFlat().Any(v => v != 0), "every gradient is zero: the check proves nothing");
        Assert.That(report.WorstRelativeError, Is.LessThanOrEqualTo(1e-7), report.ToString());
        return report.WorstRelativeError;
    }

    private static Case Revealing(string op, int k = 0) => KitCases.Revealing(op, seed: 77)[k];

    // ---- the drivers without a mistake are the oracle ---------------------------------

    [Test]
    public void DriversWithoutAMistakeReproduceTheOracleOnEveryLayout()
    {
        int checkedCases = 0;
        foreach (var c in KitCases.AllLayouts(seed: 31))
        {
            CaseResult? ours = c.Op switch
            {
                "relu_rnn_slide" or "tanh_rnn_slide" => SlideRnnCase.Answer(c, SlideRnnCase.Read(c)!, StateMistake.None),
                "lstm" or "gru" => GatedRnnCase.Answer(c, GatedRnnCase.Read(c)!, StateMistake.None),
                _ => null,
            };
            if (ours is null) continue;
            AssertSame(ours, Evaluator.Evaluate(c), 1e-13);
            checkedCases++;
        }
        Assert.That(checkedCases, Is.EqualTo(22));
    }

    [Test]
    public void DriversRejectArraysThatDoNotFitTheSizes()
    {
        var gated = new GatedLayerInput(GatedCellForm.Gru, 2, 1, 3, 2, new double[5], new double[2], [], new double[18], new double[12], [], []);
        var e = Assert.Throws<ArgumentException>(() => GatedRnnUnderMistake.Forward(gated, StateMistake.None))!;
        Assert.That(e.Message, Does.StartWith("X has 5 elements but [T, B, I] = [2, 1, 3] needs 6"));
        Assert.That(e.ParamName, Is.EqualTo("X"));
        var badWhh = gated with { X = new double[6], Whh = new double[11] };
        Assert.That(Assert.Throws<ArgumentException>(() => GatedRnnUnderMistake.Forward(badWhh, StateMistake.None))!.Message,
            Does.StartWith("Whh has 11 elements but [G*H, H] = [6, 2] needs 12"));
        var good = gated with { X = new double[6] };
        var f = GatedRnnUnderMistake.Forward(good, StateMistake.None);
        Assert.That(Assert.Throws<ArgumentException>(() =>
            GatedRnnUnderMistake.Backward(good, f, StateMistake.None, new double[3], new double[2], []))!.Message,
            Does.StartWith("dOutput has 3 elements but [T, B, H] = [2, 1, 2] needs 4"));

        var elman = new ElmanInput(false, 2, 1, 1, 2, 2, new double[2], new double[2], new double[2], new double[3], [], []);
        Assert.That(Assert.Throws<ArgumentException>(() => SlideRnnUnderMistake.Forward(elman, StateMistake.None))!.Message,
            Does.StartWith("U has 3 elements but [H, H] = [2, 2] needs 4"));
        Assert.That(Assert.Throws<ArgumentException>(() => SlideRnnUnderMistake.Forward(elman with { U = new double[4], O = 3 }, StateMistake.None))!.Message,
            Does.StartWith("O is 3 but without Why the output is the state"));
        Assert.That(Assert.Throws<ArgumentException>(() => SlideRnnUnderMistake.Forward(elman with { U = new double[4] }, (StateMistake)7))!.Message,
            Does.StartWith("mistake 7 is not a StateMistake"));
    }

    // ---- LSTM ----------------------------------------------------------------------------

    [Test]
    public void GateOrderIfogIsPyTorchsLstmOnWeightsWithGAndOSwapped()
    {
        var c = Revealing("lstm");
        int H = ConfigReader.Int(c.Config, "hidden_size");
        // the test's own rearrangement: row r of block k (i, f, g, o = 0..3) comes from block 2 <-> 3 swapped
        static int SourceRow(int r, int H) => (r / H) switch { 2 => 3 * H + r % H, 3 => 2 * H + r % H, _ => r };
        Tensor Rows(Tensor t)
        {
            int cols = t.Rank == 2 ? t.Shape[1] : 1;
            var result = Tensor.Zeros(t.Shape);
            for (int r = 0; r < t.Shape[0]; r++)
                for (int k = 0; k < cols; k++) result.Data[r * cols + k] = t.Data[SourceRow(r, H) * cols + k];
            return result;
        }
        var swapped = new NamedTensors();
        foreach (var (n, t) in c.Params) swapped.Add(n, Rows(t));
        var config = new RecurrentConfig(CellKind.Lstm, ConfigReader.Int(c.Config, "input_size"), H);
        var forward = RecurrentLayer.Forward(config, swapped, c.Inputs["input"], c.Inputs["h0"], c.Inputs["c0"]);
        var back = RecurrentLayer.Backward(forward.Cache, c.GradOutputs["output"], c.GradOutputs["h_n"], c.GradOutputs["c_n"]);

        var mistaken = M(KnownMistakes.LstmGateOrderIfog).Reevaluate(c)!;
        AssertClose(mistaken.Outputs["output"], forward.Output, "output");
        AssertClose(mistaken.Outputs["h_n"], forward.HN, "h_n");
        AssertClose(mistaken.Outputs["c_n"], forward.CN!, "c_n");
        AssertClose(mistaken.Grads["input"], back.dInput, "input");
        AssertClose(mistaken.Grads["h0"], back.dH0, "h0");
        AssertClose(mistaken.Grads["c0"], back.dC0!, "c0");
        foreach (var (n, g) in back.dParameters) AssertClose(mistaken.Grads[n], Rows(g), n);   // the swap is its own inverse
        Assert.That(Differs(mistaken, Evaluator.Evaluate(c)));
        ConsistentGradients(M(KnownMistakes.LstmGateOrderIfog), c);
    }

    [Test]
    public void LstmWithoutCellTanhOneStepByHand()
    {
        // I = H = B = T = 1, weights [4H, 1] = i, f, g, o rows; x = 0.5, h0 = -0.2, c0 = 0.3
        //   a_i = 0.4·0.5 + 0.1 + 0.3·(-0.2) + 0 = 0.24   a_f = -0.2·0.5 + 0.2 + 0.5·(-0.2) = 0
        //   a_g = 1.0·0.5 - 0.3 + (-0.4)·(-0.2) = 0.28     a_o = 0.6·0.5 + 0 + 0.2·(-0.2) = 0.26
        //   c = σ(0) · 0.3 + σ(0.24) · tanh(0.28);  h = σ(0.26) · c   (PyTorch: σ(0.26) · tanh(c))
        var c = Make("lstm", new JsonObject { ["input_size"] = 1, ["hidden_size"] = 1 },
            [("input", T([1, 1, 1], 0.5)), ("h0", T([1, 1, 1], -0.2)), ("c0", T([1, 1, 1], 0.3))],
            [("weight_ih_l0", T([4, 1], 0.4, -0.2, 1.0, 0.6)), ("weight_hh_l0", T([4, 1], 0.3, 0.5, -0.4, 0.2)),
             ("bias_ih_l0", T([4], 0.1, 0.2, -0.3, 0)), ("bias_hh_l0", T([4], 0, 0, 0, 0))],
            [("output", T([1, 1, 1], 1.0))]);
        double cell = 0.5 * 0.3 + Sigmoid(0.24) * Math.Tanh(0.28);
        var mistaken = M(KnownMistakes.LstmNoTanhOnCell).Reevaluate(c)!;
        Assert.That(mistaken.Outputs["c_n"].Data[0], Is.EqualTo(cell).Within(1e-15));
        Assert.That(mistaken.Outputs["h_n"].Data[0], Is.EqualTo(Sigmoid(0.26) * cell).Within(1e-15));
        Assert.That(Evaluator.Evaluate(c).Outputs["h_n"].Data[0], Is.EqualTo(Sigmoid(0.26) * Math.Tanh(cell)).Within(1e-15));
        // dh = 1: dc0 = dh · o · f = σ(0.26) · 0.5 (no tanh' on the way)
        Assert.That(mistaken.Grads["c0"].Data[0], Is.EqualTo(Sigmoid(0.26) * 0.5).Within(1e-15));
        ConsistentGradients(M(KnownMistakes.LstmNoTanhOnCell), Revealing("lstm"));
    }

    // ---- second bias --------------------------------------------------------------------

    [TestCase("lstm")]
    [TestCase("gru")]
    public void SecondBiasMissingIsTheCellWithOnlyTheFirstBias(string op)
    {
        var c = Revealing(op);
        // with bias_ih zeroed, dropping bias_hh leaves no bias: the oracle's bias=false layer, a separate code path
        var zeroIh = CaseEdits.WithParams(c, (n, t) => n == "bias_ih_l0" ? Tensor.Zeros(t.Shape) : t);
        var withoutBiases = new NamedTensors();
        foreach (var (n, t) in c.Params)
            if (!n.StartsWith("bias", StringComparison.Ordinal)) withoutBiases.Add(n, t.Clone());
        var noBias = KitCases.RoundTrip(CaseEdits.WithConfig(c, "bias", false) with { Params = withoutBiases });
        var reference = Evaluator.Evaluate(noBias);
        Assert.That(reference.Error, Is.Null);

        var forms = M(KnownMistakes.SecondBiasMissing).ReevaluateForms(zeroIh);
        Assert.That(forms, Has.Count.EqualTo(2));
        foreach (var (n, t) in reference.Outputs) AssertClose(forms[0].Outputs[n], t, n);
        foreach (var (n, t) in reference.Grads) AssertClose(forms[0].Grads[n], t, n);
        // the backward left as written gives d bias_hh = d bias_ih (for the GRU on the r and z blocks:
        // b_hn sits inside r ⊙ (…), so d b_hn = Σ da_n ⊙ r); the second form drops it
        int compared = op == "lstm" ? forms[0].Grads["bias_ih_l0"].Length : 2 * forms[0].Grads["bias_ih_l0"].Length / 3;
        Assert.That(forms[0].Grads["bias_hh_l0"].Data[..compared], Is.EqualTo(forms[0].Grads["bias_ih_l0"].Data[..compared]).Within(1e-15));
        Assert.That(forms[1].Grads["bias_hh_l0"].Data, Is.All.EqualTo(0.0));
        // the function does not depend on bias_hh: every other gradient is its exact gradient
        ConsistentGradients(M(KnownMistakes.SecondBiasMissing), c, "bias_hh_l0");
    }

    // ---- the slides' RNNs -----------------------------------------------------------------

    [Test]
    public void UntransposedRecurrentWeightByHand()
    {
        // ReLU RNN, I = 1, H = 2, one sequence of T = 1 from h0 = [1, 2]; W = [[1], [1]], b = 0,
        // U = [[0.1, 0.2], [0.3, 0.4]]:
        //   right:       linear = h0 · Uᵀ = [1·0.1 + 2·0.2, 1·0.3 + 2·0.4] + x W = [0.5, 1.1] + 1
        //   untransposed: linear = h0 · U  = [1·0.1 + 2·0.3, 1·0.2 + 2·0.4] + x W = [0.7, 1.0] + 1
        var c = Make("relu_rnn_slide", new JsonObject(), [("input", T([1, 1], 1.0)), ("h0", T([2], 1, 2))],
            [("W", T([2, 1], 1, 1)), ("U", T([2, 2], 0.1, 0.2, 0.3, 0.4)), ("b", T([2], 0, 0))],
            [("last_output", T([2], 1, 1))]);
        var mistaken = M(KnownMistakes.RecurrentWeightUntransposed).Reevaluate(c)!;
        Assert.That(mistaken.Outputs["last_output"].Data, Is.EqualTo(new[] { 1.7, 2.0 }).Within(1e-15));
        Assert.That(Evaluator.Evaluate(c).Outputs["last_output"].Data, Is.EqualTo(new[] { 1.5, 2.1 }).Within(1e-15));
        // dlinear = [1, 1]; linear_j = Σ_k h0_k U[k, j], so dU[k, j] = h0_k · dlinear_j = [[1, 1], [2, 2]]
        Assert.That(mistaken.Grads["U"].Data, Is.EqualTo(new[] { 1.0, 1.0, 2.0, 2.0 }).Within(1e-15));
        // dh0_k = Σ_j U[k, j] dlinear_j = [0.3, 0.7]
        Assert.That(mistaken.Grads["h0"].Data, Is.EqualTo(new[] { 0.30000000000000004, 0.7 }).Within(1e-15));
        ConsistentGradients(M(KnownMistakes.RecurrentWeightUntransposed), Revealing("relu_rnn_slide"));
        ConsistentGradients(M(KnownMistakes.RecurrentWeightUntransposed), Revealing("tanh_rnn_slide"));
    }

    [Test]
    public void WrongNonlinearityOnTheReluRnnIsPyTorchsTanhRnnWithOneBias()
    {
        var c = Revealing("relu_rnn_slide");                    // input [T, B, I], h0 [B, H]
        var input = c.Inputs["input"];
        int T = input.Shape[0], B = input.Shape[1], I = input.Shape[2], H = c.Params["W"].Shape[0];
        var dOutput = c.GradOutputs["output"].Clone();
        for (int k = 0; k < B * H; k++) dOutput.Data[(T - 1) * B * H + k] += c.GradOutputs["last_output"].Data[k];
        var rnn = Make("rnn", new JsonObject { ["input_size"] = I, ["hidden_size"] = H, ["nonlinearity"] = "tanh" },
            [("input", input), ("h0", new Tensor([1, B, H], c.Inputs["h0"].Data))],
            [("weight_ih_l0", c.Params["W"]), ("weight_hh_l0", c.Params["U"]), ("bias_ih_l0", c.Params["b"]), ("bias_hh_l0", Tensor.Zeros(H))],
            [("output", dOutput)]);
        var reference = Evaluator.Evaluate(rnn);
        var mistaken = M(KnownMistakes.WrongNonlinearity).Reevaluate(c)!;
        AssertClose(mistaken.Outputs["output"], reference.Outputs["output"], "output");
        AssertClose(mistaken.Grads["input"], reference.Grads["input"], "input");
        Assert.That(mistaken.Grads["h0"].Data, Is.EqualTo(reference.Grads["h0"].Data).Within(1e-12));
        AssertClose(mistaken.Grads["W"], reference.Grads["weight_ih_l0"], "W");
        AssertClose(mistaken.Grads["U"], reference.Grads["weight_hh_l0"], "U");
        AssertClose(mistaken.Grads["b"], reference.Grads["bias_ih_l0"], "b");
        ConsistentGradients(M(KnownMistakes.WrongNonlinearity), c);
    }

    [Test]
    public void WrongNonlinearityOnTheTanhCellByHand()
    {
        // I = H = O = 1, x = [0.5, 1.5], h0 = -1, Wxh = 2, Whh = 3, Why = 0.5, with ReLU in place of tanh:
        //   step 0: pre = 0.5·2 + (-1)·3 = -2 → h_0 = relu(-2) = 0,  y_0 = 0
        //   step 1: pre = 1.5·2 + 0·3 = 3     → h_1 = 3,             y_1 = 3 · 0.5 = 1.5
        //   (tanh: h_0 = tanh(-2), h_1 = tanh(3 + 3 tanh(-2)))
        var c = Make("tanh_rnn_slide", new JsonObject(), [("input", T([2, 1], 0.5, 1.5)), ("h0", T([1], -1))],
            [("Wxh", T([1, 1], 2)), ("Whh", T([1, 1], 3)), ("Why", T([1, 1], 0.5))],
            [("output", T([2, 1], 0, 1))]);
        var mistaken = M(KnownMistakes.WrongNonlinearity).Reevaluate(c)!;
        Assert.That(mistaken.Outputs["output"].Data, Is.EqualTo(new[] { 0.0, 1.5 }));
        Assert.That(mistaken.Outputs["h_n"].Data, Is.EqualTo(new[] { 3.0 }));
        double h0Tanh = Math.Tanh(-2);
        Assert.That(Evaluator.Evaluate(c).Outputs["h_n"].Data[0], Is.EqualTo(Math.Tanh(3 + 3 * h0Tanh)).Within(1e-15));
        // dy1 = 1: dh1 = Why = 0.5, relu' = 1: dWxh = 0.5 · 1.5, dWhh = 0.5 · h_0 = 0 (h_0 = relu(-2) = 0), dWhy = 3;
        // step 0 gets dh = 0.5 · Whh = 1.5 but relu'(-2) = 0: nothing reaches x_0 or h0
        Assert.That(mistaken.Grads["Wxh"].Data, Is.EqualTo(new[] { 0.75 }));
        Assert.That(mistaken.Grads["Whh"].Data, Is.EqualTo(new[] { 0.0 }));
        Assert.That(mistaken.Grads["Why"].Data, Is.EqualTo(new[] { 3.0 }));
        Assert.That(mistaken.Grads["input"].Data, Is.EqualTo(new[] { 0.0, 1.0 }));
        Assert.That(mistaken.Grads["h0"].Data, Is.EqualTo(new[] { 0.0 }));
        ConsistentGradients(M(KnownMistakes.WrongNonlinearity), Revealing("tanh_rnn_slide"));
    }

    // ---- the state between steps --------------------------------------------------------

    private static Case ScalarRelu(double h0) =>
        Make("relu_rnn_slide", new JsonObject(), [("input", T([2, 1], 1, 2)), ("h0", T([1], h0))],
            [("W", T([1, 1], 1)), ("U", T([1, 1], 0.5)), ("b", T([1], 0))],
            [("output", T([2, 1], 1, 1))]);

    [Test]
    public void StateNotCarriedByHand()
    {
        // W = 1, U = 0.5, b = 0, x = [1, 2], h0 = 1, dL/doutput = [1, 1]
        //   right:       h_0 = relu(1 + 0.5·1) = 1.5,  h_1 = relu(2 + 0.5·1.5) = 2.75
        //   not carried: h_0 = relu(1 + 0.5·1) = 1.5,  h_1 = relu(2 + 0.5·1)   = 2.5
        //   gradient: each step sees only its own output: dlinear = [1, 1];
        //   dW = 1·1 + 1·2 = 3, db = 2, dU = 1·h0 + 1·h0 = 2, dh0 = (1 + 1)·U = 1, dx = [W, W] = [1, 1]
        var c = ScalarRelu(1);
        var mistaken = M(KnownMistakes.StateNotCarried).Reevaluate(c)!;
        Assert.That(Evaluator.Evaluate(c).Outputs["output"].Data, Is.EqualTo(new[] { 1.5, 2.75 }));
        Assert.That(mistaken.Outputs["output"].Data, Is.EqualTo(new[] { 1.5, 2.5 }));
        Assert.That(mistaken.Grads["W"].Data, Is.EqualTo(new[] { 3.0 }));
        Assert.That(mistaken.Grads["b"].Data, Is.EqualTo(new[] { 2.0 }));
        Assert.That(mistaken.Grads["U"].Data, Is.EqualTo(new[] { 2.0 }));
        Assert.That(mistaken.Grads["h0"].Data, Is.EqualTo(new[] { 1.0 }));
        Assert.That(mistaken.Grads["input"].Data, Is.EqualTo(new[] { 1.0, 1.0 }));
    }

    [TestCase("relu_rnn_slide")]
    [TestCase("tanh_rnn_slide")]
    [TestCase("lstm")]
    [TestCase("gru")]
    public void StateNotCarriedIsAConsistentModel(string op)
    {
        var c = Revealing(op);
        var m = M(KnownMistakes.StateNotCarried);
        Assert.That(Differs(m.Reevaluate(c)!, Evaluator.Evaluate(c)));
        ConsistentGradients(m, c);
        // with one step there is no state to carry: the mistake changes nothing
        var one = op.EndsWith("slide", StringComparison.Ordinal)
            ? (op == "relu_rnn_slide" ? KitCases.ReluSlide("one", new SeededRandom(4), 1, 2, 2, 3, true, true)
                                      : KitCases.TanhSlide("one", new SeededRandom(4), 1, 2, 2, 3, 2, true, true))
            : KitCases.Gated("one", op, new SeededRandom(4), 1, 2, 2, 3);
        AssertSame(m.Reevaluate(one)!, Evaluator.Evaluate(one), 1e-13);
    }

    [Test]
    public void NoBpttThroughStateByHand()
    {
        // W = 1, U = 0.5, b = 0, x = [1, 2], h0 = 0, dL/doutput = [1, 1]: h = [1, 2.5] either way
        //   BPTT:    dlinear_1 = 1, dh_0 += 1·U = 0.5, dlinear_0 = 1 + 0.5 = 1.5
        //            dW = 1·2 + 1.5·1 = 3.5, db = 2.5, dU = 1·h_0 + 1.5·h0 = 1, dx = [1.5, 1], dh0 = 1.5·0.5 = 0.75
        //   no BPTT: dlinear = [1, 1]
        //            dW = 1·2 + 1·1 = 3,     db = 2,   dU = 1·1 + 1·0 = 1,     dx = [1, 1],   dh0 = 1·0.5 = 0.5
        var c = ScalarRelu(0);
        var right = Evaluator.Evaluate(c);
        Assert.That(right.Grads["W"].Data, Is.EqualTo(new[] { 3.5 }));
        Assert.That(right.Grads["h0"].Data, Is.EqualTo(new[] { 0.75 }));
        var mistaken = M(KnownMistakes.NoBpttThroughState).Reevaluate(c)!;
        Assert.That(mistaken.Outputs["output"].Data, Is.EqualTo(new[] { 1.0, 2.5 }));
        Assert.That(mistaken.Grads["W"].Data, Is.EqualTo(new[] { 3.0 }));
        Assert.That(mistaken.Grads["b"].Data, Is.EqualTo(new[] { 2.0 }));
        Assert.That(mistaken.Grads["U"].Data, Is.EqualTo(new[] { 1.0 }));
        Assert.That(mistaken.Grads["input"].Data, Is.EqualTo(new[] { 1.0, 1.0 }));
        Assert.That(mistaken.Grads["h0"].Data, Is.EqualTo(new[] { 0.5 }));
    }

    [TestCase("relu_rnn_slide")]
    [TestCase("tanh_rnn_slide")]
    [TestCase("lstm")]
    [TestCase("gru")]
    public void NoBpttKeepsTheForwardPassAndDropsOnlyTheStatePath(string op)
    {
        var m = M(KnownMistakes.NoBpttThroughState);
        var c = Revealing(op);
        var right = Evaluator.Evaluate(c);
        var mistaken = m.Reevaluate(c)!;
        foreach (var (n, t) in right.Outputs) AssertClose(mistaken.Outputs[n], t, n, 1e-13);
        Assert.That(Differs(mistaken, right));

        // one step with no gradient on h_n: nothing would flow through the state anyway
        var rng = new SeededRandom(12);
        var one = op switch
        {
            "relu_rnn_slide" => KitCases.ReluSlide("one", rng, 1, 2, 2, 3, true, true),
            "tanh_rnn_slide" => KitCases.TanhSlide("one", rng, 1, 2, 2, 3, 2, true, true),
            _ => KitCases.Gated("one", op, rng, 1, 2, 2, 3),
        };
        if (one.GradOutputs.Contains("h_n"))
            one = one with { GradOutputs = CaseEdits.Map(one.GradOutputs, (n, t) => n == "h_n" ? Tensor.Zeros(t.Shape) : t) };
        AssertSame(m.Reevaluate(one)!, Evaluator.Evaluate(one), 1e-13);
    }

    [Test]
    public void NoBpttLosesTheGradientOfHnButAnLstmKeepsItsCarryGradient()
    {
        var rng = new SeededRandom(21);
        var m = M(KnownMistakes.NoBpttThroughState);
        // tanh cell: only h_n has an upstream gradient; it enters through dh_next, which is dropped: every gradient is 0
        var tanh = KitCases.TanhSlide("tanh", rng, 3, 2, 2, 3, 2, true, true);
        tanh = tanh with { GradOutputs = CaseEdits.Map(tanh.GradOutputs, (n, t) => n == "output" ? Tensor.Zeros(t.Shape) : t) };
        Assert.That(m.Reevaluate(tanh)!.Grads.ToFlat(), Is.All.EqualTo(0.0));
        // LSTM: only c_n has an upstream gradient; the carry path dc = dc_next ⊙ f is kept, so it still
        // reaches c0 (though not what it would add through h_{t-1} at each step) ...
        static Case OnlyCn(Case c) => c with { GradOutputs = CaseEdits.Map(c.GradOutputs, (n, t) => n == "c_n" ? t : Tensor.Zeros(t.Shape)) };
        var lstm = OnlyCn(KitCases.Gated("lstm", "lstm", rng, 3, 2, 2, 3));
        var mistaken = m.Reevaluate(lstm)!;
        Assert.That(mistaken.Grads["c0"].Data.All(v => v != 0));
        Assert.That(Differs(mistaken, Evaluator.Evaluate(lstm)));
        // ... and with one step, where there is no h_{t-1} path to drop, the gradients are BPTT's
        var oneStep = OnlyCn(KitCases.Gated("lstm1", "lstm", rng, 1, 2, 2, 3));
        AssertSame(m.Reevaluate(oneStep)!, Evaluator.Evaluate(oneStep), 1e-13);
    }

    [TestCase("relu_rnn_slide")]
    [TestCase("tanh_rnn_slide")]
    [TestCase("lstm")]
    [TestCase("gru")]
    public void InitialStateIgnoredIsTheCaseWithoutItsInitialState(string op)
    {
        var c = Revealing(op);
        var withoutState = c with { Inputs = new NamedTensors() };
        foreach (var (n, t) in c.Inputs)
            if (n is not ("h0" or "c0")) withoutState.Inputs.Add(n, t);
        var reference = Evaluator.Evaluate(withoutState);
        var forms = M(KnownMistakes.InitialStateIgnored).ReevaluateForms(c);
        Assert.That(forms, Has.Count.EqualTo(op == "lstm" ? 3 : 1), "both states zeroed, then (LSTM) h0 only, c0 only");
        foreach (var (n, t) in reference.Outputs) AssertClose(forms[0].Outputs[n], t, n);
        foreach (var (n, t) in reference.Grads) AssertClose(forms[0].Grads[n], t, n);
        Assert.That(forms[0].Grads.Contains("h0"), "the answer still has a gradient for the h0 it was given");
        // a case without an initial state cannot show the mistake
        Assert.That(M(KnownMistakes.InitialStateIgnored).Reevaluate(withoutState), Is.Null);
    }

    // ---- GRU ----------------------------------------------------------------------------

    /// <summary>One GRU step for one sequence, written out with scalars: returns h.</summary>
    private static double[] GruStepByHand(Case c, bool zReversed, bool resetBefore, bool biasOutside = false)
    {
        int H = ConfigReader.Int(c.Config, "hidden_size"), I = ConfigReader.Int(c.Config, "input_size");
        double[] x = c.Inputs["input"].Data, h = c.Inputs["h0"].Data;
        double[] Wi = c.Params["weight_ih_l0"].Data, Wh = c.Params["weight_hh_l0"].Data;
        double[] bi = c.Params["bias_ih_l0"].Data, bh = c.Params["bias_hh_l0"].Data;
        double In(int row) { double s = bi[row]; for (int k = 0; k < I; k++) s += Wi[row * I + k] * x[k]; return s; }
        double Hid(int row, double[] state) { double s = bh[row]; for (int k = 0; k < H; k++) s += Wh[row * H + k] * state[k]; return s; }
        var r = new double[H];
        for (int j = 0; j < H; j++) r[j] = Sigmoid(In(j) + Hid(j, h));
        var rh = new double[H];
        for (int k = 0; k < H; k++) rh[k] = r[k] * h[k];
        var result = new double[H];
        for (int j = 0; j < H; j++)
        {
            double z = Sigmoid(In(H + j) + Hid(H + j, h));
            double hWhn = 0;                                       // (h W_hnᵀ)[j], no bias
            for (int k = 0; k < H; k++) hWhn += Wh[(2 * H + j) * H + k] * h[k];
            double n = Math.Tanh(In(2 * H + j) + (resetBefore ? Hid(2 * H + j, rh)
                : biasOutside ? r[j] * hWhn + bh[2 * H + j]
                : r[j] * Hid(2 * H + j, h)));
            result[j] = zReversed ? z * n + (1 - z) * h[j] : (1 - z) * n + z * h[j];
        }
        return result;
    }

    private static Case OneGruStep()
    {
        var rng = new SeededRandom(5);
        return KitCases.Gated("gru/one", "gru", rng, 1, null, 3, 3);   // input [1, 3], h0 [1, 3]
    }

    [Test]
    public void UpdateGateReversedByHand()
    {
        var c = OneGruStep();
        Assert.That(Evaluator.Evaluate(c).Outputs["h_n"].Data, Is.EqualTo(GruStepByHand(c, false, false)).Within(1e-15));
        var mistaken = M(KnownMistakes.GruUpdateGateReversed).Reevaluate(c)!;
        Assert.That(mistaken.Outputs["h_n"].Data, Is.EqualTo(GruStepByHand(c, true, false)).Within(1e-15));
        ConsistentGradients(M(KnownMistakes.GruUpdateGateReversed), Revealing("gru"));
    }

    [Test]
    public void ResetBeforeMatmulByHand()
    {
        var c = OneGruStep();
        var mistaken = M(KnownMistakes.GruResetBeforeMatmul).Reevaluate(c)!;
        Assert.That(mistaken.Outputs["h_n"].Data, Is.EqualTo(GruStepByHand(c, false, true)).Within(1e-15));
        Assert.That(Differs(mistaken, Evaluator.Evaluate(c)));
        ConsistentGradients(M(KnownMistakes.GruResetBeforeMatmul), Revealing("gru"));
        ConsistentGradients(M(KnownMistakes.GruResetBeforeMatmul), Revealing("gru", 1));
    }

    [Test]
    public void BiasOutsideResetByHand()
    {
        var c = OneGruStep();
        var m = M(KnownMistakes.GruBiasOutsideReset);
        var mistaken = m.Reevaluate(c)!;
        Assert.That(mistaken.Outputs["h_n"].Data, Is.EqualTo(GruStepByHand(c, false, false, biasOutside: true)).Within(1e-15));
        Assert.That(Differs(mistaken, Evaluator.Evaluate(c)));
        Assert.That(Differs(mistaken, M(KnownMistakes.GruResetBeforeMatmul).Reevaluate(c)!), "H = 3: not the reset-before GRU");
        ConsistentGradients(m, Revealing("gru"));
        ConsistentGradients(m, Revealing("gru", 1));
    }

    [Test]
    public void BiasOutsideResetIsTheGruWithoutBnAndTheResetBeforeGruWithOneUnit()
    {
        var rng = new SeededRandom(12);
        var m = M(KnownMistakes.GruBiasOutsideReset);
        // b_hn = 0: r ⊙ (h W_hnᵀ) + 0 = r ⊙ (h W_hnᵀ + 0), PyTorch's GRU, but not its gradient in b_hn:
        // d b_hn = Σ da_n where PyTorch's is Σ da_n ⊙ r
        var c = KitCases.Gated("gru/no-bhn", "gru", rng, 3, 2, 2, 3);
        var zeroBhn = CaseEdits.WithParams(c, (n, t) => n == "bias_hh_l0" ? Blocks(t, keep: 2) : t);
        var mistaken = m.Reevaluate(zeroBhn)!;
        var reference = Evaluator.Evaluate(zeroBhn);
        AssertSame(mistaken, reference, 1e-13, skipGrads: "bias_hh_l0");
        int H = 3;
        AssertClose(new Tensor([2 * H], mistaken.Grads["bias_hh_l0"].Data[..(2 * H)]),
            new Tensor([2 * H], reference.Grads["bias_hh_l0"].Data[..(2 * H)]), "d b_hr, d b_hz", 1e-13);
        // its d b_hn is d b_in (both are Σ da_n), unlike PyTorch's
        AssertClose(new Tensor([H], mistaken.Grads["bias_hh_l0"].Data[(2 * H)..]),
            new Tensor([H], mistaken.Grads["bias_ih_l0"].Data[(2 * H)..]), "d b_hn = d b_in", 1e-13);
        Assert.That(TensorMatch.Close(mistaken.Grads["bias_hh_l0"], reference.Grads["bias_hh_l0"], 1e-7, 1e-9), Is.False);
        // no bias at all: the same
        var noBias = KitCases.Gated("gru/no-bias", "gru", rng, 3, 2, 2, 3, bias: false);
        AssertSame(m.Reevaluate(noBias)!, Evaluator.Evaluate(noBias), 1e-13);
        // H = 1: r (h w) + b = (r h) w + b, the reset-before GRU, forward and backward
        var one = KitCases.Gated("gru/one-unit", "gru", rng, 4, 2, 3, 1);
        AssertSame(m.Reevaluate(one)!, M(KnownMistakes.GruResetBeforeMatmul).Reevaluate(one)!, 1e-13);
        Assert.That(Differs(m.Reevaluate(one)!, Evaluator.Evaluate(one)), "H = 1 with b_hn: still not PyTorch's GRU");
    }

    /// <summary>The GRU bias with every block but the first `keep` (of r, z, n) zeroed.</summary>
    private static Tensor Blocks(Tensor bias, int keep)
    {
        var t = bias.Clone();
        int H = bias.Length / 3;
        for (int k = keep * H; k < 3 * H; k++) t.Data[k] = 0;
        return t;
    }

    [Test]
    public void GatedMistakesCoverOnlyOneLayerOneDirectionWithoutLengths()
    {
        var rng = new SeededRandom(8);
        var twoLayers = CaseEdits.WithConfig(KitCases.Gated("g", "gru", rng, 2, 2, 2, 2, h0: false, grads: false), "num_layers", 2);
        var p = CaseEdits.Map(twoLayers.Params, (n, t) => t);
        foreach (var (n, t) in twoLayers.Params) p.Add(n.Replace("_l0", "_l1"), n.StartsWith("weight_ih", StringComparison.Ordinal) ? Tensor.Zeros(t.Shape[0], 2) : t.Clone());
        twoLayers = KitCases.RoundTrip(twoLayers with { Params = p });
        Assert.That(Evaluator.Evaluate(twoLayers).Error, Is.Null);
        Assert.That(M(KnownMistakes.GruResetBeforeMatmul).Reevaluate(twoLayers), Is.Null);
        Assert.That(M(KnownMistakes.StateNotCarried).Reevaluate(twoLayers), Is.Null);
        // the rearranged-parameter mistakes need no driver: they cover every layout the oracle has
        Assert.That(M(KnownMistakes.GruUpdateGateReversed).Reevaluate(twoLayers), Is.Not.Null);
        // another op, or a case the oracle rejects, shows nothing
        Assert.That(M(KnownMistakes.GruResetBeforeMatmul).Reevaluate(Revealing("lstm")), Is.Null);
        var broken = Revealing("gru") with { Params = new NamedTensors() };
        Assert.That(M(KnownMistakes.GruResetBeforeMatmul).Reevaluate(broken), Is.Null);
        Assert.That(M(KnownMistakes.GruUpdateGateReversed).Reevaluate(broken), Is.Null);
    }

    // ---- clipping -----------------------------------------------------------------------

    private static Case ClipCase(double maxNorm, object normType, params (string, double[])[] grads) =>
        Make("clip_grad_norm", new JsonObject { ["max_norm"] = maxNorm, ["norm_type"] = CaseEdits.Json(normType), ["mode"] = "pytorch" },
            [.. grads.Select(g => (g.Item1, T([g.Item2.Length], g.Item2)))], [], []);

    [Test]
    public void ClipSquaredNormByHand()
    {
        // g = {a: [3], b: [4]}, max_norm 10: Σg² = 25 > 10, so the slide scales by 10 / 25 = 0.4
        // (PyTorch: norm 5 < 10, nothing clipped)
        var c = ClipCase(10, 2, ("a", [3.0]), ("b", [4.0]));
        var forms = M(KnownMistakes.ClipSquaredNorm).ReevaluateForms(c);
        Assert.That(forms, Has.Count.EqualTo(2));
        Assert.That(forms[0].Outputs["a"].Data[0], Is.EqualTo(1.2).Within(1e-15));
        Assert.That(forms[0].Outputs["b"].Data[0], Is.EqualTo(1.6).Within(1e-15));
        Assert.That(forms[0].Outputs["total_norm"].Data[0], Is.EqualTo(25));
        Assert.That(forms[1].Outputs["a"].Data[0], Is.EqualTo(3 * (10 / (25 + 1e-6))).Within(1e-15));
        Assert.That(Evaluator.Evaluate(c).Outputs["a"].Data[0], Is.EqualTo(3));
        // the L2 mistake needs an L2 question, and PyTorch's mode
        Assert.That(M(KnownMistakes.ClipSquaredNorm).ReevaluateForms(ClipCase(10, "inf", ("a", [3.0]))), Is.Empty);
        var slideMode = KitCases.RoundTrip(CaseEdits.WithConfig(c, "mode", "slide_squared"));
        Assert.That(M(KnownMistakes.ClipSquaredNorm).ReevaluateForms(slideMode), Is.Empty);
    }

    [Test]
    public void ClipPerTensorByHand()
    {
        // a = [3, 4] (norm 5), b = [0.6, 0.8] (norm 1), max_norm 2:
        //   Keras per tensor: a · 2 / max(5, 2) = [1.2, 1.6]; b · 2 / max(1, 2) = b
        //   PyTorch per tensor: a · 2 / (5 + 1e-6); b · min(1, 2 / (1 + 1e-6)) = b
        //   total_norm reported: the global norm √(25 + 1) = √26
        var c = ClipCase(2, 2, ("a", [3.0, 4.0]), ("b", [0.6, 0.8]));
        var forms = M(KnownMistakes.ClipPerTensor).ReevaluateForms(c);
        Assert.That(forms[0].Outputs["a"].Data, Is.EqualTo(new[] { 1.2, 1.6 }).Within(1e-15));
        Assert.That(forms[0].Outputs["b"].Data, Is.EqualTo(new[] { 0.6, 0.8 }).Within(1e-15));
        Assert.That(forms[0].Outputs["total_norm"].Data[0], Is.EqualTo(Math.Sqrt(26)).Within(1e-15));
        Assert.That(forms[1].Outputs["a"].Data, Is.EqualTo(new[] { 3 * 2 / (5 + 1e-6), 4 * 2 / (5 + 1e-6) }).Within(1e-15));
        Assert.That(forms[1].Outputs["b"].Data, Is.EqualTo(new[] { 0.6, 0.8 }).Within(1e-15));
    }

    [Test]
    public void ClipAlwaysRescalesByHand()
    {
        // g = [0.3, 0.4], norm 0.5 < max_norm 1: PyTorch leaves it; the slip scales by 1 / (0.5 + 1e-6) (≈ 2)
        var c = ClipCase(1, 2, ("g", [0.3, 0.4]));
        var forms = M(KnownMistakes.ClipAlwaysRescales).ReevaluateForms(c);
        Assert.That(forms[0].Outputs["g"].Data, Is.EqualTo(new[] { 0.3 / (0.5 + 1e-6), 0.4 / (0.5 + 1e-6) }).Within(1e-15));
        Assert.That(forms[1].Outputs["g"].Data, Is.EqualTo(new[] { 0.6, 0.8 }).Within(1e-15));
        Assert.That(forms[0].Outputs["total_norm"].Data[0], Is.EqualTo(0.5).Within(1e-16));
        Assert.That(Evaluator.Evaluate(c).Outputs["g"].Data, Is.EqualTo(new[] { 0.3, 0.4 }));
    }

    // ---- Adam ---------------------------------------------------------------------------

    private static Case AdamCase(double lr, double wd, double theta, params double[] grads)
    {
        var config = new JsonObject { ["name"] = "adam", ["lr"] = lr, ["weight_decay"] = wd };
        return Make("optimizer", config, [("weight", T([1], theta)), ("weight.grad", T([grads.Length, 1], grads))], [], []);
    }

    [Test]
    public void AdamWithoutBiasCorrectionByHand()
    {
        // θ = 1, g = 2, lr 0.1, betas (0.9, 0.999), eps 1e-8: m = 0.1·2 = 0.2, v = 0.001·4 = 0.004
        //   no correction: θ = 1 - 0.1 · 0.2 / (√0.004 + 1e-8)  ≈ 1 - 0.3162
        //   PyTorch:       θ = 1 - 0.1 · (0.2 / 0.1) / (√(0.004 / 0.001) + 1e-8) ≈ 1 - 0.1
        var c = AdamCase(0.1, 0, 1, 2);
        var mistaken = M(KnownMistakes.AdamNoBiasCorrection).Reevaluate(c)!;
        double m = (1 - 0.9) * 2, v = (1 - 0.999) * 4;
        Assert.That(mistaken.Outputs["weight"].Data[0], Is.EqualTo(1 - 0.1 * m / (Math.Sqrt(v) + 1e-8)).Within(1e-15));
        Assert.That(Evaluator.Evaluate(c).Outputs["weight"].Data[0], Is.EqualTo(1 - 0.1 * 2 / (2 + 1e-8)).Within(1e-12));
    }

    [Test]
    public void AdamWithCorrectedMomentsStoredByHand()
    {
        // θ = 1, g = 2 twice, lr 0.1. Step 1 is PyTorch's: m = 0.2 → stored 0.2 / 0.1 = 2; v = 0.004 → stored 0.004 / 0.001 = 4
        //   θ_1 = 1 - 0.1 · 2 / (2 + 1e-8)
        // Step 2 starts from the stored (corrected) moments:
        //   m = 0.9·2 + 0.1·2 = 2 → 2 / (1 - 0.81);  v = 0.999·4 + 0.001·4 = 4 → 4 / (1 - 0.998001)
        //   θ_2 = θ_1 - 0.1 · (2 / 0.19) / (√(4 / 0.001999) + 1e-8)     (PyTorch: θ_1 - 0.1 · 2 / (2 + 1e-8))
        var c = AdamCase(0.1, 0, 1, 2, 2);
        var mistaken = M(KnownMistakes.AdamCorrectedMomentsStored).Reevaluate(c)!.Outputs["weight"].Data;
        double m1 = 0.1 * 2 / (1 - 0.9), v1 = 0.001 * 4 / (1 - 0.999);
        double theta1 = 1 - 0.1 * m1 / (Math.Sqrt(v1) + 1e-8);
        double m2 = (0.9 * m1 + 0.1 * 2) / (1 - 0.9 * 0.9), v2 = (0.999 * v1 + 0.001 * 4) / (1 - 0.999 * 0.999);
        Assert.That(mistaken[0], Is.EqualTo(theta1).Within(1e-15));
        Assert.That(mistaken[1], Is.EqualTo(theta1 - 0.1 * m2 / (Math.Sqrt(v2) + 1e-8)).Within(1e-14));
        Assert.That(mistaken[1] - theta1, Is.EqualTo(-0.1 * (2 / 0.19) / Math.Sqrt(4 / 0.001999)).Within(1e-6));
        var right = Evaluator.Evaluate(c).Outputs["weight"].Data;
        Assert.That(right[0], Is.EqualTo(mistaken[0]).Within(1e-15), "the first step is right");
        Assert.That(right[1], Is.EqualTo(theta1 - 0.1 * 2 / (2 + 1e-8)).Within(1e-12));
    }

    [Test]
    public void AdamWithDecoupledWeightDecayByHand()
    {
        // θ = 1, g = 2, lr 0.1, weight_decay 0.5
        //   AdamW: θ = 1 · (1 - 0.1·0.5) = 0.95, then the Adam step with g = 2: m̂/√v̂ = 2/2 → 0.95 - 0.1 · 2 / (2 + 1e-8)
        //   Adam (L2): g = 2 + 0.5·1 = 2.5, m̂/√v̂ = 2.5/2.5 → 1 - 0.1 · 2.5 / (2.5 + 1e-8)
        var c = AdamCase(0.1, 0.5, 1, 2);
        var mistaken = M(KnownMistakes.AdamDecoupledWeightDecay).Reevaluate(c)!;
        Assert.That(mistaken.Outputs["weight"].Data[0], Is.EqualTo(0.95 - 0.1 * 2 / (2 + 1e-8)).Within(1e-12));
        Assert.That(Evaluator.Evaluate(c).Outputs["weight"].Data[0], Is.EqualTo(1 - 0.1 * 2.5 / (2.5 + 1e-8)).Within(1e-12));
        // without weight decay AdamW is Adam: the mistake cannot show, and a right answer is not diagnosed
        var plain = AdamCase(0.1, 0, 1, 2, -1);
        AssertSame(M(KnownMistakes.AdamDecoupledWeightDecay).Reevaluate(plain)!, Evaluator.Evaluate(plain), 0);
    }

    [Test]
    public void AdamMistakesNeedAnAdamQuestion()
    {
        var amsgrad = KitCases.RoundTrip(CaseEdits.WithConfig(AdamCase(0.1, 0, 1, 2), "amsgrad", true));
        var sgd = KitCases.RoundTrip(CaseEdits.WithConfig(AdamCase(0.1, 0, 1, 2), "name", "sgd"));
        foreach (var id in new[] { KnownMistakes.AdamNoBiasCorrection, KnownMistakes.AdamCorrectedMomentsStored, KnownMistakes.AdamDecoupledWeightDecay })
        {
            Assert.That(M(id).Reevaluate(amsgrad), Is.Null, id);
            Assert.That(M(id).Reevaluate(sgd), Is.Null, id);
        }
    }
}
