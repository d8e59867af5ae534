// Demo: time series, CNN against RNN (95-865 "Analyzing Times Series with CNNs: ... the size of
// the filters used say how far back in time we look"; "If you need long-term memory ... use RNNs
// (not the vanilla one)"; "RNNs neatly handle time series in which there is some sort of global
// structure, so memory helps"). The signal: a noisy sine wave (short-range structure) plus a
// pulse of height +1 or -1 near the start of each window that returns, scaled by 0.8, in the value
// to forecast, T - 1 steps later (a long-range dependency). A Conv1dRegressor that reads the last
// W steps (its receptive field) forecasts the sine part but cannot see the pulse; an LstmRegressor
// reading the whole window can. Both train with Trainer.Fit and Adam on the same windows; test MSE
// of each against two baselines: predicting 0, and knowing everything but the noise.
using Rnn.Grading.Teaching.Plot;
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;
using static Rnn.Grading.Teaching.Demos.DemoText;

namespace Rnn.Grading.Teaching.Demos;

public sealed class TimeSeriesDemo : IDemo
{
    public string Name => "time-series";

    public string Summary => "a Conv1d model whose receptive field misses a long-range echo against an LSTM that catches it";

    /// <param name="T">steps in a window (the LSTM reads all of them)</param>
    /// <param name="W">steps the Conv1d model reads: the last W of the window</param>
    public sealed record Size(int Train, int Test, int T, int W, int H, int Epochs, int BatchSize, double Lr);

    public static Size DefaultSize { get; } = new(800, 200, 16, 6, 16, 40, 32, 0.02);
    public static Size SmallSize { get; } = new(300, 100, 12, 5, 8, 20, 16, 0.03);

    public const double Noise = 0.1, Echo = 0.8;

    /// <summary>Windows x [N, T], pulse sign k [N] and the value after the window y [N].</summary>
    public static (double[] X, double[] Pulse, double[] Y) Series(int N, int T, SeededRandom rng)
    {
        var x = new double[N * T];
        var k = new double[N];
        var y = new double[N];
        for (int n = 0; n < N; n++)
        {
            double phase = rng.Uniform(0, 2 * Math.PI);
            k[n] = rng.NextInt(2) == 1 ? 1 : -1;
            int at = rng.NextInt(3);                                 // the pulse at step 0, 1 or 2
            for (int t = 0; t <= T; t++)
            {
                double v = 0.6 * Math.Sin(2 * Math.PI * t / 8 + phase) + Noise * rng.NextGaussian();
                if (t == at) v += k[n];
                if (t < T) x[n * T + t] = v;
                else y[n] = v + Echo * k[n];                         // the pulse returns in the forecast value
            }
        }
        return (x, k, y);
    }

    public DemoResult Run(DemoOptions options) => Run(options, options.Small ? SmallSize : DefaultSize);

