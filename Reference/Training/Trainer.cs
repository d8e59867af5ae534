// The training loop: full-batch, minibatch and stochastic gradient descent, which differ only
// in the batch size (N, B, 1). Each epoch, as the slides draw it:
//
//   "An epoch refers to 1 full pass through all the training data"
//   "Batch size: how many training examples we consider at a time"
//   for every batch:  "average loss -> compute gradient & move optimizer"
//
//   order = shuffled 0..N-1 (EpochOrder)                     one new order per epoch
//   for each batch of `BatchSize` consecutive indices in order:
//       cache  = model.Forward(inputs)                       forward
//       L, dOutput = loss(cache.Output, targets)             the batch's average loss
//       grads  = model.Backward(dOutput, cache)              back-propagation
//       clip(grads)                                          optional
//       optimizer.Step(parameters, grads)                    "move the optimizer" (the skier)
//
// which is UDA_pytorch_classifier_fit's loop (zero_grad; loss.backward(); optimizer.step() per
// batch of a shuffling DataLoader) with the gradients returned fresh instead of zeroed.
// Before the first epoch the whole training set is evaluated once (Initial): the loss the
// training starts from, and a check of every example against the model and the loss before
// any parameter moves. Definitions of the recorded numbers in TrainingHistory.cs;
// Spec/training.md.
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Training;

/// <summary>The training loop: full-batch, minibatch or stochastic gradient descent (batch size N, B or 1), with the per-epoch loss (Spec/training.md).</summary>
public static class Trainer
{
    /// <summary>
    /// Trains model in place on train, one optimizer step per batch, for options.Epochs epochs;
    /// evaluates validation (if given) after every epoch. progress receives one line per epoch
    /// (null: nothing is written anywhere). Returns the history.
    /// </summary>
    public static TrainingHistory Fit<TInput, TTarget, TCache>(
        IModel<TInput, TCache> model,
        ITrainingLoss<TTarget> loss,
        IOptimizer optimizer,
        IDataSet<TInput, TTarget> train,
        TrainingOptions options,
        IDataSet<TInput, TTarget>? validation = null,
        TextWriter? progress = null)
        where TCache : IForwardResult
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (train.Count < 1) throw new ArgumentException($"train has {train.Count} examples but at least 1 is needed", nameof(train));
        if (validation is not null && validation.Count < 1)
            throw new ArgumentException($"validation has {validation.Count} examples but at least 1 is needed (or pass null)", nameof(validation));

        int N = train.Count, batchSize = options.BatchSize;
        // every example goes through the model and the loss once before any step
        var initial = Evaluate(model, loss, train, options.EvaluationBatchSize);
        if (validation is not null) Evaluate(model, loss, validation, options.EvaluationBatchSize);

        var rng = new SeededRandom(options.Seed);
        var epochs = new List<EpochRecord>(options.Epochs);
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            // "An epoch refers to 1 full pass through all the training data"
            int[] order = options.Shuffle ? EpochOrder.Shuffled(N, rng) : EpochOrder.InOrder(N);
            int batches = EpochOrder.BatchCount(N, batchSize);
            double weightedLoss = 0;                                 // Σ_k n_k L_k
            int correct = 0, predictions = 0;
            bool hasAccuracy = true;
            for (int k = 0; k < batches; k++)
            {
                // "Batch size: how many training examples we consider at a time"
                var indices = EpochOrder.Batch(order, batchSize, k);
                var step = Step(model, loss, optimizer, train.Inputs(indices), train.Targets(indices), options.Clipping);
                weightedLoss += indices.Length * step.Loss;
                if (step.Correct is int c) { correct += c; predictions += step.Predictions; }
                else hasAccuracy = false;
            }

            var record = new EpochRecord(
                epoch, batches, weightedLoss / N, hasAccuracy ? (double)correct / predictions : null,
                validation is null ? null : Evaluate(model, loss, validation, options.EvaluationBatchSize),
                options.EvaluateTrainingSetAfterEpoch ? Evaluate(model, loss, train, options.EvaluationBatchSize) : null);
            epochs.Add(record);
            progress?.WriteLine(record.ProgressLine(options.Epochs, loss.Name));
        }
        return new TrainingHistory(initial, epochs);
    }

    /// <summary>
    /// One optimizer step on one batch: forward, the batch's mean loss, backward, optional
    /// clipping, step. Returns the batch's loss as computed before the step.
    /// </summary>
    public static BatchLoss Step<TInput, TTarget, TCache>(
        IModel<TInput, TCache> model, ITrainingLoss<TTarget> loss, IOptimizer optimizer,
        TInput inputs, TTarget targets, GradientClipping? clipping = null)
        where TCache : IForwardResult
    {
        // forward: the model's output for the batch
        var cache = model.Forward(inputs);
        // "average loss": the batch's mean loss and dLoss/dOutput
        var batchLoss = loss.Compute(cache.Output, targets);
        // "compute gradient": back-propagation through the model, in reverse order of the forward
        var grads = model.Backward(batchLoss.dOutput, cache);
        // optional: scale or clamp big gradients
        clipping?.Apply(grads);
        // "move optimizer": new weight = weight - learning rate * gradient (or Adam's, RMSprop's, ... variant)
        optimizer.Step(model.Parameters, grads);
        return batchLoss;
    }

    /// <summary>
    /// Loss and accuracy over a whole data set with the current parameters, in order, in batches
    /// of batchSize, no step taken: Loss = Σ_k n_k L_k / N, Accuracy = Σ correct / Σ predictions.
    /// </summary>
    public static Evaluation Evaluate<TInput, TTarget, TCache>(
        IModel<TInput, TCache> model, ITrainingLoss<TTarget> loss, IDataSet<TInput, TTarget> data, int batchSize = 128)
        where TCache : IForwardResult
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(data);
        Require.Positive(batchSize, nameof(batchSize));
        int N = data.Count;
        var order = EpochOrder.InOrder(N);
        double weightedLoss = 0;
        int correct = 0, predictions = 0;
        bool hasAccuracy = true;
        for (int k = 0; k < EpochOrder.BatchCount(N, batchSize); k++)
        {
            var indices = EpochOrder.Batch(order, batchSize, k);
            var cache = model.Forward(data.Inputs(indices));
            var batchLoss = loss.Compute(cache.Output, data.Targets(indices));
            weightedLoss += indices.Length * batchLoss.Loss;
            if (batchLoss.Correct is int c) { correct += c; predictions += batchLoss.Predictions; }
            else hasAccuracy = false;
        }
        return new Evaluation(weightedLoss / N, hasAccuracy ? (double)correct / predictions : null);
    }
}
