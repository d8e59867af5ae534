// The trace's backward pass inside each step: an LSTM's dL/dc_t in its two parts (through the
// carry from step t+1, through h_t) and their sum, dL/di, dL/df, dL/dg, dL/do; a GRU's dL/dr,
// dL/dz, dL/dn (nn.GRU's and the reset-before form); an RNN's act'(a) between dL/dh_t and dL/da.
//  - tiny cases worked out by hand (H = 1, two steps; the weights make most gates sigmoid(0) =
//    0.5, tanh(0) = 0 or tanh(atanh(0.5)) = 0.5, so the arithmetic below is nearly all exact);
//  - central differences of the whole sequence's loss with respect to a perturbation injected
//    at one value of one step (a gate's output, its pre-activation, c_t on one of its two paths,
//    h_t), computed by a plain forward pass written out below, independent of the library;
//  - the same values in the JSON form, and the text form aligned with the slides' names beside.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Oracle;
using Rnn.Grading.Teaching.Trace;
using Rnn.Reference.Tensors;
using static System.Math;

namespace Rnn.Grading.Tests.Teaching;

public sealed class TraceBackwardTests
{
    private const double Tol = 1e-15;
    private static readonly double A = Atanh(0.5);                       // tanh(A) = 0.5

    private static double Sigmoid(double a) => 1 / (1 + Exp(-a));

    private static double[] Value(TraceStep step, string name) => step.Values.Single(v => v.Name == name).Values;

    private static TraceStep BackwardAt(CaseTrace trace, int t) => trace.Sections[0].Backward.Single(s => s.T == t);

    private static Case Recurrent(string op, JsonObject config, NamedTensors inputs, NamedTensors p, NamedTensors grads) =>
        new("c", op, config, inputs, p, grads);

    // ---- hand-derived ----------------------------------------------------------------------------

    [Test]
    public void TinyLstmInsideEachStepByHand()
    {
        // I = H = 1, T = 2; W_ih = [0, 0, A, 0] (i, f, g, o), W_hh = [0.5, -1, 1, 2], biases 0;
        // x = [1, -1], h0 = 0, c0 = -0.5; L = 0.25 * output_0 + h_n + 0.5 * c_n
        var c = Recurrent("lstm", new JsonObject { ["input_size"] = 1, ["hidden_size"] = 1 },
            new NamedTensors
            {
                { "input", new Tensor([2, 1, 1], [1.0, -1.0]) },
                { "c0", new Tensor([1, 1, 1], [-0.5]) },
            },
            new NamedTensors
            {
                { "weight_ih_l0", new Tensor([4, 1], [0, 0, A, 0]) }, { "weight_hh_l0", new Tensor([4, 1], [0.5, -1, 1, 2]) },
                { "bias_ih_l0", Tensor.Zeros(4) }, { "bias_hh_l0", Tensor.Zeros(4) },
            },
            new NamedTensors
            {
                { "output", new Tensor([2, 1, 1], [0.25, 0]) }, { "h_n", new Tensor([1, 1, 1], [1.0]) }, { "c_n", new Tensor([1, 1, 1], [0.5]) },
            });
        var trace = RecurrentTrace.Of(c);

        // forward
        // t = 0: a = [0, 0, A, 0] -> i = f = o = 0.5, g = 0.5; c_0 = 0.5 * -0.5 + 0.5 * 0.5 = 0; h_0 = 0.5 * tanh(0) = 0
        // t = 1: a = -[0, 0, A, 0] + W_hh * h_0 = [0, 0, -A, 0] -> i = f = o = 0.5, g = -0.5
        //        c_1 = 0.5 * 0 + 0.5 * -0.5 = -0.25; h_1 = 0.5 * tanh(-0.25) = -0.5 T, T = tanh(0.25)
        double T = Tanh(0.25);
        Assert.That(Value(trace.Sections[0].Forward[0], "c_t")[0], Is.EqualTo(0.0).Within(Tol));
        Assert.That(Value(trace.Sections[0].Forward[1], "c_t")[0], Is.EqualTo(-0.25).Within(Tol));

        // backward, t = 1: dL/dh_1 = 0 + 1 (h_n), from the carry dL/dc_n = 0.5
        //   through h_1: dL/dh_1 * o * (1 - tanh(c_1)^2) = 0.5 (1 - T^2);  dL/dc_1 = 0.5 + 0.5 (1 - T^2) = 1 - 0.5 T^2
        //   dL/di = dL/dc_1 * g = -(1 - 0.5 T^2) / 2,  dL/df = dL/dc_1 * c_0 = 0,  dL/dg = dL/dc_1 * i = (1 - 0.5 T^2) / 2
        //   dL/do = dL/dh_1 * tanh(c_1) = -T
        //   dL/da_i = dL/di / 4,  dL/da_f = 0,  dL/da_g = dL/dg * (1 - 0.25) = 0.75 dL/dg,  dL/da_o = -T / 4
        double dc1 = 1 - 0.5 * T * T;
        double dai1 = -dc1 / 2 / 4, dag1 = 0.75 * (dc1 / 2), dao1 = -T / 4;
        var b1 = BackwardAt(trace, 1);
        Assert.Multiple(() =>
        {
            Assert.That(Value(b1, "dL/dh_t")[0], Is.EqualTo(1.0));
            Assert.That(Value(b1, "dL/dc_t (from step t+1)")[0], Is.EqualTo(0.5));
            Assert.That(Value(b1, "dL/dc_t (through h_t)")[0], Is.EqualTo(0.5 * (1 - T * T)).Within(Tol));
            Assert.That(Value(b1, "dL/dc_t")[0], Is.EqualTo(dc1).Within(Tol));
            Assert.That(Value(b1, "dL/di")[0], Is.EqualTo(-dc1 / 2).Within(Tol));
            Assert.That(Value(b1, "dL/df")[0], Is.EqualTo(0.0).Within(Tol));
            Assert.That(Value(b1, "dL/dg")[0], Is.EqualTo(dc1 / 2).Within(Tol));
            Assert.That(Value(b1, "dL/do")[0], Is.EqualTo(-T).Within(Tol));
            Assert.That(Value(b1, "dL/da_i")[0], Is.EqualTo(dai1).Within(Tol));
            Assert.That(Value(b1, "dL/da_g")[0], Is.EqualTo(dag1).Within(Tol));
            Assert.That(Value(b1, "dL/da_o")[0], Is.EqualTo(dao1).Within(Tol));
        });

        // t = 0: dL/dh_0 = 0.25 (output_0) + W_hh . da_1 = 0.25 + 0.5 da_i + (-1) * 0 + 1 * da_g + 2 * da_o
        //   from the carry: dL/dc_1 * f_1 = 0.5 dL/dc_1;  through h_0: dL/dh_0 * 0.5 * (1 - tanh(0)^2) = 0.5 dL/dh_0
        //   dL/di = dL/dc_0 * 0.5, dL/df = dL/dc_0 * c0 = -0.5 dL/dc_0, dL/dg = dL/dc_0 * 0.5, dL/do = dL/dh_0 * tanh(0) = 0
        double dh0 = 0.25 + 0.5 * dai1 + dag1 + 2 * dao1;
        double carry0 = 0.5 * dc1, fromH0 = 0.5 * dh0, dc0 = carry0 + fromH0;
        var b0 = BackwardAt(trace, 0);
        Assert.Multiple(() =>
        {
            Assert.That(Value(b0, "dL/dh_t")[0], Is.EqualTo(dh0).Within(Tol));
            Assert.That(Value(b0, "dL/dc_t (from step t+1)")[0], Is.EqualTo(carry0).Within(Tol));
            Assert.That(Value(b0, "dL/dc_t (through h_t)")[0], Is.EqualTo(fromH0).Within(Tol));
            Assert.That(Value(b0, "dL/dc_t")[0], Is.EqualTo(dc0).Within(Tol));
            Assert.That(Value(b0, "dL/di")[0], Is.EqualTo(0.5 * dc0).Within(Tol));
            Assert.That(Value(b0, "dL/df")[0], Is.EqualTo(-0.5 * dc0).Within(Tol));
            Assert.That(Value(b0, "dL/dg")[0], Is.EqualTo(0.5 * dc0).Within(Tol));
            Assert.That(Value(b0, "dL/do")[0], Is.EqualTo(0.0).Within(Tol));
            Assert.That(Value(b0, "dL/da_f")[0], Is.EqualTo(-0.5 * dc0 * 0.25).Within(Tol));
        });
    }

