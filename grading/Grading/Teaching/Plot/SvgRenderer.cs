// Draws a Figure as one standalone SVG document: the title and caption, then each panel with
// its frame, grid, ticks, axis labels, contour lines, series, arrows, notes and legend.
// Every panel's group records its axis mapping (data-* attributes), so a test can turn the
// drawn coordinates back into data values and compare them with the figure's CSV.
using System.Globalization;
using System.Text;

namespace Rnn.Grading.Teaching.Plot;

public static class SvgRenderer
{
    private const string Font = "DejaVu Sans, Liberation Sans, Arial, sans-serif";
    private const int MarginLeft = 74, MarginBottom = 52, MarginTop = 50, MarginRight = 18, Gap = 24;
    private const double CharWidth = 7.2;                        // approximate width of a 12 px character

    public static string Render(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        if (figure.Panels.Count == 0) throw new ArgumentException($"figure '{figure.Name}' has no panels", nameof(figure));
        int columns = Math.Min(figure.Columns, figure.Panels.Count);
        int rows = (figure.Panels.Count + columns - 1) / columns;
        var cellWidths = new int[columns];
        var cellHeights = new int[rows];
        for (int k = 0; k < figure.Panels.Count; k++)
        {
            var (w, h) = CellSize(figure.Panels[k]);
            cellWidths[k % columns] = Math.Max(cellWidths[k % columns], w);
            cellHeights[k / columns] = Math.Max(cellHeights[k / columns], h);
        }
        int width = cellWidths.Sum() + Gap * (columns + 1);
        var subtitle = Wrap(figure.Subtitle ?? "", (int)((width - 2 * Gap) / 7.0));
        int header = 40 + 18 * subtitle.Count;
        int height = header + cellHeights.Sum() + Gap * rows;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"{Font}\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Esc(figure.Title)}</title>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Gap}\" y=\"28\" font-size=\"18\" font-weight=\"bold\" fill=\"#222222\">{Esc(figure.Title)}</text>\n");
        for (int s = 0; s < subtitle.Count; s++)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Gap}\" y=\"{50 + 18 * s}\" font-size=\"12.5\" fill=\"#444444\">{Esc(subtitle[s])}</text>\n");

        int y0 = header;
        for (int r = 0; r < rows; r++)
        {
            int x0 = Gap;
            for (int c = 0; c < columns; c++)
            {
                int k = r * columns + c;
                if (k >= figure.Panels.Count) break;
                DrawPanel(svg, figure.Panels[k], k, x0 + MarginLeft, y0 + MarginTop);
                x0 += cellWidths[c] + Gap;
            }
            y0 += cellHeights[r] + Gap;
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Pixel x of a data value in a panel whose plot area starts at left.</summary>
    public static double PixelX(Panel p, double left, double x) => left + p.X.Fraction(x) * p.Width;

    public static double PixelY(Panel p, double top, double y) => top + (1 - p.Y.Fraction(y)) * p.Height;

    private static (int Width, int Height) CellSize(Panel p) =>
        (MarginLeft + p.Width + MarginRight + (p.Legend == LegendPlace.Right ? LegendWidth(p) + 12 : 0), MarginTop + p.Height + MarginBottom);

    private static int LegendWidth(Panel p)
    {
        int longest = p.Series.Where(s => s.InLegend).Select(s => s.Name.Length).DefaultIfEmpty(0).Max();
        return (int)(longest * CharWidth) + 44;
    }

    private static void DrawPanel(StringBuilder svg, Panel p, int index, double left, double top)
    {
        double right = left + p.Width, bottom = top + p.Height;
        string clip = $"clip{index}";
        svg.Append(CultureInfo.InvariantCulture,
            $"<g class=\"panel\" data-panel=\"{Esc(p.Title)}\" data-left=\"{F(left)}\" data-top=\"{F(top)}\" data-width=\"{p.Width}\" data-height=\"{p.Height}\" " +
            $"data-x-min=\"{R(p.X.Min)}\" data-x-max=\"{R(p.X.Max)}\" data-x-log=\"{(p.X.Log ? 1 : 0)}\" " +
            $"data-y-min=\"{R(p.Y.Min)}\" data-y-max=\"{R(p.Y.Max)}\" data-y-log=\"{(p.Y.Log ? 1 : 0)}\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<clipPath id=\"{clip}\"><rect x=\"{F(left)}\" y=\"{F(top)}\" width=\"{p.Width}\" height=\"{p.Height}\"/></clipPath>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + p.Width / 2.0)}\" y=\"{F(top - (p.Subtitle is null ? 12 : 26))}\" font-size=\"14\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#222222\">{Esc(p.Title)}</text>\n");
        if (p.Subtitle is not null)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + p.Width / 2.0)}\" y=\"{F(top - 9)}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#555555\">{Esc(p.Subtitle)}</text>\n");

        // grid and ticks
        svg.Append("<g class=\"axes\" font-size=\"12\" fill=\"#333333\">\n");
        foreach (var t in p.X.Ticks())
        {
            double px = PixelX(p, left, t);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(px)}\" y1=\"{F(top)}\" x2=\"{F(px)}\" y2=\"{F(bottom)}\" stroke=\"#eeeeee\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(px)}\" y1=\"{F(bottom)}\" x2=\"{F(px)}\" y2=\"{F(bottom + 5)}\" stroke=\"#555555\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(px)}\" y=\"{F(bottom + 18)}\" text-anchor=\"middle\">{Esc(Scale.Label(t))}</text>\n");
        }
        foreach (var t in p.Y.Ticks())
        {
            double py = PixelY(p, top, t);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(left)}\" y1=\"{F(py)}\" x2=\"{F(right)}\" y2=\"{F(py)}\" stroke=\"#eeeeee\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(left - 5)}\" y1=\"{F(py)}\" x2=\"{F(left)}\" y2=\"{F(py)}\" stroke=\"#555555\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left - 8)}\" y=\"{F(py + 4)}\" text-anchor=\"end\">{Esc(Scale.Label(t))}</text>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + p.Width / 2.0)}\" y=\"{F(bottom + 40)}\" text-anchor=\"middle\" font-size=\"13\">{Esc(p.XLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture,
            $"<text transform=\"translate({F(left - 58)},{F(top + p.Height / 2.0)}) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">{Esc(p.YLabel)}</text>\n");
        svg.Append("</g>\n");

        // contour lines, clipped to the plot area
        foreach (var set in p.Contours)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"contours\" clip-path=\"url(#{clip})\" stroke=\"{set.Color}\" stroke-width=\"1\" fill=\"none\">\n");
            foreach (var level in set.Levels)
            {
                var path = new StringBuilder();
                foreach (var s in Contours.Trace(set.X, set.Y, set.Z, level))
                    path.Append(CultureInfo.InvariantCulture,
                        $"M{F(PixelX(p, left, s.X0))},{F(PixelY(p, top, s.Y0))}L{F(PixelX(p, left, s.X1))},{F(PixelY(p, top, s.Y1))}");
                if (path.Length > 0) svg.Append(CultureInfo.InvariantCulture, $"<path data-level=\"{R(level)}\" d=\"{path}\"/>\n");
            }
            svg.Append("</g>\n");
        }

        foreach (var s in p.Series) DrawSeries(svg, p, s, left, top);

        foreach (var a in p.Arrows)
        {
            if (!p.X.Contains(a.X0) || !p.X.Contains(a.X1) || !p.Y.Contains(a.Y0) || !p.Y.Contains(a.Y1)) continue;
            double ax0 = PixelX(p, left, a.X0), ay0 = PixelY(p, top, a.Y0), ax1 = PixelX(p, left, a.X1), ay1 = PixelY(p, top, a.Y1);
            double len = Math.Sqrt((ax1 - ax0) * (ax1 - ax0) + (ay1 - ay0) * (ay1 - ay0));
            if (len < 4) continue;
            double ux = (ax1 - ax0) / len, uy = (ay1 - ay0) / len, head = Math.Min(9, len / 2);
            double hx = ax1 - head * ux, hy = ay1 - head * uy;
            svg.Append(CultureInfo.InvariantCulture,
                $"<g class=\"arrow\" stroke=\"{a.Color}\" fill=\"{a.Color}\"><line x1=\"{F(ax0)}\" y1=\"{F(ay0)}\" x2=\"{F(hx)}\" y2=\"{F(hy)}\" stroke-width=\"1.6\"/>" +
                $"<path d=\"M{F(ax1)},{F(ay1)}L{F(hx - 4 * uy)},{F(hy + 4 * ux)}L{F(hx + 4 * uy)},{F(hy - 4 * ux)}Z\" stroke=\"none\"/></g>\n");
        }

        foreach (var n in p.Notes)
        {
            if (!p.X.Contains(n.X) || !p.Y.Contains(n.Y)) continue;
            svg.Append(CultureInfo.InvariantCulture,
                $"<text class=\"note\" x=\"{F(PixelX(p, left, n.X))}\" y=\"{F(PixelY(p, top, n.Y) + n.Dy)}\" font-size=\"12\" text-anchor=\"{n.Anchor}\" fill=\"{n.Color}\">{Esc(n.Text)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(left)}\" y=\"{F(top)}\" width=\"{p.Width}\" height=\"{p.Height}\" fill=\"none\" stroke=\"#555555\"/>\n");
        DrawLegend(svg, p, left, top);
        svg.Append("</g>\n");
    }

    private static void DrawSeries(StringBuilder svg, Panel p, Series s, double left, double top)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"series\" data-series=\"{Esc(s.Name)}\">\n");
        if (s.Style.Line)
        {
            var run = new List<string>();
            void Flush()
            {
                if (run.Count >= 2)
                    svg.Append(CultureInfo.InvariantCulture,
                        $"<polyline fill=\"none\" stroke=\"{s.Style.Color}\" stroke-width=\"{F(s.Style.Width)}\"{(s.Style.Dash is null ? "" : $" stroke-dasharray=\"{s.Style.Dash}\"")} stroke-linejoin=\"round\" points=\"{string.Join(' ', run)}\"/>\n");
                else if (run.Count == 1 && s.Style.Marker == Marker.None)
                {
                    // a lone point between gaps: a dot, so the value is still drawn
                    var xy = run[0].Split(',');
                    svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"dot\" cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"{F(s.Style.Width)}\" fill=\"{s.Style.Color}\"/>\n");
                }
                run.Clear();
            }
            for (int k = 0; k < s.Count; k++)
            {
                if (p.X.Contains(s.X[k]) && p.Y.Contains(s.Y[k]))
                    run.Add($"{F(PixelX(p, left, s.X[k]))},{F(PixelY(p, top, s.Y[k]))}");
                else Flush();
            }
            Flush();
        }
        if (s.Style.Marker != Marker.None)
            for (int k = 0; k < s.Count; k++)
                if (p.X.Contains(s.X[k]) && p.Y.Contains(s.Y[k]))
                    svg.Append(MarkerAt(s.Style, PixelX(p, left, s.X[k]), PixelY(p, top, s.Y[k]))).Append('\n');
        svg.Append("</g>\n");
    }

    private static string MarkerAt(Style style, double px, double py) => style.Marker switch
    {
        Marker.Circle => $"<circle cx=\"{F(px)}\" cy=\"{F(py)}\" r=\"4\" fill=\"{style.Color}\" stroke=\"#ffffff\" stroke-width=\"0.8\"/>",
        Marker.Square => $"<path transform=\"translate({F(px)},{F(py)})\" d=\"M-3.5,-3.5H3.5V3.5H-3.5Z\" fill=\"{style.Color}\"/>",
        Marker.Triangle => $"<path transform=\"translate({F(px)},{F(py)})\" d=\"M0,-4.5L4.2,3.2H-4.2Z\" fill=\"{style.Color}\"/>",
        Marker.Diamond => $"<path transform=\"translate({F(px)},{F(py)})\" d=\"M0,-4.5L4.5,0L0,4.5L-4.5,0Z\" fill=\"{style.Color}\"/>",
        _ => $"<path transform=\"translate({F(px)},{F(py)})\" d=\"M-4,-4L4,4M-4,4L4,-4\" stroke=\"{style.Color}\" stroke-width=\"1.8\"/>",
    };

    private static void DrawLegend(StringBuilder svg, Panel p, double left, double top)
    {
        var entries = p.Series.Where(s => s.InLegend).ToList();
        if (p.Legend == LegendPlace.None || entries.Count == 0) return;
        int w = LegendWidth(p), h = 10 + 18 * entries.Count;
        double x = p.Legend switch
        {
            LegendPlace.Right => left + p.Width + 12,
            LegendPlace.TopLeft or LegendPlace.BottomLeft => left + 8,
            LegendPlace.TopCenter => left + (p.Width - w) / 2.0,
            _ => left + p.Width - w - 8,
        };
        double y = p.Legend is LegendPlace.BottomLeft or LegendPlace.BottomRight ? top + p.Height - h - 8 : top + 8;
        svg.Append(CultureInfo.InvariantCulture,
            $"<g class=\"legend\" font-size=\"12\"><rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\" fill-opacity=\"0.88\" stroke=\"#cccccc\"/>\n");
        for (int k = 0; k < entries.Count; k++)
        {
            var st = entries[k].Style;
            double ly = y + 14 + 18 * k;
            if (st.Line)
                svg.Append(CultureInfo.InvariantCulture,
                    $"<line x1=\"{F(x + 8)}\" y1=\"{F(ly)}\" x2=\"{F(x + 30)}\" y2=\"{F(ly)}\" stroke=\"{st.Color}\" stroke-width=\"{F(st.Width)}\"{(st.Dash is null ? "" : $" stroke-dasharray=\"{st.Dash}\"")}/>");
            if (st.Marker != Marker.None) svg.Append(MarkerAt(st, x + 19, ly));
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + 36)}\" y=\"{F(ly + 4)}\" fill=\"#222222\">{Esc(entries[k].Name)}</text>\n");
        }
        svg.Append("</g>\n");
    }

    /// <summary>Splits text into lines of at most width characters, at spaces.</summary>
    public static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width) { lines.Add(line.ToString()); line.Clear(); }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) lines.Add(line.ToString());
        return lines;
    }

    private static string Esc(string s) =>
        s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    /// <summary>Pixels, 2 decimals.</summary>
    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A data value, round-trip exact.</summary>
    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
