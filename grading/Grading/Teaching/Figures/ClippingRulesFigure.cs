// Figure 5, the clipping rules side by side on the same gradients: the gradient of an RNN
// regressor (every tensor of it: weights and biases) scaled to a range of total norms, then
// clipped by ClipGradNorm with PyTorch's rule (max_norm theta) and with the MATH80629 slide's
// rule as written (grad_norm = np.sum(grad * grad); if grad_norm > threshold: grad *= threshold
// / grad_norm), both with threshold theta. The norm after clipping, and the factor applied,
// against the norm before. Where the slide's rule departs: it triggers at sqrt(theta), not theta,
// and above that it scales the gradient to theta / ||g||, so a bigger gradient comes out smaller.
using Rnn.Grading.Teaching.Plot;
using Rnn.Reference.Clipping;
using Rnn.Reference.Models;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;

namespace Rnn.Grading.Teaching.Figures;

public static class ClippingRulesFigure
{
    public const string Name = "clipping-rules";

    public static Figure Build(double threshold = 5.0, ulong seed = 11)
    {
        var direction = SomeGradients(seed);
        double unit = GradNorm.Total(direction);
        int n = 121;
        var before = new double[n];
        var unclipped = new double[n];
        var pytorch = new double[n];
        var slide = new double[n];
        var pytorchScale = new double[n];
        var slideScale = new double[n];
        for (int k = 0; k < n; k++)
        {
            double target = Math.Pow(10, -1 + 3.0 * k / (n - 1));      // total norms 0.1 .. 100
            var g1 = Scaled(direction, target / unit);
            var g2 = Scaled(direction, target / unit);
            before[k] = GradNorm.Total(g1);
            unclipped[k] = before[k];
            pytorchScale[k] = ClipGradNorm.Clip(g1, threshold, mode: NormClipMode.PyTorch).Scales[0];
            slideScale[k] = ClipGradNorm.Clip(g2, threshold, mode: NormClipMode.SlideSquaredNorm).Scales[0];
            pytorch[k] = GradNorm.Total(g1);
            slide[k] = GradNorm.Total(g2);
        }
        var norms = new Panel
        {
            Title = "norm after clipping against norm before",
            Subtitle = $"threshold {threshold} for both rules; the same gradients, scaled",
            XLabel = "||g|| before clipping (log scale)",
            YLabel = "||g|| after clipping (log scale)",
            X = new Scale(0.1, 100, true),
            Y = new Scale(0.03, 150, true),
            Legend = LegendPlace.TopLeft,
            Width = 440,
            Height = 330,
        };
        norms.Series.Add(new Series("no clipping", before, unclipped, new Style("#999999", Dash: "4 3")));
        norms.Series.Add(new Series("PyTorch clip_grad_norm_", before, pytorch, new Style(Palette.At(0), Width: 2.6)));
        norms.Series.Add(new Series("slide: np.sum(grad * grad)", before, slide, new Style(Palette.At(1), Width: 2.6)));
        norms.Notes.Add(new Note(Math.Sqrt(threshold), 0.05, $"slide's rule starts at sqrt({threshold})", Palette.At(1), "middle"));
        norms.Notes.Add(new Note(threshold * 1.15, threshold * 1.6, $"PyTorch's at {threshold}", Palette.At(0)));

        var factors = new Panel
        {
            Title = "the factor each rule multiplies the gradient by",
            Subtitle = "PyTorch: min(1, theta / (||g|| + 1e-6)); slide: theta / ||g||^2 once ||g||^2 > theta",
            XLabel = "||g|| before clipping (log scale)",
            YLabel = "scale factor (log scale)",
            X = new Scale(0.1, 100, true),
            Y = new Scale(3e-4, 2, true),
            Legend = LegendPlace.BottomLeft,
            Width = 440,
            Height = 330,
        };
        factors.Series.Add(new Series("PyTorch clip_grad_norm_", before, pytorchScale, new Style(Palette.At(0), Width: 2.6)));
        factors.Series.Add(new Series("slide: np.sum(grad * grad)", before, slideScale, new Style(Palette.At(1), Width: 2.6)));

        var figure = new Figure
        {
            Name = Name,
            Title = "Gradient clipping: PyTorch's rule and the slide's squared-norm rule",
            Subtitle = "The MATH80629 slide computes grad_norm = np.sum(grad * grad), the squared norm, and scales by threshold / grad_norm. " +
                       "Next to the true norm (no clipping) and PyTorch's clip_grad_norm_ it clips too early (at sqrt(threshold)) and too hard: " +
                       "above that, the clipped norm is threshold / ||g||, so a larger gradient leaves smaller. Both rules from Rnn.Reference.Clipping.",
        };
        figure.Panels.Add(norms);
        figure.Panels.Add(factors);
        return figure;
    }

    /// <summary>The gradient of an LSTM regressor on a random batch: a real set of several tensors.</summary>
    private static NamedTensors SomeGradients(ulong seed)
    {
        var model = LstmRegressor.Create(new LstmRegressorConfig(2, 8, 1), seed);
        var rng = new SeededRandom(seed + 1);
        var x = rng.UniformTensor(-1, 1, 10, 4, 2);                  // [T, B, F]
        var y = rng.UniformTensor(-1, 1, 4, 1);
        var cache = model.Forward(x);
        var loss = new MeanSquaredErrorLoss().Compute(cache.Output, y);
        return model.Backward(loss.dOutput, cache);
    }

    private static NamedTensors Scaled(NamedTensors grads, double factor)
    {
        var copy = new NamedTensors();
        foreach (var (name, g) in grads)
        {
            var t = g.Clone();
            for (int i = 0; i < t.Length; i++) t.Data[i] *= factor;
            copy.Add(name, t);
        }
        return copy;
    }
}
