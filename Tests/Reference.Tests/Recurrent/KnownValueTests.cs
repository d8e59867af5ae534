// Hand-derived values for tiny cases of every recurrent construct: I = H = 1 (or H = 2), T = 2,
// simple weights. The arithmetic is written out in the test, step by step, with Math functions,
// so each expected value can be checked with a pocket calculator and none comes from the code
// under test. Each case checks the forward values and at least one gradient derived by hand.
using NUnit.Framework;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Recurrent.Support;
using static Rnn.Reference.Tests.Recurrent.Support.Small;
using static System.Math;

namespace Rnn.Reference.Tests.Recurrent;

public sealed class KnownValueTests
{
    private const double Tol = 1e-14;

    // ---- slide ReLU RNN ----------------------------------------------------------------------

    [Test]
    public void SlideReluRnnTwoStepsByHand()
    {
        // W = 0.5, U = -1, b = 0.25, input_sequence = [2, 3], current_state starts at 0
        var W = new Tensor([1, 1], [0.5]);
        var U = new Tensor([1, 1], [-1.0]);
        var b = Vector(0.25);
        var x = Sequence(2.0, 3.0);

        // t = 0: linear = 2*0.5 + 0.25 + 0*(-1) = 1.25 -> output = max(0, 1.25) = 1.25
        // t = 1: linear = 3*0.5 + 0.25 + 1.25*(-1) = 0.5 -> output = 0.5
        double[] expected = [1.25, 0.5];
        var outputs = SlideReluRnn.Forward(W, U, b, x);
        Assert.That(outputs.Shape, Is.EqualTo(new[] { 2, 1 }));
        Assert.That(outputs.Data, Is.EqualTo(expected).Within(Tol));
        Assert.That(SlideReluRnn.ForwardTimeZeroSpecialCase(W, U, b, x).Data, Is.EqualTo(expected).Within(Tol));
        Assert.That(SlideReluRnn.LastOutput(outputs).Data, Is.EqualTo(new[] { 0.5 }).Within(Tol));

        // L = output_1 (the slide's "only the very last time step's output")
        // dlinear_1 = 1                                  (linear_1 = 0.5 > 0)
        // dlinear_0 = dlinear_1 * U = -1                 (linear_0 = 1.25 > 0)
        // dW = dlinear_0 * x_0 + dlinear_1 * x_1 = -1*2 + 1*3 = 1
        // dU = dlinear_0 * state_{-1} + dlinear_1 * output_0 = -1*0 + 1*1.25 = 1.25
        // db = dlinear_0 + dlinear_1 = 0
        // dx = [dlinear_0 * W, dlinear_1 * W] = [-0.5, 0.5]
        // dh0 = dlinear_0 * U = 1
        var g = SlideReluRnn.BackwardLastStep(W, U, b, x, outputs, Vector(1.0));
        Assert.Multiple(() =>
        {
            Assert.That(g.dW.Data, Is.EqualTo(new[] { 1.0 }).Within(Tol));
            Assert.That(g.dU.Data, Is.EqualTo(new[] { 1.25 }).Within(Tol));
            Assert.That(g.db.Data, Is.EqualTo(new[] { 0.0 }).Within(Tol));
            Assert.That(g.dInput.Data, Is.EqualTo(new[] { -0.5, 0.5 }).Within(Tol));
            Assert.That(g.dH0.Data, Is.EqualTo(new[] { 1.0 }).Within(Tol));
        });
    }