    [Test]
    public void TinyGruInsideEachStepByHand()
    {
        // I = H = 1, T = 2; W_ih = [0, 0, -1] (r, z, n), W_hh = [0, 0, 2], biases 0; x = [1, 0.5], h0 = 1;
        // L = 0.5 * output_0 + h_n
        var c = Recurrent("gru", new JsonObject { ["input_size"] = 1, ["hidden_size"] = 1 },
            new NamedTensors { { "input", new Tensor([2, 1, 1], [1.0, 0.5]) }, { "h0", new Tensor([1, 1, 1], [1.0]) } },
            new NamedTensors
            {
                { "weight_ih_l0", new Tensor([3, 1], [0, 0, -1]) }, { "weight_hh_l0", new Tensor([3, 1], [0, 0, 2]) },
                { "bias_ih_l0", Tensor.Zeros(3) }, { "bias_hh_l0", Tensor.Zeros(3) },
            },
            new NamedTensors { { "output", new Tensor([2, 1, 1], [0.5, 0]) }, { "h_n", new Tensor([1, 1, 1], [1.0]) } });
        var trace = RecurrentTrace.Of(c);

        // forward
        // t = 0: h W_hh^T = [0, 0, 2]; r = z = sigmoid(0) = 0.5; n = tanh(-1 + 0.5 * 2) = 0; h_0 = 0.5 * 0 + 0.5 * 1 = 0.5
        // t = 1: h W_hh^T = [0, 0, 1]; r = z = 0.5; n = tanh(-0.5 + 0.5 * 1) = 0; h_1 = 0.5 * 0 + 0.5 * 0.5 = 0.25
        Assert.That(Value(trace.Sections[0].Forward[0], "h_t"), Is.EqualTo(new[] { 0.5 }));
        Assert.That(Value(trace.Sections[0].Forward[1], "h_t"), Is.EqualTo(new[] { 0.25 }));

        // backward, t = 1: dL/dh_1 = 1
        //   dL/dn = 1 * (1 - z) = 0.5, dL/dz = 1 * (h_0 - n) = 0.5
        //   dL/da_n = 0.5 * (1 - 0^2) = 0.5, dL/dr = dL/da_n * (h_0 W_hn^T + b_hn) = 0.5 * 1 = 0.5
        //   dL/da_r = 0.5 * 0.25 = 0.125, dL/da_z = 0.5 * 0.25 = 0.125
        var b1 = BackwardAt(trace, 1);
        Assert.Multiple(() =>
        {
            Assert.That(Value(b1, "dL/dr"), Is.EqualTo(new[] { 0.5 }));
            Assert.That(Value(b1, "dL/dz"), Is.EqualTo(new[] { 0.5 }));
            Assert.That(Value(b1, "dL/dn"), Is.EqualTo(new[] { 0.5 }));
            Assert.That(Value(b1, "dL/da_r"), Is.EqualTo(new[] { 0.125 }));
            Assert.That(Value(b1, "dL/da_z"), Is.EqualTo(new[] { 0.125 }));
            Assert.That(Value(b1, "dL/da_n"), Is.EqualTo(new[] { 0.5 }));
        });

        // t = 0: dL/dh_0 = 0.5 (output_0) + dL/dh_1 * z_1 + [da_r, da_z, r * da_n] . W_hh = 0.5 + 0.5 + 0.25 * 2 = 1.5
        //   dL/dn = 1.5 * 0.5 = 0.75, dL/dz = 1.5 * (h0 - n) = 1.5, dL/da_n = 0.75, dL/dr = 0.75 * (h0 W_hn^T) = 1.5
        //   dL/da_r = 1.5 * 0.25 = 0.375, dL/da_z = 1.5 * 0.25 = 0.375
        var b0 = BackwardAt(trace, 0);
        Assert.Multiple(() =>
        {
            Assert.That(Value(b0, "dL/dh_t"), Is.EqualTo(new[] { 1.5 }));
            Assert.That(Value(b0, "dL/dr"), Is.EqualTo(new[] { 1.5 }));
            Assert.That(Value(b0, "dL/dz"), Is.EqualTo(new[] { 1.5 }));
            Assert.That(Value(b0, "dL/dn"), Is.EqualTo(new[] { 0.75 }));
            Assert.That(Value(b0, "dL/da_r"), Is.EqualTo(new[] { 0.375 }));
            Assert.That(Value(b0, "dL/da_z"), Is.EqualTo(new[] { 0.375 }));
            Assert.That(Value(b0, "dL/da_n"), Is.EqualTo(new[] { 0.75 }));
        });
        Assert.That(TraceText.Render(trace), Does.Contain("dL/dz  [-dL/dGamma_u]").And.Contain("dL/dr  [dL/dGamma_r]"));
    }

