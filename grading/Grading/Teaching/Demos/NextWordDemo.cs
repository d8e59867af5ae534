// Demo: predict the next word (STATS 507 "Example: predict the next word. This morning, I took my
// cat for a __ walk"; MATH80629 "The clouds are in the ... sky" and "I was born in France ...
// my mother tongue is: ..."). A stream of sentences from a small seeded grammar, some of whose
// words are decided by a word far back (the country decides the language), is cut into windows;
// a NextTokenModel (embedding -> LSTM -> dense -> softmax at every step) learns to predict each
// next word with Trainer.Fit. Each training window starts at a sentence (from the zero state, as
// the prompts do) and runs on into the next sentence. Accuracy on a held-out stream against the best constant guess
// (the most frequent word), and the model's top guesses after the slides' prompts.
using Rnn.Grading.Teaching.Plot;
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;
using static Rnn.Grading.Teaching.Demos.DemoText;

namespace Rnn.Grading.Teaching.Demos;

public sealed class NextWordDemo : IDemo
{
    public string Name => "next-word";

    public string Summary => "embedding + LSTM + softmax predicting the next word of generated sentences, including a long-range one";

    public sealed record Size(int Sentences, int T, int E, int H, int Epochs, int BatchSize, double Lr);

    public static Size DefaultSize { get; } = new(1500, 20, 16, 32, 15, 32, 0.01);
    public static Size SmallSize { get; } = new(300, 20, 8, 24, 6, 16, 0.02);

    private static readonly string[] Pets = ["cat", "dog"];
    private static readonly (string Country, string Language)[] Countries = [("france", "french"), ("italy", "italian"), ("spain", "spanish"), ("germany", "german")];
    private static readonly string[] Rooms = ["kitchen", "garden", "hall"];

    public static IEnumerable<string> Sentence(SeededRandom rng)
    {
        // half the sentences carry the long-range dependency, so it weighs in the loss as much as the rest
        switch (rng.NextInt(6))
        {
            case 0:
                return $"this morning i took my {Pets[rng.NextInt(2)]} for a walk .".Split(' ');
            case 1:
                return "the clouds are in the sky .".Split(' ');
            case 2:
            case 3:
            case 4:
                var (country, language) = Countries[rng.NextInt(Countries.Length)];
                var (other, _) = Countries[rng.NextInt(Countries.Length)];
                return $"i was born in {country} but i have been working in {other} so my mother tongue is {language} .".Split(' ');
            default:
                return $"the {Pets[rng.NextInt(2)]} is sleeping in the {Rooms[rng.NextInt(Rooms.Length)]} .".Split(' ');
        }
    }

    public DemoResult Run(DemoOptions options)
    {
        var size = options.Small ? SmallSize : DefaultSize;
        var rng = new SeededRandom(options.Seed);
        var sentences = Enumerable.Range(0, size.Sentences).Select(_ => Sentence(rng).ToArray()).ToList();
        var stream = sentences.SelectMany(w => w).ToList();
        var starts = new List<int>();                                // where each sentence begins in the stream
        for (int k = 0, at = 0; k < sentences.Count; at += sentences[k].Length, k++) starts.Add(at);
        var vocabulary = stream.Distinct().Order(StringComparer.Ordinal).ToList();
        var id = vocabulary.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i);
        var ids = stream.Select(w => id[w]).ToArray();
        int V = vocabulary.Count, split = ids.Length * 4 / 5;
        var train = Windows(ids, starts.Where(a => a + size.T < split).ToList(), size.T, V);
        var heldOut = Windows(ids, starts.Where(a => a >= split && a + size.T < ids.Length).ToList(), size.T, V);
        options.Progress?.WriteLine($"next-word: {ids.Length} words, vocabulary of {V}, {train.Count} training windows of {size.T + 1}, {heldOut.Count} held out");

        // the best constant guess: the most frequent word of the training stream
        var counts = new int[V];
        foreach (var w in ids[..split]) counts[w]++;
        int mostFrequent = Array.IndexOf(counts, counts.Max());
        double constant = ids[split..].Count(w => w == mostFrequent) / (double)(ids.Length - split);

        var model = NextTokenModel.Create(new NextTokenModelConfig(V, size.E, size.H, CellKind.Lstm), options.Seed);
        var loss = new ClassificationLoss();
        var initialTrain = Trainer.Evaluate(model, loss, train);
        var initialHeld = Trainer.Evaluate(model, loss, heldOut);
        var history = Trainer.Fit(model, loss, new Adam(new AdamOptions { Lr = size.Lr }), train,
            new TrainingOptions(size.Epochs, size.BatchSize) { Seed = options.Seed, EvaluateTrainingSetAfterEpoch = true }, heldOut, options.Progress);

