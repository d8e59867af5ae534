// Every figure and every demo at the small (test) size, built once for all the Teaching tests,
// their files written to one temporary folder.
using Rnn.Grading.Teaching.Demos;
using Rnn.Grading.Teaching.Figures;
using Rnn.Grading.Teaching.Plot;

namespace Rnn.Grading.Tests.Teaching;

public static class SmallRun
{
    private static readonly Lazy<(string Directory, List<Figure> Figures, Dictionary<string, DemoResult> Demos)> Built = new(Build);

    public static string Directory => Built.Value.Directory;

    /// <summary>Removes the folder, if it was built.</summary>
    public static void Remove()
    {
        if (Built.IsValueCreated) System.IO.Directory.Delete(Built.Value.Directory, recursive: true);
    }

    public static IReadOnlyList<Figure> Figures => Built.Value.Figures;

    public static IReadOnlyDictionary<string, DemoResult> Demos => Built.Value.Demos;

    private static (string, List<Figure>, Dictionary<string, DemoResult>) Build()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rnn-teaching-tests-" + Environment.ProcessId);
        System.IO.Directory.CreateDirectory(dir);
        var figures = new List<Figure>();
        foreach (var entry in FigureCatalog.All) figures.Add(entry.Build(true));
        var demos = new Dictionary<string, DemoResult>();
        foreach (var demo in DemoCatalog.All)
        {
            var result = demo.Run(new DemoOptions(Small: true, Seed: 1));
            demos[demo.Name] = result;
            figures.AddRange(result.Figures);
        }
        foreach (var f in figures) FigureFiles.Write(f, dir);
        return (dir, figures, demos);
    }
}
