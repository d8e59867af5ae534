// torch.nn.utils.clip_grad_value_: hand values, NaN, bad input.
using NUnit.Framework;
using Rnn.Reference.Clipping;
using Rnn.Reference.Tensors;
using static Rnn.Reference.Tests.Clipping.ClipGradNormTests;

namespace Rnn.Reference.Tests.Clipping;

public sealed class ClipGradValueTests
{
    [Test]
    public void ClampsEachElement()
    {
        // clip_value 5 (min-char-rnn's): -7 -> -5, 0.5 stays, 7 -> 5, 5 stays (already at the bound); NaN stays NaN (torch.clamp)
        var g = new NamedTensors { { "a", new Tensor([2, 2], [-7, 0.5, 7, 5]) }, { "b", new Tensor([1], [double.NaN]) } };
        int changed = ClipGradValue.Clip(g, 5.0);
        Assert.That(changed, Is.EqualTo(2));
        Assert.That(g["a"].Data, Is.EqualTo(new[] { -5.0, 0.5, 5.0, 5.0 }));
        Assert.That(double.IsNaN(g["b"].Data[0]));
    }

    [Test]
    public void ZeroClipValueZeroesEverything()
    {
        var g = new NamedTensors { { "a", new Tensor([3], [-1, 0, 2]) } };
        ClipGradValue.Clip(g, 0.0);
        Assert.That(g["a"].Data, Is.EqualTo(new[] { 0.0, 0.0, 0.0 }));
    }

    [Test]
    public void RejectsBadClipValue()
    {
        var g = new NamedTensors { { "a", new Tensor([1], [1]) } };
        AssertMessage(() => ClipGradValue.Clip(g, -1), "clip_value must be a finite number >= 0 but is -1");
        AssertMessage(() => ClipGradValue.Clip(g, double.NaN), "clip_value must be a finite number >= 0 but is NaN");
    }
}
