// Truncated back-propagation through time for the next-token model, in the (k1, k2) form of
// Williams & Peng (1990, "An efficient gradient-based algorithm for on-line training of
// recurrent network trajectories", their BPTT(h; h') with h' = k1, h = k2) and Sutskever
// (2013, PhD thesis, TBPTT(k1, k2)): the stream is processed step by step, and every k1 steps
// the losses of those k1 steps are back-propagated through the last k2 steps only (k2 >= k1);
// the state is carried forward from window to window but no gradient flows into it from a
// later window ("detached", as h.detach() in PyTorch code). Spec/training.md has the diagram.
//
// Schedule, for T steps (t = 0..T-1); an update at time `End` (End = k1, 2k1, ..., and T):
//     losses of steps   [LossStart, End)           LossStart = the previous End (0 at first)
//     back-propagated through steps [WindowStart, End),  WindowStart = max(0, LossStart - (k2 - k1))
// For every full update (End - LossStart = k1) the window is the last k2 steps, End - k2. The
// last update, when T is not a multiple of k1, has fewer than k1 loss steps; its window reaches
// the same k2 - k1 steps further back, so every loss is back-propagated through at least
// k2 - k1 earlier steps and k1 = k2 is exactly "detach every k1 steps".
// The next window starts at NextWindowStart = max(0, End - (k2 - k1)), which lies inside this
// window, so the state there is known when this window has run: it is carried to the next update.
//
// How a window runs: from the carried state at WindowStart, the model is run forward over the
// window with the CURRENT parameters (split into [WindowStart, NextWindowStart) and
// [NextWindowStart, End) so the state at NextWindowStart, every layer's h and c, can be kept);
// the loss is the mean cross-entropy over the B * (End - LossStart) predictions of the loss
// steps (earlier steps of the window are ignored: their losses were counted by earlier
// updates); backward runs through the second segment, then the first, carrying dh / dc
// between them; the gradient reaching the window's start state is dropped. With k1 = k2 the
// window is just the k1 steps since the last update (PyTorch's usual "detach every k1 steps").
// With k2 > k1 the overlap [WindowStart, LossStart) is recomputed with the current parameters
// (a stored forward from before the last update would hold the old parameters' activations).
// With k1 = k2 = T there is one update over the whole sequence: full BPTT.
using Rnn.Reference.Losses;
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Training;

/// <summary>One truncated-BPTT update: losses of steps [LossStart, End), back-propagated through [WindowStart, End).</summary>
public sealed record TbpttUpdate(int WindowStart, int LossStart, int End, int NextWindowStart);

/// <summary>
/// One window's result: its mean loss over Predictions = B * (End - LossStart) next-token
/// predictions, how many were right, every parameter's gradient, and the state at
/// NextWindowStart ([L, B, H]; NextC for an LSTM only) for the next update.
/// </summary>
public sealed record TbpttWindow(double Loss, int Correct, int Predictions, NamedTensors dParameters, Tensor NextH, Tensor? NextC);

/// <summary>Truncated BPTT(k1, k2) for the next-token model: every k1 steps, back-propagate the last k1 losses through the last k2 steps (Spec/training.md).</summary>
public static class TruncatedBptt
{
    /// <summary>The updates of TBPTT(k1, k2) over T steps, in order (1 &lt;= k1 &lt;= k2).</summary>
    public static IReadOnlyList<TbpttUpdate> Schedule(int T, int k1, int k2)
    {
        CheckK(k1, k2);
        Require.Positive(T, nameof(T));
        var updates = new List<TbpttUpdate>();
        for (int lossStart = 0; lossStart < T;)
        {
            // every k1 steps (and at the end of the sequence) ...
            int end = Math.Min(lossStart + k1, T);
            // ... run backward over the last k2 steps: the loss steps and the k2 - k1 before them
            int windowStart = Math.Max(0, lossStart - (k2 - k1));
            int nextWindowStart = end == T ? T : Math.Max(0, end - (k2 - k1));
            updates.Add(new TbpttUpdate(windowStart, lossStart, end, nextWindowStart));
            lossStart = end;
        }
        return updates;
    }

