using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Rnn.Reference.Checking;
using Rnn.Reference.Models;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;
using Property = FsCheck.Property;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Rnn.Reference.Tests.Training;

public sealed class TruncatedBpttTests
{
    private static NextTokenModel Model(ulong seed, CellKind cell = CellKind.Lstm, int layers = 1) =>
        NextTokenModel.Create(new NextTokenModelConfig(5, 3, 4, cell, layers), seed);

    /// <summary>A stream of T steps in B columns with the targets that follow each id.</summary>
    private static (TokenBatch Ids, int[] Targets) Stream(int T, int B, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var stream = Enumerable.Range(0, (T + 1) * B).Select(_ => rng.NextInt(5)).ToArray();
        return TruncatedBptt.Batchify(stream, B);
    }

    [Test]
    public void ScheduleKnownValues()
    {
        // T = 10, k1 = 3, k2 = 5: updates at End = 3, 6, 9 and 10 (the end of the sequence); the window
        // is the loss steps and the k2 - k1 = 2 steps before them; the next window starts at End - 2
        //   End 3:  losses [0, 3),  window [max(0, 0 - 2), 3) = [0, 3),  next window starts at 3 - 2 = 1
        //   End 6:  losses [3, 6),  window [1, 6) (the last k2 = 5),     next: 6 - 2 = 4
        //   End 9:  losses [6, 9),  window [4, 9),                       next: 9 - 2 = 7
        //   End 10: losses [9, 10), window [7, 10) (1 loss step + 2),    no next (10)
        Assert.That(TruncatedBptt.Schedule(10, 3, 5), Is.EqualTo(new[]
        {
            new TbpttUpdate(0, 0, 3, 1), new TbpttUpdate(1, 3, 6, 4), new TbpttUpdate(4, 6, 9, 7), new TbpttUpdate(7, 9, 10, 10),
        }));
        // k1 = k2 = 4: disjoint chunks, each window starting where the last ended
        Assert.That(TruncatedBptt.Schedule(10, 4, 4), Is.EqualTo(new[]
        {
            new TbpttUpdate(0, 0, 4, 4), new TbpttUpdate(4, 4, 8, 8), new TbpttUpdate(8, 8, 10, 10),
        }));
        // k1 = k2 = T: one update over everything
        Assert.That(TruncatedBptt.Schedule(7, 7, 7), Is.EqualTo(new[] { new TbpttUpdate(0, 0, 7, 7) }));
    }

    [Property(MaxTest = 300)]
    public Property ScheduleCountsEveryLossOnceAndChainsTheWindows() =>
        Prop.ForAll(Gen.Choose(1, 40).ToArbitrary(), Gen.Choose(1, 8).ToArbitrary(), Gen.Choose(0, 8).ToArbitrary(), (T, k1, extra) =>
        {
            int k2 = k1 + extra;
            var u = TruncatedBptt.Schedule(T, k1, k2);
            bool ok = u[0].LossStart == 0 && u[^1].End == T && u[^1].NextWindowStart == T;
            for (int i = 0; i < u.Count; i++)
            {
                // losses: consecutive, k1 at a time (fewer only in the last update)
                ok &= u[i].End - u[i].LossStart == (i < u.Count - 1 ? k1 : T - k1 * (u.Count - 1));
                // window: the loss steps and the k2 - k1 before them (fewer only at the start), at most k2 steps
                ok &= u[i].LossStart - u[i].WindowStart == Math.Min(k2 - k1, u[i].LossStart);
                ok &= u[i].End - u[i].WindowStart <= k2;
                if (i + 1 < u.Count)
                    ok &= u[i + 1].LossStart == u[i].End && u[i + 1].WindowStart == u[i].NextWindowStart
                        && u[i].WindowStart <= u[i].NextWindowStart && u[i].NextWindowStart <= u[i].End;
            }
            return ok;
        });

