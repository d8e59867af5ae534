// The public span kernels (MatMul and every cell's Step functions) check every span's length
// up front, as TensorPrimitives does: an ArgumentException whose ParamName is the span and
// whose message gives the actual length, the sizes the expected length is made of, and that
// length. Each case below shortens one span by one element; the expected message is written
// out by hand for the sizes used here (B = 2, H = 3; MatMul R = 2, In = 3, Out = 4; the slide
// tanh cell I = 4, O = 5).
using NUnit.Framework;
using Rnn.Reference.Numerics;
using Rnn.Reference.Recurrent;

namespace Rnn.Reference.Tests.Recurrent;

public sealed class SpanKernelLengthTests
{
    private const int B = 2, H = 3, I = 4, O = 5;      // cells
    private const int R = 2, In = 3, Out = 4;          // MatMul

    /// <summary>A kernel: its spans in parameter order with their right lengths, and a call taking them in that order.</summary>
    private sealed record Kernel(string Name, (string Span, int Length)[] Spans, Action<double[][]> Call);

    private static readonly Dictionary<string, Kernel> Kernels = new Kernel[]
    {
        new("MatMul.Forward",
            [("inp", R * In), ("weight", Out * In), ("bias", Out), ("output", R * Out)],
            a => MatMul.Forward(a[0], a[1], a[2], R, In, Out, a[3])),
        new("MatMul.ForwardAccumulate",
            [("inp", R * In), ("weight", Out * In), ("output", R * Out)],
            a => MatMul.ForwardAccumulate(a[0], a[1], R, In, Out, a[2])),
        new("MatMul.Backward",
            [("dout", R * Out), ("inp", R * In), ("weight", Out * In), ("dinp", R * In), ("dweight", Out * In), ("dbias", Out)],
            a => MatMul.Backward(a[0], a[1], a[2], R, In, Out, a[3], a[4], a[5])),
        new("RnnCell.StepForward",
            [("xProj", B * H), ("hPrev", B * H), ("Whh", H * H), ("bhh", H), ("h", B * H)],
            a => RnnCell.StepForward(a[0], a[1], a[2], a[3], false, B, H, a[4])),
        new("RnnCell.StepBackward",
            [("dh", B * H), ("h", B * H), ("hPrev", B * H), ("Whh", H * H), ("dxProj", B * H), ("dhPrev", B * H), ("dWhh", H * H), ("dbhh", H)],
            a => RnnCell.StepBackward(a[0], a[1], a[2], a[3], false, B, H, a[4], a[5], a[6], a[7])),
        new("LstmCell.StepForward",
            [("xProj", B * 4 * H), ("hPrev", B * H), ("cPrev", B * H), ("Whh", 4 * H * H), ("bhh", 4 * H),
             ("gates", B * 4 * H), ("c", B * H), ("h", B * H)],
            a => LstmCell.StepForward(a[0], a[1], a[2], a[3], a[4], B, H, a[5], a[6], a[7])),
        new("LstmCell.StepBackward",
            [("dh", B * H), ("dc", B * H), ("gates", B * 4 * H), ("c", B * H), ("cPrev", B * H), ("hPrev", B * H), ("Whh", 4 * H * H),
             ("dxProj", B * 4 * H), ("dhPrev", B * H), ("dcPrev", B * H), ("dWhh", 4 * H * H), ("dbhh", 4 * H)],
            a => LstmCell.StepBackward(a[0], a[1], a[2], a[3], a[4], a[5], a[6], B, H, a[7], a[8], a[9], a[10], a[11])),
        new("GruCell.StepForward",
            [("xProj", B * 3 * H), ("hPrev", B * H), ("Whh", 3 * H * H), ("bhh", 3 * H), ("gates", B * 3 * H), ("hhN", B * H), ("h", B * H)],
            a => GruCell.StepForward(a[0], a[1], a[2], a[3], B, H, a[4], a[5], a[6])),
        new("GruCell.StepBackward",
            [("dh", B * H), ("gates", B * 3 * H), ("hhN", B * H), ("hPrev", B * H), ("Whh", 3 * H * H),
             ("dxProj", B * 3 * H), ("dhPrev", B * H), ("dWhh", 3 * H * H), ("dbhh", 3 * H)],
            a => GruCell.StepBackward(a[0], a[1], a[2], a[3], a[4], B, H, a[5], a[6], a[7], a[8])),
        new("GruResetBeforeCell.StepForward",
            [("xProj", B * 3 * H), ("hPrev", B * H), ("Whh", 3 * H * H), ("bhh", 3 * H), ("gates", B * 3 * H), ("h", B * H)],
            a => GruResetBeforeCell.StepForward(a[0], a[1], a[2], a[3], B, H, a[4], a[5])),
        new("GruResetBeforeCell.StepBackward",
            [("dh", B * H), ("gates", B * 3 * H), ("hPrev", B * H), ("Whh", 3 * H * H),
             ("dxProj", B * 3 * H), ("dhPrev", B * H), ("dWhh", 3 * H * H), ("dbhh", 3 * H)],
            a => GruResetBeforeCell.StepBackward(a[0], a[1], a[2], a[3], B, H, a[4], a[5], a[6], a[7])),
        new("SlideTanhRnn.StepForward",
            [("x", B * I), ("hPrev", B * H), ("Wxh", H * I), ("Whh", H * H), ("Why", O * H), ("h", B * H), ("y", B * O)],
            a => SlideTanhRnn.StepForward(a[0], a[1], a[2], a[3], a[4], B, I, H, O, a[5], a[6])),
        new("SlideTanhRnn.StepBackward",
            [("dy", B * O), ("dh", B * H), ("x", B * I), ("h", B * H), ("hPrev", B * H), ("Wxh", H * I), ("Whh", H * H), ("Why", O * H),
             ("dx", B * I), ("dhPrev", B * H), ("dWxh", H * I), ("dWhh", H * H), ("dWhy", O * H)],
            a => SlideTanhRnn.StepBackward(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], B, I, H, O, a[8], a[9], a[10], a[11], a[12])),
    }.ToDictionary(k => k.Name);

    /// <summary>Right-length spans holding small values (a sigmoid or tanh of them stays well inside (-1, 1)).</summary>
    private static double[][] RightLengths(Kernel k) =>
        [.. k.Spans.Select((s, n) => Enumerable.Range(0, s.Length).Select(i => 0.1 * ((i + n) % 5) - 0.2).ToArray())];

    private static IEnumerable<TestCaseData> ShortSpans()
    {
        // MatMul: R = 2, In = 3, Out = 4
        yield return Case("MatMul.Forward", "inp", "inp has 5 elements but R*In = 2*3 = 6 were expected");
        yield return Case("MatMul.Forward", "weight", "weight has 11 elements but Out*In = 4*3 = 12 were expected");
        yield return Case("MatMul.Forward", "bias", "bias has 3 elements but Out = 4 (or none) were expected");
        yield return Case("MatMul.Forward", "output", "output has 7 elements but R*Out = 2*4 = 8 were expected");
        yield return Case("MatMul.ForwardAccumulate", "inp", "inp has 5 elements but R*In = 2*3 = 6 were expected");
        yield return Case("MatMul.ForwardAccumulate", "weight", "weight has 11 elements but Out*In = 4*3 = 12 were expected");
        yield return Case("MatMul.ForwardAccumulate", "output", "output has 7 elements but R*Out = 2*4 = 8 were expected");
        yield return Case("MatMul.Backward", "dout", "dout has 7 elements but R*Out = 2*4 = 8 were expected");
        yield return Case("MatMul.Backward", "inp", "inp has 5 elements but R*In = 2*3 = 6 were expected");
        yield return Case("MatMul.Backward", "weight", "weight has 11 elements but Out*In = 4*3 = 12 were expected");
        yield return Case("MatMul.Backward", "dinp", "dinp has 5 elements but R*In = 2*3 = 6 (or none) were expected");
        yield return Case("MatMul.Backward", "dweight", "dweight has 11 elements but Out*In = 4*3 = 12 (or none) were expected");
        yield return Case("MatMul.Backward", "dbias", "dbias has 3 elements but Out = 4 (or none) were expected");

        // RnnCell: B = 2, H = 3
        yield return Case("RnnCell.StepForward", "xProj", "xProj has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("RnnCell.StepForward", "hPrev", "hPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("RnnCell.StepForward", "Whh", "Whh has 8 elements but H*H = 3*3 = 9 were expected");
        yield return Case("RnnCell.StepForward", "bhh", "bhh has 2 elements but H = 3 (or none) were expected");
        yield return Case("RnnCell.StepForward", "h", "h has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("RnnCell.StepBackward", "dh", "dh has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("RnnCell.StepBackward", "h", "h has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("RnnCell.StepBackward", "hPrev", "hPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("RnnCell.StepBackward", "Whh", "Whh has 8 elements but H*H = 3*3 = 9 were expected");
        yield return Case("RnnCell.StepBackward", "dxProj", "dxProj has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("RnnCell.StepBackward", "dhPrev", "dhPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("RnnCell.StepBackward", "dWhh", "dWhh has 8 elements but H*H = 3*3 = 9 were expected");
        yield return Case("RnnCell.StepBackward", "dbhh", "dbhh has 2 elements but H = 3 (or none) were expected");

        // LstmCell: B = 2, H = 3, 4H = 12
        yield return Case("LstmCell.StepForward", "xProj", "xProj has 23 elements but B*4H = 2*12 = 24 were expected");
        yield return Case("LstmCell.StepForward", "hPrev", "hPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("LstmCell.StepForward", "cPrev", "cPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("LstmCell.StepForward", "Whh", "Whh has 35 elements but 4H*H = 12*3 = 36 were expected");
        yield return Case("LstmCell.StepForward", "bhh", "bhh has 11 elements but 4H = 12 (or none) were expected");
        yield return Case("LstmCell.StepForward", "gates", "gates has 23 elements but B*4H = 2*12 = 24 were expected");
        yield return Case("LstmCell.StepForward", "c", "c has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("LstmCell.StepForward", "h", "h has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("LstmCell.StepBackward", "dh", "dh has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("LstmCell.StepBackward", "dc", "dc has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("LstmCell.StepBackward", "gates", "gates has 23 elements but B*4H = 2*12 = 24 were expected");
        yield return Case("LstmCell.StepBackward", "c", "c has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("LstmCell.StepBackward", "cPrev", "cPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("LstmCell.StepBackward", "hPrev", "hPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("LstmCell.StepBackward", "Whh", "Whh has 35 elements but 4H*H = 12*3 = 36 were expected");
        yield return Case("LstmCell.StepBackward", "dxProj", "dxProj has 23 elements but B*4H = 2*12 = 24 were expected");
        yield return Case("LstmCell.StepBackward", "dhPrev", "dhPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("LstmCell.StepBackward", "dcPrev", "dcPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("LstmCell.StepBackward", "dWhh", "dWhh has 35 elements but 4H*H = 12*3 = 36 were expected");
        yield return Case("LstmCell.StepBackward", "dbhh", "dbhh has 11 elements but 4H = 12 (or none) were expected");

        // GruCell: B = 2, H = 3, 3H = 9
        yield return Case("GruCell.StepForward", "xProj", "xProj has 17 elements but B*3H = 2*9 = 18 were expected");
        yield return Case("GruCell.StepForward", "hPrev", "hPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("GruCell.StepForward", "Whh", "Whh has 26 elements but 3H*H = 9*3 = 27 were expected");
        yield return Case("GruCell.StepForward", "bhh", "bhh has 8 elements but 3H = 9 (or none) were expected");
        yield return Case("GruCell.StepForward", "gates", "gates has 17 elements but B*3H = 2*9 = 18 were expected");
        yield return Case("GruCell.StepForward", "hhN", "hhN has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("GruCell.StepForward", "h", "h has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("GruCell.StepBackward", "dh", "dh has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("GruCell.StepBackward", "gates", "gates has 17 elements but B*3H = 2*9 = 18 were expected");
        yield return Case("GruCell.StepBackward", "hhN", "hhN has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("GruCell.StepBackward", "hPrev", "hPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("GruCell.StepBackward", "Whh", "Whh has 26 elements but 3H*H = 9*3 = 27 were expected");
        yield return Case("GruCell.StepBackward", "dxProj", "dxProj has 17 elements but B*3H = 2*9 = 18 were expected");
        yield return Case("GruCell.StepBackward", "dhPrev", "dhPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("GruCell.StepBackward", "dWhh", "dWhh has 26 elements but 3H*H = 9*3 = 27 were expected");
        yield return Case("GruCell.StepBackward", "dbhh", "dbhh has 8 elements but 3H = 9 (or none) were expected");

        // GruResetBeforeCell: B = 2, H = 3, 3H = 9
        yield return Case("GruResetBeforeCell.StepForward", "xProj", "xProj has 17 elements but B*3H = 2*9 = 18 were expected");
        yield return Case("GruResetBeforeCell.StepForward", "hPrev", "hPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("GruResetBeforeCell.StepForward", "Whh", "Whh has 26 elements but 3H*H = 9*3 = 27 were expected");
        yield return Case("GruResetBeforeCell.StepForward", "bhh", "bhh has 8 elements but 3H = 9 (or none) were expected");
        yield return Case("GruResetBeforeCell.StepForward", "gates", "gates has 17 elements but B*3H = 2*9 = 18 were expected");
        yield return Case("GruResetBeforeCell.StepForward", "h", "h has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("GruResetBeforeCell.StepBackward", "dh", "dh has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("GruResetBeforeCell.StepBackward", "gates", "gates has 17 elements but B*3H = 2*9 = 18 were expected");
        yield return Case("GruResetBeforeCell.StepBackward", "hPrev", "hPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("GruResetBeforeCell.StepBackward", "Whh", "Whh has 26 elements but 3H*H = 9*3 = 27 were expected");
        yield return Case("GruResetBeforeCell.StepBackward", "dxProj", "dxProj has 17 elements but B*3H = 2*9 = 18 were expected");
        yield return Case("GruResetBeforeCell.StepBackward", "dhPrev", "dhPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("GruResetBeforeCell.StepBackward", "dWhh", "dWhh has 26 elements but 3H*H = 9*3 = 27 were expected");
        yield return Case("GruResetBeforeCell.StepBackward", "dbhh", "dbhh has 8 elements but 3H = 9 (or none) were expected");

        // SlideTanhRnn: B = 2, I = 4, H = 3, O = 5
        yield return Case("SlideTanhRnn.StepForward", "x", "x has 7 elements but B*I = 2*4 = 8 were expected");
        yield return Case("SlideTanhRnn.StepForward", "hPrev", "hPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("SlideTanhRnn.StepForward", "Wxh", "Wxh has 11 elements but H*I = 3*4 = 12 were expected");
        yield return Case("SlideTanhRnn.StepForward", "Whh", "Whh has 8 elements but H*H = 3*3 = 9 were expected");
        yield return Case("SlideTanhRnn.StepForward", "Why", "Why has 14 elements but O*H = 5*3 = 15 were expected");
        yield return Case("SlideTanhRnn.StepForward", "h", "h has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("SlideTanhRnn.StepForward", "y", "y has 9 elements but B*O = 2*5 = 10 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "dy", "dy has 9 elements but B*O = 2*5 = 10 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "dh", "dh has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "x", "x has 7 elements but B*I = 2*4 = 8 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "h", "h has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "hPrev", "hPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "Wxh", "Wxh has 11 elements but H*I = 3*4 = 12 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "Whh", "Whh has 8 elements but H*H = 3*3 = 9 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "Why", "Why has 14 elements but O*H = 5*3 = 15 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "dx", "dx has 7 elements but B*I = 2*4 = 8 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "dhPrev", "dhPrev has 5 elements but B*H = 2*3 = 6 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "dWxh", "dWxh has 11 elements but H*I = 3*4 = 12 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "dWhh", "dWhh has 8 elements but H*H = 3*3 = 9 were expected");
        yield return Case("SlideTanhRnn.StepBackward", "dWhy", "dWhy has 14 elements but O*H = 5*3 = 15 were expected");
    }

    private static TestCaseData Case(string kernel, string span, string message) =>
        new TestCaseData(kernel, span, message).SetName($"{kernel} rejects a short {span}");

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
    public void EverySpanOfEveryKernelHasACase()
    {
        var covered = ShortSpans().Select(c => $"{c.Arguments[0]} {c.Arguments[1]}").ToHashSet();
        foreach (var k in Kernels.Values)
            foreach (var (span, _) in k.Spans)
                Assert.That(covered, Does.Contain($"{k.Name} {span}"), "no short-span case");
    }

    [Test]
    public void RejectsALongSpanToo()
    {
        var k = Kernels["LstmCell.StepForward"];
        var arrays = RightLengths(k);
        arrays[1] = new double[B * H + 1];
        var e = Assert.Throws<ArgumentException>(() => k.Call(arrays))!;
        Assert.That(e.ParamName, Is.EqualTo("hPrev"));
        Assert.That(e.Message, Does.StartWith("hPrev has 7 elements but B*H = 2*3 = 6 were expected"));
    }

    [TestCase("MatMul.Forward", "bias")]
    [TestCase("MatMul.Backward", "dinp")]
    [TestCase("MatMul.Backward", "dweight")]
    [TestCase("MatMul.Backward", "dbias")]
    [TestCase("RnnCell.StepForward", "bhh")]
    [TestCase("RnnCell.StepBackward", "dbhh")]
    [TestCase("LstmCell.StepForward", "bhh")]
    [TestCase("LstmCell.StepBackward", "dbhh")]
    [TestCase("GruCell.StepForward", "bhh")]
    [TestCase("GruCell.StepBackward", "dbhh")]
    [TestCase("GruResetBeforeCell.StepForward", "bhh")]
    [TestCase("GruResetBeforeCell.StepBackward", "dbhh")]
    public void AcceptsAnEmptyOptionalSpan(string kernel, string span)
    {
        var k = Kernels[kernel];
        var arrays = RightLengths(k);
        arrays[Array.FindIndex(k.Spans, s => s.Span == span)] = [];
        Assert.DoesNotThrow(() => k.Call(arrays));
    }

    [Test]
    public void RightLengthsAreAccepted()
    {
        foreach (var k in Kernels.Values)
            Assert.DoesNotThrow(() => k.Call(RightLengths(k)), k.Name);
    }

    [Test]
    public void RejectsANegativeSize()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RnnCell.StepForward([], [], [], [], false, -1, -1, []))!;
        Assert.That(e.ParamName, Is.EqualTo("B"));
        Assert.That(e.Message, Does.StartWith("B is -1 but a size must be at least 0"));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => MatMul.Forward([], [], [], 1, -2, 0, []))!;
        Assert.That(e.ParamName, Is.EqualTo("In"));
    }
}
