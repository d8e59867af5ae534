// PyTorch's clip_grad_norm_: hand-derived values (arithmetic in the comments) for norm types
// 2, 1, 3 and inf, clipping and not clipping, the returned pre-clip norm, NaN / inf gradients,
// error_if_nonfinite, the small non-idempotence the 1e-6 causes; bad input.
using NUnit.Framework;
using Rnn.Reference.Clipping;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Clipping;

public sealed class ClipGradNormTests
{
    private const double Tol = 1e-15;

    /// <summary>Two gradient tensors "a" = [x...] and "b" = [y...].</summary>
    internal static NamedTensors Pair(double[] a, double[] b) =>
        new() { { "a", new Tensor([a.Length], a) }, { "b", new Tensor([b.Length], b) } };

    [Test]
    public void L2ClipsBothTensorsByOneFactor()
    {
        // a = [3], b = [4]: per-tensor norms 3 and 4, total = sqrt(3^2 + 4^2) = 5
        // clip_coef = 1 / (5 + 1e-6) = 0.199999960000008
        // a = 3 * 0.199999960000008 = 0.599999880000024; b = 4 * 0.199999960000008 = 0.799999840000032
        var g = Pair([3], [4]);
        var info = ClipGradNorm.Clip(g, maxNorm: 1.0);
        Assert.That(info.TotalNorm, Is.EqualTo(5.0), "the norm before clipping is returned");
        Assert.That(info.TensorNorms, Is.EqualTo(new[] { 3.0, 4.0 }));
        Assert.That(info.Scales, Is.EqualTo(new[] { 0.199999960000008, 0.199999960000008 }).Within(Tol));
        Assert.That(g["a"].Data[0], Is.EqualTo(0.599999880000024).Within(Tol));
        Assert.That(g["b"].Data[0], Is.EqualTo(0.799999840000032).Within(Tol));
    }

    [Test]
    public void UnderTheLimitNothingChanges()
    {
        // total 5, max_norm 10: clip_coef = 10 / 5.000001 > 1, clamped to 1: g * 1 = g
        var g = Pair([3], [4]);
        var info = ClipGradNorm.Clip(g, maxNorm: 10.0);
        Assert.That(info.TotalNorm, Is.EqualTo(5.0));
        Assert.That(info.Scales, Is.EqualTo(new[] { 1.0, 1.0 }));
        Assert.That(g.ToFlat(), Is.EqualTo(new[] { 3.0, 4.0 }));
    }

    [Test]
    public void L1AndInfinityNorms()
    {
        // norm_type 1: a = [3], b = [-4]: total = 3 + 4 = 7; max_norm 2: coef = 2 / 7.000001
        //   a = 6 / 7.000001 = 0.857142734693895; b = -8 / 7.000001 = -1.14285697959186
        var g = Pair([3], [-4]);
        Assert.That(ClipGradNorm.Clip(g, 2.0, normType: 1).TotalNorm, Is.EqualTo(7.0));
        Assert.That(g.ToFlat(), Is.EqualTo(new[] { 0.857142734693895, -1.14285697959186 }).Within(1e-14));

        // norm_type inf: total = max(|3|, |-4|) = 4; max_norm 2: coef = 2 / 4.000001 = 0.499999875000031
        //   a = 3 * 0.499999875000031 = 1.49999962500009; b = -4 * 0.499999875000031 = -1.99999950000012
        g = Pair([3], [-4]);
        Assert.That(ClipGradNorm.Clip(g, 2.0, double.PositiveInfinity).TotalNorm, Is.EqualTo(4.0));
        Assert.That(g.ToFlat(), Is.EqualTo(new[] { 1.49999962500009, -1.99999950000012 }).Within(1e-14));
    }

    [Test]
    public void GeneralP()
    {
        // norm_type 3: a = [3], b = [4]: total = (27 + 64)^(1/3) = 91^(1/3) = 4.49794144527541
        // max_norm 1: a = 3 / (4.49794144527541 + 1e-6) = 0.666971629...
        var g = Pair([3], [4]);
        Assert.That(ClipGradNorm.Clip(g, 1.0, normType: 3).TotalNorm, Is.EqualTo(4.49794144527541).Within(1e-14));
        Assert.That(g["a"].Data[0], Is.EqualTo(3 / (4.49794144527541 + 1e-6)).Within(1e-14));
        Assert.That(g["b"].Data[0], Is.EqualTo(4 / (4.49794144527541 + 1e-6)).Within(1e-14));
    }

    [Test]
    public void TheNormIsOverAllTensorsTogether()
    {
        // weight [2, 2] = [[1, 2], [2, 0]] (norm 3), bias [2] = [0, 4] (norm 4): total 5, as for one flat vector
        var g = new NamedTensors
        {
            { "weight", new Tensor([2, 2], [1, 2, 2, 0]) },
            { "bias", new Tensor([2], [0, 4]) },
        };
        Assert.That(GradNorm.Total(g), Is.EqualTo(5.0));
        Assert.That(GradNorm.Of(g.ToFlat(), 2), Is.EqualTo(5.0));
    }