        string[] prompts =
        [
            "this morning i took my cat for a",
            "the clouds are in the",
            "i was born in france but i have been working in spain so my mother tongue is",
            "i was born in italy but i have been working in germany so my mother tongue is",
        ];
        double accuracy = history.Last.Validation!.Accuracy!.Value;
        var report = new List<string>
        {
            $"{size.Sentences} generated sentences, vocabulary of {V} words; LSTM H = {size.H}, E = {size.E}, windows of {size.T + 1} words",
            $"held-out next-word accuracy {F(accuracy, "0.000")} (always guessing \"{vocabulary[mostFrequent]}\": {F(constant, "0.000")}; " +
            $"chance 1/{V} = {F(1.0 / V, "0.000")})",
            "top guesses after the slides' prompts:",
        };
        var figure = new Figure
        {
            Name = "next-word",
            Title = "Predicting the next word: embedding, LSTM, softmax",
            Subtitle = "Trained on a stream of generated sentences (\"this morning i took my cat for a walk\", \"the clouds are in the sky\", " +
                       "\"i was born in france but ... my mother tongue is french\"): the language is decided by a word thirteen steps back. " +
                       "Bottom: the model's probabilities for the next word after two prompts.",
        };
        figure.Panels.Add(TrainingCurves.Losses("cross-entropy per word", "cross-entropy", initialTrain.Loss, initialHeld.Loss, history.Epochs));
        figure.Panels.Add(TrainingCurves.Accuracy("held-out next-word accuracy", initialHeld.Accuracy!.Value, history.Epochs, constant,
            $"always \"{vocabulary[mostFrequent]}\" ({F(constant, "0.00")})"));
        for (int k = 0; k < prompts.Length; k++)
        {
            var words = prompts[k].Split(' ');
            var cache = model.Forward(new TokenBatch(words.Select(w => id[w]).ToArray(), words.Length, 1));
            var p = TokenSampling.Probabilities(cache.Logits.Data.AsSpan(cache.Logits.Length - V, V), 1.0);
            var top = Enumerable.Range(0, V).OrderByDescending(v => p[v]).Take(5).ToArray();
            report.Add($"  \"{prompts[k]} ...\": " + string.Join(", ", top.Select(v => $"{vocabulary[v]} {F(p[v], "0.00")}")));
            if (k >= 2) figure.Panels.Add(Guesses($"born in {words[4]}, working in {words[11]}: \"... mother tongue is\"", top, p, vocabulary));
        }
        return new DemoResult(Name, [figure], report, new Dictionary<string, double>
        {
            ["initial_loss"] = initialTrain.Loss,
            ["final_loss"] = history.Last.EndOfEpochTrain!.Loss,
            ["test_accuracy"] = accuracy,
            ["constant_guess_accuracy"] = constant,
            ["chance"] = 1.0 / V,
        });
    }

    private static Panel Guesses(string title, int[] top, double[] p, List<string> vocabulary)
    {
        var panel = new Panel
        {
            Title = title,
            Subtitle = "the five most probable next words",
            XLabel = "rank",
            YLabel = "P(next word)",
            X = new Scale(0.5, top.Length + 0.5),
            Y = new Scale(0, 1.1),
            Legend = LegendPlace.None,
            Width = 440,
            Height = 260,
        };
        var x = Enumerable.Range(1, top.Length).Select(r => (double)r).ToArray();
        var y = top.Select(v => p[v]).ToArray();
        for (int r = 0; r < top.Length; r++)
        {
            panel.Series.Add(new Series($"stem {r + 1}", [x[r], x[r]], [0, y[r]], new Style("#9bbcd8", Width: 6), InLegend: false));
            panel.Notes.Add(new Note(x[r], y[r], vocabulary[top[r]], "#222222", "middle", -10));
        }
        panel.Series.Add(new Series("P(next word)", x, y, new Style(Palette.At(0), Line: false, Marker: Marker.Circle)));
        return panel;
    }

    /// <summary>One window of T + 1 words from each sentence start: the sentence, then the start of the next.</summary>
    private static NextTokenDataSet Windows(int[] ids, List<int> starts, int T, int V) =>
        new(starts.Select(a => ids[a..(a + T + 1)]).ToList(), V);
}
