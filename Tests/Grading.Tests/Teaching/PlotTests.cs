// The plotting module on known inputs: axis mapping and ticks, contour lines of a surface whose
// level sets are known circles, CSV quoting, and that a figure with every kind of element is
// well-formed SVG whose drawn coordinates map back to the plotted numbers.
using System.Xml.Linq;
using NUnit.Framework;
using Rnn.Grading.Teaching.Plot;

namespace Rnn.Grading.Tests.Teaching;

public sealed class PlotTests
{
    [Test]
    public void ScalesMapValuesAndPickReadableTicks()
    {
        var linear = new Scale(0, 10);
        Assert.That(linear.Fraction(2.5), Is.EqualTo(0.25));
        Assert.That(linear.Ticks(), Is.EqualTo(new double[] { 0, 2, 4, 6, 8, 10 }));
        var log = new Scale(1e-3, 1e3, true);
        Assert.That(log.Fraction(1), Is.EqualTo(0.5).Within(1e-12));
        Assert.That(log.ValueAt(0.75), Is.EqualTo(31.6227766016838).Within(1e-9));
        Assert.That(log.Ticks(), Is.EqualTo(new[] { 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000 }).Within(1e-12));
        Assert.That(log.Fraction(-1), Is.NaN, "a log scale cannot show values <= 0");
        Assert.That(Scale.Label(0.25), Is.EqualTo("0.25"));
        Assert.That(Scale.Label(1e-6), Is.EqualTo("1e-6"));
        Assert.That(Scale.Label(2.5e5), Is.EqualTo("2.5e5"));
    }

    [Test]
    public void ContoursOfACircularBowlLieOnTheirCircles()
    {
        // z = x^2 + y^2 on [-2, 2]^2: the level 1 is the unit circle, the level 2.25 the circle of radius 1.5
        int n = 81;
        var xs = Enumerable.Range(0, n).Select(i => -2 + 4.0 * i / (n - 1)).ToArray();
        var z = new double[n * n];
        for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) z[j * n + i] = xs[i] * xs[i] + xs[j] * xs[j];
        foreach (var (level, radius) in new[] { (1.0, 1.0), (2.25, 1.5) })
        {
            var segments = Contours.Trace(xs, xs, z, level);
            Assert.That(segments, Is.Not.Empty);
            foreach (var s in segments)
            {
                // linear interpolation on a grid of spacing 0.05 puts the crossings within 0.002 of the true circle
                Assert.That(Math.Sqrt(s.X0 * s.X0 + s.Y0 * s.Y0), Is.EqualTo(radius).Within(0.002));
                Assert.That(Math.Sqrt(s.X1 * s.X1 + s.Y1 * s.Y1), Is.EqualTo(radius).Within(0.002));
            }
        }
        Assert.That(Contours.Trace(xs, xs, z, 100), Is.Empty, "a level above the surface has no contour");
    }

    [Test]
    public void CsvFieldsAreQuotedOnlyWhenNeeded()
    {
        Assert.That(FigureFiles.Field("plain"), Is.EqualTo("plain"));
        Assert.That(FigureFiles.Field("a, b"), Is.EqualTo("\"a, b\""));
        Assert.That(FigureFiles.Field("say \"hi\""), Is.EqualTo("\"say \"\"hi\"\"\""));
        Assert.That(FigureFiles.Number(double.NaN), Is.EqualTo("nan"));
        Assert.That(FigureFiles.Number(0.1), Is.EqualTo("0.1"));
    }

    [Test]
    public void AFigureWithEveryElementIsWellFormedAndDrawsItsPoints()
    {
        var panel = new Panel { Title = "a <panel> & \"quotes\"", XLabel = "x", YLabel = "y", X = new Scale(0, 4), Y = new Scale(0.1, 100, true) };
        panel.Series.Add(new Series("line, with a gap", [0, 1, 2, 3, 4], [1, 10, double.NaN, 50, 1000], new Style("#000000", Marker: Marker.Square)));
        panel.Series.Add(new Series("points", [0.5, 3.5], [0.5, 5], new Style("#ff0000", Line: false, Marker: Marker.Triangle)));
        panel.Arrows.Add(new Arrow(0, 1, 1, 10, "#00ff00"));
        panel.Notes.Add(new Note(2, 2, "note < 3"));
        panel.Contours.Add(new ContourSet([0, 4], [0.1, 100], [0, 1, 1, 2], [0.5, 1.5]));
        var figure = new Figure { Name = "test", Title = "every element", Subtitle = "a caption" };
        figure.Panels.Add(panel);
        var svg = XDocument.Parse(SvgRenderer.Render(figure));
        var drawn = SvgPoints.Drawn(svg);
        var axes = SvgPoints.Axes(svg)["a <panel> & \"quotes\""];
        // the NaN and the value above the axis (1000) are not drawn; everything else is, where the axes put it
        Assert.That(drawn[("a <panel> & \"quotes\"", "line, with a gap")],
            Is.EqualTo(new[] { axes.ToPixel(0, 1), axes.ToPixel(1, 10), axes.ToPixel(3, 50) }).Using<(double, double)>(SvgPoints.Close));
        Assert.That(drawn[("a <panel> & \"quotes\"", "points")],
            Is.EqualTo(new[] { axes.ToPixel(0.5, 0.5), axes.ToPixel(3.5, 5) }).Using<(double, double)>(SvgPoints.Close));
        // hand-checked mapping: x = 1 of [0, 4] is a quarter of the way along the plot area
        Assert.That(axes.ToPixel(1, 10).Px, Is.EqualTo(axes.Left + axes.Width / 4).Within(1e-9));
    }
}
