// Known values from outside the project, one set per convention: each framework's own
// equations in its own layout (Tests/Fixtures/gen_conventions.py: a NumPy transcription of
// Keras's cells, CS231n's, d2l's and Ng's functions, the slides' loops, with gradients by
// central differences of them), and the values CS231n's and Ng's notebooks print, written out
// below. The library runs each through the convention's mapping and PyTorch's cells.
using NUnit.Framework;
using Rnn.Reference.Conventions;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Recurrent.Support;

namespace Rnn.Reference.Tests.Conventions;

public sealed class FrameworkValueTests
{
    private static IEnumerable<TestCaseData> Examples() =>
        ConventionFixture.Examples().Select(e => new TestCaseData(e).SetArgDisplayNames(e.Name));

    [TestCaseSource(nameof(Examples))]
    public void OutputsAndGradientsAreTheFrameworks(FrameworkExample e)
    {
        var convention = ConventionRegistry.Get(e.Convention);
        var r = ConventionRun.Run(convention, e.Config, e.Params, e.Input, e.H0, e.C0,
            e.GradOutputs["output"], e.GradOutputs["h_n"], e.GradOutputs.TryGet("c_n", out var dc) ? dc : null);

        // outputs: the same arithmetic up to the order of the sums
        TestTensors.RequireClose(r.Forward.Output, e.Expected["output"], 1e-13, $"{e.Name} output");
        TestTensors.RequireClose(r.Forward.HN, e.Expected["h_n"], 1e-13, $"{e.Name} h_n");
        if (e.Expected.TryGet("c_n", out var cn)) TestTensors.RequireClose(r.Forward.CN!, cn, 1e-13, $"{e.Name} c_n");

        // gradients: the fixture's are central differences (about 1e-9 accurate)
        Assert.That(r.dParams.Names, Is.EqualTo(e.Params.Names), "the gradients come back under the convention's names, in its order");
        foreach (var (name, expected) in e.Grads)
        {
            var got = name switch
            {
                "input" => r.Gradients.dInput,
                "h0" => r.Gradients.dH0,
                "c0" => r.Gradients.dC0!,
                _ => r.dParams[name],
            };
            TestTensors.RequireClose(got, expected, 1e-7, $"{e.Name} d{name}");
        }
    }

    [Test]
    public void EveryConventionAndCellHasAFrameworkExample()
    {
        var covered = ConventionFixture.Examples().Select(e => (e.Convention, e.Kind)).ToHashSet();
        foreach (var (convention, kind, bias) in ConventionRun.SupportedPairs())
        {
            if (convention.Name == "pytorch" || !bias && convention.Name != "stats507") continue;
            // tanh and relu share a layout; the fixture runs whichever the framework uses
            bool rnn = kind is CellKind.RnnTanh or CellKind.RnnRelu;
            Assert.That(covered.Contains((convention.Name, kind)) || rnn && (covered.Contains((convention.Name, CellKind.RnnTanh)) || covered.Contains((convention.Name, CellKind.RnnRelu))),
                $"no framework example for {convention.Name} {kind}");
        }
    }

    // ---- CS231n assignment 3 (RNN_Captioning.ipynb, LSTM_Captioning.ipynb): inputs from np.linspace, expected values as printed

    [Test]
    public void Cs231nRnnStepForwardAsTheNotebookPrints()
    {
        int N = 3, D = 10, H = 4;
        var p = new NamedTensors();
        p.Add("Wx", Linspace(-0.1, 0.9, D, H));
        p.Add("Wh", Linspace(-0.3, 0.7, H, H));
        p.Add("b", Linspace(-0.2, 0.4, H));
        var x = Linspace(-0.4, 0.7, 1, N, D);                      // one step: [T = 1, N, D]
        var prevH = Linspace(-0.2, 0.5, 1, N, H);
        var config = new RecurrentConfig(CellKind.RnnTanh, D, H);
        var output = RecurrentLayer.Forward(config, ConventionRegistry.Get("cs231n").ToPyTorch(config, p), x, prevH).Output;
        double[] expectedNextH =
        [
            -0.58172089, -0.50182032, -0.41232771, -0.31410098,
            0.66854692, 0.79562378, 0.87755553, 0.92795967,
            0.97934501, 0.99144213, 0.99646691, 0.99854353,
        ];
        RequirePrinted(output.Data, expectedNextH, "next_h");
    }

