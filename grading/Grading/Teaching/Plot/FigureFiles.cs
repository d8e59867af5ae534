// Writes a figure as NAME.svg and NAME.csv (every plotted point: panel, series, index, x, y,
// in the order drawn, full double precision), and NAME-surface.csv for a figure with contour
// lines (the grid of surface values they were traced from).
using System.Globalization;
using System.Text;

namespace Rnn.Grading.Teaching.Plot;

public static class FigureFiles
{
    public const string CsvHeader = "panel,series,index,x,y";

    /// <summary>Writes the files into directory (created if missing) and returns the SVG's path.</summary>
    public static string Write(Figure figure, string directory)
    {
        Directory.CreateDirectory(directory);
        string svgPath = Path.Combine(directory, figure.Name + ".svg");
        File.WriteAllText(svgPath, SvgRenderer.Render(figure));
        File.WriteAllText(Path.Combine(directory, figure.Name + ".csv"), Csv(figure));
        if (figure.Panels.Any(p => p.Contours.Count > 0))
            File.WriteAllText(Path.Combine(directory, figure.Name + "-surface.csv"), SurfaceCsv(figure));
        return svgPath;
    }

    public static string Csv(Figure figure)
    {
        var csv = new StringBuilder(CsvHeader).Append('\n');
        foreach (var p in figure.Panels)
            foreach (var s in p.Series)
                for (int k = 0; k < s.Count; k++)
                    csv.Append(Field(p.Title)).Append(',').Append(Field(s.Name)).Append(',')
                       .Append(k.ToString(CultureInfo.InvariantCulture)).Append(',')
                       .Append(Number(s.X[k])).Append(',').Append(Number(s.Y[k])).Append('\n');
        return csv.ToString();
    }

    public static string SurfaceCsv(Figure figure)
    {
        var csv = new StringBuilder("panel,x,y,loss\n");
        foreach (var p in figure.Panels)
            foreach (var c in p.Contours)
                for (int j = 0; j < c.Y.Length; j++)
                    for (int i = 0; i < c.X.Length; i++)
                        csv.Append(Field(p.Title)).Append(',').Append(Number(c.X[i])).Append(',')
                           .Append(Number(c.Y[j])).Append(',').Append(Number(c.Z[j * c.X.Length + i])).Append('\n');
        return csv.ToString();
    }

    /// <summary>Round-trip exact; NaN and infinities as "nan", "inf", "-inf".</summary>
    public static string Number(double v) =>
        double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf"
        : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>RFC 4180 quoting when the text holds a comma, a quote or a line break.</summary>
    public static string Field(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"") + "\"";
}
