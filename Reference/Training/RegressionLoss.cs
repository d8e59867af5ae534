// Mean squared error for the time-series regressors (PyTorch's MSELoss, reduction mean:
// the mean over every element of the batch's predictions, B * O of them). MATH80629's
// "Gradient descent from the loss E = Σ_t (y_t - ŷ_t)²" is the summed form; the mean differs
// only by the constant factor 1 / (B * O). Regression has no accuracy (Correct is null).
using Rnn.Reference.Losses;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Training;

/// <summary>Mean squared error over every predicted value of the batch (PyTorch's MSELoss, reduction mean); no accuracy.</summary>
public sealed class MeanSquaredErrorLoss : ITrainingLoss<Tensor>
{
    /// <inheritdoc/>
    public string Name => "mse";

    /// <inheritdoc/>
    public BatchLoss Compute(Tensor output, Tensor target)
    {
        Require.NotNull(output, nameof(output));
        Require.NotNull(target, nameof(target));
        if (!target.HasShape(output.Shape))
            throw new ArgumentException(
                $"target is {target.ShapeText()} but the model output is {output.ShapeText()}; a regression target needs the output's shape",
                nameof(target));
        // loss = mean_i (output_i - target_i)^2
        var (loss, grads) = MseLoss.Compute(output, target);
        return new BatchLoss(loss.Data[0], grads.dInput, null, output.Shape[0]);
    }
}
