// Demo: text generation with a character-level LSTM (MATH80629's "Sequential Data: Text
// generation"; "Language Modelling using RNNs: Training. Given previous words, predict the next
// word. Test. Predict one word at a time, feed the prediction back to the model"), here one
// character at a time. The bundled public-domain text (Teaching/Demos/Data/README.md) is cut into
// windows of T + 1 characters; a NextTokenModel (embedding, LSTM, dense at every step) learns to
// predict each next character with Trainer.Fit and Adam; after every epoch it writes a greedy
// sample and one at temperature 0.7 (TokenSampling.Generate). The last tenth of the text is held out.
using Rnn.Grading.Teaching.Plot;
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;
using static Rnn.Grading.Teaching.Demos.DemoText;

namespace Rnn.Grading.Teaching.Demos;

public sealed class TextGenerationDemo : IDemo
{
    public const string TextFile = "pride-and-prejudice-1-6.txt";

    public string Name => "text-generation";

    public string Summary => "character-level LSTM on chapters 1-6 of Pride and Prejudice; greedy and temperature samples as it trains";

    /// <summary>Sizes: characters of text used, window length T, hidden size H, epochs.</summary>
    public sealed record Size(int Characters, int T, int E, int H, int Epochs, int BatchSize, double Lr, int SampleLength);

    public static Size DefaultSize { get; } = new(int.MaxValue, 48, 16, 64, 6, 32, 0.01, 160);
    public static Size SmallSize { get; } = new(6000, 24, 8, 24, 3, 16, 0.02, 60);

    /// <summary>The bundled text, a resource inside the program (Teaching/Demos/Data/README.md says where it came from).</summary>
    public static string BundledText()
    {
        using var stream = typeof(TextGenerationDemo).Assembly.GetManifestResourceStream("Rnn.Grading.Teaching.Data." + TextFile)
            ?? throw new InvalidOperationException($"the program was built without its resource {TextFile}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public DemoResult Run(DemoOptions options) => Run(options, BundledText(), options.Small ? SmallSize : DefaultSize);

    public DemoResult Run(DemoOptions options, string text, Size size)
    {
        text = text.Replace("\r\n", "\n");
        if (text.Length > size.Characters) text = text[..size.Characters];
        var vocabulary = text.Distinct().Order().ToArray();
        var index = vocabulary.Select((ch, i) => (ch, i)).ToDictionary(p => p.ch, p => p.i);
        var ids = text.Select(ch => index[ch]).ToArray();
        int V = vocabulary.Length;
        int split = ids.Length * 9 / 10;
        var train = Windows(ids[..split], size.T, V);
        var heldOut = Windows(ids[split..], size.T, V);
        var progress = options.Progress;
        progress?.WriteLine($"text-generation: {text.Length} characters, vocabulary of {V}, {train.Count} training windows of {size.T + 1}, {heldOut.Count} held out");

        var model = NextTokenModel.Create(new NextTokenModelConfig(V, size.E, size.H, CellKind.Lstm), options.Seed);
        var optimizer = new Adam(new AdamOptions { Lr = size.Lr });
        var loss = new ClassificationLoss();
        var initialTrain = Trainer.Evaluate(model, loss, train);
        var initialHeld = Trainer.Evaluate(model, loss, heldOut);
        var epochs = new List<EpochRecord>();
        var samples = new List<string>();
        string prompt = "It is a truth";
        var promptIds = prompt.Where(index.ContainsKey).Select(ch => index[ch]).ToArray();
        var rng = new SeededRandom(options.Seed + 99);
        for (int epoch = 1; epoch <= size.Epochs; epoch++)
        {
            // one epoch of minibatch training with its own shuffled order, then the held-out loss
            var fitted = Trainer.Fit(model, loss, optimizer, train,
                new TrainingOptions(1, size.BatchSize) { Seed = options.Seed + (ulong)epoch, EvaluateTrainingSetAfterEpoch = true }, heldOut);
            var record = fitted.Last with { Epoch = epoch };
            epochs.Add(record);
            progress?.WriteLine(record.ProgressLine(size.Epochs, loss.Name));
            string greedy = Decode(vocabulary, TokenSampling.Generate(model, promptIds, size.SampleLength, null));
            string warm = Decode(vocabulary, TokenSampling.Generate(model, promptIds, size.SampleLength, 0.7, rng));
            samples.Clear();
            samples.Add($"greedy:          {prompt}{greedy}");
            samples.Add($"temperature 0.7: {prompt}{warm}");
            foreach (var s in samples) progress?.WriteLine("  " + s.Replace("\n", " / "));
        }
        string hot = Decode(vocabulary, TokenSampling.Generate(model, promptIds, size.SampleLength, 1.5, rng));
        samples.Add($"temperature 1.5: {prompt}{hot}");

        double final = epochs[^1].EndOfEpochTrain!.Loss, held = epochs[^1].Validation!.Loss;
        var report = new List<string>
        {
            $"text: {text.Length} characters of {TextFile}, vocabulary of {V} characters; LSTM H = {size.H}, E = {size.E}, windows of {size.T + 1}",
            $"cross-entropy per character: {F(initialTrain.Loss)} before training (uniform guessing: ln {V} = {F(Math.Log(V))}), " +
            $"{F(final)} after {size.Epochs} epochs; held out {F(held)}",
            "samples after the last epoch (newlines shown as /):",
        };
        report.AddRange(samples.Select(s => "  " + s.Replace("\n", " / ")));

        var curves = TrainingCurves.Losses("cross-entropy per character", "cross-entropy", initialTrain.Loss, initialHeld.Loss, epochs);
        curves.Subtitle = $"uniform guessing: ln {V} = {F(Math.Log(V), "0.00")}";
        // the best constant guess on the held-out text: its most frequent character
        var heldIds = ids[split..];
        int common = heldIds.GroupBy(v => v).OrderByDescending(g => g.Count()).First().Key;
        double constant = heldIds.Count(v => v == common) / (double)heldIds.Length;
        string shown = vocabulary[common] == ' ' ? "space" : vocabulary[common] == '\n' ? "newline" : vocabulary[common].ToString();
        var accuracy = TrainingCurves.Accuracy("held-out next-character accuracy", initialHeld.Accuracy ?? 0, epochs, constant,
            $"always {shown} ({F(constant, "0.00")})");
        var figure = new Figure
        {
            Name = "text-generation",
            Title = "Text generation: a character-level LSTM",
            Subtitle = $"Trained on chapters 1-6 of Pride and Prejudice (public domain) to predict each next character; samples in the report. " +
                       $"Greedy decoding soon repeats itself; sampling at a temperature trades correctness for variety.",
        };
        figure.Panels.Add(curves);
        figure.Panels.Add(accuracy);
        return new DemoResult(Name, [figure], report, new Dictionary<string, double>
        {
            ["initial_loss"] = initialTrain.Loss,
            ["final_loss"] = final,
            ["heldout_loss"] = held,
            ["uniform_loss"] = Math.Log(V),
        });
    }

    /// <summary>Consecutive windows of T + 1 ids, T apart (each target is the next character).</summary>
    private static NextTokenDataSet Windows(int[] ids, int T, int V)
    {
        var windows = new List<int[]>();
        for (int start = 0; start + T + 1 <= ids.Length; start += T) windows.Add(ids[start..(start + T + 1)]);
        return new NextTokenDataSet(windows, V);
    }

    private static string Decode(char[] vocabulary, int[] ids) => new(ids.Select(i => vocabulary[i]).ToArray());
}
