// Figure 4, vanishing and exploding gradients: ‖∂L/∂h_t‖ against t, log scale, for a loss on
// the last step only (L = v · h_{T-1}), from RecurrentLayer's own back-propagation through time
// (Backward with recordSteps: the gradient reaching h_t at each step, Spec/bptt.md). A tanh RNN
// whose W_hh has every singular value 0.8, one with 1.3 (fed small inputs so that it stays out of
// saturation), a ReLU RNN with 1.8, an LSTM and a GRU with PyTorch's initialisation, and an
// LSTM whose forget gate starts near 1 (bias 3, as Keras's unit_forget_bias does with 1).
// "Largest singular value > 1: exploding gradients; < 1: vanishing gradients" (MATH80629).
using System.Globalization;
using Rnn.Grading.Teaching.Plot;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Teaching.Figures;

public static class GradientFlowFigure
{
    public const string Name = "gradient-flow";

    /// <summary>One network: its cell, the singular value of W_hh (null: PyTorch's initialisation), the input scale.</summary>
    public sealed record Net(string Label, CellKind Cell, double? Rho, double InputScale, Style Style, double ForgetBias = 0);

    public static IReadOnlyList<Net> Nets { get; } =
    [
        new("tanh RNN, singular values 0.8", CellKind.RnnTanh, 0.8, 1.0, new Style(Palette.At(0))),
        new("tanh RNN, singular values 1.3 (small inputs)", CellKind.RnnTanh, 1.3, 0.001, new Style(Palette.At(1))),
        new("ReLU RNN, singular values 1.8", CellKind.RnnRelu, 1.8, 1.0, new Style(Palette.At(4))),
        new("LSTM, PyTorch's initialisation", CellKind.Lstm, null, 1.0, new Style(Palette.At(2), Dash: "7 3")),
        new("LSTM, forget-gate bias 3 (f near 0.95)", CellKind.Lstm, null, 1.0, new Style(Palette.At(5), Dash: "7 3"), ForgetBias: 3),
        new("GRU, PyTorch's initialisation", CellKind.Gru, null, 1.0, new Style(Palette.At(3), Dash: "7 3")),
    ];

    public static Figure Build(int T = 60, int H = 32, int I = 4, ulong seed = 3)
    {
        var panel = new Panel
        {
            Title = "the gradient reaching h_t, for a loss on the last step",
            Subtitle = $"T = {T} steps, H = {H}, one sequence; L = v . h_(T-1) with v a random unit vector",
            XLabel = "step t",
            YLabel = "||dL/dh_t|| (log scale)",
            X = new Scale(0, T - 1),
            Y = new Scale(1, 2, true),
            Legend = LegendPlace.Right,
            Width = 560,
            Height = 360,
        };
        var all = new List<double>();
        foreach (var net in Nets)
        {
            var norms = Norms(net, T, H, I, seed);
            all.AddRange(norms);
            panel.Series.Add(new Series(net.Label, Enumerable.Range(0, T).Select(t => (double)t).ToArray(), norms, net.Style));
        }
        panel.Y = Scale.Covering(all, log: true);
        var figure = new Figure
        {
            Name = Name,
            Title = "Vanishing and exploding gradients",
            Subtitle = "Back-propagation through time multiplies one Jacobian per step. With every singular value of W_hh below 1 the gradient " +
                       "shrinks geometrically going back in time (vanishing); above 1 it can grow (exploding): the tanh RNN here is kept in its " +
                       "linear range by small inputs until late in the sequence, where it saturates and the growth stops (> 1 is necessary, not " +
                       "sufficient). An LSTM or GRU at PyTorch's initialisation (forget gate near 0.5) vanishes too; with the forget gate near 1 " +
                       "the LSTM's carry path, which has no weight matrix in it, keeps the gradient alive far longer.",
            Columns = 1,
        };
        figure.Panels.Add(panel);
        return figure;
    }

    /// <summary>‖∂L/∂h_t‖ for t = 0..T-1 of one network on one random sequence.</summary>
    public static double[] Norms(Net net, int T, int H, int I, ulong seed)
    {
        var config = new RecurrentConfig(net.Cell, I, H);
        var parameters = RecurrentParameters.Initialize(config, seed);
        var rng = new SeededRandom(seed + 1000);
        if (net.Rho is double rho)
        {
            parameters["weight_hh_l0"].Data.AsSpan().Clear();
            RecurrentWeights.ScaledOrthogonal(H, rho, rng).Data.CopyTo(parameters["weight_hh_l0"].Data, 0);
            parameters["bias_ih_l0"].Data.AsSpan().Clear();
            parameters["bias_hh_l0"].Data.AsSpan().Clear();
        }
        if (net.ForgetBias != 0)
            for (int j = H; j < 2 * H; j++) parameters["bias_ih_l0"].Data[j] = net.ForgetBias;   // the f block of i, f, g, o
        var input = rng.UniformTensor(-net.InputScale, net.InputScale, T, 1, I);       // [T, B = 1, I]
        var forward = RecurrentLayer.Forward(config, parameters, input);
        // L = v . h_(T-1): the upstream gradient is v at the last step, zero before it
        var dOutput = Tensor.Zeros(T, 1, H);
        var v = rng.UniformTensor(-1, 1, H).Data;
        double vn = Math.Sqrt(v.Sum(x => x * x));
        for (int j = 0; j < H; j++) dOutput.Data[(T - 1) * H + j] = v[j] / vn;
        var steps = RecurrentLayer.Backward(forward.Cache, dOutput, null, null, recordSteps: true).Steps![0];
        var norms = new double[T];
        for (int t = 0; t < T; t++)
        {
            double s = 0;
            for (int j = 0; j < H; j++) s += steps.dH[t * H + j] * steps.dH[t * H + j];
            norms[t] = Math.Sqrt(s);
        }
        return norms;
    }

    internal static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
