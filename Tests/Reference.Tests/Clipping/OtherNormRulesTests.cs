// The other norm rules, with the numbers Spec/clipping.md uses: the slide's squared norm
// (where it departs from the true norm), Keras's per-tensor clipnorm, d2l's no-epsilon norm.
using NUnit.Framework;
using Rnn.Reference.Clipping;
using Rnn.Reference.Tensors;
using static Rnn.Reference.Tests.Clipping.ClipGradNormTests;

namespace Rnn.Reference.Tests.Clipping;

public sealed class OtherNormRulesTests
{
    private const double Tol = 1e-15;

    [Test]
    public void SlideScalesAGradientTheTrueNormLeavesAlone()
    {
        // w = [1.2], b = [1.6]: norm sqrt(1.44 + 2.56) = 2, threshold 3
        // slide: grad_norm = 1.44 + 2.56 = 4 > 3, so grad *= 3 / 4: w = 0.9, b = 1.2 (norm 1.5)
        // true norm 2 <= 3: d2l's rule and PyTorch's leave it alone
        var slide = Pair([1.2], [1.6]);
        var info = ClipGradNorm.Clip(slide, 3.0, mode: NormClipMode.SlideSquaredNorm);
        Assert.That(info.TotalNorm, Is.EqualTo(4.0).Within(Tol), "TotalNorm is the slide's grad_norm, the sum of squares");
        Assert.That(info.Scales[0], Is.EqualTo(0.75).Within(Tol));
        Assert.That(slide.ToFlat(), Is.EqualTo(new[] { 0.9, 1.2 }).Within(Tol));

        var d2l = Pair([1.2], [1.6]);
        ClipGradNorm.Clip(d2l, 3.0, mode: NormClipMode.NoEpsilon);
        Assert.That(d2l.ToFlat(), Is.EqualTo(new[] { 1.2, 1.6 }));
        var pytorch = Pair([1.2], [1.6]);
        ClipGradNorm.Clip(pytorch, 3.0);
        Assert.That(pytorch.ToFlat(), Is.EqualTo(new[] { 1.2, 1.6 }));
    }

    [Test]
    public void SlideClipsToTheWrongNorm()
    {
        // w = [0.3], b = [0.4]: norm 0.5, threshold 0.2
        // slide: grad_norm = 0.09 + 0.16 = 0.25 > 0.2, scale 0.2 / 0.25 = 0.8: w = 0.24, b = 0.32 (norm 0.4, not 0.2)
        // d2l:   0.5 > 0.2, scale 0.2 / 0.5 = 0.4: w = 0.12, b = 0.16 (norm 0.2)
        var slide = Pair([0.3], [0.4]);
        ClipGradNorm.Clip(slide, 0.2, mode: NormClipMode.SlideSquaredNorm);
        Assert.That(slide.ToFlat(), Is.EqualTo(new[] { 0.24, 0.32 }).Within(Tol));
        var d2l = Pair([0.3], [0.4]);
        ClipGradNorm.Clip(d2l, 0.2, mode: NormClipMode.NoEpsilon);
        Assert.That(d2l.ToFlat(), Is.EqualTo(new[] { 0.12, 0.16 }).Within(Tol));
    }

    [Test]
    public void SlideLeavesAloneAGradientTheTrueNormClips()
    {
        // w = [0.3], b = [0.4]: norm 0.5, threshold 0.3
        // slide: grad_norm = 0.25 <= 0.3: nothing happens
        // d2l:   0.5 > 0.3, scale 0.3 / 0.5 = 0.6: w = 0.18, b = 0.24
        var slide = Pair([0.3], [0.4]);
        var info = ClipGradNorm.Clip(slide, 0.3, mode: NormClipMode.SlideSquaredNorm);
        Assert.That(info.Scales[0], Is.EqualTo(1.0));
        Assert.That(slide.ToFlat(), Is.EqualTo(new[] { 0.3, 0.4 }));
        var d2l = Pair([0.3], [0.4]);
        ClipGradNorm.Clip(d2l, 0.3, mode: NormClipMode.NoEpsilon);
        Assert.That(d2l.ToFlat(), Is.EqualTo(new[] { 0.18, 0.24 }).Within(Tol));
    }

