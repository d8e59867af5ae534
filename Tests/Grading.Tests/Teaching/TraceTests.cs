// The trace against a tiny LSTM worked out by hand (one unit, two steps: every line of the
// arithmetic is below), and every example trace case against the oracle: the trace's last
// accumulated weight gradients are the gradients eval returns, and its h_t are the outputs.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Oracle;
using Rnn.Grading.Teaching.Trace;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Teaching;

public sealed class TraceTests
{
    private static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));

    /// <summary>input_size 1, hidden_size 1, T = 2: W_ih = [0.5, -1, 2, 1] (i, f, g, o), W_hh = [0.5, 1, -1, 0.5], biases 0 and 0.5 on f.</summary>
    private static Case TinyLstm()
    {
        var p = new NamedTensors
        {
            { "weight_ih_l0", new Tensor([4, 1], [0.5, -1.0, 2.0, 1.0]) },
            { "weight_hh_l0", new Tensor([4, 1], [0.5, 1.0, -1.0, 0.5]) },
            { "bias_ih_l0", new Tensor([4], [0.0, 0.5, 0.0, 0.0]) },
            { "bias_hh_l0", new Tensor([4], [0.0, 0.0, 0.0, 0.0]) },
        };
        var inputs = new NamedTensors { { "input", new Tensor([2, 1, 1], [1.0, -1.0]) } };
        var grads = new NamedTensors { { "h_n", new Tensor([1, 1, 1], [1.0]) } };
        return new Case("tiny", "lstm", new JsonObject { ["input_size"] = 1, ["hidden_size"] = 1 }, inputs, p, grads);
    }

    private static double[] Value(TraceStep step, string name) => step.Values.Single(v => v.Name == name).Values;

    [Test]
    public void TinyLstmMatchesTheHandComputation()
    {
        var trace = RecurrentTrace.Of(TinyLstm());
        var f0 = trace.Sections[0].Forward[0];
        var f1 = trace.Sections[0].Forward[1];

        // t = 0: x = 1, h = c = 0, so a = W_ih x + b_ih = [0.5, -1 + 0.5, 2, 1]
        double i0 = Sigmoid(0.5), ff0 = Sigmoid(-0.5), g0 = Math.Tanh(2.0), o0 = Sigmoid(1.0);
        double c0 = ff0 * 0 + i0 * g0, h0 = o0 * Math.Tanh(c0);
        Assert.That(Value(f0, "a_f")[0], Is.EqualTo(-0.5));
        Assert.That(Value(f0, "i = sigmoid(a_i)")[0], Is.EqualTo(i0).Within(1e-15));
        Assert.That(Value(f0, "g = tanh(a_g)")[0], Is.EqualTo(g0).Within(1e-15));
        Assert.That(Value(f0, "c_t")[0], Is.EqualTo(c0).Within(1e-15));
        Assert.That(Value(f0, "h_t")[0], Is.EqualTo(h0).Within(1e-15));

        // t = 1: x = -1, a = W_ih x + b_ih + W_hh h0
        double ai = -0.5 + 0.5 * h0, af = 1.0 + 0.5 + 1.0 * h0, ag = -2.0 - 1.0 * h0, ao = -1.0 + 0.5 * h0;
        double i1 = Sigmoid(ai), f1v = Sigmoid(af), g1 = Math.Tanh(ag), o1 = Sigmoid(ao);
        double c1 = f1v * c0 + i1 * g1, h1 = o1 * Math.Tanh(c1);
        Assert.That(Value(f1, "a_i")[0], Is.EqualTo(ai).Within(1e-15));
        Assert.That(Value(f1, "a_g")[0], Is.EqualTo(ag).Within(1e-15));
        Assert.That(Value(f1, "c_(t-1)")[0], Is.EqualTo(c0).Within(1e-15));
        Assert.That(Value(f1, "c_t")[0], Is.EqualTo(c1).Within(1e-15));
        Assert.That(Value(f1, "h_t")[0], Is.EqualTo(h1).Within(1e-15));

        // backward from L = h_1 (grad_h_n = 1), t = 1 first
        var b1 = trace.Sections[0].Backward[0];
        var b0 = trace.Sections[0].Backward[1];
        Assert.That(b1.T, Is.EqualTo(1));
        double dh1 = 1, dc1 = dh1 * o1 * (1 - Math.Tanh(c1) * Math.Tanh(c1));      // through h = o tanh(c)
        double dai1 = dc1 * g1 * i1 * (1 - i1), daf1 = dc1 * c0 * f1v * (1 - f1v);
        double dag1 = dc1 * i1 * (1 - g1 * g1), dao1 = dh1 * Math.Tanh(c1) * o1 * (1 - o1);
        Assert.That(Value(b1, "dL/dh_t")[0], Is.EqualTo(1.0));
        Assert.That(Value(b1, "dL/dc_t (from step t+1)")[0], Is.EqualTo(0.0), "nothing reaches c_n");
        Assert.That(Value(b1, "dL/da_i")[0], Is.EqualTo(dai1).Within(1e-15));
        Assert.That(Value(b1, "dL/da_f")[0], Is.EqualTo(daf1).Within(1e-15));
        Assert.That(Value(b1, "dL/da_g")[0], Is.EqualTo(dag1).Within(1e-15));
        Assert.That(Value(b1, "dL/da_o")[0], Is.EqualTo(dao1).Within(1e-15));
        // dW_hh after step 1: da * h_0, block by block; dW_ih: da * x_1 = -da
        Assert.That(Value(b1, "dW_hh so far"), Is.EqualTo(new[] { dai1 * h0, daf1 * h0, dag1 * h0, dao1 * h0 }).Within(1e-15));
        Assert.That(Value(b1, "dW_ih so far"), Is.EqualTo(new[] { -dai1, -daf1, -dag1, -dao1 }).Within(1e-15));

        // t = 0: dh_0 = W_hh^T da_1, dc_0 = dc_1 * f_1
        double dh0 = 0.5 * dai1 + 1.0 * daf1 - 1.0 * dag1 + 0.5 * dao1, dcFromNext = dc1 * f1v;
        Assert.That(Value(b0, "dL/dh_t")[0], Is.EqualTo(dh0).Within(1e-15));
        Assert.That(Value(b0, "dL/dc_t (from step t+1)")[0], Is.EqualTo(dcFromNext).Within(1e-15));
        double dc0 = dcFromNext + dh0 * o0 * (1 - Math.Tanh(c0) * Math.Tanh(c0));
        double dai0 = dc0 * g0 * i0 * (1 - i0), dao0 = dh0 * Math.Tanh(c0) * o0 * (1 - o0);
        Assert.That(Value(b0, "dL/da_i")[0], Is.EqualTo(dai0).Within(1e-15));
        Assert.That(Value(b0, "dL/da_f")[0], Is.EqualTo(0.0), "c_(-1) = 0, so the forget gate had nothing to scale");
        Assert.That(Value(b0, "dL/da_o")[0], Is.EqualTo(dao0).Within(1e-15));
        // h_(-1) = 0: step 0 adds nothing to dW_hh; x_0 = 1 adds da_0 to dW_ih
        Assert.That(Value(b0, "dW_hh so far"), Is.EqualTo(Value(b1, "dW_hh so far")));
        Assert.That(Value(b0, "dW_ih so far")[0], Is.EqualTo(-dai1 + dai0).Within(1e-15));
    }

    internal static IEnumerable<TestCaseData> ExampleCases()
    {
        using var s = File.OpenRead(Path.Combine(RepoPaths.Root, "grading", "examples", "trace", "cases.json"));
        foreach (var c in CaseFile.ReadCases(s, "cases.json")) yield return new TestCaseData(c).SetArgDisplayNames(c.Id);
        using var e = File.OpenRead(Path.Combine(RepoPaths.Root, "grading", "examples", "cases.json"));
        foreach (var c in CaseFile.ReadCases(e, "cases.json").Where(c => RecurrentTrace.Ops.Contains(c.Op)))
            yield return new TestCaseData(c).SetArgDisplayNames(c.Id);
    }

    [TestCaseSource(nameof(ExampleCases))]
    public void FinalAccumulatedGradientsAreTheOraclesGradients(Case c)
    {
        var trace = RecurrentTrace.Of(c);
        var oracle = Evaluator.Evaluate(c);
        Assert.That(oracle.Error, Is.Null);
        (string Wih, string Whh) = c.Op switch
        {
            "relu_rnn_slide" => ("W", "U"),
            "tanh_rnn_slide" => ("Wxh", "Whh"),
            _ => ("weight_ih", "weight_hh"),
        };
        foreach (var section in trace.Sections)
        {
            string suffix = c.Op.EndsWith("_slide", StringComparison.Ordinal) ? "" : $"_l{section.Layer}" + (section.Direction == 1 ? "_reverse" : "");
            var last = section.Backward[^1];
            Assert.That(Value(last, "dW_ih so far"), Is.EqualTo(oracle.Grads[Wih + suffix].Data).Within(1e-12), Wih + suffix);
            Assert.That(Value(last, "dW_hh so far"), Is.EqualTo(oracle.Grads[Whh + suffix].Data).Within(1e-12), Whh + suffix);
        }
        Assert.That(TraceText.Render(trace), Does.Contain("FORWARD").And.Contain("BACKWARD"));
        var json = JsonNode.Parse(TraceJson.Render([trace]))!;
        Assert.That((string?)json["format"], Is.EqualTo(TraceJson.Format));
        Assert.That(json["traces"]![0]!["sections"]!.AsArray(), Has.Count.EqualTo(trace.Sections.Count));
        // the JSON holds the same numbers as the trace, round-trip exact
        var firstH = json["traces"]![0]!["sections"]![0]!["forward"]![0]!["values"]!.AsArray().Single(v => (string?)v!["name"] == "h_t")!;
        Assert.That(firstH["data"]!.AsArray().Select(x => (double)x!).ToArray(), Is.EqualTo(Value(trace.Sections[0].Forward[0], "h_t")));
    }

    [Test]
    public void TheSlidesNamesStandBesidePyTorchs()
    {
        var text = TraceText.Render(RecurrentTrace.Of(TinyLstm()));
        Assert.That(text, Does.Contain("i = sigmoid(a_i)  [Gamma_u (update)]"));
        Assert.That(text, Does.Contain("g = tanh(a_g)  [c~<t> (candidate)]"));
        Assert.That(text, Does.Contain("dL/dc_t (from step t+1)"));
    }

    [Test]
    public void AConventionsCaseIsTracedInPyTorchsNames()
    {
        // Keras's LSTM kernel [I 1, 4H 4] = weight_ihᵀ with the same gate order: the trace's dW_ih is the oracle's dkernelᵀ
        var c = new Case("k", "lstm", new JsonObject { ["convention"] = "keras", ["input_size"] = 1, ["hidden_size"] = 1 },
            new NamedTensors { { "input", new Tensor([2, 1, 1], [1, -0.5]) } },
            new NamedTensors
            {
                { "kernel", new Tensor([1, 4], [0.1, 0.2, 0.3, 0.4]) }, { "recurrent_kernel", new Tensor([1, 4], [0.5, -0.1, 0.2, 0.3]) },
                { "bias", new Tensor([4], [0, 1, 0, 0]) },
            },
            new NamedTensors { { "output", new Tensor([2, 1, 1], [1, 1]) } });
        var trace = RecurrentTrace.Of(c);
        var oracle = Evaluator.Evaluate(c);
        Assert.That(Value(trace.Sections[0].Backward[^1], "dW_ih so far"), Is.EqualTo(oracle.Grads["kernel"].Data).Within(1e-12));
    }

    [Test]
    public void ANonRecurrentOpIsRefusedByName()
    {
        var c = new Case("lin", "linear", new JsonObject(), new NamedTensors(), new NamedTensors(), new NamedTensors());
        var e = Assert.Throws<ArgumentException>(() => RecurrentTrace.Of(c))!;
        Assert.That(e.Message, Does.Contain("'linear'").And.Contain("lstm, gru, rnn"));
    }
}
