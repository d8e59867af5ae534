// Figure 3, full-batch vs minibatch vs stochastic gradient descent (STATS 507, "Recap: Gradient
// descent": batch size N, "1 update per epoch"; batch size B; batch size 1, "N updates per
// epoch"). One problem, one seed, one initialisation, the same SGD learning rate: a Conv1d
// regressor forecasting the next value of a noisy sine wave, trained by Trainer.Fit three times,
// differing only in TrainingOptions.BatchSize. The loss on the whole training set after each
// epoch, against epochs and against the number of optimizer steps taken.
using Rnn.Grading.Teaching.Plot;
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;

namespace Rnn.Grading.Teaching.Figures;

public static class BatchSizeFigure
{
    public const string Name = "batch-size";

    public sealed record Run(string Label, int BatchSize, TrainingHistory History);

    public static IReadOnlyList<Run> Train(int N = 128, int epochs = 30, double lr = 0.05, ulong seed = 5)
    {
        const int L = 16;
        var data = NoisySineWindows(N, L, seed);
        var config = new Conv1dRegressorConfig(InChannels: 1, Length: L, OutChannels: 4, KernelSize: 4, PoolSize: 2, Outputs: 1);
        var runs = new List<Run>();
        foreach (var (label, b) in new[] { ("full batch", N), ("minibatch", 16), ("stochastic", 1) })
        {
            var model = Conv1dRegressor.Create(config, seed);        // the same initial weights every time
            var options = new TrainingOptions(epochs, b) { Seed = seed, EvaluateTrainingSetAfterEpoch = true };
            var history = Trainer.Fit(model, new MeanSquaredErrorLoss(), new Sgd(new SgdOptions(lr)), data, options);
            runs.Add(new Run($"{label} (B = {b})", b, history));
        }
        return runs;
    }

    /// <summary>Windows x [N, 1, L] of y_t = sin(2 pi t / 12 + phase) + 0.1 noise, target the value after the window [N, 1].</summary>
    public static TensorDataSet NoisySineWindows(int N, int L, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var x = Tensor.Zeros(N, 1, L);
        var y = Tensor.Zeros(N, 1);
        for (int n = 0; n < N; n++)
        {
            double phase = rng.Uniform(0, 2 * Math.PI);
            for (int t = 0; t <= L; t++)
            {
                double v = Math.Sin(2 * Math.PI * t / 12 + phase) + 0.1 * rng.NextGaussian();
                if (t < L) x.Data[n * L + t] = v;
                else y.Data[n] = v;
            }
        }
        return new TensorDataSet(x, y);
    }

    public static Figure Build(IReadOnlyList<Run> runs)
    {
        int epochs = runs[0].History.Epochs.Count;
        var byEpoch = new Panel
        {
            Title = "loss against epoch",
            Subtitle = "an epoch is one full pass through the training data",
            XLabel = "epoch",
            YLabel = "training MSE after the epoch (log scale)",
            X = new Scale(0, epochs),
            Y = new Scale(1, 2, true),
            Legend = LegendPlace.TopRight,
            Width = 440,
            Height = 320,
        };
        var bySteps = new Panel
        {
            Title = "loss against optimizer steps",
            Subtitle = "full batch: 1 step per epoch; minibatch: N/B; stochastic: N",
            XLabel = "optimizer steps taken (log scale)",
            YLabel = "training MSE (log scale)",
            X = new Scale(1, 2, true),
            Y = new Scale(1, 2, true),
            Legend = LegendPlace.TopRight,
            Width = 440,
            Height = 320,
        };
        var losses = new List<double>();
        var steps = new List<double>();
        for (int r = 0; r < runs.Count; r++)
        {
            var h = runs[r].History;
            var loss = new[] { h.Initial.Loss }.Concat(h.Epochs.Select(e => e.EndOfEpochTrain!.Loss)).ToArray();
            var epochAxis = Enumerable.Range(0, loss.Length).Select(e => (double)e).ToArray();
            var stepAxis = new double[loss.Length - 1];
            double taken = 0;
            for (int e = 0; e < h.Epochs.Count; e++) stepAxis[e] = taken += h.Epochs[e].Steps;
            var style = new Style(Palette.At(r), Marker: r == 0 ? Marker.Circle : Marker.None);
            byEpoch.Series.Add(new Series(runs[r].Label, epochAxis, loss, style));
            bySteps.Series.Add(new Series(runs[r].Label, stepAxis, loss[1..], style));
            losses.AddRange(loss);
            steps.AddRange(stepAxis);
        }
        byEpoch.Y = Scale.Covering(losses, log: true);
        bySteps.Y = byEpoch.Y;
        bySteps.X = Scale.Covering(steps, log: true);
        var figure = new Figure
        {
            Name = Name,
            Title = "Full-batch, minibatch and stochastic gradient descent",
            Subtitle = "The same Conv1d regressor, data, initial weights, seed and SGD learning rate; only the batch size differs. " +
                       "Per epoch, the small batches get much further (many more steps); per step, the full batch's exact gradient is the " +
                       "steadiest, and stochastic steps are noisy approximations of it.",
        };
        figure.Panels.Add(byEpoch);
        figure.Panels.Add(bySteps);
        return figure;
    }
}