    [Test]
    public void SlideReluRnnClampsANegativeUnitByHand()
    {
        // H = 2: W = [[1], [-1]], U = [[0.5, 0], [1, 0.5]], b = [0, 0.5], input_sequence = [1, 2]
        var W = new Tensor([2, 1], [1.0, -1.0]);
        var U = new Tensor([2, 2], [0.5, 0.0, 1.0, 0.5]);
        var b = Vector(0.0, 0.5);
        var x = Sequence(1.0, 2.0);

        // t = 0: linear = [1*1 + 0, 1*(-1) + 0.5] = [1, -0.5]             -> output = [1, 0]
        // t = 1: linear = [2*1 + 0 + (0.5*1 + 0*0), 2*(-1) + 0.5 + (1*1 + 0.5*0)]
        //               = [2.5, -0.5]                                     -> output = [2.5, 0]
        double[] expected = [1.0, 0.0, 2.5, 0.0];
        Assert.That(SlideReluRnn.Forward(W, U, b, x).Data, Is.EqualTo(expected).Within(Tol));
        Assert.That(SlideReluRnn.ForwardTimeZeroSpecialCase(W, U, b, x).Data, Is.EqualTo(expected).Within(Tol));

        // L = sum of every output. The second unit is negative at both steps: no gradient passes it.
        // dlinear_1 = [1, 0]; d output_0 = [1, 1] + dlinear_1 U = [1 + 0.5, 1 + 0] = [1.5, 1]; dlinear_0 = [1.5, 0]
        // dW = [[1.5*1 + 1*2], [0]] = [[3.5], [0]];  db = [2.5, 0]
        // dU[0, :] = dlinear_1[0] * output_0 = [1, 0];  dU[1, :] = 0
        // dx = [dlinear_0 W, dlinear_1 W] = [1.5, 1]
        var outputs = SlideReluRnn.Forward(W, U, b, x);
        var g = SlideReluRnn.Backward(W, U, b, x, outputs, new Tensor([2, 2], [1.0, 1.0, 1.0, 1.0]));
        Assert.Multiple(() =>
        {
            Assert.That(g.dW.Data, Is.EqualTo(new[] { 3.5, 0.0 }).Within(Tol));
            Assert.That(g.db.Data, Is.EqualTo(new[] { 2.5, 0.0 }).Within(Tol));
            Assert.That(g.dU.Data, Is.EqualTo(new[] { 1.0, 0.0, 0.0, 0.0 }).Within(Tol));
            Assert.That(g.dInput.Data, Is.EqualTo(new[] { 1.5, 1.0 }).Within(Tol));
        });
    }

    // ---- slide tanh RNN ----------------------------------------------------------------------

    [Test]
    public void SlideTanhRnnTwoStepsByHand()
    {
        // Wxh = 0.5, Whh = -1, Why = 2, x = [1, 2], h starts at 0 (the slide's torch.zeros)
        var Wxh = new Tensor([1, 1], [0.5]);
        var Whh = new Tensor([1, 1], [-1.0]);
        var Why = new Tensor([1, 1], [2.0]);
        var x = Sequence(1.0, 2.0);

        double h1 = Tanh(0.5 * 1 + (-1.0) * 0);        // tanh(0.5)
        double y1 = 2 * h1;
        double h2 = Tanh(0.5 * 2 + (-1.0) * h1);       // tanh(1 - tanh(0.5))
        double y2 = 2 * h2;
        var f = SlideTanhRnn.Forward(Wxh, Whh, Why, x);
        Assert.That(f.Y.Data, Is.EqualTo(new[] { y1, y2 }).Within(Tol));
        Assert.That(f.HN.Data, Is.EqualTo(new[] { h2 }).Within(Tol));

        // L = y_2: dy = [0, 1]
        double da2 = 2 * (1 - h2 * h2);                // dh2 = Why = 2, times tanh'
        double da1 = da2 * (-1.0) * (1 - h1 * h1);     // dh1 = da2 * Whh, times tanh'
        var g = SlideTanhRnn.Backward(Wxh, Whh, Why, x, f, new Tensor([2, 1], [0.0, 1.0]));
        Assert.Multiple(() =>
        {
            Assert.That(g.dWhy.Data, Is.EqualTo(new[] { h2 }).Within(Tol));              // 0*h1 + 1*h2
            Assert.That(g.dWxh.Data, Is.EqualTo(new[] { da1 * 1 + da2 * 2 }).Within(Tol));
            Assert.That(g.dWhh.Data, Is.EqualTo(new[] { da1 * 0 + da2 * h1 }).Within(Tol));
            Assert.That(g.dInput.Data, Is.EqualTo(new[] { da1 * 0.5, da2 * 0.5 }).Within(Tol));
            Assert.That(g.dH0.Data, Is.EqualTo(new[] { da1 * (-1.0) }).Within(Tol));
        });
    }