    [TestCase(CellKind.Lstm, 1)]
    [TestCase(CellKind.Gru, 2)]
    public void K1EqualsK2EqualsTIsFullBptt(CellKind cell, int layers)
    {
        var (ids, targets) = Stream(T: 6, B: 2, seed: 1);
        var model = Model(2, cell, layers);
        var loss = new ClassificationLoss();

        // full BPTT: forward over all T steps, mean cross-entropy over all T * B predictions, backward
        var cache = model.Forward(ids);
        var full = model.Backward(loss.Compute(cache.Logits, targets).dOutput, cache).dParameters;
        var window = TruncatedBptt.WindowGradients(model, ids, targets, TruncatedBptt.Schedule(6, 6, 6)[0], null, null);
        Assert.That(window.Loss, Is.EqualTo(loss.Compute(cache.Logits, targets).Loss).Within(1e-15));
        Assert.That(window.dParameters.ToFlat().Zip(full.ToFlat(), (a, b) => Math.Abs(a - b)).Max(), Is.LessThanOrEqualTo(1e-15));

        // and one epoch of TBPTT(T, T) is one full-BPTT step
        var trained = Model(2, cell, layers);
        TruncatedBptt.Train(trained, new Sgd(new SgdOptions(0.3)), ids, targets, k1: 6, k2: 6, epochs: 1);
        var stepped = Model(2, cell, layers);
        Trainer.Step(stepped, loss, new Sgd(new SgdOptions(0.3)), ids, targets);
        Assert.That(trained.Parameters.ToFlat().Zip(stepped.Parameters.ToFlat(), (a, b) => Math.Abs(a - b)).Max(), Is.LessThanOrEqualTo(1e-15));
    }

    [Test]
    public void EqualK1AndK2IsTheDetachEveryK1StepsLoop()
    {
        // the PyTorch idiom: for each chunk of k steps, run from the carried (detached) state, step, carry h forward
        var (ids, targets) = Stream(T: 7, B: 3, seed: 3);
        var trained = Model(4);
        var history = TruncatedBptt.Train(trained, new Sgd(new SgdOptions(0.2)), ids, targets, k1: 3, k2: 3, epochs: 1);
        Assert.That(history.Last.Steps, Is.EqualTo(3));                              // chunks [0, 3), [3, 6), [6, 7)

        var byHand = Model(4);
        var sgd = new Sgd(new SgdOptions(0.2));
        var loss = new ClassificationLoss();
        Tensor? h = null, c = null;
        foreach (var (a, b) in new[] { (0, 3), (3, 6), (6, 7) })
        {
            var cache = byHand.Forward(ids.Steps(a, b), h, c);
            var chunkTargets = targets[(a * 3)..(b * 3)];
            var g = byHand.Backward(loss.Compute(cache.Logits, chunkTargets).dOutput, cache);   // no gradient into h: detached
            sgd.Step(byHand.Parameters, g.dParameters);
            (h, c) = (cache.HN, cache.CN);
        }
        Assert.That(trained.Parameters.ToFlat().Zip(byHand.Parameters.ToFlat(), (x, y) => Math.Abs(x - y)).Max(), Is.LessThanOrEqualTo(1e-15));
    }

    [TestCase(CellKind.Lstm)]
    [TestCase(CellKind.RnnTanh)]
    public void AnOverlappingWindowsGradientIsItsLossGradient(CellKind cell)
    {
        // T = 10, k1 = 3, k2 = 5, the update with End 6: losses of steps [3, 6) through the window [1, 6),
        // the window split at 4 (where the next window starts); the state at step 1 is a constant
        var (ids, targets) = Stream(T: 10, B: 2, seed: 5);
        var model = Model(6, cell, layers: 2);
        var update = TruncatedBptt.Schedule(10, 3, 5)[1];
        Assert.That(update, Is.EqualTo(new TbpttUpdate(1, 3, 6, 4)));
        var start = model.Forward(ids.Steps(0, 1));                                    // the state at step 1
        var window = TruncatedBptt.WindowGradients(model, ids, targets, update, start.HN, start.CN);

        var report = GradientCheck.Check(
            () => TruncatedBptt.WindowGradients(model, ids, targets, update, start.HN, start.CN).Loss,
            model.Parameters, window.dParameters, new GradientCheckOptions(Step: 1e-5));
        foreach (var t in report.Tensors) TestContext.Out.WriteLine($"gradcheck TBPTT window {cell} {t.Name}: {t.RelativeError:E2}");
        Assert.That(report.WorstRelativeError, Is.LessThanOrEqualTo(1e-7), report.ToString());

        // the carried state is the state at step 4, from the window's start state
        var toNext = model.Forward(ids.Steps(1, 4), start.HN, start.CN);
        Assert.That(window.NextH.Data, Is.EqualTo(toNext.HN.Data));
        Assert.That(window.Predictions, Is.EqualTo(3 * 2));

        // the overlap matters: losses of [3, 6) through [3, 6) only give another gradient
        var shortWindow = TruncatedBptt.WindowGradients(model, ids, targets, new TbpttUpdate(3, 3, 6, 6),
            model.Forward(ids.Steps(0, 3)).HN, model.Forward(ids.Steps(0, 3)).CN);
        Assert.That(shortWindow.Loss, Is.EqualTo(window.Loss).Within(1e-15));        // same losses, same forward values
        Assert.That(shortWindow.dParameters[model.Config.RecurrentName + ".weight_hh_l0"].Data,
            Is.Not.EqualTo(window.dParameters[model.Config.RecurrentName + ".weight_hh_l0"].Data));
    }

