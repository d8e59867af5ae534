// Figure 2, the optimizer race: "Popular optimizers (e.g., Adam, RMSProp, Lookahead) are
// variants of gradient descent"; "The optimizer is the skier!". Nine optimizers of
// Rnn.Reference.Optimizers start from the same point on three 2-D surfaces (LossSurfaces:
// Rosenbrock's ravine, a saddle, an elongated bowl); DescentPath.Run records where each goes.
// Left: the paths over contour lines of L; right: L - L* against step, log scale.
// The learning rates are stated in the legend; Spec/figures.md says what to notice.
using System.Globalization;
using Rnn.Grading.Teaching.Plot;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Training;

namespace Rnn.Grading.Teaching.Figures;

public static class OptimizerRaceFigure
{
    public const string Name = "optimizer-race";

    /// <summary>A surface to race on: where to start, how many steps, the view, the minimum's loss, the learning rates.</summary>
    public sealed record Track(
        string Title, LossSurface Surface, double[] Start, int Steps, Scale X, Scale Y, double MinimumLoss, double[] Minimum,
        double SgdRate, double AdaptiveRate, double[] Levels);

    /// <summary>One racer: its label and a fresh optimizer for a track.</summary>
    public sealed record Racer(string Label, Func<Track, IOptimizer> Create, Style Style);

    public static IReadOnlyList<Track> Tracks { get; } =
    [
        new("Rosenbrock's ravine", LossSurfaces.Rosenbrock(), [-1.5, 2.0], 1000, new Scale(-2.0, 2.0), new Scale(-1.0, 3.0), 0, [1, 1],
            SgdRate: 4e-4, AdaptiveRate: 0.02, Levels: [0.3, 1, 3, 10, 30, 100, 300, 1000]),
        new("a saddle", LossSurfaces.Saddle(), [1.6, 0.02], 150, new Scale(-2.0, 2.0), new Scale(-1.6, 1.6), -0.25, [0, 1],
            SgdRate: 0.1, AdaptiveRate: 0.05, Levels: [-0.2, -0.1, -0.02, 0.02, 0.1, 0.25, 0.5, 1, 1.5, 2]),
        new("an elongated bowl", LossSurfaces.Bowl2d(1, 25), [-4.0, 1.5], 120, new Scale(-4.5, 1.0), new Scale(-2.0, 2.0), 0, [0, 0],
            SgdRate: 0.035, AdaptiveRate: 0.1, Levels: [0.05, 0.2, 0.5, 1, 2, 4, 8, 16, 32]),
    ];

    public static IReadOnlyList<Racer> Racers { get; } =
    [
        new("SGD", t => new Sgd(new SgdOptions(t.SgdRate)), new Style(Palette.At(0))),
        new("momentum 0.9", t => new Sgd(new SgdOptions(t.SgdRate) { Momentum = 0.9 }), new Style(Palette.At(1))),
        new("Nesterov 0.9", t => new Sgd(new SgdOptions(t.SgdRate) { Momentum = 0.9, Nesterov = true }), new Style(Palette.At(2))),
        new("Lookahead (momentum)", t => new Lookahead(new Sgd(new SgdOptions(t.SgdRate) { Momentum = 0.9 }), new LookaheadOptions()), new Style(Palette.At(3))),
        new("RMSprop", t => new RmsProp(new RmsPropOptions { Lr = t.AdaptiveRate }), new Style(Palette.At(4), Dash: "7 3")),
        new("Adagrad", t => new Adagrad(new AdagradOptions { Lr = 10 * t.AdaptiveRate }), new Style(Palette.At(5), Dash: "7 3")),
        new("Adadelta (lr 1)", t => new Adadelta(new AdadeltaOptions()), new Style(Palette.At(6), Dash: "7 3")),
        new("Adam", t => new Adam(new AdamOptions { Lr = t.AdaptiveRate }), new Style(Palette.At(7), Dash: "2 3", Width: 2.4)),
        new("AdamW (wd 0.01)", t => new AdamW(new AdamWOptions { Lr = t.AdaptiveRate }), new Style(Palette.At(9), Dash: "2 3", Width: 2.4)),
    ];

    public static Figure Build()
    {
        var figure = new Figure
        {
            Name = Name,
            Title = "The optimizer race: nine variants of gradient descent from the same start",
            Subtitle = "Each row is one surface: the paths over contour lines of the loss (left) and the gap to the minimum's loss against step, " +
                       "on a log scale (right). SGD, momentum, Nesterov and Lookahead use the row's SGD rate; RMSprop, Adam and AdamW its adaptive " +
                       "rate, Adagrad ten times that; Adadelta PyTorch's default lr 1. Lookahead wraps momentum SGD with k 5, alpha 0.8.",
        };
        foreach (var track in Tracks)
        {
            var (paths, losses) = Race(track);
            figure.Panels.Add(paths);
            figure.Panels.Add(losses);
        }
        return figure;
    }

    private static (Panel Paths, Panel Losses) Race(Track track)
    {
        string rates = $"SGD rate {F(track.SgdRate)}, adaptive rate {F(track.AdaptiveRate)}";
        var paths = new Panel
        {
            Title = $"{track.Title}: paths",
            Subtitle = $"{track.Surface.Name}; start ({F(track.Start[0])}, {F(track.Start[1])}); {rates}",
            XLabel = "w1",
            YLabel = "w2",
            X = track.X,
            Y = track.Y,
            Legend = LegendPlace.None,
            Width = 470,
            Height = 340,
        };
        var losses = new Panel
        {
            Title = $"{track.Title}: L - L* against step",
            Subtitle = $"L* = {F(track.MinimumLoss)}; {track.Steps} steps",
            XLabel = "step",
            YLabel = "L(w) - L*",
            X = new Scale(0, track.Steps),
            Y = new Scale(1, 2, true),
            Legend = LegendPlace.Right,
            Width = 420,
            Height = 340,
        };
        paths.Contours.Add(Grid(track));

        var gaps = new List<double>();
        foreach (var racer in Racers)
        {
            var path = DescentPath.Run(track.Surface, track.Start, racer.Create(track), track.Steps);
            paths.Series.Add(new Series(racer.Label, path.Select(p => p.W[0]).ToArray(), path.Select(p => p.W[1]).ToArray(), racer.Style));
            var gap = path.Select(p => p.Loss - track.MinimumLoss).ToArray();
            gaps.AddRange(gap);
            losses.Series.Add(new Series(racer.Label, path.Select(p => (double)p.Step).ToArray(), gap, racer.Style));
        }
        paths.Series.Add(new Series("start", [track.Start[0]], [track.Start[1]], new Style("#000000", Line: false, Marker: Marker.Circle), InLegend: false));
        paths.Series.Add(new Series("minimum", [track.Minimum[0]], [track.Minimum[1]], new Style("#000000", Line: false, Marker: Marker.Cross), InLegend: false));
        // the log axis covers the gaps reached, down to 1e-12 at most (a racer that lands exactly leaves the picture there)
        var finite = gaps.Where(g => double.IsFinite(g) && g > 1e-12).ToList();
        losses.Y = new Scale(Math.Max(1e-12, finite.Min() / 2), finite.Max() * 2, true);
        return (paths, losses);
    }

    private static ContourSet Grid(Track track)
    {
        const int n = 121;
        var xs = new double[n];
        var ys = new double[n];
        var z = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = track.X.ValueAt(i / (n - 1.0));
            ys[i] = track.Y.ValueAt(i / (n - 1.0));
        }
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                z[j * n + i] = track.Surface.Evaluate([xs[i], ys[j]]).Loss;
        return new ContourSet(xs, ys, z, track.Levels);
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