    [Test]
    public void SlideEndsAtThresholdOverNorm()
    {
        // w = [3], b = [4]: norm 5, threshold 1: grad_norm = 25, scale 1 / 25: w = 0.12, b = 0.16, norm 0.2 = 1 / 5
        var slide = Pair([3], [4]);
        ClipGradNorm.Clip(slide, 1.0, mode: NormClipMode.SlideSquaredNorm);
        Assert.That(slide.ToFlat(), Is.EqualTo(new[] { 0.12, 0.16 }).Within(Tol));
    }

    [Test]
    public void KerasClipsEachTensorOnItsOwn()
    {
        // a = [3, 4] (norm 5), b = [0.3, 0.4] (norm 0.5), clipnorm 1
        // a = a * 1 / max(5, 1) = [0.6, 0.8];  b = b * 1 / max(0.5, 1) = b
        // (a global rule would shrink b too: PyTorch scales both by 1 / (sqrt(25.25) + 1e-6) = 0.199007…)
        var g = new NamedTensors { { "a", new Tensor([2], [3, 4]) }, { "b", new Tensor([2], [0.3, 0.4]) } };
        var info = ClipGradNorm.Clip(g, 1.0, mode: NormClipMode.PerTensor);
        Assert.That(info.TensorNorms, Is.EqualTo(new[] { 5.0, 0.5 }).Within(Tol));
        Assert.That(info.Scales, Is.EqualTo(new[] { 0.2, 1.0 }).Within(Tol));
        Assert.That(info.TotalNorm, Is.EqualTo(Math.Sqrt(25.25)).Within(Tol), "the global L2 norm, for information");
        Assert.That(g["a"].Data, Is.EqualTo(new[] { 0.6, 0.8 }).Within(Tol));
        Assert.That(g["b"].Data, Is.EqualTo(new[] { 0.3, 0.4 }).Within(Tol));
    }

    [Test]
    public void KerasZeroGradientStaysZero()
    {
        // Keras's "two-tap where" keeps norm 0 (no NaN from sqrt); 0 * 1 / max(0, 1) = 0
        var g = new NamedTensors { { "a", new Tensor([2], [0, 0]) } };
        ClipGradNorm.Clip(g, 1.0, mode: NormClipMode.PerTensor);
        Assert.That(g["a"].Data, Is.EqualTo(new[] { 0.0, 0.0 }));
    }

    [Test]
    public void NoEpsilonEndsExactlyAtTheLimit()
    {
        // a = [3], b = [4], theta 1: norm 5 > 1, scale 1 / 5: a = 0.6, b = 0.8 (PyTorch: 0.599999880000024, 0.799999840000032)
        var g = Pair([3], [4]);
        var info = ClipGradNorm.Clip(g, 1.0, mode: NormClipMode.NoEpsilon);
        Assert.That(info.TotalNorm, Is.EqualTo(5.0));
        Assert.That(g.ToFlat(), Is.EqualTo(new[] { 0.6, 0.8 }).Within(Tol));
    }

    [Test]
    public void ErrorIfNonfiniteWorksInEveryMode()
    {
        foreach (var mode in new[] { NormClipMode.PerTensor, NormClipMode.SlideSquaredNorm, NormClipMode.NoEpsilon })
        {
            var g = Pair([double.PositiveInfinity], [1]);
            var e = Assert.Throws<ArgumentException>(() => ClipGradNorm.Clip(g, 1.0, mode: mode, errorIfNonfinite: true))!;
            Assert.That(e.Message, Does.Contain("non-finite"), mode.ToString());
            Assert.That(g["b"].Data[0], Is.EqualTo(1.0), mode.ToString());
        }
    }
}