    public DemoResult Run(DemoOptions options, Size size)
    {
        var rng = new SeededRandom(options.Seed);
        var (xTrain, _, yTrain) = Series(size.Train, size.T, rng);
        var (xTest, kTest, yTest) = Series(size.Test, size.T, rng);
        var progress = options.Progress;
        progress?.WriteLine($"time-series: {size.Train} training windows of {size.T} steps, {size.Test} test windows; the Conv1d model reads the last {size.W}");

        // LSTM: the whole window, time-major [T, B, 1]
        var lstmTrain = new TensorDataSet(new Tensor([size.Train, size.T, 1], xTrain), new Tensor([size.Train, 1], yTrain), timeMajor: true);
        var lstmTest = new TensorDataSet(new Tensor([size.Test, size.T, 1], xTest), new Tensor([size.Test, 1], yTest), timeMajor: true);
        var lstm = LstmRegressor.Create(new LstmRegressorConfig(1, size.H, 1), options.Seed);
        progress?.WriteLine("LSTM over the whole window:");
        var lstmHistory = Fit(lstm, lstmTrain, lstmTest, size, options);

        // Conv1d: the last W steps, [B, 1, W]
        var cnnTrain = new TensorDataSet(LastSteps(xTrain, size.Train, size.T, size.W), new Tensor([size.Train, 1], yTrain));
        var cnnTest = new TensorDataSet(LastSteps(xTest, size.Test, size.T, size.W), new Tensor([size.Test, 1], yTest));
        var cnn = Conv1dRegressor.Create(new Conv1dRegressorConfig(1, size.W, OutChannels: 8, KernelSize: Math.Min(4, size.W - 1), PoolSize: 2, Outputs: 1), options.Seed);
        progress?.WriteLine($"Conv1d over the last {size.W} steps:");
        var cnnHistory = Fit(cnn, cnnTrain, cnnTest, size, options);

        var lstmPred = UdaPytorchUtils.ModelTransform(lstm, lstmTest, TransformOutput.Output).Data;
        var cnnPred = UdaPytorchUtils.ModelTransform(cnn, cnnTest, TransformOutput.Output).Data;
        double lstmMse = lstmHistory.Last.Validation!.Loss, cnnMse = cnnHistory.Last.Validation!.Loss;
        double zeroMse = yTest.Average(v => v * v);
        double withoutEcho = Echo * Echo + Noise * Noise;            // the best any model blind to the pulse can do
        var report = new List<string>
        {
            $"signal: 0.6 sin(2 pi t / 8 + phase) + {Noise} noise; a pulse of +-1 at step 0-2 returns as +-{Echo} in the value after the window ({size.T} steps)",
            $"test MSE: LSTM (whole window) {F(lstmMse)}, Conv1d (last {size.W} steps) {F(cnnMse)}; predicting 0: {F(zeroMse)}",
            $"a model blind to the pulse cannot beat {F(withoutEcho)} ({Echo}^2 + {Noise}^2); one that sees it, {F(Noise * Noise)} (the noise)",
        };

        var figure = new Figure
        {
            Name = "time-series",
            Title = "Time series: a CNN's receptive field against an LSTM's memory",
            Subtitle = $"The value to forecast holds an echo ({Echo} times) of a pulse {size.T - 2} to {size.T} steps earlier, on top of a noisy sine wave. " +
                       $"The Conv1d model sees only the last {size.W} steps: it forecasts the sine but not the echo. The LSTM reads the whole window " +
                       "and carries the pulse in its state.",
        };
        var curves = new Panel
        {
            Title = "test MSE after each epoch",
            XLabel = "epoch",
            YLabel = "test MSE (log scale)",
            X = new Scale(0, size.Epochs),
            Y = new Scale(1, 2, true),
            Legend = LegendPlace.Right,
            Width = 440,
            Height = 300,
        };
        var epochs = Enumerable.Range(1, size.Epochs).Select(e => (double)e).ToArray();
        curves.Series.Add(new Series($"LSTM, whole window", epochs, lstmHistory.Epochs.Select(e => e.Validation!.Loss).ToArray(), new Style(Palette.At(0), Marker: Marker.Circle)));
        curves.Series.Add(new Series($"Conv1d, last {size.W} steps", epochs, cnnHistory.Epochs.Select(e => e.Validation!.Loss).ToArray(), new Style(Palette.At(1), Marker: Marker.Square)));
        curves.Series.Add(new Series("blind to the pulse, at best", [0, size.Epochs], [withoutEcho, withoutEcho], new Style("#999999", Dash: "4 3")));
        curves.Series.Add(new Series("noise only", [0, size.Epochs], [Noise * Noise, Noise * Noise], new Style("#999999", Dash: "1 3")));
        curves.Y = Scale.Covering(curves.Series.SelectMany(s => s.Y), log: true);
        figure.Panels.Add(curves);

        var scatter = new Panel
        {
            Title = "forecast against the true value (test set)",
            Subtitle = "the two clusters are the two signs of the pulse",
            XLabel = "true value after the window",
            YLabel = "forecast",
            X = new Scale(-2.2, 2.2),
            Y = new Scale(-2.2, 2.2),
            Legend = LegendPlace.TopLeft,
            Width = 300,
            Height = 300,
        };
        scatter.Series.Add(new Series("perfect forecast", [-2.2, 2.2], [-2.2, 2.2], new Style("#999999", Dash: "4 3", Width: 1.2)));
        scatter.Series.Add(new Series("LSTM", yTest, lstmPred, new Style(Palette.At(0), Line: false, Marker: Marker.Circle)));
        scatter.Series.Add(new Series($"Conv1d", yTest, cnnPred, new Style(Palette.At(1), Line: false, Marker: Marker.Triangle)));
        figure.Panels.Add(scatter);

        // one test window, with the pulse, the truth and both forecasts
        var example = new Panel
        {
            Title = "one test window",
            Subtitle = $"pulse sign {(kTest[0] > 0 ? "+1" : "-1")}; the Conv1d model reads only the last {size.W} steps, right of the dashed line",
            XLabel = "step",
            YLabel = "value",
            X = new Scale(-0.5, size.T + 0.5),
            Y = new Scale(-2.2, 3.2),
            Legend = LegendPlace.TopCenter,
            Width = 440,
            Height = 260,
        };
        example.Series.Add(new Series($"Conv1d's window", [size.T - size.W - 0.5, size.T - size.W - 0.5], [-2.2, 3.2], new Style("#bbbbbb", Width: 1.2, Dash: "3 3")));
        example.Series.Add(new Series("input", Enumerable.Range(0, size.T).Select(t => (double)t).ToArray(), xTest[..size.T], new Style("#555555", Marker: Marker.Circle, Width: 1.4)));
        example.Series.Add(new Series("true next value", [size.T], [yTest[0]], new Style("#000000", Line: false, Marker: Marker.Cross)));
        example.Series.Add(new Series("LSTM forecast", [size.T], [lstmPred[0]], new Style(Palette.At(0), Line: false, Marker: Marker.Diamond)));
        example.Series.Add(new Series("Conv1d forecast", [size.T], [cnnPred[0]], new Style(Palette.At(1), Line: false, Marker: Marker.Triangle)));
        figure.Panels.Add(example);

        return new DemoResult(Name, [figure], report, new Dictionary<string, double>
        {
            ["lstm_test_mse"] = lstmMse,
            ["cnn_test_mse"] = cnnMse,
            ["zero_mse"] = zeroMse,
            ["blind_mse"] = withoutEcho,
            ["lstm_initial_loss"] = lstmHistory.Initial.Loss,
            ["lstm_final_loss"] = lstmHistory.Last.TrainLoss,
        });
    }

    private static TrainingHistory Fit<TCache>(IModel<Tensor, TCache> model, TensorDataSet train, TensorDataSet test, Size size, DemoOptions options)
        where TCache : IForwardResult =>
        Trainer.Fit(model, new MeanSquaredErrorLoss(), new Adam(new AdamOptions { Lr = size.Lr }), train,
            new TrainingOptions(size.Epochs, size.BatchSize) { Seed = options.Seed }, test, options.Progress);

    /// <summary>x [N, T] -> the last W steps as [N, 1, W] (Conv1d's channels-before-time layout).</summary>
    private static Tensor LastSteps(double[] x, int N, int T, int W)
    {
        var window = Tensor.Zeros(N, 1, W);
        for (int n = 0; n < N; n++) x.AsSpan(n * T + T - W, W).CopyTo(window.Data.AsSpan(n * W, W));
        return window;
    }
}