    [Test]
    public void TinyResetBeforeGruByHand()
    {
        // I = H = 1, T = 2, reset_after false; W_ih = [0, 0, -1] (r, z, n), W_hh = [0, 0, 2], b_ih = [0, 0, A - 1],
        // b_hh = [0, 0, 1]; x = [1, 0.75], h0 = 1; L = 0.5 * output_0 + h_n.
        // b_hn = 1 is where the two GRU forms part: nn.GRU would compute r * (h W_hn^T + b_hn) = 1.5 at t = 0, not 2.
        var c = Recurrent("gru", new JsonObject { ["input_size"] = 1, ["hidden_size"] = 1, ["reset_after"] = false },
            new NamedTensors { { "input", new Tensor([2, 1, 1], [1.0, 0.75]) }, { "h0", new Tensor([1, 1, 1], [1.0]) } },
            new NamedTensors
            {
                { "weight_ih_l0", new Tensor([3, 1], [0, 0, -1]) }, { "weight_hh_l0", new Tensor([3, 1], [0, 0, 2]) },
                { "bias_ih_l0", new Tensor([3], [0, 0, A - 1]) }, { "bias_hh_l0", new Tensor([3], [0, 0, 1]) },
            },
            new NamedTensors { { "output", new Tensor([2, 1, 1], [0.5, 0]) }, { "h_n", new Tensor([1, 1, 1], [1.0]) } });
        var trace = RecurrentTrace.Of(c);

        // forward (r = z = sigmoid(0) = 0.5 at every step)
        // t = 0: r * h0 = 0.5; (r * h0) W_hn^T + b_hn = 0.5 * 2 + 1 = 2; a_n = -1 + (A - 1) + 2 = A, n = 0.5
        //        h_0 = 0.5 * 0.5 + 0.5 * 1 = 0.75
        // t = 1: r * h_0 = 0.375; (r * h_0) W_hn^T + b_hn = 1.75; a_n = -0.75 + (A - 1) + 1.75 = A, n = 0.5
        //        h_1 = 0.5 * 0.5 + 0.5 * 0.75 = 0.625
        var f0 = trace.Sections[0].Forward[0];
        var f1 = trace.Sections[0].Forward[1];
        Assert.Multiple(() =>
        {
            Assert.That(Value(f0, "r * h_(t-1)"), Is.EqualTo(new[] { 0.5 }));
            Assert.That(Value(f0, "(r * h_(t-1)) W_hn^T + b_hn"), Is.EqualTo(new[] { 2.0 }));
            Assert.That(Value(f0, "a_n")[0], Is.EqualTo(A).Within(Tol));
            Assert.That(Value(f0, "n = tanh(a_n)")[0], Is.EqualTo(0.5).Within(Tol));
            Assert.That(Value(f0, "h_t")[0], Is.EqualTo(0.75).Within(Tol));
            Assert.That(Value(f1, "r * h_(t-1)")[0], Is.EqualTo(0.375).Within(Tol));
            Assert.That(Value(f1, "(r * h_(t-1)) W_hn^T + b_hn")[0], Is.EqualTo(1.75).Within(Tol));
            Assert.That(Value(f1, "h_t")[0], Is.EqualTo(0.625).Within(Tol));
        });

        // backward, t = 1: dL/dh_1 = 1
        //   dL/dn = 1 * (1 - z) = 0.5, dL/dz = 1 * (h_0 - n) = 0.25
        //   dL/da_n = 0.5 * (1 - 0.5^2) = 0.375, dL/da_z = 0.25 * 0.25 = 0.0625
        //   dL/dr = (dL/da_n W_hn) * h_0 = 0.75 * 0.75 = 0.5625, dL/da_r = 0.5625 * 0.25 = 0.140625
        var b1 = BackwardAt(trace, 1);
        Assert.Multiple(() =>
        {
            Assert.That(Value(b1, "dL/dn")[0], Is.EqualTo(0.5).Within(Tol));
            Assert.That(Value(b1, "dL/dz")[0], Is.EqualTo(0.25).Within(Tol));
            Assert.That(Value(b1, "dL/da_n")[0], Is.EqualTo(0.375).Within(Tol));
            Assert.That(Value(b1, "dL/da_z")[0], Is.EqualTo(0.0625).Within(Tol));
            Assert.That(Value(b1, "dL/dr")[0], Is.EqualTo(0.5625).Within(Tol));
            Assert.That(Value(b1, "dL/da_r")[0], Is.EqualTo(0.140625).Within(Tol));
        });

        // t = 0: dL/dh_0 = 0.5 (output_0) + dL/dh_1 * z_1 + r_1 * (dL/da_n(1) W_hn) = 0.5 + 0.5 + 0.5 * 0.75 = 1.375
        //   dL/dn = 1.375 * 0.5 = 0.6875, dL/dz = 1.375 * (h0 - n) = 0.6875
        //   dL/da_n = 0.6875 * 0.75 = 0.515625, dL/da_z = 0.6875 * 0.25 = 0.171875
        //   dL/dr = (0.515625 * 2) * h0 = 1.03125, dL/da_r = 1.03125 * 0.25 = 0.2578125
        //   db_hh's n entry = dL/da_n summed over steps = 0.375 + 0.515625 = 0.890625 (nn.GRU's would be r * dL/da_n summed)
        //   dW_hn = dL/da_n * (r * h_(t-1)) summed = 0.375 * 0.375 + 0.515625 * 0.5 = 0.3984375
        var b0 = BackwardAt(trace, 0);
        Assert.Multiple(() =>
        {
            Assert.That(Value(b0, "dL/dh_t")[0], Is.EqualTo(1.375).Within(Tol));
            Assert.That(Value(b0, "dL/dn")[0], Is.EqualTo(0.6875).Within(Tol));
            Assert.That(Value(b0, "dL/dz")[0], Is.EqualTo(0.6875).Within(Tol));
            Assert.That(Value(b0, "dL/da_n")[0], Is.EqualTo(0.515625).Within(Tol));
            Assert.That(Value(b0, "dL/da_z")[0], Is.EqualTo(0.171875).Within(Tol));
            Assert.That(Value(b0, "dL/dr")[0], Is.EqualTo(1.03125).Within(Tol));
            Assert.That(Value(b0, "dL/da_r")[0], Is.EqualTo(0.2578125).Within(Tol));
            Assert.That(Value(b0, "db_hh so far")[2], Is.EqualTo(0.890625).Within(Tol));
            Assert.That(Value(b0, "dW_hh so far")[2], Is.EqualTo(0.3984375).Within(Tol));
        });
        var text = TraceText.Render(trace);
        Assert.That(text, Does.Contain("reset before the product").And.Contain("r * h_(t-1)  [Gamma_r * c<t-1>]"));
        Assert.That(text, Does.Not.Contain("reset after the product"));
    }

