// What the gallery says of each demo: the caption, the slide it illustrates and its Spec page.
namespace Rnn.Grading.Teaching.Gallery;

public sealed record DemoEntry(string Name, string Caption, string Slide, string Spec);

public static class DemoEntries
{
    public static IReadOnlyList<DemoEntry> All { get; } =
    [
        new("text-generation",
            "Cross-entropy per character falls from ln V (uniform guessing) as the LSTM learns spelling and common words. " +
            "Greedy samples fall into loops (\"the and the and\"); temperature 0.7 gives word-like variety; 1.5 is mostly noise.",
            "MATH80629 \"Sequential Data: Text generation\"; \"Language Modelling using RNNs: Test. 1. Predict One word at a time. 2. Feed the prediction back to the model\"",
            "models.md"),
        new("sentiment",
            "The held-out accuracy rises far above chance on every rule, including \"good, not bad at all\" against \"bad, not good at all\", " +
            "which have the same words: only a model that reads the order can tell them apart.",
            "95-865 \"Given text (e.g., movie review, Tweet), figure out whether it has positive or negative sentiment\"; STATS 507 \"Many to One: Sentiment Classification\", " +
            "\"Capture differences in order\"",
            "models.md"),
        new("next-word",
            "Next-word accuracy against always guessing the most frequent word. Local words (\"for a walk\", \"in the sky\") are learned first; " +
            "the mother tongue depends on a country thirteen words back, the long-range dependency of the slides.",
            "STATS 507 \"Example: predict the next word: This morning, I took my cat for a __\"; MATH80629 \"The clouds are in the ... sky\", " +
            "\"I was born in France ... my mother tongue is\"",
            "models.md"),
        new("time-series",
            "The Conv1d model only sees the last steps: it forecasts the sine wave but stays at the error of a model blind to the pulse. " +
            "The LSTM carries the pulse through its state and reaches the noise floor.",
            "95-865 \"CNNs can be used to analyze time series but inherently the size of the filters used say how far back in time we look\"; " +
            "\"If you need long-term memory ... use RNNs (not the vanilla one)\"",
            "conv1d.md"),
    ];

    public static DemoEntry For(string name) => All.First(e => e.Name == name);
}
