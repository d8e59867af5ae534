// The skier of "Learning a Deep Net": "The skier wants to get to the lowest point"; "In general:
// the skier should move in *opposite* direction of derivative"; "In higher dimensions, this is
// called gradient descent"; "The optimizer is the skier!". This file runs any optimizer on a
// loss surface and records where it went: at every step the position w, the loss L(w) and the
// derivative dL/dw that told it which way to move. Spec/gradient-descent.md.
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Training;

/// <summary>The skier at one step: position w, loss L(w), gradient dW = dL/dw (copies).</summary>
public sealed record DescentPoint(int Step, double[] W, double Loss, double[] dW);

/// <summary>The skier: any optimizer run on a loss surface, recording the position, loss and derivative at every step (Spec/gradient-descent.md).</summary>
public static class DescentPath
{
    /// <summary>The name the parameter vector has in the NamedTensors handed to the optimizer.</summary>
    public const string ParameterName = "w";

    /// <summary>
    /// Plain gradient descent, the slide's rule "new weight = weight - learning rate * gradient"
    /// (Sgd with its defaults). learningRate must be > 0.
    /// </summary>
    public static IReadOnlyList<DescentPoint> Run(LossSurface surface, double[] start, double learningRate, int steps)
    {
        if (!(double.IsFinite(learningRate) && learningRate > 0))
            throw new ArgumentException($"learningRate must be a finite number > 0 but is {learningRate}", nameof(learningRate));
        return Run(surface, start, new Sgd(new SgdOptions(learningRate)), steps);
    }

    /// <summary>
    /// steps optimizer steps from start. Returns steps + 1 points: point k is where the skier
    /// stands before step k (point 0 is the start, point `steps` the final position), each with
    /// the loss there and the derivative step k follows.
    /// </summary>
    public static IReadOnlyList<DescentPoint> Run(LossSurface surface, double[] start, IOptimizer optimizer, int steps)
    {
        ArgumentNullException.ThrowIfNull(surface);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(optimizer);
        Require.Positive(steps, nameof(steps));
        if (start.Length != surface.Dimension)
            throw new ArgumentException(
                $"start has {start.Length} values but the surface '{surface.Name}' has {surface.Dimension} parameters", nameof(start));

        var w = new Tensor([start.Length], (double[])start.Clone());          // w[P]
        var parameters = new NamedTensors { { ParameterName, w } };
        var path = new List<DescentPoint>(steps + 1);
        for (int k = 0; ; k++)
        {
            var at = Evaluate(surface, w.Data);
            path.Add(new DescentPoint(k, (double[])w.Data.Clone(), at.Loss, (double[])at.dW.Clone()));
            if (k == steps) return path;
            // "The skier should move in the opposite direction of the derivative": the optimizer takes the step
            var grads = new NamedTensors { { ParameterName, new Tensor([w.Length], (double[])at.dW.Clone()) } };
            optimizer.Step(parameters, grads);
        }
    }

    private static LossAndGradient Evaluate(LossSurface surface, double[] w)
    {
        var at = surface.Evaluate(w);
        if (at is null || at.dW is null || at.dW.Length != surface.Dimension)
            throw new ArgumentException(
                $"the surface '{surface.Name}' returned a gradient of {at?.dW?.Length.ToString() ?? "null"} values but has {surface.Dimension} parameters",
                nameof(surface));
        return at;
    }
}