    [Test]
    public void TinyTanhRnnBeforeAndAfterTheNonlinearityByHand()
    {
        // I = H = 1, T = 2; W_ih = [A], W_hh = [2A], biases 0; x = [1, -1], h0 = 0; L = 0.5 * output_0 + h_n
        var c = Recurrent("rnn", new JsonObject { ["input_size"] = 1, ["hidden_size"] = 1, ["nonlinearity"] = "tanh" },
            new NamedTensors { { "input", new Tensor([2, 1, 1], [1.0, -1.0]) } },
            new NamedTensors
            {
                { "weight_ih_l0", new Tensor([1, 1], [A]) }, { "weight_hh_l0", new Tensor([1, 1], [2 * A]) },
                { "bias_ih_l0", Tensor.Zeros(1) }, { "bias_hh_l0", Tensor.Zeros(1) },
            },
            new NamedTensors { { "output", new Tensor([2, 1, 1], [0.5, 0]) }, { "h_n", new Tensor([1, 1, 1], [1.0]) } });
        var trace = RecurrentTrace.Of(c);

        // t = 0: a = A -> h_0 = 0.5;  t = 1: a = -A + 2A * 0.5 = 0 -> h_1 = 0
        // backward, t = 1: dL/dh_1 = 1 (after tanh); tanh'(a) = 1 - 0^2 = 1; dL/da = 1 (before tanh)
        // t = 0: dL/dh_0 = 0.5 + W_hh * dL/da_1 = 0.5 + 2A; tanh'(a) = 1 - 0.25 = 0.75; dL/da = 0.75 (0.5 + 2A)
        var b1 = BackwardAt(trace, 1);
        var b0 = BackwardAt(trace, 0);
        Assert.Multiple(() =>
        {
            Assert.That(Value(b1, "dL/dh_t")[0], Is.EqualTo(1.0));
            Assert.That(Value(b1, "tanh'(a) = 1 - h_t^2")[0], Is.EqualTo(1.0).Within(Tol));
            Assert.That(Value(b1, "dL/da")[0], Is.EqualTo(1.0).Within(Tol));
            Assert.That(Value(b0, "dL/dh_t")[0], Is.EqualTo(0.5 + 2 * A).Within(Tol));
            Assert.That(Value(b0, "tanh'(a) = 1 - h_t^2")[0], Is.EqualTo(0.75).Within(Tol));
            Assert.That(Value(b0, "dL/da")[0], Is.EqualTo(0.75 * (0.5 + 2 * A)).Within(Tol));
        });
    }

