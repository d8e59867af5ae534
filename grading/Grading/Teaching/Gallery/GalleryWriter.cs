// The gallery: every figure and every demo's results in one folder, with index.html showing each
// figure under its caption, the slide it illustrates (quoted) and a link to its Spec page, plus
// each demo's report and the CSV of every figure. Spec links are relative to the repository's
// Spec/ folder, found upward from the working directory or the program.
using System.Diagnostics;
using System.Net;
using System.Text;
using Rnn.Grading.Teaching.Demos;
using Rnn.Grading.Teaching.Figures;
using Rnn.Grading.Teaching.Plot;

namespace Rnn.Grading.Teaching.Gallery;

public static class GalleryWriter
{
    /// <summary>Writes every figure, runs every demo and writes index.html into directory. Returns index.html's path.</summary>
    public static string Write(string directory, bool small, ulong seed, TextWriter? progress)
    {
        Directory.CreateDirectory(directory);
        var sections = new StringBuilder();
        var contents = new List<(string Name, string Title)>();
        var clock = Stopwatch.StartNew();
        sections.Append("<h2>The slides' pictures</h2>\n");
        foreach (var entry in FigureCatalog.All)
        {
            clock.Restart();
            var figure = entry.Build(small);
            FigureFiles.Write(figure, directory);
            progress?.WriteLine($"figure {entry.Name}: {clock.Elapsed.TotalSeconds:F1} s");
            contents.Add((figure.Name, figure.Title));
            sections.Append(Card(figure, entry.Caption, entry.Slide, entry.Spec, directory, null));
        }
        sections.Append("<h2>Demos</h2>\n");
        foreach (var demo in DemoCatalog.All)
        {
            clock.Restart();
            var result = demo.Run(new DemoOptions(small, seed, null));
            var entry = DemoEntries.For(demo.Name);
            File.WriteAllLines(Path.Combine(directory, demo.Name + ".txt"), result.Report);
            foreach (var figure in result.Figures)
            {
                FigureFiles.Write(figure, directory);
                sections.Append(Card(figure, entry.Caption, entry.Slide, entry.Spec, directory, result.Report));
                contents.Add((figure.Name, "Demo: " + figure.Title));
            }
            progress?.WriteLine($"demo {demo.Name}: {clock.Elapsed.TotalSeconds:F1} s");
        }
        string index = Path.Combine(directory, "index.html");
        var toc = new StringBuilder("<ol class=\"contents\">\n");
        foreach (var (name, title) in contents) toc.Append($"<li><a href=\"#{H(name)}\">{H(title)}</a></li>\n");
        toc.Append("</ol>\n");
        File.WriteAllText(index, Page(toc + sections.ToString(), small));
        return index;
    }

    private static string Card(Figure figure, string caption, string slide, string spec, string directory, IReadOnlyList<string>? report)
    {
        var card = new StringBuilder();
        card.Append($"<section id=\"{H(figure.Name)}\">\n");
        card.Append($"<img src=\"{H(figure.Name)}.svg\" alt=\"{H(figure.Title)}\">\n");
        card.Append($"<p class=\"caption\">{H(caption)}</p>\n");
        card.Append($"<p class=\"slide\">Slide: {H(slide)}</p>\n");
        card.Append($"<p class=\"links\">Spec: {SpecLink(spec, directory)} &middot; <a href=\"{H(figure.Name)}.csv\">plotted numbers (CSV)</a>");
        if (figure.Panels.Any(p => p.Contours.Count > 0)) card.Append($" &middot; <a href=\"{H(figure.Name)}-surface.csv\">surface grid (CSV)</a>");
        if (report is not null) card.Append($" &middot; <a href=\"{H(figure.Name)}.txt\">report</a>");
        card.Append("</p>\n");
        if (report is not null) card.Append($"<pre>{H(string.Join("\n", report))}</pre>\n");
        card.Append("</section>\n");
        return card.ToString();
    }

    /// <summary>A link to Spec/page relative to the gallery folder, or the page's name when the repository is not found.</summary>
    private static string SpecLink(string page, string directory)
    {
        var spec = FindSpec();
        string label = "Spec/" + page + (page == "figures.md" ? "" : ", Spec/figures.md");
        if (spec is null) return H(label);
        string rel = Path.GetRelativePath(Path.GetFullPath(directory), spec).Replace('\\', '/');
        return $"<a href=\"{H(rel)}/{H(page)}\">Spec/{H(page)}</a>, <a href=\"{H(rel)}/figures.md\">Spec/figures.md</a>";
    }

    private static string? FindSpec()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "Spec");
                if (File.Exists(Path.Combine(candidate, "figures.md"))) return candidate;
            }
        return null;
    }

    private static string Page(string body, bool small) =>
        $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>rnn-reference: the slides' pictures and demos</title>
        <style>
          body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 24px auto; max-width: 1200px; color: #222; padding: 0 16px; }
          h1 { font-size: 24px; } h2 { font-size: 20px; margin-top: 36px; border-bottom: 1px solid #ccc; } h3 { font-size: 16px; }
          section { margin: 16px 0 40px; }
          img { max-width: 100%; height: auto; border: 1px solid #e2e2e2; }
          p.caption { font-size: 14px; line-height: 1.45; max-width: 70em; }
          p.slide { font-size: 13px; color: #555; font-style: italic; max-width: 70em; }
          p.links { font-size: 13px; }
          ol.contents { font-size: 14px; line-height: 1.6; }
          pre { background: #f6f6f6; padding: 10px; font-size: 12px; overflow-x: auto; white-space: pre-wrap; }
        </style>
        </head>
        <body>
        <h1>The slides' pictures and demos, computed by the reference</h1>
        <p>Every number in these figures comes from the library's own training mechanics (gradient descent paths, optimizers,
        training loops, back-propagation through time, clipping); each figure's numbers are in its CSV.{{(small ? " Built at the small (test) size." : "")}}
        Produced by <code>rnn-grading gallery -o DIR</code>; Spec/figures.md says how to reproduce each figure and what to notice.</p>
        {{body}}
        </body>
        </html>

        """;

    private static string H(string s) => WebUtility.HtmlEncode(s);
}