    [Test]
    public void ClippingTwiceShrinksAgainSlightly()
    {
        // PyTorch's 1e-6 leaves the clipped norm just below max_norm, so a second clip still scales:
        // first:  total 5;                     a = 3 / 5.000001 = 0.599999880000024 (norm 0.99999980000004)
        // second: coef = 1 / (0.99999980000004 + 1e-6) = 0.999999200000640; a = 0.59999940000048
        // (torch 1.13 gives the same numbers: 0.599999880000024, then 0.59999940000048)
        var g = Pair([3], [4]);
        ClipGradNorm.Clip(g, 1.0);
        var second = ClipGradNorm.Clip(g, 1.0);
        Assert.That(second.TotalNorm, Is.EqualTo(0.99999980000004).Within(Tol));
        Assert.That(g["a"].Data[0], Is.EqualTo(0.59999940000048).Within(Tol));
    }

    [Test]
    public void MaxNormZeroZeroesTheGradients()
    {
        // coef = 0 / (5 + 1e-6) = 0
        var g = Pair([3], [4]);
        ClipGradNorm.Clip(g, 0.0);
        Assert.That(g.ToFlat(), Is.EqualTo(new[] { 0.0, 0.0 }));
    }

    [Test]
    public void NaNGradientMakesEveryGradientNaN()
    {
        // total = NaN, clip_coef = NaN, clamp(NaN, max=1) = NaN: every gradient is multiplied by NaN (as torch 1.13)
        var g = Pair([double.NaN, 1], [2]);
        var info = ClipGradNorm.Clip(g, 1.0);
        Assert.That(double.IsNaN(info.TotalNorm));
        Assert.That(g.ToFlat().All(double.IsNaN));
    }

    [Test]
    public void InfiniteGradientZeroesTheFiniteOnes()
    {
        // a = [inf, 1, -2]: total = inf, clip_coef = 1 / inf = 0: inf * 0 = NaN, 1 * 0 = 0, -2 * 0 = -0
        // (torch 1.13: tensor([nan, 0., -0.]))
        var g = new NamedTensors { { "a", new Tensor([3], [double.PositiveInfinity, 1, -2]) } };
        var info = ClipGradNorm.Clip(g, 1.0);
        Assert.That(info.TotalNorm, Is.EqualTo(double.PositiveInfinity));
        Assert.That(double.IsNaN(g["a"].Data[0]));
        Assert.That(g["a"].Data[1], Is.EqualTo(0.0));
        Assert.That(g["a"].Data[2], Is.EqualTo(0.0));
    }

    [Test]
    public void ErrorIfNonfiniteThrowsAndLeavesTheGradients()
    {
        var g = Pair([double.NaN, 7], [-7]);
        var e = Assert.Throws<ArgumentException>(() => ClipGradNorm.Clip(g, 1.0, errorIfNonfinite: true))!;
        Assert.That(e.Message, Does.Contain("the total norm of order 2 is NaN"));
        Assert.That(g["a"].Data[1], Is.EqualTo(7.0));
        Assert.That(g["b"].Data[0], Is.EqualTo(-7.0));
        // finite gradients are clipped as usual with the flag on
        var ok = Pair([3], [4]);
        Assert.That(ClipGradNorm.Clip(ok, 1.0, errorIfNonfinite: true).TotalNorm, Is.EqualTo(5.0));
    }

    [Test]
    public void EmptySetHasNormZero()
    {
        var info = ClipGradNorm.Clip(new NamedTensors(), 1.0);
        Assert.That(info.TotalNorm, Is.EqualTo(0.0));
        Assert.That(info.Scales, Is.Empty);
    }

    [Test]
    public void RejectsBadArguments()
    {
        var g = Pair([3], [4]);
        AssertMessage(() => ClipGradNorm.Clip(g, -1.0), "max_norm must be a finite number >= 0 but is -1");
        AssertMessage(() => ClipGradNorm.Clip(g, double.NaN), "max_norm must be a finite number >= 0 but is NaN");
        AssertMessage(() => ClipGradNorm.Clip(g, 1.0, normType: 0), "norm_type must be a number > 0 or infinity but is 0");
        AssertMessage(() => ClipGradNorm.Clip(g, 1.0, normType: -2), "norm_type must be a number > 0 or infinity but is -2");
        AssertMessage(() => ClipGradNorm.Clip(g, 1.0, normType: double.NaN), "norm_type must be a number > 0 or infinity but is NaN");
        AssertMessage(() => ClipGradNorm.Clip(g, 1.0, normType: 1, mode: NormClipMode.PerTensor), "norm_type must be 2 for mode PerTensor");
        AssertMessage(() => ClipGradNorm.Clip(g, 0.0, mode: NormClipMode.PerTensor), "clipnorm must be > 0");
        AssertMessage(() => ClipGradNorm.Clip(g, -3, mode: NormClipMode.SlideSquaredNorm), "threshold must be a finite number >= 0 but is -3");
        AssertMessage(() => ClipGradNorm.Clip(g, double.PositiveInfinity, mode: NormClipMode.NoEpsilon), "theta must be a finite number >= 0 but is Infinity");
        Assert.Throws<ArgumentNullException>(() => ClipGradNorm.Clip(null!, 1.0));
        Assert.That(g.ToFlat(), Is.EqualTo(new[] { 3.0, 4.0 }), "rejected calls leave the gradients alone");
    }

    internal static void AssertMessage(TestDelegate call, string contains)
    {
        var e = Assert.Throws<ArgumentException>(call)!;
        Assert.That(e.Message, Does.Contain(contains));
    }
}