    [Test]
    public void TheSlidesReluRnnBeforeAndAfterTheNonlinearityByHand()
    {
        // the 95-865 slide's cell, H = 1: W = [1], U = [-1], b = [0.5]; input_sequence = [1, 0.5]; L = last_output
        var c = new Case("s", "relu_rnn_slide", new JsonObject(),
            new NamedTensors { { "input", new Tensor([2, 1], [1.0, 0.5]) } },
            new NamedTensors { { "W", new Tensor([1, 1], [1.0]) }, { "U", new Tensor([1, 1], [-1.0]) }, { "b", new Tensor([1], [0.5]) } },
            new NamedTensors { { "last_output", new Tensor([1], [1.0]) } });
        var trace = RecurrentTrace.Of(c);

        // t = 0: linear = 1 + 0.5 + 0 = 1.5 -> output 1.5;  t = 1: linear = 0.5 + 0.5 - 1.5 = -0.5 -> output 0
        // backward, t = 1: dL/doutput = 1 (after relu); relu'(-0.5) = 0; dL/dlinear = 0 (before relu)
        // t = 0: dL/doutput = U * dL/dlinear_1 = 0; relu'(1.5) = 1; dL/dlinear = 0
        var b1 = BackwardAt(trace, 1);
        var b0 = BackwardAt(trace, 0);
        Assert.Multiple(() =>
        {
            Assert.That(Value(b1, "dL/dh_t"), Is.EqualTo(new[] { 1.0 }));
            Assert.That(Value(b1, "relu'(linear)"), Is.EqualTo(new[] { 0.0 }));
            Assert.That(Value(b1, "dL/dlinear"), Is.EqualTo(new[] { 0.0 }));
            Assert.That(Value(b0, "dL/dh_t"), Is.EqualTo(new[] { 0.0 }));
            Assert.That(Value(b0, "relu'(linear)"), Is.EqualTo(new[] { 1.0 }));
        });
        Assert.That(TraceText.Render(trace), Does.Contain("dL/dh_t  [dL/doutput]"));
    }

    // ---- central differences at an injected perturbation -------------------------------------------

    /// <summary>A single-layer, one-direction case: x [T, B, I], weights [G*H, I] and [G*H, H], biases [G*H], h0 and c0 [B, H], upstream gradients.</summary>
    private sealed record Tiny(int T, int B, int I, int H, double[] X, double[] Wih, double[] Whh, double[] Bih, double[] Bhh,
        double[] H0, double[] C0, double[] DOut, double[] DHN, double[] DCN);

    private static Tiny RandomTiny(int seed, int G)
    {
        const int T = 3, B = 2, I = 2, H = 2;
        var rng = new Random(seed);
        double[] R(int n, double scale = 1) { var v = new double[n]; for (int k = 0; k < n; k++) v[k] = scale * (2 * rng.NextDouble() - 1); return v; }
        return new Tiny(T, B, I, H, R(T * B * I), R(G * H * I), R(G * H * H), R(G * H, 0.5), R(G * H, 0.5),
            R(B * H), R(B * H), R(T * B * H), R(B * H), R(B * H));
    }

    private static Case ToCase(string op, Tiny p, JsonObject config, bool lstm)
    {
        int G = p.Wih.Length / (p.H * p.I);
        var inputs = new NamedTensors { { "input", new Tensor([p.T, p.B, p.I], p.X) }, { "h0", new Tensor([1, p.B, p.H], p.H0) } };
        if (lstm) inputs.Add("c0", new Tensor([1, p.B, p.H], p.C0));
        var grads = new NamedTensors { { "output", new Tensor([p.T, p.B, p.H], p.DOut) }, { "h_n", new Tensor([1, p.B, p.H], p.DHN) } };
        if (lstm) grads.Add("c_n", new Tensor([1, p.B, p.H], p.DCN));
        config["input_size"] = p.I;
        config["hidden_size"] = p.H;
        return new Case("fd", op, config, inputs, new NamedTensors
        {
            { "weight_ih_l0", new Tensor([G * p.H, p.I], p.Wih) }, { "weight_hh_l0", new Tensor([G * p.H, p.H], p.Whh) },
            { "bias_ih_l0", new Tensor([G * p.H], p.Bih) }, { "bias_hh_l0", new Tensor([G * p.H], p.Bhh) },
        }, grads);
    }