    [Test]
    public void Cs231nRnnForwardAsTheNotebookPrints()
    {
        int N = 2, T = 3, D = 4, H = 5;
        var p = new NamedTensors();
        p.Add("Wx", Linspace(-0.2, 0.4, D, H));
        p.Add("Wh", Linspace(-0.4, 0.1, H, H));
        p.Add("b", Linspace(-0.7, 0.1, H));
        var x = Linspace(-0.1, 0.3, N, T, D);                      // CS231n is batch-major: batch_first
        var h0 = Linspace(-0.3, 0.1, 1, N, H);
        var config = new RecurrentConfig(CellKind.RnnTanh, D, H, BatchFirst: true);
        var h = RecurrentLayer.Forward(config, ConventionRegistry.Get("cs231n").ToPyTorch(config, p), x, h0).Output;   // [N, T, H]
        double[] expectedH =
        [
            -0.42070749, -0.27279261, -0.11074945, 0.05740409, 0.22236251,
            -0.39525808, -0.22554661, -0.0409454, 0.14649412, 0.32397316,
            -0.42305111, -0.24223728, -0.04287027, 0.15997045, 0.35014525,
            -0.55857474, -0.39065825, -0.19198182, 0.02378408, 0.23735671,
            -0.27150199, -0.07088804, 0.13562939, 0.33099728, 0.50158768,
            -0.51014825, -0.30524429, -0.06755202, 0.17806392, 0.40333043,
        ];
        RequirePrinted(h.Data, expectedH, "h");
    }

    [Test]
    public void Cs231nLstmStepForwardAsTheNotebookPrints()
    {
        int N = 3, D = 4, H = 5;
        var p = new NamedTensors();
        p.Add("Wx", Linspace(-2.1, 1.3, D, 4 * H));
        p.Add("Wh", Linspace(-0.7, 2.2, H, 4 * H));
        p.Add("b", Linspace(0.3, 0.7, 4 * H));
        var x = Linspace(-0.4, 1.2, 1, N, D);
        var prevH = Linspace(-0.3, 0.7, 1, N, H);
        var prevC = Linspace(-0.4, 0.9, 1, N, H);
        var config = new RecurrentConfig(CellKind.Lstm, D, H);
        var f = RecurrentLayer.Forward(config, ConventionRegistry.Get("cs231n").ToPyTorch(config, p), x, prevH, prevC);
        double[] expectedNextH =
        [
            0.24635157, 0.28610883, 0.32240467, 0.35525807, 0.38474904,
            0.49223563, 0.55611431, 0.61507696, 0.66844003, 0.7159181,
            0.56735664, 0.66310127, 0.74419266, 0.80889665, 0.858299,
        ];
        double[] expectedNextC =
        [
            0.32986176, 0.39145139, 0.451556, 0.51014116, 0.56717407,
            0.66382255, 0.76674007, 0.87195994, 0.97902709, 1.08751345,
            0.74192008, 0.90592151, 1.07717006, 1.25120233, 1.42395676,
        ];
        RequirePrinted(f.HN.Data, expectedNextH, "next_h");
        RequirePrinted(f.CN!.Data, expectedNextC, "next_c");
    }

    [Test]
    public void Cs231nLstmForwardAsTheNotebookPrints()
    {
        int N = 2, D = 5, H = 4, T = 3;
        var p = new NamedTensors();
        p.Add("Wx", Linspace(-0.2, 0.9, D, 4 * H));
        p.Add("Wh", Linspace(-0.3, 0.6, H, 4 * H));
        p.Add("b", Linspace(0.2, 0.7, 4 * H));
        var x = Linspace(-0.4, 0.6, N, T, D);
        var h0 = Linspace(-0.4, 0.8, 1, N, H);
        var config = new RecurrentConfig(CellKind.Lstm, D, H, BatchFirst: true);
        // lstm_forward starts the cell state at zero: no c0
        var h = RecurrentLayer.Forward(config, ConventionRegistry.Get("cs231n").ToPyTorch(config, p), x, h0).Output;
        double[] expectedH =
        [
            0.01764008, 0.01823233, 0.01882671, 0.0194232,
            0.11287491, 0.12146228, 0.13018446, 0.13902939,
            0.31358768, 0.33338627, 0.35304453, 0.37250975,
            0.45767879, 0.4761092, 0.4936887, 0.51041945,
            0.6704845, 0.69350089, 0.71486014, 0.7346449,
            0.81733511, 0.83677871, 0.85403753, 0.86935314,
        ];
        RequirePrinted(h.Data, expectedH, "h");
    }

