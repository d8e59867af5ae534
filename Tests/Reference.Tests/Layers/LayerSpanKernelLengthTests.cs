// The layers' and losses' public span kernels check every span's length up front, as the
// cells and MatMul do (Recurrent/SpanKernelLengthTests): an ArgumentException whose ParamName
// is the span and whose message gives the actual length, what the expected length is made of
// and that length. Elementwise kernels measure every span against the one that sets the length
// (x, or y for a backward that takes the forward output), so the cases shorten the others.
// The expected messages are written out by hand for the sizes used here: elementwise N = 5;
// Softmax Outer = 2, C = 3, Inner = 1; Embedding N = 3, V = 4, D = 2; SummedSquaredError T = 2, F = 3.
using NUnit.Framework;
using Rnn.Reference.Layers;
using Rnn.Reference.Losses;

namespace Rnn.Reference.Tests.Layers;

public sealed class LayerSpanKernelLengthTests
{
    private const int N = 5;                               // elementwise
    private const int Outer = 2, C = 3, Inner = 1;         // Softmax
    private const int En = 3, V = 4, D = 2;                // Embedding
    private const int T = 2, F = 3;                        // SummedSquaredError
    private static readonly int[] Indices = [0, 3, 1];     // En valid indices into V rows

    /// <summary>A kernel: its spans in parameter order with their right lengths, and a call taking them in that order.</summary>
    private sealed record Kernel(string Name, (string Span, int Length)[] Spans, Action<double[][]> Call);

    private static readonly Dictionary<string, Kernel> Kernels = new Kernel[]
    {
        new("Relu.Forward", [("x", N), ("y", N)], a => Relu.Forward(a[0], a[1])),
        new("Relu.Backward", [("dy", N), ("x", N), ("dx", N)], a => Relu.Backward(a[0], a[1], a[2])),
        new("Tanh.Forward", [("x", N), ("y", N)], a => Tanh.Forward(a[0], a[1])),
        new("Tanh.Backward", [("dy", N), ("y", N), ("dx", N)], a => Tanh.Backward(a[0], a[1], a[2])),
        new("Sigmoid.Forward", [("x", N), ("y", N)], a => Sigmoid.Forward(a[0], a[1])),
        new("Sigmoid.Backward", [("dy", N), ("y", N), ("dx", N)], a => Sigmoid.Backward(a[0], a[1], a[2])),
        new("Softmax.Forward", [("x", Outer * C * Inner), ("y", Outer * C * Inner)],
            a => Softmax.Forward(a[0], Outer, C, Inner, a[1])),
        new("Softmax.Backward", [("dy", Outer * C * Inner), ("y", Outer * C * Inner), ("dx", Outer * C * Inner)],
            a => Softmax.Backward(a[0], a[1], Outer, C, Inner, a[2])),
        new("Embedding.Forward", [("W", V * D), ("y", En * D)], a => Embedding.Forward(Indices, a[0], En, V, D, a[1])),
        new("Embedding.Backward", [("dy", En * D), ("dW", V * D)], a => Embedding.Backward(a[0], Indices, null, En, V, D, a[1])),
        new("MseLoss.Forward", [("x", N), ("y", N), ("l", N)], a => MseLoss.Forward(a[0], a[1], a[2])),
        new("MseLoss.Backward", [("dl", N), ("x", N), ("y", N), ("dx", N), ("dy", N)],
            a => MseLoss.Backward(a[0], a[1], a[2], a[3], a[4])),
        new("SummedSquaredError.Forward", [("output", T * F), ("target", T * F)],
            a => SummedSquaredError.Forward(a[0], a[1], T, F)),
        new("SummedSquaredError.Backward", [("output", T * F), ("target", T * F), ("doutput", T * F), ("dtarget", T * F)],
            a => SummedSquaredError.Backward(1.0, a[0], a[1], T, F, a[2], a[3])),
    }.ToDictionary(k => k.Name);

    private static IEnumerable<TestCaseData> ShortSpans()
    {
        yield return Case("Relu.Forward", "y", "y has 4 elements but len(x) = 5 were expected");
        yield return Case("Relu.Backward", "dy", "dy has 4 elements but len(x) = 5 were expected");
        yield return Case("Relu.Backward", "dx", "dx has 4 elements but len(x) = 5 were expected");
        yield return Case("Tanh.Forward", "y", "y has 4 elements but len(x) = 5 were expected");
        yield return Case("Tanh.Backward", "dy", "dy has 4 elements but len(y) = 5 were expected");
        yield return Case("Tanh.Backward", "dx", "dx has 4 elements but len(y) = 5 were expected");
        yield return Case("Sigmoid.Forward", "y", "y has 4 elements but len(x) = 5 were expected");
        yield return Case("Sigmoid.Backward", "dy", "dy has 4 elements but len(y) = 5 were expected");
        yield return Case("Sigmoid.Backward", "dx", "dx has 4 elements but len(y) = 5 were expected");
        yield return Case("Softmax.Forward", "x", "x has 5 elements but Outer*C*Inner = 6 were expected");
        yield return Case("Softmax.Forward", "y", "y has 5 elements but Outer*C*Inner = 6 were expected");
        yield return Case("Softmax.Backward", "dy", "dy has 5 elements but Outer*C*Inner = 6 were expected");
        yield return Case("Softmax.Backward", "y", "y has 5 elements but Outer*C*Inner = 6 were expected");
        yield return Case("Softmax.Backward", "dx", "dx has 5 elements but Outer*C*Inner = 6 were expected");
        yield return Case("Embedding.Forward", "W", "W has 7 elements but V*D = 4*2 = 8 were expected");
        yield return Case("Embedding.Forward", "y", "y has 5 elements but N*D = 3*2 = 6 were expected");
        yield return Case("Embedding.Backward", "dy", "dy has 5 elements but N*D = 3*2 = 6 were expected");
        yield return Case("Embedding.Backward", "dW", "dW has 7 elements but V*D = 4*2 = 8 were expected");
        yield return Case("MseLoss.Forward", "y", "y has 4 elements but len(x) = 5 were expected");
        yield return Case("MseLoss.Forward", "l", "l has 4 elements but len(x) = 5 were expected");
        yield return Case("MseLoss.Backward", "dl", "dl has 4 elements but len(x) = 5 were expected");
        yield return Case("MseLoss.Backward", "y", "y has 4 elements but len(x) = 5 were expected");
        yield return Case("MseLoss.Backward", "dx", "dx has 4 elements but len(x) = 5 were expected");
        yield return Case("MseLoss.Backward", "dy", "dy has 4 elements but len(x) = 5 (or none) were expected");
        yield return Case("SummedSquaredError.Forward", "output", "output has 5 elements but T*F = 2*3 = 6 were expected");
        yield return Case("SummedSquaredError.Forward", "target", "target has 5 elements but T*F = 2*3 = 6 were expected");
        yield return Case("SummedSquaredError.Backward", "output", "output has 5 elements but T*F = 2*3 = 6 were expected");
        yield return Case("SummedSquaredError.Backward", "target", "target has 5 elements but T*F = 2*3 = 6 were expected");
        yield return Case("SummedSquaredError.Backward", "doutput", "doutput has 5 elements but T*F = 2*3 = 6 were expected");
        yield return Case("SummedSquaredError.Backward", "dtarget", "dtarget has 5 elements but T*F = 2*3 = 6 (or none) were expected");
    }