    /// <summary>Pre-activation of block g, unit j, example b at step t: x_t W_ih^T + b_ih (xPart) and h W_hh^T + b_hh (hPart).</summary>
    private static (double XPart, double HPart) Parts(Tiny p, int t, int b, int g, int j, double[] h)
    {
        int row = g * p.H + j;
        double xPart = p.Bih[row], hPart = p.Bhh[row];
        for (int k = 0; k < p.I; k++) xPart += p.Wih[row * p.I + k] * p.X[(t * p.B + b) * p.I + k];
        for (int k = 0; k < p.H; k++) hPart += p.Whh[row * p.H + k] * h[b * p.H + k];
        return (xPart, hPart);
    }

    /// <summary>
    /// The loss of the whole sequence, L = sum_t output_t . grad_output_t + h_n . grad_h_n (+ c_n . grad_c_n),
    /// with e added to one value: `what` at step `at`, example b, unit j. LSTM values: a_i .. a_o, i, f, g, o,
    /// "c" (c_t on both paths), "c via h" (only inside h_t = o tanh(c_t)), "c via carry" (only the c_t
    /// carried on), "h"; GRU (cell "gru" or "gru-reset-before"): a_r, a_z, a_n, r, z, n, "h"; RNN: "a", "h".
    /// </summary>
    private static double Loss(string cell, Tiny p, string what, int at, int b0, int j0, double e)
    {
        int H = p.H;
        var h = (double[])p.H0.Clone();
        var c = (double[])p.C0.Clone();
        double L = 0;
        for (int t = 0; t < p.T; t++)
        {
            var hNew = new double[p.B * H];
            var cNew = new double[p.B * H];
            for (int b = 0; b < p.B; b++)
                for (int j = 0; j < H; j++)
                {
                    double E(string name) => t == at && b == b0 && j == j0 && name == what ? e : 0.0;
                    int k = b * H + j;
                    switch (cell)
                    {
                        case "lstm":
                        {
                            double Pre(int g) { var (x, hp) = Parts(p, t, b, g, j, h); return x + hp; }
                            double i = Sigmoid(Pre(0) + E("a_i")) + E("i");
                            double f = Sigmoid(Pre(1) + E("a_f")) + E("f");
                            double g = Tanh(Pre(2) + E("a_g")) + E("g");
                            double o = Sigmoid(Pre(3) + E("a_o")) + E("o");
                            double ct = f * c[k] + i * g + E("c");
                            cNew[k] = ct + E("c via carry");
                            hNew[k] = o * Tanh(ct + E("c via h")) + E("h");
                            break;
                        }
                        case "gru-reset-before":
                        {
                            // r * h_(t-1) for every unit m of example b, then n = tanh(x W_in^T + b_in + (r * h) W_hn^T + b_hn)
                            var rh = new double[H];
                            for (int m = 0; m < H; m++)
                            {
                                double Em(string name) => t == at && b == b0 && m == j0 && name == what ? e : 0.0;
                                var (xr, hr) = Parts(p, t, b, 0, m, h);
                                rh[m] = (Sigmoid(xr + hr + Em("a_r")) + Em("r")) * h[b * H + m];
                            }
                            var (xz, hz) = Parts(p, t, b, 1, j, h);
                            var (xn, _) = Parts(p, t, b, 2, j, h);
                            double rhPart = p.Bhh[2 * H + j];
                            for (int m = 0; m < H; m++) rhPart += p.Whh[(2 * H + j) * H + m] * rh[m];
                            double z = Sigmoid(xz + hz + E("a_z")) + E("z");
                            double n = Tanh(xn + rhPart + E("a_n")) + E("n");
                            hNew[k] = (1 - z) * n + z * h[k] + E("h");
                            break;
                        }
                        case "gru":
                        {
                            var (xr, hr) = Parts(p, t, b, 0, j, h);
                            var (xz, hz) = Parts(p, t, b, 1, j, h);
                            var (xn, hn) = Parts(p, t, b, 2, j, h);
                            double r = Sigmoid(xr + hr + E("a_r")) + E("r");
                            double z = Sigmoid(xz + hz + E("a_z")) + E("z");
                            double n = Tanh(xn + r * hn + E("a_n")) + E("n");
                            hNew[k] = (1 - z) * n + z * h[k] + E("h");
                            break;
                        }
                        default:
                        {
                            var (x, hp) = Parts(p, t, b, 0, j, h);
                            double a = x + hp + E("a");
                            hNew[k] = (cell == "relu" ? Max(0, a) : Tanh(a)) + E("h");
                            break;
                        }
                    }
                    L += p.DOut[(t * p.B + b) * H + j] * hNew[k];
                }
            h = hNew;
            c = cNew;
        }
        for (int k = 0; k < p.B * H; k++) L += p.DHN[k] * h[k] + (cell == "lstm" ? p.DCN[k] * c[k] : 0.0);
        return L;
    }

    /// <summary>Checks each traced value against central differences at its injected value; returns the worst |trace - central difference|.</summary>
    private static double CheckAgainstCentralDifferences(string cell, Tiny p, CaseTrace trace, (string Trace, string Injected)[] pairs)
    {
        const double eps = 1e-6;
        double worst = 0;
        Assert.That(trace.Sections, Has.Count.EqualTo(1));
        for (int t = 0; t < p.T; t++)
        {
            var step = BackwardAt(trace, t);
            foreach (var (traced, injected) in pairs)
            {
                var values = Value(step, traced);
                Assert.That(values.Any(v => v != 0), Is.True, $"{traced} at t = {t} is all zeros");
                for (int b = 0; b < p.B; b++)
                    for (int j = 0; j < p.H; j++)
                    {
                        double numeric = (Loss(cell, p, injected, t, b, j, eps) - Loss(cell, p, injected, t, b, j, -eps)) / (2 * eps);
                        double analytic = values[b * p.H + j];
                        // atol 1e-9, rtol 1e-6: the loss is O(1), so rounding alone costs about 1e-10 at eps = 1e-6
                        double error = Abs(analytic - numeric);
                        worst = Max(worst, error);
                        Assert.That(error, Is.LessThanOrEqualTo(1e-9 + 1e-6 * Abs(numeric)),
                            $"{traced} at t = {t}, b = {b}, j = {j}: trace {analytic}, central difference {numeric}");
                    }
            }
        }
        return worst;
    }