    /// <summary>
    /// One window. ids [T, B] (the whole stream, every column all T steps), targets [T * B]
    /// (row t * B + b: the token that follows ids[t, b]); h, c [L, B, H]: the state at
    /// update.WindowStart, treated as a constant (null: zeros). Nothing is updated.
    /// </summary>
    public static TbpttWindow WindowGradients(NextTokenModel model, TokenBatch ids, int[] targets, TbpttUpdate update, Tensor? h, Tensor? c)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(update);
        CheckTargets(model, ids, targets);
        int s = update.WindowStart, n = update.NextWindowStart, e = update.End, B = ids.B;
        if (!(0 <= s && s <= update.LossStart && update.LossStart < e && e <= ids.T && s <= n && n <= e))
            throw new ArgumentException(
                $"update is {update} but 0 <= WindowStart <= LossStart < End <= T = {ids.T} and WindowStart <= NextWindowStart <= End are needed", nameof(update));
        int[] bounds = s < n && n < e ? [s, n, e] : [s, e];
        int segments = bounds.Length - 1;
        int count = (e - update.LossStart) * B;                      // predictions whose losses this update counts
        var L = model.Config.NumLayers;
        var zeros = Tensor.Zeros(L, B, model.Config.HiddenSize);     // [L, B, H]

        // forward over the window, segment by segment, carrying the state
        var caches = new NextTokenCache[segments];
        var dLogits = new Tensor[segments];
        Tensor? hCarry = h, cCarry = c;
        Tensor nextH = n == s ? (h ?? zeros) : zeros;
        Tensor? nextC = model.Config.Recurrent.HasCellState ? (n == s ? (c ?? zeros) : zeros) : null;
        double sum = 0;
        int correct = 0;
        for (int i = 0; i < segments; i++)
        {
            int a = bounds[i], b = bounds[i + 1], Ts = b - a;
            var cache = model.Forward(ids.Steps(a, b), hCarry, cCarry);
            caches[i] = cache;
            hCarry = cache.HN;                                       // the state after step b-1: the next segment's h0
            cCarry = cache.CN;
            if (b == n) { nextH = cache.HN; nextC = cache.CN; }      // kept for the next update

            // loss over the loss steps only: targets of steps before LossStart are ignored
            var segmentTargets = new int[Ts * B];                    // [Ts * B]
            for (int t = a; t < b; t++)
                for (int bb = 0; bb < B; bb++)
                    segmentTargets[(t - a) * B + bb] = t >= update.LossStart ? targets[t * B + bb] : CrossEntropy.DefaultIgnoreIndex;
            var rows = SequenceRows.Flatten(cache.Logits);          // [Ts * B, V]
            var (loss, ceCache) = CrossEntropy.Forward(rows, segmentTargets, reduction: Reduction.Sum);
            sum += loss.Data[0];
            // d(mean)/d(logits): the sum's gradient divided by the number of counted predictions
            dLogits[i] = SequenceRows.Unflatten(CrossEntropy.Backward(Tensor.Scalar(1.0 / count), ceCache), Ts, B);
            var predicted = ClassificationLoss.PredictedClasses(rows, ClassifierHead.Softmax);
            for (int r = 0; r < predicted.Length; r++)
                if (segmentTargets[r] != CrossEntropy.DefaultIgnoreIndex && predicted[r] == segmentTargets[r]) correct++;
        }