    /// <summary>The span every other span of an elementwise kernel is measured against: shortening it reports the others.</summary>
    private static readonly HashSet<string> LengthSetters =
        ["Relu.Forward x", "Relu.Backward x", "Tanh.Forward x", "Tanh.Backward y", "Sigmoid.Forward x", "Sigmoid.Backward y",
         "MseLoss.Forward x", "MseLoss.Backward x"];

    private static TestCaseData Case(string kernel, string span, string message) =>
        new TestCaseData(kernel, span, message).SetName($"{kernel} rejects a short {span}");

    private static double[][] RightLengths(Kernel k) =>
        [.. k.Spans.Select((s, n) => Enumerable.Range(0, s.Length).Select(i => 0.1 * ((i + n) % 5) - 0.2).ToArray())];

    [TestCaseSource(nameof(ShortSpans))]
    public void RejectsAShortSpan(string kernel, string span, string message)
    {
        var k = Kernels[kernel];
        var arrays = RightLengths(k);
        int n = Array.FindIndex(k.Spans, s => s.Span == span);
        Assert.That(n, Is.GreaterThanOrEqualTo(0), $"{kernel} has no span {span}");
        arrays[n] = new double[k.Spans[n].Length - 1];
        var e = Assert.Throws<ArgumentException>(() => k.Call(arrays))!;
        Assert.That(e.ParamName, Is.EqualTo(span));
        Assert.That(e.Message, Does.StartWith(message));
    }

    [Test]
    public void EverySpanOfEveryKernelHasACaseOrSetsTheLength()
    {
        var covered = ShortSpans().Select(c => $"{c.Arguments[0]} {c.Arguments[1]}").ToHashSet();
        foreach (var k in Kernels.Values)
            foreach (var (span, _) in k.Spans)
                Assert.That(covered.Contains($"{k.Name} {span}") || LengthSetters.Contains($"{k.Name} {span}"),
                    $"{k.Name} {span}: no short-span case");
    }

    [Test]
    public void TheRightLengthsRunAndAnEmptyOptionalGradientIsAccepted()
    {
        foreach (var k in Kernels.Values)
            Assert.DoesNotThrow(() => k.Call(RightLengths(k)), k.Name);
        Assert.DoesNotThrow(() => MseLoss.Backward(new double[N], new double[N], new double[N], new double[N], []));
        Assert.DoesNotThrow(() => SummedSquaredError.Backward(1.0, new double[T * F], new double[T * F], T, F, new double[T * F], []));
    }

    [Test]
    public void EmbeddingRejectsAShortIndexSpanAndAnIndexOutOfRange()
    {
        var e = Assert.Throws<ArgumentException>(() => Embedding.Forward([0, 1], new double[V * D], En, V, D, new double[En * D]))!;
        Assert.That(e.ParamName, Is.EqualTo("idx"));
        Assert.That(e.Message, Does.StartWith("idx has 2 elements but N = 3 were expected"));

        var r = Assert.Throws<ArgumentOutOfRangeException>(() => Embedding.Forward([0, 4, 1], new double[V * D], En, V, D, new double[En * D]))!;
        Assert.That(r.ParamName, Is.EqualTo("idx"));
        Assert.That(r.Message, Does.StartWith("idx[1] is 4 but an index must lie in [0, V-1 = 3]"));

        r = Assert.Throws<ArgumentOutOfRangeException>(() => Embedding.Backward(new double[En * D], [0, -1, 1], null, En, V, D, new double[V * D]))!;
        Assert.That(r.Message, Does.StartWith("idx[1] is -1 but an index must lie in [0, V-1 = 3]"));
    }

    [Test]
    public void NegativeSizesAreRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Softmax.Forward([], 1, -1, 1, []))!;
        Assert.That(e.ParamName, Is.EqualTo("C"));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => SummedSquaredError.Forward([], [], -2, 3))!;
        Assert.That(e.ParamName, Is.EqualTo("T"));
    }
}
