// The classification losses of the slides' two heads:
//   "Classification with > 2 classes: dense layer, softmax activation" -> Softmax:
//       output [..., C] logits, softmax cross-entropy (PyTorch's CrossEntropyLoss, mean);
//   "Classification with 2 classes: dense layer with 1 neuron, sigmoid activation" -> Sigmoid:
//       output [..., 1] one logit, binary cross-entropy with logits (BCEWithLogitsLoss, mean),
//       labels 0 / 1.
// The softmax / sigmoid live inside the loss (a stable log-sum-exp / softplus form), as in
// PyTorch; the model outputs logits. Any leading axes are rows: logits [B, C] (one label per
// sequence) or [T, B, C] (one label per step, flattened as SequenceRows does, row t * B + b).
// Predicted class: argmax of the logits (the first of equal maxima, as torch.argmax); for the
// sigmoid head, class 1 when the logit is > 0 (probability > 0.5), else 0.
using Rnn.Reference.Losses;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Training;

/// <summary>How logits become class probabilities.</summary>
public enum ClassifierHead
{
    /// <summary>C logits per row, p = softmax(logits); loss: softmax cross-entropy.</summary>
    Softmax,

    /// <summary>1 logit per row, p(class 1) = sigmoid(logit); loss: binary cross-entropy with logits.</summary>
    Sigmoid,
}

/// <summary>The classifier heads' losses: softmax cross-entropy (C logits per row) or binary cross-entropy with logits (1 logit per row), mean over rows.</summary>
/// <param name="head">which head the model's output is</param>
public sealed class ClassificationLoss(ClassifierHead head = ClassifierHead.Softmax) : ITrainingLoss<int[]>
{
    /// <summary>The head this loss reads.</summary>
    public ClassifierHead Head { get; } = Enum.IsDefined(head) ? head
        : throw new ArgumentException($"head is {(int)head} but must be one of {string.Join(", ", Enum.GetNames<ClassifierHead>())}", nameof(head));

    /// <inheritdoc/>
    public string Name => Head == ClassifierHead.Softmax ? "cross_entropy" : "binary_cross_entropy";

    /// <inheritdoc/>
    public BatchLoss Compute(Tensor output, int[] labels)
    {
        var (R, C) = RowsOf(output, labels, Head);
        if (Head == ClassifierHead.Softmax)
        {
            for (int r = 0; r < R; r++)
                if (labels[r] < 0 || labels[r] >= C)
                    throw new ArgumentException(
                        $"labels[{r}] is {labels[r]} but the model outputs {C} logits per row, so labels must lie in [0, {C - 1}]", nameof(labels));
            // loss = mean over rows of -log softmax(logits)[label]   (CrossEntropy, reduction mean)
            var rows = new Tensor([R, C], output.Data);                            // [R, C], same memory
            var (loss, cache) = CrossEntropy.Forward(rows, labels);
            var dRows = CrossEntropy.Backward(Tensor.Scalar(1.0), cache);          // [R, C]
            return new BatchLoss(loss.Data[0], new Tensor(output.Shape, dRows.Data), CountCorrect(output, labels, Head), R);
        }
        else
        {
            for (int r = 0; r < R; r++)
                if (labels[r] != 0 && labels[r] != 1)
                    throw new ArgumentException($"labels[{r}] is {labels[r]} but the sigmoid head needs labels 0 or 1", nameof(labels));
            // loss = mean over rows of BCE(sigmoid(logit), label)   (BinaryCrossEntropyWithLogits, reduction mean)
            var logits = new Tensor([R], output.Data);                             // [R]
            var y = new Tensor([R], Array.ConvertAll(labels, v => (double)v));
            var (loss, cache) = BinaryCrossEntropyWithLogits.Forward(logits, y);
            var grads = BinaryCrossEntropyWithLogits.Backward(Tensor.Scalar(1.0), cache);
            return new BatchLoss(loss.Data[0], new Tensor(output.Shape, grads.dInput.Data), CountCorrect(output, labels, Head), R);
        }
    }

    /// <summary>Predicted class of every row: argmax of the logits, or logit > 0 for the sigmoid head.</summary>
    public static int[] PredictedClasses(Tensor output, ClassifierHead head)
    {
        var (R, C) = RowsOf(output, null, head);
        var predicted = new int[R];
        for (int r = 0; r < R; r++)
        {
            var z = output.Data.AsSpan(r * C, C);                                  // logits of row r
            if (head == ClassifierHead.Sigmoid) { predicted[r] = z[0] > 0 ? 1 : 0; continue; }
            int best = 0;
            for (int c = 1; c < C; c++) if (z[c] > z[best]) best = c;              // the first of equal maxima
            predicted[r] = best;
        }
        return predicted;
    }

    /// <summary>
    /// Class probabilities of every row, [R, C]: softmax of the logits, or [1 - p, p] with
    /// p = sigmoid(logit) for the sigmoid head (so C = 2 there).
    /// </summary>
    public static Tensor Probabilities(Tensor output, ClassifierHead head)
    {
        var (R, C) = RowsOf(output, null, head);
        if (head == ClassifierHead.Sigmoid)
        {
            var p2 = Tensor.Zeros(R, 2);
            for (int r = 0; r < R; r++)
            {
                double p = Rnn.Reference.Numerics.Activations.Sigmoid(output.Data[r]);
                p2.Data[2 * r] = 1 - p;
                p2.Data[2 * r + 1] = p;
            }
            return p2;
        }
        var probs = Tensor.Zeros(R, C);
        for (int r = 0; r < R; r++)
            // softmax with the max subtracted first (CrossEntropy.LogSumExp), so no exp overflows
            CrossEntropy.LogSumExp(output.Data.AsSpan(r * C, C), C, 1, probs.Data.AsSpan(r * C, C));
        return probs;
    }

    private static int CountCorrect(Tensor output, int[] labels, ClassifierHead head)
    {
        var predicted = PredictedClasses(output, head);
        int correct = 0;
        for (int r = 0; r < predicted.Length; r++) if (predicted[r] == labels[r]) correct++;
        return correct;
    }

    /// <summary>R rows of C logits; checks the output's last axis against the head and the labels' count against R.</summary>
    private static (int R, int C) RowsOf(Tensor output, int[]? labels, ClassifierHead head)
    {
        Require.NotNull(output, nameof(output));
        if (output.Rank < 2)
            throw new ArgumentException($"output is {output.ShapeText()} but logits [rows, C] (or [T, B, C]) were expected", nameof(output));
        int C = output.Shape[^1];
        if (head == ClassifierHead.Sigmoid && C != 1)
            throw new ArgumentException($"output is {output.ShapeText()} but the sigmoid head needs 1 logit per row ([..., 1])", nameof(output));
        if (C < 1)
            throw new ArgumentException($"output is {output.ShapeText()} but at least 1 logit per row is needed", nameof(output));
        int R = output.Length / C;
        if (labels is not null && labels.Length != R)
            throw new ArgumentException(
                $"labels has {labels.Length} entries but the model output {output.ShapeText()} has {R} rows of logits; one label per row was expected", nameof(labels));
        return (R, C);
    }
}
