// Demo: sentiment, many-to-one (STATS 507 "Many to One: Sentiment Classification"; 95-865 "Given
// text (e.g., movie review, Tweet), figure out whether it has positive or negative sentiment";
// "Capture differences in order: The food was good, not bad at all. / The food was bad, not good
// at all."). Reviews are generated from a small seeded grammar in which order matters: negation
// ("was not good"), contrast ("good, not bad at all" against "bad, not good at all": the same
// words in another order) and "but" (the clause after it decides). A SequenceClassifier
// (embedding -> LSTM -> last step -> dense, two logits, softmax cross-entropy) is trained with
// UDA_pytorch_classifier_fit (UdaPytorchUtils.ClassifierFit); accuracy on a held-out split.
using Rnn.Grading.Teaching.Plot;
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;
using static Rnn.Grading.Teaching.Demos.DemoText;

namespace Rnn.Grading.Teaching.Demos;

public sealed class SentimentDemo : IDemo
{
    public string Name => "sentiment";

    public string Summary => "embedding + LSTM many-to-one classifier on generated reviews where word order decides the label";

    public sealed record Size(int Train, int HeldOut, int E, int H, int Epochs, int BatchSize, double Lr);

    public static Size DefaultSize { get; } = new(1200, 400, 12, 24, 12, 32, 0.01);
    public static Size SmallSize { get; } = new(300, 120, 8, 12, 6, 16, 0.02);

    private static readonly string[] Things = ["the food", "the movie", "the service", "the book", "the hotel", "the concert", "the coffee", "the show"];
    private static readonly string[] Good = ["good", "great", "excellent", "wonderful", "lovely"];
    private static readonly string[] Bad = ["bad", "awful", "terrible", "poor", "boring"];

    /// <summary>One generated review: its words, its label (1 positive, 0 negative) and the grammar rule that made it.</summary>
    public sealed record Review(string[] Words, int Label, string Rule);

    public static Review Generate(SeededRandom rng)
    {
        string thing = Things[rng.NextInt(Things.Length)];
        bool positive = rng.NextInt(2) == 1;
        string Adjective(bool good) => good ? Good[rng.NextInt(Good.Length)] : Bad[rng.NextInt(Bad.Length)];
        switch (rng.NextInt(4))
        {
            case 0:   // "the food was good"
                return new Review($"{thing} was {Adjective(positive)}".Split(' '), positive ? 1 : 0, "plain");
            case 1:   // "the food was not bad": negation flips
                return new Review($"{thing} was not {Adjective(!positive)}".Split(' '), positive ? 1 : 0, "not");
            case 2:   // "the food was good , not bad at all": the first adjective decides
                return new Review($"{thing} was {Adjective(positive)} , not {Adjective(!positive)} at all".Split(' '), positive ? 1 : 0, "contrast");
            default:  // "the food was bad , but the service was great": the clause after "but" decides
                string other = Things[rng.NextInt(Things.Length)];
                return new Review($"{thing} was {Adjective(!positive)} , but {other} was {Adjective(positive)}".Split(' '), positive ? 1 : 0, "but");
        }
    }

    public DemoResult Run(DemoOptions options)
    {
        var size = options.Small ? SmallSize : DefaultSize;
        var rng = new SeededRandom(options.Seed);
        var reviews = Enumerable.Range(0, size.Train + size.HeldOut).Select(_ => Generate(rng)).ToList();
        var words = reviews.SelectMany(r => r.Words).Distinct().Order(StringComparer.Ordinal).ToList();
        words.Insert(0, "<pad>");
        var id = words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i);
        TokenSequenceDataSet Set(IEnumerable<Review> rs) =>
            new(rs.Select(r => r.Words.Select(w => id[w]).ToArray()).ToList(), rs.Select(r => r.Label).ToArray(), words.Count, paddingId: 0);
        var train = Set(reviews.Take(size.Train));
        var heldReviews = reviews.Skip(size.Train).ToList();
        var heldOut = Set(heldReviews);
        options.Progress?.WriteLine($"sentiment: {size.Train} training reviews, {size.HeldOut} held out, vocabulary of {words.Count} words");

        var config = new SequenceClassifierConfig(words.Count, size.E, size.H, NumClasses: 2, Cell: CellKind.Lstm);
        var model = SequenceClassifier.Create(config, options.Seed);
        var loss = new ClassificationLoss();
        var initial = Trainer.Evaluate(model, loss, heldOut);
        var initialTrain = Trainer.Evaluate(model, loss, train);
        var history = UdaPytorchUtils.ClassifierFit(model, new Adam(new AdamOptions { Lr = size.Lr }), loss, train, heldOut,
            size.Epochs, size.BatchSize, options.Seed, progress: options.Progress);

        // held-out accuracy per rule, and the two examples of the slide
        var predicted = UdaPytorchUtils.ClassifierPredict(model, heldOut);
        var report = new List<string>
        {
            $"reviews from a grammar of 4 rules over {Things.Length} things and {Good.Length + Bad.Length} adjectives; LSTM H = {size.H}, E = {size.E}",
            $"held-out accuracy {F(history.Last.Validation!.Accuracy!.Value, "0.000")} after {size.Epochs} epochs (chance 0.5; before training {F(initial.Accuracy!.Value, "0.000")})",
        };
        foreach (var rule in new[] { "plain", "not", "contrast", "but" })
        {
            var idx = Enumerable.Range(0, heldReviews.Count).Where(i => heldReviews[i].Rule == rule).ToList();
            double acc = idx.Count == 0 ? double.NaN : idx.Count(i => predicted.Labels[i] == heldReviews[i].Label) / (double)idx.Count;
            report.Add($"  rule {rule,-8} {idx.Count,4} held-out reviews, accuracy {F(acc, "0.000")}");
        }
        foreach (var sentence in new[] { "the food was good , not bad at all", "the food was bad , not good at all" })
        {
            var tokens = sentence.Split(' ');
            if (!tokens.All(id.ContainsKey)) continue;
            var one = new TokenSequenceDataSet([tokens.Select(w => id[w]).ToArray()], null, words.Count, paddingId: 0);
            double p = UdaPytorchUtils.ClassifierPredict(model, one).Probabilities.Data[1];
            report.Add($"  \"{sentence}\": P(positive) = {F(p, "0.000")}");
        }

        var figure = new Figure
        {
            Name = "sentiment",
            Title = "Sentiment: many-to-one classification with an embedding and an LSTM",
            Subtitle = "Generated reviews in which order decides: \"was not good\", \"good, not bad at all\" against \"bad, not good at all\" " +
                       "(the same words), and \"..., but the service was great\". The LSTM reads the words in order; its state at the last word feeds " +
                       "a dense layer with two logits. Accuracy on held-out reviews against chance.",
        };
        figure.Panels.Add(TrainingCurves.Losses("cross-entropy", "cross-entropy", initialTrain.Loss, initial.Loss, history.Epochs));
        figure.Panels.Add(TrainingCurves.Accuracy("held-out accuracy", initial.Accuracy!.Value, history.Epochs, 0.5, "chance (0.5)"));
        return new DemoResult(Name, [figure], report, new Dictionary<string, double>
        {
            ["initial_loss"] = initialTrain.Loss,
            ["final_loss"] = history.Last.EndOfEpochTrain!.Loss,
            ["test_accuracy"] = history.Last.Validation!.Accuracy!.Value,
            ["chance"] = 0.5,
        });
    }
}
