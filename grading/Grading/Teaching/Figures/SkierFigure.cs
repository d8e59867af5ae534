// Figure 1, the skier of "Learning a Deep Net": a 1-D loss curve L(w) and the skier's
// successive positions under gradient descent (DescentPath.Run, the slide's rule
// "new weight = weight - learning rate * gradient"), each marked by the sign of dL/dw there,
// with an arrow to where the step takes it. On the slides' hill a small learning rate settles in
// the nearer valley ("we wouldn't know there's a better solution beyond the hill") and a larger
// one happens to jump it; on a bowl a small rate settles and one too large (lr * a > 2)
// overshoots further each step and diverges. Spec/figures.md.
using System.Globalization;
using Rnn.Grading.Teaching.Plot;
using Rnn.Reference.Training;

namespace Rnn.Grading.Teaching.Figures;

public static class SkierFigure
{
    public const string Name = "skier";

    /// <summary>Four panels: the slides' hill and a bowl, each with a small and a too-large learning rate.</summary>
    public static Figure Build()
    {
        var figure = new Figure
        {
            Name = Name,
            Title = "The skier: gradient descent on a 1-D loss",
            Subtitle = "Each marker is the skier's position w_k after k steps of w <- w - lr * dL/dw, shaped by the sign of the derivative there; " +
                       "the skier moves opposite to it (arrows). With a small learning rate the skier settles in the nearer valley and never sees " +
                       "the better solution beyond the hill; with one too large every step overshoots further than the last and the skier diverges.",
        };
        var hill = LossSurfaces.HillThenBetterSolution(0.3);
        var bowl = LossSurfaces.Bowl(1.0, 0.0);
        var hillView = new View("L(w) = (w^2 - 1)^2 - 0.3 w", new Scale(-2.0, 2.0), new Scale(-1.0, 4.5), LegendPlace.TopCenter);
        var bowlView = new View("L(w) = w^2 / 2", new Scale(-4.0, 4.0), new Scale(-0.5, 10.0), LegendPlace.TopCenter);
        figure.Panels.Add(Panel(hill, hillView, -1.7, 0.02, 20, "hill, learning rate 0.02: settles in the nearer valley"));
        figure.Panels.Add(Panel(hill, hillView, -1.7, 0.2, 12, "hill, learning rate 0.2: jumps the hill (by luck)"));
        figure.Panels.Add(Panel(bowl, bowlView, 3.5, 0.3, 12, "bowl, learning rate 0.3: settles"));
        figure.Panels.Add(Panel(bowl, bowlView, 0.8, 2.15, 14, "bowl, learning rate 2.15: each step overshoots more"));
        return figure;
    }

    private sealed record View(string CurveName, Scale X, Scale Y, LegendPlace Legend);

    private static Panel Panel(LossSurface surface, View view, double start, double rate, int steps, string title)
    {
        var panel = new Panel
        {
            Title = title,
            XLabel = "w (the one parameter)",
            YLabel = "loss L(w)",
            X = view.X,
            Y = view.Y,
            Legend = view.Legend,
            Width = 440,
            Height = 290,
        };
        // the curve, sampled on a grid
        int n = 241;
        var cw = new double[n];
        var cl = new double[n];
        for (int i = 0; i < n; i++)
        {
            cw[i] = view.X.Min + (view.X.Max - view.X.Min) * i / (n - 1);
            cl[i] = surface.Evaluate([cw[i]]).Loss;
        }
        panel.Series.Add(new Series(view.CurveName, cw, cl, new Style("#555555", Width: 2.2)));

        var path = DescentPath.Run(surface, [start], rate, steps);
        var negW = new List<double>();
        var negL = new List<double>();
        var posW = new List<double>();
        var posL = new List<double>();
        foreach (var p in path)
        {
            bool negative = p.dW[0] < 0;
            (negative ? negW : posW).Add(p.W[0]);
            (negative ? negL : posL).Add(p.Loss);
        }
        panel.Series.Add(new Series("dL/dw < 0: moves right", [.. negW], [.. negL], new Style(Palette.At(0), Line: false, Marker: Marker.Triangle)));
        panel.Series.Add(new Series("dL/dw > 0: moves left", [.. posW], [.. posL], new Style(Palette.At(1), Line: false, Marker: Marker.Diamond)));
        for (int k = 0; k + 1 < path.Count; k++)
            panel.Arrows.Add(new Arrow(path[k].W[0], path[k].Loss, path[k + 1].W[0], path[k + 1].Loss, "#8a8a8a"));
        panel.Notes.Add(new Note(path[0].W[0], path[0].Loss, "start", Anchor: "middle", Dy: -10));

        // the outcome, under the panel's title
        int gone = path.ToList().FindIndex(p => !panel.X.Contains(p.W[0]) || !panel.Y.Contains(p.Loss));
        panel.Subtitle = gone >= 0
            ? $"start w = {F(start)}; at step {gone} w = {Scale.Label(path[gone].W[0])}, off the picture"
            : $"start w = {F(start)}; after {steps} steps w = {F(path[^1].W[0])}, L = {F(path[^1].Loss)}";
        return panel;
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