        // no slide shows truncated BPTT (95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked); this is the STATS 507
        // slide's ∂L^(T)/∂W = Σ_{t=1}^{T} ∂L^(T)/∂W |_(t) with the sum cut to the window's steps
        // backward: last segment first; dh / dc at a segment's start flow into the previous segment's end
        var grads = model.Parameters.ZerosLike();
        Tensor? dH = null, dC = null;
        for (int i = segments - 1; i >= 0; i--)
        {
            var g = model.Backward(dLogits[i], caches[i], dH, dC);
            foreach (var (name, dW) in g.dParameters)
            {
                var acc = grads[name].Data;
                for (int k = 0; k < acc.Length; k++) acc[k] += dW.Data[k];   // the window's steps share the weights: += over segments
            }
            dH = g.dH0;
            dC = g.dC0;
        }
        // dH, dC now reach the state at WindowStart, which is detached: they go no further
        return new TbpttWindow(sum / count, correct, count, grads, nextH, nextC);
    }

    /// <summary>
    /// Trains model in place on one batch of streams with TBPTT(k1, k2): every epoch starts
    /// from the zero state at step 0 and makes one optimizer step per update of Schedule(T, k1, k2)
    /// (clipping first, if given), carrying the state from update to update.
    /// TrainLoss of an epoch = Σ_u Loss_u * Predictions_u / (T * B): the mean over every prediction,
    /// each computed with the parameters of its own update.
    /// </summary>
    public static TrainingHistory Train(
        NextTokenModel model, IOptimizer optimizer, TokenBatch ids, int[] targets,
        int k1, int k2, int epochs, GradientClipping? clipping = null, TextWriter? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(ids);
        CheckK(k1, k2);
        if (epochs < 1) throw new ArgumentException($"epochs must be at least 1 but is {epochs}", nameof(epochs));
        CheckTargets(model, ids, targets);
        clipping?.Validate();
        var schedule = Schedule(ids.T, k1, k2);
        int total = ids.T * ids.B;

        var loss = new ClassificationLoss();
        var initialCache = model.Forward(ids);
        var initialLoss = loss.Compute(initialCache.Logits, targets);
        var initial = new Evaluation(initialLoss.Loss, (double)initialLoss.Correct!.Value / initialLoss.Predictions);

        var records = new List<EpochRecord>(epochs);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            Tensor? h = null, c = null;                              // the stream starts from the zero state
            double weighted = 0;
            int correct = 0;
            foreach (var update in schedule)
            {
                var window = WindowGradients(model, ids, targets, update, h, c);
                clipping?.Apply(window.dParameters);
                optimizer.Step(model.Parameters, window.dParameters);
                h = window.NextH;                                    // carried forward, detached
                c = window.NextC;
                weighted += window.Loss * window.Predictions;
                correct += window.Correct;
            }
            var record = new EpochRecord(epoch, schedule.Count, weighted / total, (double)correct / total, null, null);
            records.Add(record);
            progress?.WriteLine(record.ProgressLine(epochs, loss.Name));
        }
        return new TrainingHistory(initial, records);
    }

    /// <summary>
    /// PyTorch's word_language_model batchify: the stream is cut into B columns of M = len / B
    /// tokens (the rest is dropped); column b holds stream[b*M .. b*M + M). Inputs are each
    /// column's first M - 1 tokens, targets the tokens after them: ids [M-1, B], targets [(M-1) * B].
    /// </summary>
    public static (TokenBatch Ids, int[] Targets) Batchify(int[] stream, int B)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (B < 1) throw new ArgumentException($"B must be at least 1 but is {B}", nameof(B));
        int M = stream.Length / B;
        if (M < 2)
            throw new ArgumentException($"stream has {stream.Length} tokens but {B} columns need at least {2 * B} (2 per column)", nameof(stream));
        int T = M - 1;
        var ids = new int[T * B];                                    // [T, B]
        var targets = new int[T * B];                                // [T * B]
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
            {
                ids[t * B + b] = stream[b * M + t];
                targets[t * B + b] = stream[b * M + t + 1];
            }
        return (new TokenBatch(ids, T, B), targets);
    }

    private static void CheckK(int k1, int k2)
    {
        if (k1 < 1) throw new ArgumentException($"k1 must be at least 1 but is {k1}", nameof(k1));
        if (k2 < k1)
            throw new ArgumentException($"k2 must be at least k1 = {k1} (the losses of the last k1 steps are back-propagated through the last k2) but is {k2}", nameof(k2));
    }

    private static void CheckTargets(NextTokenModel model, TokenBatch ids, int[] targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Length != ids.T * ids.B)
            throw new ArgumentException($"targets has {targets.Length} entries but ids is [T, B] = [{ids.T}, {ids.B}], so {ids.T * ids.B} were expected", nameof(targets));
        int V = model.Config.VocabularySize;
        for (int k = 0; k < targets.Length; k++)
            if (targets[k] < 0 || targets[k] >= V)
                throw new ArgumentException(
                    $"targets[{k}] (step {k / ids.B}, column {k % ids.B}) is {targets[k]} but token ids must lie in [0, {V - 1}]", nameof(targets));
    }
}
