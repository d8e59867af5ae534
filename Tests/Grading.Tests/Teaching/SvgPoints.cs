// Reads back what an SVG figure draws: for every series (panel, series name) the pixel
// coordinates of its points, from the polylines' points and the markers' positions, in drawing
// order; and for every panel the axis mapping its group declares (data-left, data-x-min,
// data-x-log, ...), so a test can map the CSV's numbers to pixels and compare.
using System.Globalization;
using System.Xml.Linq;

namespace Rnn.Grading.Tests.Teaching;

/// <summary>A panel's declared mapping from data to pixels.</summary>
public sealed record PanelAxes(double Left, double Top, double Width, double Height, double XMin, double XMax, bool XLog, double YMin, double YMax, bool YLog)
{
    public bool Shows(double x, double y) => In(x, XMin, XMax, XLog) && In(y, YMin, YMax, YLog);

    public (double Px, double Py) ToPixel(double x, double y) =>
        (Left + Fraction(x, XMin, XMax, XLog) * Width, Top + (1 - Fraction(y, YMin, YMax, YLog)) * Height);

    private static double Fraction(double v, double min, double max, bool log) =>
        log ? (Math.Log10(v) - Math.Log10(min)) / (Math.Log10(max) - Math.Log10(min)) : (v - min) / (max - min);

    private static bool In(double v, double min, double max, bool log)
    {
        if (!double.IsFinite(v) || (log && v <= 0)) return false;
        double f = Fraction(v, min, max, log);
        return f >= -1e-9 && f <= 1 + 1e-9;
    }
}

public static class SvgPoints
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static Dictionary<string, PanelAxes> Axes(XDocument svg) =>
        Panels(svg).ToDictionary(p => (string)p.Attribute("data-panel")!, p =>
        {
            double A(string name) => double.Parse((string)p.Attribute(name)!, CultureInfo.InvariantCulture);
            return new PanelAxes(A("data-left"), A("data-top"), A("data-width"), A("data-height"),
                A("data-x-min"), A("data-x-max"), A("data-x-log") == 1, A("data-y-min"), A("data-y-max"), A("data-y-log") == 1);
        });

    /// <summary>
    /// Pixel points of every series: its markers when it has any (one per point shown), else its
    /// lines' vertices and lone dots, in drawing order.
    /// </summary>
    public static Dictionary<(string Panel, string Series), List<(double X, double Y)>> Drawn(XDocument svg)
    {
        var drawn = new Dictionary<(string, string), List<(double, double)>>();
        foreach (var panel in Panels(svg))
            foreach (var series in panel.Elements(Svg + "g").Where(g => (string?)g.Attribute("class") == "series"))
            {
                var lines = new List<(double, double)>();
                var markers = new List<(double, double)>();
                foreach (var e in series.Elements())
                {
                    if (e.Name == Svg + "polyline")
                        foreach (var pair in ((string)e.Attribute("points")!).Split(' '))
                        {
                            var xy = pair.Split(',');
                            lines.Add((P(xy[0]), P(xy[1])));
                        }
                    else if (e.Name == Svg + "circle" && (string?)e.Attribute("class") == "dot")
                        lines.Add((P((string)e.Attribute("cx")!), P((string)e.Attribute("cy")!)));
                    else if (e.Name == Svg + "circle") markers.Add((P((string)e.Attribute("cx")!), P((string)e.Attribute("cy")!)));
                    else if ((string?)e.Attribute("transform") is string t && t.StartsWith("translate(", StringComparison.Ordinal))
                    {
                        var xy = t["translate(".Length..^1].Split(',');
                        markers.Add((P(xy[0]), P(xy[1])));
                    }
                }
                drawn[((string)panel.Attribute("data-panel")!, (string)series.Attribute("data-series")!)] = markers.Count > 0 ? markers : lines;
            }
        return drawn;
    }

    /// <summary>Pixels are written with 2 decimals: equal within 0.006.</summary>
    public static bool Close((double X, double Y) a, (double X, double Y) b) => Math.Abs(a.X - b.X) <= 0.006 && Math.Abs(a.Y - b.Y) <= 0.006;

    private static IEnumerable<XElement> Panels(XDocument svg) =>
        svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "panel");

    private static double P(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