    // ---- PyTorch-form RNN --------------------------------------------------------------------

    [Test]
    public void RnnTanhTwoStepsByHand()
    {
        // weight_ih = 0.5, weight_hh = -1, bias_ih = 0.25, bias_hh = -0.5, x = [1, 2], h0 = 0.5
        var config = new RecurrentConfig(CellKind.RnnTanh, 1, 1);
        var p = Layer(Column(0.5), Column(-1.0), Vector(0.25), Vector(-0.5));
        var o = RecurrentLayer.Forward(config, p, Sequence(1.0, 2.0), State(0.5));

        double h1 = Tanh(0.5 * 1 + 0.25 + (-1.0) * 0.5 + (-0.5));   // tanh(-0.25)
        double h2 = Tanh(0.5 * 2 + 0.25 + (-1.0) * h1 + (-0.5));    // tanh(0.75 - h1)
        Assert.That(o.Output.Data, Is.EqualTo(new[] { h1, h2 }).Within(Tol));
        Assert.That(o.HN.Data, Is.EqualTo(new[] { h2 }).Within(Tol));

        // L = h_n
        double da2 = 1 - h2 * h2;
        double da1 = da2 * (-1.0) * (1 - h1 * h1);
        var g = RecurrentLayer.Backward(o.Cache, dHN: State(1.0));
        Assert.Multiple(() =>
        {
            Assert.That(g.dParameters["weight_ih_l0"].Data, Is.EqualTo(new[] { da1 * 1 + da2 * 2 }).Within(Tol));
            Assert.That(g.dParameters["weight_hh_l0"].Data, Is.EqualTo(new[] { da1 * 0.5 + da2 * h1 }).Within(Tol));
            Assert.That(g.dParameters["bias_ih_l0"].Data, Is.EqualTo(new[] { da1 + da2 }).Within(Tol));
            Assert.That(g.dParameters["bias_hh_l0"].Data, Is.EqualTo(new[] { da1 + da2 }).Within(Tol));
            Assert.That(g.dInput.Data, Is.EqualTo(new[] { da1 * 0.5, da2 * 0.5 }).Within(Tol));
            Assert.That(g.dH0.Data, Is.EqualTo(new[] { da1 * (-1.0) }).Within(Tol));
        });
    }

    [Test]
    public void RnnReluTwoStepsByHand()
    {
        // weight_ih = 2, weight_hh = 0.5, bias_ih = -1, bias_hh = 0.25, x = [1, -1], h0 = 1
        var config = new RecurrentConfig(CellKind.RnnRelu, 1, 1);
        var p = Layer(Column(2.0), Column(0.5), Vector(-1.0), Vector(0.25));
        var o = RecurrentLayer.Forward(config, p, Sequence(1.0, -1.0), State(1.0));

        // a1 = 2*1 - 1 + 0.5*1 + 0.25 = 1.75          -> h1 = 1.75
        // a2 = 2*(-1) - 1 + 0.5*1.75 + 0.25 = -1.875  -> h2 = 0
        Assert.That(o.Output.Data, Is.EqualTo(new[] { 1.75, 0.0 }).Within(Tol));
        Assert.That(o.HN.Data, Is.EqualTo(new[] { 0.0 }).Within(Tol));

        // L = h1 + h2 (dOutput = [1, 1])
        // da2 = 1 * 0 = 0 (a2 < 0); dh1 = 1 + da2 * 0.5 = 1; da1 = 1 (a1 > 0)
        // dW_ih = da1*1 + da2*(-1) = 1; dW_hh = da1*h0 + da2*h1 = 1; db_ih = db_hh = 1
        // dx = [2*da1, 2*da2] = [2, 0]; dh0 = 0.5*da1 = 0.5
        var g = RecurrentLayer.Backward(o.Cache, dOutput: new Tensor([2, 1], [1.0, 1.0]));
        Assert.Multiple(() =>
        {
            Assert.That(g.dParameters["weight_ih_l0"].Data, Is.EqualTo(new[] { 1.0 }).Within(Tol));
            Assert.That(g.dParameters["weight_hh_l0"].Data, Is.EqualTo(new[] { 1.0 }).Within(Tol));
            Assert.That(g.dParameters["bias_ih_l0"].Data, Is.EqualTo(new[] { 1.0 }).Within(Tol));
            Assert.That(g.dParameters["bias_hh_l0"].Data, Is.EqualTo(new[] { 1.0 }).Within(Tol));
            Assert.That(g.dInput.Data, Is.EqualTo(new[] { 2.0, 0.0 }).Within(Tol));
            Assert.That(g.dH0.Data, Is.EqualTo(new[] { 0.5 }).Within(Tol));
        });
    }

