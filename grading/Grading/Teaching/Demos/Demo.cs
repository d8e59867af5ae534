// What every demo shares: its options (size, seed, where progress goes), its result (figures,
// a text report, named numbers a test can check) and the catalog of demos by name.
using System.Globalization;
using Rnn.Grading.Teaching.Plot;

namespace Rnn.Grading.Teaching.Demos;

/// <param name="Small">the test size: a few seconds, still enough to show learning</param>
/// <param name="Seed">every random draw of the demo comes from SeededRandom(Seed) or seeds derived from it</param>
/// <param name="Progress">one line per epoch (and samples as training goes); null: silent</param>
public sealed record DemoOptions(bool Small = false, ulong Seed = 1, TextWriter? Progress = null);

/// <summary>
/// A demo's outcome. Report: the lines it printed as its summary. Metrics: numbers by name
/// (initial_loss, final_loss, test_accuracy, chance, ...) so a test can check that it learned.
/// </summary>
public sealed record DemoResult(string Name, IReadOnlyList<Figure> Figures, IReadOnlyList<string> Report, IReadOnlyDictionary<string, double> Metrics);

public interface IDemo
{
    string Name { get; }

    /// <summary>One line: what it trains on what, and the slide it illustrates.</summary>
    string Summary { get; }

    DemoResult Run(DemoOptions options);
}

public static class DemoCatalog
{
    public static IReadOnlyList<IDemo> All { get; } =
    [
        new TextGenerationDemo(),
        new SentimentDemo(),
        new NextWordDemo(),
        new TimeSeriesDemo(),
    ];

    public static IDemo? Find(string name) => All.FirstOrDefault(d => d.Name == name);
}

internal static class DemoText
{
    public static string F(double v, string format = "0.####") => v.ToString(format, CultureInfo.InvariantCulture);
}