    [Test]
    public void LstmStepValuesAreTheGradientsAtEachInjectedValue()
    {
        var p = RandomTiny(14, 4);
        var trace = RecurrentTrace.Of(ToCase("lstm", p, new JsonObject(), lstm: true));
        // the forward written above is the function the trace differentiates: its loss is the trace's forward values' loss
        var forward = trace.Sections[0].Forward;
        double traced = 0;
        for (int t = 0; t < p.T; t++)
            traced += Value(forward[t], "h_t").Select((h, k) => h * p.DOut[t * p.B * p.H + k]).Sum();
        traced += Value(forward[^1], "h_t").Select((h, k) => h * p.DHN[k]).Sum() + Value(forward[^1], "c_t").Select((c, k) => c * p.DCN[k]).Sum();
        Assert.That(Loss("lstm", p, "", -1, 0, 0, 0), Is.EqualTo(traced).Within(1e-14));
        double worst = CheckAgainstCentralDifferences("lstm", p, trace,
        [
            ("dL/dh_t", "h"), ("dL/dc_t", "c"), ("dL/dc_t (through h_t)", "c via h"), ("dL/dc_t (from step t+1)", "c via carry"),
            ("dL/di", "i"), ("dL/df", "f"), ("dL/dg", "g"), ("dL/do", "o"),
            ("dL/da_i", "a_i"), ("dL/da_f", "a_f"), ("dL/da_g", "a_g"), ("dL/da_o", "a_o"),
        ]);
        for (int t = 0; t < p.T; t++)
        {
            var step = BackwardAt(trace, t);
            var sum = Value(step, "dL/dc_t (from step t+1)").Zip(Value(step, "dL/dc_t (through h_t)"), (x, y) => x + y);
            Assert.That(Value(step, "dL/dc_t"), Is.EqualTo(sum), $"dL/dc_t = carry part + h_t part at t = {t}");
        }
        TestContext.Out.WriteLine($"worst |trace - central difference| {worst:E2}");
    }

    [Test]
    public void GruStepValuesAreTheGradientsAtEachInjectedValue()
    {
        var p = RandomTiny(15, 3);
        var trace = RecurrentTrace.Of(ToCase("gru", p, new JsonObject(), lstm: false));
        double worst = CheckAgainstCentralDifferences("gru", p, trace,
        [
            ("dL/dh_t", "h"), ("dL/dr", "r"), ("dL/dz", "z"), ("dL/dn", "n"), ("dL/da_r", "a_r"), ("dL/da_z", "a_z"), ("dL/da_n", "a_n"),
        ]);
        TestContext.Out.WriteLine($"worst |trace - central difference| {worst:E2}");
    }

    [Test]
    public void ResetBeforeGruStepValuesAreTheGradientsAtEachInjectedValue()
    {
        var p = RandomTiny(18, 3);
        var trace = RecurrentTrace.Of(ToCase("gru", p, new JsonObject { ["reset_after"] = false }, lstm: false));
        // the forward written above (reset before the product) is the one traced: the trace's h_t give its loss
        var forward = trace.Sections[0].Forward;
        double traced = 0;
        for (int t = 0; t < p.T; t++)
            traced += Value(forward[t], "h_t").Select((h, k) => h * p.DOut[t * p.B * p.H + k]).Sum();
        traced += Value(forward[^1], "h_t").Select((h, k) => h * p.DHN[k]).Sum();
        Assert.That(Loss("gru-reset-before", p, "", -1, 0, 0, 0), Is.EqualTo(traced).Within(1e-14));
        Assert.That(Loss("gru", p, "", -1, 0, 0, 0), Is.Not.EqualTo(traced).Within(1e-6), "with H = 2 the two GRU forms differ");
        double worst = CheckAgainstCentralDifferences("gru-reset-before", p, trace,
        [
            ("dL/dh_t", "h"), ("dL/dr", "r"), ("dL/dz", "z"), ("dL/dn", "n"), ("dL/da_r", "a_r"), ("dL/da_z", "a_z"), ("dL/da_n", "a_n"),
        ]);
        TestContext.Out.WriteLine($"worst |trace - central difference| {worst:E2}");
    }

