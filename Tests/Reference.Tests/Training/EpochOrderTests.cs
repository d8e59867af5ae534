using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;
using Property = FsCheck.Property;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Rnn.Reference.Tests.Training;

public sealed class EpochOrderTests
{
    private static Arbitrary<(int N, ulong Seed)> Cases() =>
        (from n in Gen.Choose(1, 60)
         from seed in Gen.Choose(0, int.MaxValue)
         select (n, (ulong)seed)).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property ShuffleIsAPermutation() =>
        Prop.ForAll(Cases(), c =>
        {
            var order = EpochOrder.Shuffled(c.N, new SeededRandom(c.Seed));
            return order.Order().SequenceEqual(Enumerable.Range(0, c.N));
        });

    [Property(MaxTest = 200)]
    public Property ShuffleIsDeterministicForASeed() =>
        Prop.ForAll(Cases(), c =>
        {
            // the same seed gives the same sequence of epoch orders
            var a = new SeededRandom(c.Seed);
            var b = new SeededRandom(c.Seed);
            return EpochOrder.Shuffled(c.N, a).SequenceEqual(EpochOrder.Shuffled(c.N, b))
                && EpochOrder.Shuffled(c.N, a).SequenceEqual(EpochOrder.Shuffled(c.N, b));
        });

    [Property(MaxTest = 200)]
    public Property BatchesCutTheOrderIntoCeilNOverBSlices() =>
        Prop.ForAll(Cases(), Gen.Choose(1, 70).ToArbitrary(), (c, B) =>
        {
            var order = EpochOrder.Shuffled(c.N, new SeededRandom(c.Seed));
            int count = EpochOrder.BatchCount(c.N, B);
            var pieces = Enumerable.Range(0, count).Select(k => EpochOrder.Batch(order, B, k).ToArray()).ToList();
            return count == (c.N + B - 1) / B
                && pieces.SelectMany(p => p).SequenceEqual(order)
                && pieces.Take(count - 1).All(p => p.Length == B)
                && pieces[^1].Length == c.N - (count - 1) * B;
        });

    [Test]
    public void EveryOrderOfThreeIsAboutEquallyLikely()
    {
        // 6000 shuffles of 3 elements: each of the 3! = 6 orders 1000 times on average
        // (standard deviation sqrt(6000 * 1/6 * 5/6) = 28.9; the bound is 5 of them)
        var rng = new SeededRandom(2024);
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < 6000; i++)
        {
            string key = string.Join("", EpochOrder.Shuffled(3, rng));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.That(counts, Has.Count.EqualTo(6));
        foreach (var (order, n) in counts) Assert.That(n, Is.InRange(855, 1145), order);
    }

    [Test]
    public void ConsecutiveEpochsGetDifferentOrders()
    {
        var rng = new SeededRandom(1);
        var first = EpochOrder.Shuffled(20, rng);
        var second = EpochOrder.Shuffled(20, rng);
        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(EpochOrder.InOrder(4), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(EpochOrder.Shuffled(1, rng), Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public void RejectsNonPositiveSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => EpochOrder.BatchCount(10, 0))!;
        Assert.That(e.Message, Does.Contain("batchSize must be at least 1 but is 0"));
        e = Assert.Throws<ArgumentException>(() => EpochOrder.InOrder(0))!;
        Assert.That(e.Message, Does.Contain("count must be at least 1 but is 0"));
    }
}
