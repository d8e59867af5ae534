// The three functions of the 95-865 course's UDA_pytorch_utils.py that the recitation slides
// walk through ("A look at UDA_pytorch_classifier_fit, UDA_pytorch_model_transform,
// UDA_pytorch_classifier_predict"), on this library's models. What each keeps of the original
// (which reads a PyTorch Dataset through a DataLoader) and where it differs, Spec/training.md:
//
//   ClassifierFit    minibatch training with a shuffling loader (a fresh order every epoch),
//                    one optimizer step per batch; after every epoch the accuracy on the whole
//                    proper training set and on the validation set (if any), computed with the
//                    epoch's final parameters, as the original prints and returns them. The
//                    history here also holds the per-epoch training loss and the validation loss.
//   ModelTransform   the model applied to inputs in batches of batchSize (128 by default), in
//                    order, no gradients, the batch results concatenated. The original returns
//                    the model's raw output; the course demos get the intermediate
//                    representation by applying it to the model without its last layer(s).
//                    Here the caller names which: TransformOutput.Output or .Representation.
//   ClassifierPredict  the predicted class of every input: argmax of the raw output
//                    (outputs.argmax(axis=1)); here also the class probabilities.
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Training;

/// <summary>Which result ModelTransform returns.</summary>
public enum TransformOutput
{
    /// <summary>The model's raw output (logits or predictions): UDA_pytorch_model_transform(model, ...).</summary>
    Output,

    /// <summary>The intermediate representation the dense head reads (IForwardResult.Representation).</summary>
    Representation,
}

/// <summary>ClassifierPredict's result: one label per row, and each row's class probabilities [rows, C].</summary>
public sealed record ClassifierPrediction(int[] Labels, Tensor Probabilities);

/// <summary>The 95-865 course's UDA_pytorch_classifier_fit, UDA_pytorch_model_transform and UDA_pytorch_classifier_predict on this library's models (Spec/training.md).</summary>
public static class UdaPytorchUtils
{
    /// <summary>
    /// UDA_pytorch_classifier_fit(model, optimizer, loss, proper_train_dataset, val_dataset, num_epochs, batch_size).
    /// Trains in place with a fresh shuffled order every epoch (drawn from SeededRandom(seed)),
    /// evaluates the proper training set and the validation set after each epoch, writes one
    /// line per epoch to progress (null: silent) and returns the history.
    /// </summary>
    public static TrainingHistory ClassifierFit<TInput, TCache>(
        IModel<TInput, TCache> model,
        IOptimizer optimizer,
        ClassificationLoss loss,
        IDataSet<TInput, int[]> properTrainDataset,
        IDataSet<TInput, int[]>? valDataset,
        int numEpochs,
        int batchSize,
        ulong seed = 0,
        GradientClipping? clipping = null,
        TextWriter? progress = null)
        where TCache : IForwardResult
    {
        if (numEpochs < 1) throw new ArgumentException($"numEpochs must be at least 1 but is {numEpochs}", nameof(numEpochs));
        if (batchSize < 1) throw new ArgumentException($"batchSize must be at least 1 but is {batchSize}", nameof(batchSize));
        var options = new TrainingOptions(numEpochs, batchSize)
        {
            Shuffle = true,
            Seed = seed,
            Clipping = clipping,
            EvaluateTrainingSetAfterEpoch = true,
        };
        return Trainer.Fit(model, loss, optimizer, properTrainDataset, options, valDataset, progress);
    }

    /// <summary>
    /// UDA_pytorch_model_transform: the model on every input, in batches of batchSize, in order,
    /// concatenated along the batch axis: [N, ...] (or [T, N, ...] for a time-major model).
    /// </summary>
    public static Tensor ModelTransform<TInput, TCache>(
        IModel<TInput, TCache> model, IInputSet<TInput> inputs, TransformOutput output, int batchSize = 128)
        where TCache : IForwardResult
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Enum.IsDefined(output))
            throw new ArgumentException($"output is {(int)output} but must be one of {string.Join(", ", Enum.GetNames<TransformOutput>())}", nameof(output));
        if (batchSize < 1) throw new ArgumentException($"batchSize must be at least 1 but is {batchSize}", nameof(batchSize));
        if (inputs.Count < 1) throw new ArgumentException($"inputs has {inputs.Count} examples but at least 1 is needed", nameof(inputs));
        int N = inputs.Count;
        var order = EpochOrder.InOrder(N);
        var parts = new List<Tensor>();
        for (int k = 0; k < EpochOrder.BatchCount(N, batchSize); k++)
        {
            var cache = model.Forward(inputs.Inputs(EpochOrder.Batch(order, batchSize, k)));
            parts.Add(output == TransformOutput.Output ? cache.Output : cache.Representation);
        }
        return Concatenate(parts, model.BatchAxis);
    }

    /// <summary>
    /// UDA_pytorch_classifier_predict: the predicted class of every row of the model's output
    /// (argmax of the logits; logit > 0 for the sigmoid head) and the class probabilities
    /// (softmax; [1 - p, p] for the sigmoid head). Rows are examples, or [T, N] steps
    /// (row t * N + n) for a next-token model.
    /// </summary>
    public static ClassifierPrediction ClassifierPredict<TInput, TCache>(
        IModel<TInput, TCache> model, IInputSet<TInput> inputs, ClassifierHead head = ClassifierHead.Softmax, int batchSize = 128)
        where TCache : IForwardResult
    {
        var logits = ModelTransform(model, inputs, TransformOutput.Output, batchSize);
        return new ClassifierPrediction(
            ClassificationLoss.PredictedClasses(logits, head),
            ClassificationLoss.Probabilities(logits, head));
    }

    /// <summary>torch.cat(parts, axis): every part has the same shape except along axis.</summary>
    private static Tensor Concatenate(List<Tensor> parts, int axis)
    {
        var first = parts[0];
        int outer = 1, inner = 1, total = 0;
        for (int a = 0; a < axis; a++) outer *= first.Shape[a];
        for (int a = axis + 1; a < first.Rank; a++) inner *= first.Shape[a];
        foreach (var p in parts) total += p.Shape[axis];
        var shape = (int[])first.Shape.Clone();
        shape[axis] = total;
        var result = Tensor.Zeros(shape);
        int offset = 0;                                              // position along axis
        foreach (var p in parts)
        {
            int n = p.Shape[axis];
            for (int o = 0; o < outer; o++)
                p.Data.AsSpan(o * n * inner, n * inner).CopyTo(result.Data.AsSpan((o * total + offset) * inner, n * inner));
            offset += n;
        }
        return result;
    }
}
