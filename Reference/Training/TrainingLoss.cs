// The loss a training loop minimises, seen from the loop: it reads the model's output for a
// batch and the batch's targets, and returns the batch's mean loss, the gradient of that mean
// with respect to the output (what the model's backward starts from), and, for a classifier,
// how many predictions were right. The slides' "average loss -> compute gradient & move
// optimizer" is this mean. Spec/training.md.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Training;

/// <summary>
/// One batch's loss. Loss is the batch's mean loss: over its examples, over the T * B tokens of
/// a next-token model, over every predicted value for MSE. dOutput is dLoss/dOutput.
/// Predictions is how many rows were predicted (examples, or tokens) and Correct how many of
/// them matched their label (null for a regression loss, which has no accuracy).
/// </summary>
public sealed record BatchLoss(double Loss, Tensor dOutput, int? Correct, int Predictions);

/// <summary>The loss a training loop minimises: a batch's mean loss, its gradient with respect to the model's output, and the correct count.</summary>
/// <typeparam name="TTarget">the batch's targets: class labels, or a tensor of values</typeparam>
public interface ITrainingLoss<TTarget>
{
    /// <summary>For the progress lines: "cross_entropy", "mse", ...</summary>
    string Name { get; }

    /// <summary>The batch's mean loss, its gradient with respect to output, and the correct count.</summary>
    BatchLoss Compute(Tensor output, TTarget target);
}