    // ---- LSTM --------------------------------------------------------------------------------

    // gate rows i, f, g, o:  weight_ih = [0.5, -1, 2, 1], weight_hh = [0.25, 0.5, -0.5, 1],
    //                        bias_ih = [0, 1, 0, -1],     bias_hh = [0.5, 0, 0.25, 0]
    private static NamedTensors LstmParameters() =>
        Layer(Column(0.5, -1.0, 2.0, 1.0), Column(0.25, 0.5, -0.5, 1.0), Vector(0.0, 1.0, 0.0, -1.0), Vector(0.5, 0.0, 0.25, 0.0));

    [Test]
    public void LstmTwoStepsByHand()
    {
        // x = [1, -1], h0 = 0.5, c0 = -1
        var config = new RecurrentConfig(CellKind.Lstm, 1, 1);
        var o = RecurrentLayer.Forward(config, LstmParameters(), Sequence(1.0, -1.0), State(0.5), State(-1.0));

        // step 1 (x = 1, h = 0.5, c = -1)
        double i1 = Sigmoid(0.5 * 1 + 0 + 0.25 * 0.5 + 0.5);           // sigmoid(1.125)
        double f1 = Sigmoid(-1.0 * 1 + 1 + 0.5 * 0.5 + 0);             // sigmoid(0.25)
        double g1 = Tanh(2.0 * 1 + 0 + (-0.5) * 0.5 + 0.25);           // tanh(2)
        double o1 = Sigmoid(1.0 * 1 - 1 + 1.0 * 0.5 + 0);              // sigmoid(0.5)
        double c1 = f1 * (-1.0) + i1 * g1;
        double h1 = o1 * Tanh(c1);
        // step 2 (x = -1, h = h1, c = c1)
        double i2 = Sigmoid(0.5 * (-1) + 0 + 0.25 * h1 + 0.5);
        double f2 = Sigmoid(-1.0 * (-1) + 1 + 0.5 * h1 + 0);
        double g2 = Tanh(2.0 * (-1) + 0 + (-0.5) * h1 + 0.25);
        double o2 = Sigmoid(1.0 * (-1) - 1 + 1.0 * h1 + 0);
        double c2 = f2 * c1 + i2 * g2;
        double h2 = o2 * Tanh(c2);

        Assert.That(o.Output.Data, Is.EqualTo(new[] { h1, h2 }).Within(Tol));
        Assert.That(o.HN.Data, Is.EqualTo(new[] { h2 }).Within(Tol));
        Assert.That(o.CN!.Data, Is.EqualTo(new[] { c2 }).Within(Tol));

        // L = h_n = h2; the last input x2 reaches it only through step 2's four gates:
        // dh2/dx2 = tanh(c2) * o2(1 - o2) * W_io
        //         + o2 (1 - tanh(c2)^2) * (c1 * f2(1 - f2) * W_if + g2 * i2(1 - i2) * W_ii + i2 * (1 - g2^2) * W_ig)
        double tc2 = Tanh(c2);
        double dx2 = tc2 * o2 * (1 - o2) * 1.0
                     + o2 * (1 - tc2 * tc2) * (c1 * f2 * (1 - f2) * (-1.0) + g2 * i2 * (1 - i2) * 0.5 + i2 * (1 - g2 * g2) * 2.0);
        var g = RecurrentLayer.Backward(o.Cache, dHN: State(1.0));
        Assert.That(g.dInput.Data[1], Is.EqualTo(dx2).Within(Tol));
    }

