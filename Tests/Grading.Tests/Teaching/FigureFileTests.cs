// Every figure as a person and a program see it: its SVG is well-formed XML, the points it draws
// are the CSV's numbers (mapped through the axes the SVG declares), and rsvg-convert renders it
// to a PNG without error (Debian's librsvg2-bin; skipped with the reason on a bare machine,
// a failure in CI).
using System.Globalization;
using System.Xml.Linq;
using NUnit.Framework;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Teaching;

public sealed class FigureFileTests
{
    private static IEnumerable<TestCaseData> Names() =>
        new[] { "skier", "optimizer-race", "batch-size", "gradient-flow", "clipped-training", "clipping-rules",
                "text-generation", "sentiment", "next-word", "time-series" }
        .Select(n => new TestCaseData(n).SetArgDisplayNames(n));

    [Test]
    public void EveryFigureOfTheCatalogAndTheDemosIsChecked()
    {
        var built = SmallRun.Figures.Select(f => f.Name).Order().ToArray();
        Assert.That(built, Is.EqualTo(Names().Select(t => (string)t.Arguments[0]!).Order().ToArray()));
    }

    [TestCaseSource(nameof(Names))]
    public void SvgIsWellFormedAndDrawsExactlyTheCsvPoints(string name)
    {
        string svgPath = Path.Combine(SmallRun.Directory, name + ".svg");
        var svg = XDocument.Load(svgPath);
        Assert.That(svg.Root!.Name.LocalName, Is.EqualTo("svg"));
        var axes = SvgPoints.Axes(svg);
        var drawn = SvgPoints.Drawn(svg);
        var rows = ReadCsv(Path.Combine(SmallRun.Directory, name + ".csv"));
        Assert.That(rows, Is.Not.Empty);
        var bySeries = rows.GroupBy(r => (r.Panel, r.Series)).ToList();
        Assert.That(drawn.Keys, Is.SupersetOf(bySeries.Select(g => g.Key)), "every series of the CSV is in the SVG");
        foreach (var key in drawn.Keys.Except(bySeries.Select(g => g.Key)))
            Assert.That(drawn[key], Is.Empty, $"{key} has no row in the CSV, so it draws nothing");
        int compared = 0;
        foreach (var group in bySeries)
        {
            var a = axes[group.Key.Panel];
            var expected = group.Where(r => a.Shows(r.X, r.Y)).Select(r => a.ToPixel(r.X, r.Y)).ToList();
            Assert.That(drawn[group.Key], Is.EqualTo(expected).Using<(double, double)>(SvgPoints.Close), $"{group.Key}");
            compared += expected.Count;
        }
        Assert.That(compared, Is.GreaterThan(0));
    }

    [TestCaseSource(nameof(Names))]
    public void RsvgConvertRendersIt(string name)
    {
        string rsvg = ExternalTools.RequireRsvgConvert();
        string svg = Path.Combine(SmallRun.Directory, name + ".svg"), png = Path.Combine(SmallRun.Directory, name + ".png");
        var (code, _, err) = ExternalTools.Run(rsvg, ["-o", png, svg], TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(err.Trim(), Is.Empty, "rsvg-convert reported a problem");
        var bytes = File.ReadAllBytes(png);
        Assert.That(bytes.Take(8), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "a PNG");
        Assert.That(bytes.Length, Is.GreaterThan(5000), "a picture, not an empty page");
    }

    private sealed record Row(string Panel, string Series, int Index, double X, double Y);

    /// <summary>RFC 4180 CSV with the header panel,series,index,x,y.</summary>
    private static List<Row> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        Assert.That(lines[0], Is.EqualTo("panel,series,index,x,y"));
        var rows = new List<Row>();
        foreach (var line in lines.Skip(1))
        {
            var f = Fields(line);
            Assert.That(f, Has.Count.EqualTo(5), line);
            rows.Add(new Row(f[0], f[1], int.Parse(f[2], CultureInfo.InvariantCulture), Number(f[3]), Number(f[4])));
        }
        return rows;
    }

    private static double Number(string s) => s switch
    {
        "nan" => double.NaN,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ => double.Parse(s, CultureInfo.InvariantCulture),
    };

    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