    [TestCase("tanh")]
    [TestCase("relu")]
    public void RnnGradientsAfterAndBeforeTheNonlinearityAreTheGradientsThere(string nonlinearity)
    {
        var p = RandomTiny(nonlinearity == "relu" ? 16 : 17, 1);
        // a ReLU's pre-activations stay away from its kink: every |a| > 0.05 (checked below)
        var trace = RecurrentTrace.Of(ToCase("rnn", p, new JsonObject { ["nonlinearity"] = nonlinearity }, lstm: false));
        foreach (var step in trace.Sections[0].Forward)
            Assert.That(nonlinearity == "tanh" || Value(step, "a").All(a => Abs(a) > 0.05), Is.True, "a pre-activation near relu's kink would make the difference one-sided");
        double worst = CheckAgainstCentralDifferences(nonlinearity == "relu" ? "relu" : "tanh", p, trace, [("dL/dh_t", "h"), ("dL/da", "a")]);
        string slope = nonlinearity == "relu" ? "relu'(a)" : "tanh'(a) = 1 - h_t^2";
        for (int t = 0; t < p.T; t++)
        {
            var step = BackwardAt(trace, t);
            var product = Value(step, "dL/dh_t").Zip(Value(step, slope), (dh, s) => dh * s);
            Assert.That(Value(step, "dL/da"), Is.EqualTo(product), $"dL/da = dL/dh_t * {slope} at t = {t}");
        }
        TestContext.Out.WriteLine($"worst |trace - central difference| {worst:E2}");
    }

    // ---- the JSON and the text ----------------------------------------------------------------------

    [Test]
    public void TheJsonCarriesTheStepValuesUnderTheirNames()
    {
        var p = RandomTiny(18, 4);
        var trace = RecurrentTrace.Of(ToCase("lstm", p, new JsonObject(), lstm: true));
        string raw = TraceJson.Render([trace]);
        // names are written as they read: no \u003C for <, no \u002B for +
        Assert.That(raw, Does.Contain("\"dL/dc~<t>\"").And.Contain("\"L = sum(output * grad_output) + sum(h_n * grad_h_n) + sum(c_n * grad_c_n)\""));
        Assert.That(raw, Does.Not.Contain("\\u00"));
        var json = JsonNode.Parse(raw)!;
        var backward = json["traces"]![0]!["sections"]![0]!["backward"]!.AsArray();
        Assert.That(backward, Has.Count.EqualTo(p.T));
        string[] names =
        [
            "dL/dh_t", "dL/dc_t (from step t+1)", "dL/dc_t (through h_t)", "dL/dc_t", "dL/di", "dL/df", "dL/dg", "dL/do",
            "dL/da_i", "dL/da_f", "dL/da_g", "dL/da_o", "dW_ih so far", "dW_hh so far", "db_ih so far", "db_hh so far",
        ];
        foreach (var stepNode in backward)
        {
            var values = stepNode!["values"]!.AsArray();
            Assert.That(values.Select(v => (string?)v!["name"]), Is.EqualTo(names));
            var step = BackwardAt(trace, (int)stepNode["t"]!);
            foreach (var v in values)
            {
                Assert.That(v!["data"]!.AsArray().Select(x => (double)x!).ToArray(), Is.EqualTo(Value(step, (string)v["name"]!)));
                if ((string)v["name"]! is "dL/di" or "dL/dc_t") Assert.That(v["shape"]!.AsArray().Select(x => (int)x!), Is.EqualTo(new[] { p.B, p.H }));
            }
            Assert.That((string?)values.Single(v => (string?)v!["name"] == "dL/di")!["slide"], Is.EqualTo("dL/dGamma_u"));
            Assert.That((string?)values.Single(v => (string?)v!["name"] == "dL/dg")!["slide"], Is.EqualTo("dL/dc~<t>"));
        }
    }

    // every example trace case, and the example file's recurrent cases (two layers, both directions, 12 weight rows, variable lengths)
    [TestCaseSource(typeof(TraceTests), nameof(TraceTests.ExampleCases))]
    public void TheTextKeepsEveryStepsNumbersInOneColumnWithTheSlidesNamesBeside(Case c)
    {
        var text = TraceText.Render(RecurrentTrace.Of(c));
        // within one step block (from "t = " to the next), every line's first number ends at the same column
        var lines = text.Split('\n');
        var ends = new List<int>();
        foreach (var line in lines.Append("t = end"))
        {
            if (line.StartsWith("t = ", StringComparison.Ordinal))
            {
                Assert.That(ends.Distinct().Count(), Is.LessThanOrEqualTo(1), $"the numbers of one step end at columns {string.Join(", ", ends.Distinct())}");
                ends.Clear();
                continue;
            }
            var first = System.Text.RegularExpressions.Regex.Match(line, @"(?<= )-?\d+\.\d+(?:E[+-]\d+)?(?= |$)");
            if (line.StartsWith("  ", StringComparison.Ordinal) && first.Success) ends.Add(first.Index + first.Length);
        }
        if (c.Op == "lstm")
            Assert.That(text, Does.Contain("dL/di  [dL/dGamma_u]").And.Contain("dL/df  [dL/dGamma_f]").And.Contain("dL/dg  [dL/dc~<t>]")
                .And.Contain("dL/do  [dL/dGamma_o]").And.Contain("dL/dc_t (through h_t)").And.Contain("dL/dc_t  [dL/dc<t>]"));
        if (c.Op == "gru")
            Assert.That(text, Does.Contain("dL/dn  [dL/dc~<t>]").And.Contain("Gamma_u = 1 - z, so dL/dGamma_u = -dL/dz"));
        // the lines the backward pass adds, and every line of words (descriptions, equations, headings), fit a 110-column terminal
        foreach (var line in lines.Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains("dL/d", StringComparison.Ordinal) && !l.Contains("so far", StringComparison.Ordinal)))
            Assert.That(line.Length, Is.LessThanOrEqualTo(110), line);
        foreach (var line in lines.Where(l => !System.Text.RegularExpressions.Regex.IsMatch(l, @"-?\d+\.\d{6}")))
            Assert.That(line.Length, Is.LessThanOrEqualTo(110), line);
    }
}
