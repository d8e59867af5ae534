// The training-curve panel every demo draws: the loss before training and after each epoch on
// the training set (as TrainingHistory records it) and on the held-out set.
using Rnn.Grading.Teaching.Plot;
using Rnn.Reference.Training;

namespace Rnn.Grading.Teaching.Demos;

public static class TrainingCurves
{
    /// <summary>Train loss per epoch (epoch 0: before any step) and held-out loss per epoch (when recorded).</summary>
    public static Panel Losses(string title, string lossName, double initialTrain, double? initialHeldOut, IReadOnlyList<EpochRecord> epochs, bool log = true)
    {
        var panel = new Panel
        {
            Title = title,
            XLabel = "epoch",
            YLabel = log ? $"{lossName} (log scale)" : lossName,
            X = new Scale(0, Math.Max(1, epochs.Count)),
            Y = new Scale(1, 2, log),
            Legend = LegendPlace.TopRight,
            Width = 440,
            Height = 300,
        };
        var x = Enumerable.Range(0, epochs.Count + 1).Select(e => (double)e).ToArray();
        var train = new[] { initialTrain }.Concat(epochs.Select(e => e.EndOfEpochTrain?.Loss ?? e.TrainLoss)).ToArray();
        panel.Series.Add(new Series("training set", x, train, new Style(Palette.At(0), Marker: Marker.Circle)));
        var all = new List<double>(train);
        if (initialHeldOut is double h0 && epochs.All(e => e.Validation is not null))
        {
            var held = new[] { h0 }.Concat(epochs.Select(e => e.Validation!.Loss)).ToArray();
            panel.Series.Add(new Series("held-out set", x, held, new Style(Palette.At(1), Marker: Marker.Square, Dash: "6 3")));
            all.AddRange(held);
        }
        panel.Y = Scale.Covering(all, log);
        return panel;
    }

    /// <summary>Held-out accuracy per epoch against a chance line.</summary>
    public static Panel Accuracy(string title, double initial, IReadOnlyList<EpochRecord> epochs, double chance, string chanceLabel)
    {
        var panel = new Panel
        {
            Title = title,
            XLabel = "epoch",
            YLabel = "held-out accuracy",
            X = new Scale(0, Math.Max(1, epochs.Count)),
            Y = new Scale(0, 1.05),
            Legend = LegendPlace.Right,
            Width = 440,
            Height = 300,
        };
        var x = Enumerable.Range(0, epochs.Count + 1).Select(e => (double)e).ToArray();
        var acc = new[] { initial }.Concat(epochs.Select(e => e.Validation!.Accuracy ?? double.NaN)).ToArray();
        panel.Series.Add(new Series("held-out accuracy", x, acc, new Style(Palette.At(2), Marker: Marker.Circle)));
        panel.Series.Add(new Series(chanceLabel, [0, Math.Max(1, epochs.Count)], [chance, chance], new Style("#999999", Dash: "4 3")));
        return panel;
    }
}