    // ---- Ng, "Building your Recurrent Neural Network - Step by Step": the notebook's np.random.seed(1) draws
    //      (written out by gen_conventions.py) and the values its "Expected Output" prints

    [Test]
    public void NgRnnForwardAsTheNotebookPrints()
    {
        var (x, a0, p) = ConventionFixture.Notebook("ng/rnn_forward_notebook");   // x [n_x, m, T_x] = [3, 10, 4], a0 [n_a, m] = [5, 10]
        var config = new RecurrentConfig(CellKind.RnnTanh, 3, 5);
        var output = RecurrentLayer.Forward(config, ConventionRegistry.Get("ng").ToPyTorch(config, p),
            NgSequence(x), NgState(a0)).Output;                                    // [T, m, n_a]
        // a[4][1] = [-0.99999375  0.77911235 -0.99861469 -0.99833267]: unit 4 of example 1 at t = 0..3
        double[] printed = [-0.99999375, 0.77911235, -0.99861469, -0.99833267];
        var got = Enumerable.Range(0, 4).Select(t => output.Data[(t * 10 + 1) * 5 + 4]).ToArray();
        RequirePrinted(got, printed, "a[4][1]");
    }

    [Test]
    public void NgLstmForwardAsTheNotebookPrints()
    {
        var (x, a0, p) = ConventionFixture.Notebook("ng/lstm_forward_notebook");  // x [3, 10, 7], a0 [5, 10]
        var config = new RecurrentConfig(CellKind.Lstm, 3, 5);
        var pytorch = ConventionRegistry.Get("ng").ToPyTorch(config, p);
        var output = RecurrentLayer.Forward(config, pytorch, NgSequence(x), NgState(a0)).Output;
        // a[4][3][6] = 0.172117767533: unit 4, example 3, t = 6
        Assert.That(output.Data[(6 * 10 + 3) * 5 + 4], Is.EqualTo(0.172117767533).Within(6e-13));
        // c[1][2][1] = -0.855544916718: the cell state after step t = 1, i.e. c_n of the first two steps
        var firstTwo = new Tensor([2, 10, 3], NgSequence(x).Data[..(2 * 10 * 3)]);
        var cn = RecurrentLayer.Forward(config, pytorch, firstTwo, NgState(a0)).CN!;
        Assert.That(cn.Data[2 * 5 + 1], Is.EqualTo(-0.855544916718).Within(6e-13));
    }

    // ---- helpers --------------------------------------------------------------------------

    /// <summary>np.linspace(start, stop, num=product of shape).reshape(shape): start + k * (stop - start) / (num - 1).</summary>
    private static Tensor Linspace(double start, double stop, params int[] shape)
    {
        int n = (int)Tensor.ElementCount(shape);
        var data = new double[n];
        double step = (stop - start) / (n - 1);
        for (int k = 0; k < n; k++) data[k] = start + k * step;
        data[n - 1] = stop;
        return new Tensor(shape, data);
    }

    /// <summary>The notebook prints 8 (or 12) decimals: agree to half a unit of the last one, plus rounding.</summary>
    private static void RequirePrinted(double[] got, double[] printed, string what)
    {
        Assert.That(got, Has.Length.EqualTo(printed.Length), what);
        for (int k = 0; k < printed.Length; k++)
            Assert.That(got[k], Is.EqualTo(printed[k]).Within(5.1e-9), $"{what}[{k}]");
    }

    /// <summary>Ng's x [n_x, m, T_x] as the oracle's time-major input [T_x, m, n_x].</summary>
    private static Tensor NgSequence(Tensor x)
    {
        int nx = x.Shape[0], m = x.Shape[1], T = x.Shape[2];
        var data = new double[T * m * nx];
        for (int i = 0; i < nx; i++)
            for (int b = 0; b < m; b++)
                for (int t = 0; t < T; t++)
                    data[(t * m + b) * nx + i] = x.Data[(i * m + b) * T + t];
        return new Tensor([T, m, nx], data);
    }

    /// <summary>Ng's a0 [n_a, m] as the oracle's h0 [1, m, n_a].</summary>
    private static Tensor NgState(Tensor a0)
    {
        int na = a0.Shape[0], m = a0.Shape[1];
        var data = new double[m * na];
        for (int j = 0; j < na; j++)
            for (int b = 0; b < m; b++)
                data[b * na + j] = a0.Data[j * m + b];
        return new Tensor([1, m, na], data);
    }
}