    [Test]
    public void LstmCarryGradientByHand()
    {
        // one step: x = 1, h0 = 0.5, c0 = -1; L = h1 + c1 (dHN = dCN = 1)
        var config = new RecurrentConfig(CellKind.Lstm, 1, 1);
        var o = RecurrentLayer.Forward(config, LstmParameters(), Sequence(1.0), State(0.5), State(-1.0));

        double i1 = Sigmoid(0.5 * 1 + 0 + 0.25 * 0.5 + 0.5);
        double f1 = Sigmoid(-1.0 * 1 + 1 + 0.5 * 0.5 + 0);
        double g1 = Tanh(2.0 * 1 + 0 + (-0.5) * 0.5 + 0.25);
        double o1 = Sigmoid(1.0 * 1 - 1 + 1.0 * 0.5 + 0);
        double c1 = f1 * (-1.0) + i1 * g1;
        // c0 reaches L only through c1 = f1 c0 + i1 g1:
        // dL/dc0 = dc1/dc0 + dh1/dc0 = f1 + o1 (1 - tanh(c1)^2) f1
        double dc0 = f1 + o1 * (1 - Tanh(c1) * Tanh(c1)) * f1;
        // dL/db_f (either bias) = (1 + o1 (1 - tanh(c1)^2)) * c0 * f1 (1 - f1)
        double dbf = (1 + o1 * (1 - Tanh(c1) * Tanh(c1))) * (-1.0) * f1 * (1 - f1);

        var g = RecurrentLayer.Backward(o.Cache, dHN: State(1.0), dCN: State(1.0));
        Assert.Multiple(() =>
        {
            Assert.That(g.dC0!.Data, Is.EqualTo(new[] { dc0 }).Within(Tol));
            Assert.That(g.dParameters["bias_ih_l0"].Data[1], Is.EqualTo(dbf).Within(Tol));
            Assert.That(g.dParameters["bias_hh_l0"].Data[1], Is.EqualTo(dbf).Within(Tol));
        });
    }

    // ---- GRU ---------------------------------------------------------------------------------

    // gate rows r, z, n:  weight_ih = [0.5, -1, 2], weight_hh = [1, 0.5, -0.5],
    //                     bias_ih = [0, 0.5, -0.25], bias_hh = [0.25, 0, 0.5]
    private static NamedTensors GruParameters() =>
        Layer(Column(0.5, -1.0, 2.0), Column(1.0, 0.5, -0.5), Vector(0.0, 0.5, -0.25), Vector(0.25, 0.0, 0.5));

