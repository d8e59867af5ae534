// Figure 4b, the exploding case trained with and without clipping: "Gradient clipping to scale
// big gradients" (STATS 507), "Gradient clipping: Scale gradient if its norm is too big"
// (MATH80629). A ReLU RNN regressor (LstmRegressor with the RnnRelu cell) whose W_hh starts with
// every singular value 1.8 (the exploding network of gradient-flow) learns to report the first
// value of a noisy sequence at its end; Trainer.Fit runs the same SGD with the same seed twice,
// once with TrainingOptions.Clipping = ClipNorm (PyTorch's clip_grad_norm_) and once without.
using Rnn.Grading.Teaching.Plot;
using Rnn.Reference.Clipping;
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;

namespace Rnn.Grading.Teaching.Figures;

public static class ClippedTrainingFigure
{
    public const string Name = "clipped-training";

    public sealed record Run(string Label, TrainingHistory History);

    /// <summary>The two runs: without clipping, and clipped to maxNorm (PyTorch's rule).</summary>
    public static IReadOnlyList<Run> Train(int epochs = 60, int N = 64, int T = 30, int H = 16, double lr = 0.02, double maxNorm = 1.0, ulong seed = 7)
    {
        var rng = new SeededRandom(seed);
        var x = rng.UniformTensor(-1, 1, N, T, 1);                   // [N, T, 1]
        var y = Tensor.Zeros(N, 1);                                  // [N, 1]: the first value of each sequence
        for (int n = 0; n < N; n++) y.Data[n] = x.Data[n * T];
        var data = new TensorDataSet(x, y, timeMajor: true);
        var runs = new List<Run>();
        foreach (var clip in new ClipNorm?[] { null, new ClipNorm(maxNorm) })
        {
            var model = ExplodingModel(H, seed);
            var options = new TrainingOptions(epochs, BatchSize: 16) { Seed = seed, Clipping = clip, EvaluateTrainingSetAfterEpoch = true };
            var history = Trainer.Fit(model, new MeanSquaredErrorLoss(), new Sgd(new SgdOptions(lr)), data, options);
            runs.Add(new Run(clip is null ? "no clipping" : $"clip_grad_norm_, max_norm {clip.MaxNorm}", history));
        }
        return runs;
    }

    /// <summary>A ReLU RNN regressor with W_hh = 1.8 Q (Q orthogonal) and zero recurrent biases.</summary>
    public static LstmRegressor ExplodingModel(int H, ulong seed)
    {
        var model = LstmRegressor.Create(new LstmRegressorConfig(1, H, 1, CellKind.RnnRelu), seed);
        RecurrentWeights.ScaledOrthogonal(H, 1.8, new SeededRandom(seed + 1)).Data.CopyTo(model.Parameters["rnn.weight_hh_l0"].Data, 0);
        model.Parameters["rnn.bias_ih_l0"].Data.AsSpan().Clear();
        model.Parameters["rnn.bias_hh_l0"].Data.AsSpan().Clear();
        return model;
    }

    public static Figure Build(IReadOnlyList<Run> runs)
    {
        var panel = new Panel
        {
            Title = "training loss of an exploding ReLU RNN",
            Subtitle = "the same model, data, seed and SGD; loss on the whole training set after each epoch",
            XLabel = "epoch",
            YLabel = "mean squared error (log scale)",
            X = new Scale(0, runs[0].History.Epochs.Count),
            Y = new Scale(1, 2, true),
            Legend = LegendPlace.BottomLeft,
            Width = 560,
            Height = 340,
        };
        var all = new List<double>();
        (int Run, int Epoch, string What)? diverged = null;
        for (int r = runs.Count - 1; r >= 0; r--)
        {
            var h = runs[r].History;
            var epochs = Enumerable.Range(0, h.Epochs.Count + 1).Select(e => (double)e).ToArray();
            var loss = new[] { h.Initial.Loss }.Concat(h.Epochs.Select(e => e.EndOfEpochTrain!.Loss)).ToArray();
            all.AddRange(loss);
            panel.Series.Add(new Series(runs[r].Label, epochs, loss, new Style(Palette.At(r == 0 ? 1 : 0), Marker: Marker.Circle)));
            int bad = Array.FindIndex(loss, v => !double.IsFinite(v));
            if (bad >= 0) diverged = (r, bad, double.IsNaN(loss[bad]) ? "NaN" : "infinite");
        }
        panel.Y = Scale.Covering(all, log: true);
        if (diverged is var (run, epoch, what))
            panel.Notes.Add(new Note(epoch, panel.Y.ValueAt(0.55), $"{runs[run].Label}: the loss is {what} from epoch {epoch} on", Palette.At(1)));
        var figure = new Figure
        {
            Name = Name,
            Title = "Exploding gradients, with and without clipping",
            Subtitle = "A ReLU RNN whose W_hh has every singular value 1.8 learns to repeat the first value of a sequence at its end. " +
                       "Without clipping the first big gradients throw the weights far away and the loss blows up; clipping the global norm " +
                       "of the gradient to 1 before each step (PyTorch's clip_grad_norm_) keeps the steps small and the loss falls.",
            Columns = 1,
        };
        figure.Panels.Add(panel);
        return figure;
    }
}
