// Every figure of the slides' pictures by name, with what the gallery says of it: the caption
// (what to notice), the slide it illustrates and its Spec page. Small builds the same figure on
// a smaller problem where it trains (the tests' size).
using Rnn.Grading.Teaching.Plot;

namespace Rnn.Grading.Teaching.Figures;

/// <param name="Slide">the deck and the slide's words it illustrates</param>
/// <param name="Spec">the Spec page (file name in Spec/) that specifies what it plots</param>
public sealed record FigureEntry(string Name, string Caption, string Slide, string Spec, Func<bool, Figure> Build);

public static class FigureCatalog
{
    public static IReadOnlyList<FigureEntry> All { get; } =
    [
        new(SkierFigure.Name,
            "The skier's positions under plain gradient descent, each marked by the sign of dL/dw: the skier always moves against it. " +
            "A small step settles in the nearest valley, however good the one beyond the hill; a step too large overshoots further each time.",
            "95-865 \"Learning a Deep Net\": \"The skier wants to get to the lowest point\"; \"the skier should move in opposite direction of derivative\"; " +
            "\"we wouldn't know there's a better solution beyond the hill\"",
            "gradient-descent.md", _ => SkierFigure.Build()),
        new(OptimizerRaceFigure.Name,
            "Nine optimizers from one start on three surfaces. Momentum and Nesterov race down the ravine but overshoot across the bowl's " +
            "narrow axis; the adaptive methods (RMSprop, Adagrad, Adam) rescale each coordinate and leave the saddle fastest; Adadelta at " +
            "its default barely moves at first; Lookahead damps momentum's oscillation.",
            "95-865 \"Popular optimizers (e.g., Adam, RMSProp, Lookahead) are variants of gradient descent\"; \"The optimizer is the skier!\"; " +
            "\"we might get stuck in parts of the error landscape where the slope downwards is very gradual\"",
            "optimizers.md", _ => OptimizerRaceFigure.Build()),
        new(BatchSizeFigure.Name,
            "One problem and seed, three batch sizes. Per epoch the small batches get much further, because they take many more steps; " +
            "per step the full batch is steadiest, and the stochastic curve is the noisiest.",
            "STATS 507 \"Recap: Gradient descent\" (Full Batch: 1 update per epoch; Mini-batch; Stochastic: N updates per epoch); " +
            "95-865 \"An epoch refers to 1 full pass through all the training data\"",
            "training.md", small => BatchSizeFigure.Build(small ? BatchSizeFigure.Train(N: 48, epochs: 8) : BatchSizeFigure.Train())),
        new(GradientFlowFigure.Name,
            "The gradient reaching h_t from a loss at the last step, on a log scale. Singular values below 1 make it vanish geometrically; " +
            "above 1 it grows while the units stay unsaturated. Gated cells at PyTorch's initialisation vanish too; a forget gate near 1 keeps it.",
            "MATH80629 \"RNN Gradient Flow\": \"Largest singular value > 1: Exploding gradients; Largest singular value < 1: Vanishing gradients\"; " +
            "STATS 507 \"Problem with gradients\"",
            "bptt.md", _ => GradientFlowFigure.Build()),
        new(ClippedTrainingFigure.Name,
            "The exploding network of the previous figure, trained twice with the same seed. Without clipping the loss is NaN after the first " +
            "epoch; with PyTorch's clip_grad_norm_ it falls.",
            "STATS 507 \"Gradient clipping to scale big gradients\"; MATH80629 \"Gradient clipping: Scale gradient if its norm is too big\"",
            "clipping.md", _ => ClippedTrainingFigure.Build(ClippedTrainingFigure.Train())),
        new(ClippingRulesFigure.Name,
            "The same gradients, scaled to every norm from 0.1 to 100, clipped by PyTorch's rule and by the slide's code as written. " +
            "The slide's squared norm starts clipping at sqrt(threshold) and then shrinks big gradients most: its output falls as 1 / ||g||.",
            "MATH80629: grad_norm = np.sum(grad * grad); if grad_norm > threshold: grad *= (threshold / grad_norm)",
            "clipping.md", _ => ClippingRulesFigure.Build()),
    ];

    public static FigureEntry? Find(string name) => All.FirstOrDefault(e => e.Name == name);
}