    [Test]
    public void GruTwoStepsByHand()
    {
        // x = [1, -1], h0 = 0.5
        var config = new RecurrentConfig(CellKind.Gru, 1, 1);
        var o = RecurrentLayer.Forward(config, GruParameters(), Sequence(1.0, -1.0), State(0.5));

        // step 1 (x = 1, h = 0.5); PyTorch's n puts r in front of (W_hn h + b_hn)
        double r1 = Sigmoid(0.5 * 1 + 0 + 1.0 * 0.5 + 0.25);           // sigmoid(1.25)
        double z1 = Sigmoid(-1.0 * 1 + 0.5 + 0.5 * 0.5 + 0);           // sigmoid(-0.25)
        double n1 = Tanh(2.0 * 1 - 0.25 + r1 * (-0.5 * 0.5 + 0.5));    // tanh(1.75 + 0.25 r1)
        double h1 = (1 - z1) * n1 + z1 * 0.5;
        // step 2 (x = -1, h = h1)
        double r2 = Sigmoid(0.5 * (-1) + 0 + 1.0 * h1 + 0.25);
        double z2 = Sigmoid(-1.0 * (-1) + 0.5 + 0.5 * h1 + 0);
        double hn2 = -0.5 * h1 + 0.5;                                  // W_hn h1 + b_hn
        double n2 = Tanh(2.0 * (-1) - 0.25 + r2 * hn2);
        double h2 = (1 - z2) * n2 + z2 * h1;

        Assert.That(o.Output.Data, Is.EqualTo(new[] { h1, h2 }).Within(Tol));
        Assert.That(o.HN.Data, Is.EqualTo(new[] { h2 }).Within(Tol));

        // L = h2; x2 enters z2, r2 and n2:
        // dn2/dx2 = (1 - n2^2) (W_in + hn2 * r2(1 - r2) W_ir);  dz2/dx2 = z2(1 - z2) W_iz
        // dh2/dx2 = (1 - z2) dn2/dx2 + (h1 - n2) dz2/dx2
        double dn2 = (1 - n2 * n2) * (2.0 + hn2 * r2 * (1 - r2) * 0.5);
        double dz2 = z2 * (1 - z2) * (-1.0);
        double dx2 = (1 - z2) * dn2 + (h1 - n2) * dz2;
        var g = RecurrentLayer.Backward(o.Cache, dHN: State(1.0));
        Assert.That(g.dInput.Data[1], Is.EqualTo(dx2).Within(Tol));
    }

    [Test]
    public void GruStateGradientByHand()
    {
        // one step: x = 1, h0 = 0.5; L = h1
        var config = new RecurrentConfig(CellKind.Gru, 1, 1);
        var o = RecurrentLayer.Forward(config, GruParameters(), Sequence(1.0), State(0.5));

        double r1 = Sigmoid(0.5 * 1 + 0 + 1.0 * 0.5 + 0.25);
        double z1 = Sigmoid(-1.0 * 1 + 0.5 + 0.5 * 0.5 + 0);
        double hn1 = -0.5 * 0.5 + 0.5;                                 // W_hn h0 + b_hn = 0.25
        double n1 = Tanh(2.0 * 1 - 0.25 + r1 * hn1);
        // h1 = (1 - z1) n1 + z1 h0, and h0 also enters z1 (W_hz = 0.5), r1 (W_hr = 1) and hn1 (W_hn = -0.5):
        // dh1/dh0 = z1 + (h0 - n1) z1(1 - z1) * 0.5 + (1 - z1)(1 - n1^2)(r1 * (-0.5) + hn1 * r1(1 - r1) * 1)
        double dh0 = z1 + (0.5 - n1) * z1 * (1 - z1) * 0.5
                     + (1 - z1) * (1 - n1 * n1) * (r1 * (-0.5) + hn1 * r1 * (1 - r1) * 1.0);
        // dL/db_hn = (1 - z1)(1 - n1^2) r1, but dL/db_in = (1 - z1)(1 - n1^2): the reset gate sits between them
        double dbhn = (1 - z1) * (1 - n1 * n1) * r1;
        double dbin = (1 - z1) * (1 - n1 * n1);

        var g = RecurrentLayer.Backward(o.Cache, dHN: State(1.0));
        Assert.Multiple(() =>
        {
            Assert.That(g.dH0.Data, Is.EqualTo(new[] { dh0 }).Within(Tol));
            Assert.That(g.dParameters["bias_hh_l0"].Data[2], Is.EqualTo(dbhn).Within(Tol));
            Assert.That(g.dParameters["bias_ih_l0"].Data[2], Is.EqualTo(dbin).Within(Tol));
        });
    }
}