    [Test]
    public void BatchifyKnownValues()
    {
        // stream 0..9 into B = 2 columns of M = 5: column 0 = 0 1 2 3 4, column 1 = 5 6 7 8 9; T = M - 1 = 4
        var (ids, targets) = TruncatedBptt.Batchify(Enumerable.Range(0, 10).ToArray(), 2);
        Assert.That((ids.T, ids.B), Is.EqualTo((4, 2)));
        Assert.That(ids.Ids, Is.EqualTo(new[] { 0, 5, 1, 6, 2, 7, 3, 8 }));
        Assert.That(targets, Is.EqualTo(new[] { 1, 6, 2, 7, 3, 8, 4, 9 }));
        var e = Assert.Throws<ArgumentException>(() => TruncatedBptt.Batchify([1, 2, 3], 2))!;
        Assert.That(e.Message, Does.Contain("stream has 3 tokens but 2 columns need at least 4"));
    }

    [Test]
    public void RejectsBadArguments()
    {
        var (ids, targets) = Stream(T: 6, B: 2, seed: 1);
        var model = Model(1);
        var sgd = new Sgd(new SgdOptions(0.1));
        var e = Assert.Throws<ArgumentException>(() => TruncatedBptt.Train(model, sgd, ids, targets, k1: 0, k2: 3, epochs: 1))!;
        Assert.That(e.ParamName, Is.EqualTo("k1"));
        Assert.That(e.Message, Does.Contain("k1 must be at least 1 but is 0"));
        e = Assert.Throws<ArgumentException>(() => TruncatedBptt.Train(model, sgd, ids, targets, k1: 4, k2: 2, epochs: 1))!;
        Assert.That(e.ParamName, Is.EqualTo("k2"));
        Assert.That(e.Message, Does.Contain("k2 must be at least k1 = 4").And.Contain("but is 2"));
        e = Assert.Throws<ArgumentException>(() => TruncatedBptt.Train(model, sgd, ids, targets, 2, 2, epochs: 0))!;
        Assert.That(e.Message, Does.Contain("epochs must be at least 1 but is 0"));
        e = Assert.Throws<ArgumentException>(() => TruncatedBptt.Train(model, sgd, ids, targets[..5], 2, 2, 1))!;
        Assert.That(e.Message, Does.Contain("targets has 5 entries but ids is [T, B] = [6, 2], so 12 were expected"));
        var bad = (int[])targets.Clone();
        bad[7] = 9;
        e = Assert.Throws<ArgumentException>(() => TruncatedBptt.Train(model, sgd, ids, bad, 2, 2, 1))!;
        Assert.That(e.Message, Does.Contain("targets[7] (step 3, column 1) is 9 but token ids must lie in [0, 4]"));
        e = Assert.Throws<ArgumentException>(() => TruncatedBptt.Schedule(0, 1, 1))!;
        Assert.That(e.Message, Does.Contain("T must be at least 1 but is 0"));
    }
}
