// What a figure is made of, as data: panels side by side, each with two axes and the things
// drawn on them (lines and points, arrows, text, contour lines of a 2-D surface), plus a legend.
// SvgRenderer draws it; FigureFiles writes it as SVG and as CSV of the plotted numbers.
namespace Rnn.Grading.Teaching.Plot;

public enum Marker { None, Circle, Square, Triangle, Diamond, Cross }

/// <summary>How one series looks: colour, line (or none), dash pattern, marker.</summary>
public sealed record Style(string Color, bool Line = true, string? Dash = null, Marker Marker = Marker.None, double Width = 2.0);

/// <summary>
/// Points (X[k], Y[k]) in order. A line joins consecutive points that both lie inside the
/// axes; a point outside them (or not finite) breaks the line and is not drawn.
/// </summary>
public sealed record Series(string Name, double[] X, double[] Y, Style Style, bool InLegend = true)
{
    public int Count => X.Length;
}

/// <summary>An arrow from (X0, Y0) to (X1, Y1) in data coordinates.</summary>
public sealed record Arrow(double X0, double Y0, double X1, double Y1, string Color);

/// <summary>Text at (X, Y) in data coordinates; Anchor is "start", "middle" or "end".</summary>
public sealed record Note(double X, double Y, string Text, string Color = "#333333", string Anchor = "start", double Dy = 0);

/// <summary>Contour lines of Z over the grid X[i] x Y[j] (Z[j, i] row-major by y) at the given levels.</summary>
public sealed record ContourSet(double[] X, double[] Y, double[] Z, double[] Levels, string Color = "#b8b8b8");

public enum LegendPlace { TopRight, TopLeft, TopCenter, BottomLeft, BottomRight, Right, None }

public sealed class Panel
{
    public required string Title { get; init; }
    /// <summary>A short line under the title (the outcome, the settings), or null.</summary>
    public string? Subtitle { get; set; }
    public required string XLabel { get; init; }
    public required string YLabel { get; init; }
    public required Scale X { get; set; }
    public required Scale Y { get; set; }
    public List<Series> Series { get; } = [];
    public List<Arrow> Arrows { get; } = [];
    public List<Note> Notes { get; } = [];
    public List<ContourSet> Contours { get; } = [];
    public LegendPlace Legend { get; init; } = LegendPlace.TopRight;
    /// <summary>Plot area size in pixels (the axes' labels and the legend come on top of this).</summary>
    public int Width { get; init; } = 460;
    public int Height { get; init; } = 320;
}

/// <summary>A figure: a title, a caption line under it, and panels laid out in rows of Columns.</summary>
public sealed class Figure
{
    public required string Name { get; init; }
    public required string Title { get; init; }
    public string? Subtitle { get; init; }
    public List<Panel> Panels { get; } = [];
    public int Columns { get; init; } = 2;
}

/// <summary>A colour-blind-friendly palette (Okabe and Ito's eight colours, then Tableau's).</summary>
public static class Palette
{
    public static readonly string[] Colors =
    [
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B", "#7F7F7F", "#BCBD22",
    ];

    public static string At(int k) => Colors[k % Colors.Length];
}
