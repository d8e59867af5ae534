// The slides' two RNNs reject bad input with an ArgumentException whose message names the
// argument, what was expected and what was found.
using NUnit.Framework;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Recurrent;

public sealed class SlideRnnBadInputTests
{
    private static ArgumentException Rejects(TestDelegate call, string paramName)
    {
        var e = Assert.Catch<ArgumentException>(call)!;
        TestContext.Out.WriteLine(e.Message);
        Assert.That(e.ParamName, Is.EqualTo(paramName));
        return e;
    }

    // ---- slide ReLU RNN: H = 3, I = 2 -----------------------------------------------------------

    private static readonly Tensor W = Tensor.Zeros(3, 2), U = Tensor.Zeros(3, 3), b = Tensor.Zeros(3);

    [Test]
    public void ReluRnnWrongParameterShapes()
    {
        var x = Tensor.Zeros(5, 2);
        var e = Rejects(() => SlideReluRnn.Forward(Tensor.Zeros(3), U, b, x), "W");
        Assert.That(e.Message, Does.Contain("W is [3] but a rank-2 tensor [H, I] was expected"));
        e = Rejects(() => SlideReluRnn.Forward(Tensor.Zeros(0, 2), Tensor.Zeros(0, 0), Tensor.Zeros(0), x), "W");
        Assert.That(e.Message, Does.Contain("W is [0, 2]").And.Contain("at least 1"));
        e = Rejects(() => SlideReluRnn.Forward(W, Tensor.Zeros(3, 2), b, x), "U");
        Assert.That(e.Message, Does.Contain("U is [3, 2] but [3, 3] was expected"));
        e = Rejects(() => SlideReluRnn.Forward(W, U, Tensor.Zeros(2), x), "b");
        Assert.That(e.Message, Does.Contain("b is [2] but [3] was expected"));
        e = Rejects(() => SlideReluRnn.ForwardTimeZeroSpecialCase(W, U, Tensor.Zeros(1, 3), x), "b");
        Assert.That(e.Message, Does.Contain("b is [1, 3] but [3] was expected"));
    }

    [Test]
    public void ReluRnnWrongInput()
    {
        var e = Rejects(() => SlideReluRnn.Forward(W, U, b, Tensor.Zeros(5, 4)), "inputSequence");
        Assert.That(e.Message, Does.Contain("inputSequence is [5, 4] but W is [3, 2], so [T, 2] or [T, B, 2] was expected"));
        e = Rejects(() => SlideReluRnn.Forward(W, U, b, Tensor.Zeros(5, 1, 2, 2)), "inputSequence");
        Assert.That(e.Message, Does.Contain("inputSequence is [5, 1, 2, 2]").And.Contain("[T, 2] or [T, B, 2]"));
        e = Rejects(() => SlideReluRnn.Forward(W, U, b, Tensor.Zeros(2)), "inputSequence");
        Assert.That(e.Message, Does.Contain("inputSequence is [2]"));
        e = Rejects(() => SlideReluRnn.ForwardTimeZeroSpecialCase(W, U, b, Tensor.Zeros(0, 2)), "inputSequence");
        Assert.That(e.Message, Does.Contain("inputSequence is [0, 2]").And.Contain("at least 1 step"));
    }

    [Test]
    public void ReluRnnWrongH0()
    {
        var e = Rejects(() => SlideReluRnn.Forward(W, U, b, Tensor.Zeros(5, 2), Tensor.Zeros(2)), "h0");
        Assert.That(e.Message, Does.Contain("h0 is [2] but [3] was expected"));
        e = Rejects(() => SlideReluRnn.Forward(W, U, b, Tensor.Zeros(5, 2, 2), Tensor.Zeros(4, 3)), "h0");
        Assert.That(e.Message, Does.Contain("h0 is [4, 3] but [2, 3] was expected"));
        e = Rejects(() => SlideReluRnn.Forward(W, U, b, Tensor.Zeros(5, 2, 2), Tensor.Zeros(3)), "h0");
        Assert.That(e.Message, Does.Contain("h0 is [3] but [2, 3] was expected"));
    }

    [Test]
    public void ReluRnnBackwardWrongShapes()
    {
        var x = Tensor.Zeros(5, 2, 2);
        var outputs = SlideReluRnn.Forward(W, U, b, x);
        var e = Rejects(() => SlideReluRnn.Backward(W, U, b, x, Tensor.Zeros(4, 2, 3), Tensor.Zeros(5, 2, 3)), "outputs");
        Assert.That(e.Message, Does.Contain("outputs is [4, 2, 3] but [5, 2, 3] was expected"));
        e = Rejects(() => SlideReluRnn.Backward(W, U, b, x, outputs, Tensor.Zeros(5, 3)), "dOutputs");
        Assert.That(e.Message, Does.Contain("dOutputs is [5, 3] but [5, 2, 3] was expected"));
        e = Rejects(() => SlideReluRnn.BackwardLastStep(W, U, b, x, outputs, Tensor.Zeros(3)), "dLastOutput");
        Assert.That(e.Message, Does.Contain("dLastOutput is [3] but [2, 3] was expected"));
        e = Rejects(() => SlideReluRnn.BackwardLastStep(W, U, b, x, Tensor.Zeros(3), Tensor.Zeros(3)), "outputs");
        Assert.That(e.Message, Does.Contain("outputs is [3] but [T, H] or [T, B, H] with T >= 1 was expected"));
        e = Rejects(() => SlideReluRnn.Backward(W, U, b, x, outputs, Tensor.Zeros(5, 2, 3), Tensor.Zeros(3)), "h0");
        Assert.That(e.Message, Does.Contain("h0 is [3] but [2, 3] was expected"));
    }

    [Test]
    public void ReluRnnLastOutputOfANonSequence()
    {
        var e = Rejects(() => SlideReluRnn.LastOutput(Tensor.Zeros(3)), "outputs");
        Assert.That(e.Message, Does.Contain("outputs is [3] but [T, H] or [T, B, H] with T >= 1 was expected"));
        e = Rejects(() => SlideReluRnn.LastOutput(Tensor.Zeros(0, 3)), "outputs");
        Assert.That(e.Message, Does.Contain("outputs is [0, 3]"));
    }

    // ---- slide tanh RNN: I = 2, H = 3, O = 4 ----------------------------------------------------

    private static readonly Tensor Wxh = Tensor.Zeros(3, 2), Whh = Tensor.Zeros(3, 3), Why = Tensor.Zeros(4, 3);

    [Test]
    public void TanhRnnWrongParameterShapes()
    {
        var x = Tensor.Zeros(5, 2);
        var e = Rejects(() => SlideTanhRnn.Forward(Tensor.Zeros(3, 2, 1), Whh, Why, x), "Wxh");
        Assert.That(e.Message, Does.Contain("Wxh is [3, 2, 1] but a rank-2 tensor [H, I] was expected"));
        e = Rejects(() => SlideTanhRnn.Forward(Wxh, Tensor.Zeros(2, 2), Why, x), "Whh");
        Assert.That(e.Message, Does.Contain("Whh is [2, 2] but [3, 3] was expected"));
        e = Rejects(() => SlideTanhRnn.Forward(Wxh, Whh, Tensor.Zeros(4, 2), x), "Why");
        Assert.That(e.Message, Does.Contain("Why is [4, 2] but [O, 3] with O >= 1 was expected"));
        e = Rejects(() => SlideTanhRnn.Forward(Wxh, Whh, Tensor.Zeros(4), x), "Why");
        Assert.That(e.Message, Does.Contain("Why is [4] but a rank-2 tensor [O, H] was expected"));
    }

    [Test]
    public void TanhRnnWrongInputAndH0()
    {
        var e = Rejects(() => SlideTanhRnn.Forward(Wxh, Whh, Why, Tensor.Zeros(5, 2, 3)), "input");
        Assert.That(e.Message, Does.Contain("input is [5, 2, 3] but Wxh is [3, 2], so [T, B, 2] or [T, 2] was expected"));
        e = Rejects(() => SlideTanhRnn.Forward(Wxh, Whh, Why, Tensor.Zeros(0, 1, 2)), "input");
        Assert.That(e.Message, Does.Contain("input is [0, 1, 2]").And.Contain("at least 1 step"));
        e = Rejects(() => SlideTanhRnn.Forward(Wxh, Whh, Why, Tensor.Zeros(5, 2, 2), Tensor.Zeros(3)), "h0");
        Assert.That(e.Message, Does.Contain("h0 is [3] but [2, 3] was expected"));
        e = Rejects(() => SlideTanhRnn.Forward(Wxh, Whh, Why, Tensor.Zeros(5, 2), Tensor.Zeros(1, 3)), "h0");
        Assert.That(e.Message, Does.Contain("h0 is [1, 3] but [3] was expected"));
    }

    [Test]
    public void TanhRnnBackwardWrongShapes()
    {
        var x = Tensor.Zeros(5, 2, 2);
        var f = SlideTanhRnn.Forward(Wxh, Whh, Why, x);
        var e = Rejects(() => SlideTanhRnn.Backward(Wxh, Whh, Why, x, f, Tensor.Zeros(5, 2, 3)), "dY");
        Assert.That(e.Message, Does.Contain("dY is [5, 2, 3] but [5, 2, 4] was expected"));
        e = Rejects(() => SlideTanhRnn.Backward(Wxh, Whh, Why, x, f, null, Tensor.Zeros(3)), "dHN");
        Assert.That(e.Message, Does.Contain("dHN is [3] but [2, 3] was expected"));
    }

    [Test]
    public void TanhRnnBackwardWithAnotherInputsForwardPass()
    {
        // the forward pass of a shorter sequence
        var x = Tensor.Zeros(5, 2, 2);
        var shorter = SlideTanhRnn.Forward(Wxh, Whh, Why, Tensor.Zeros(4, 2, 2));
        var e = Rejects(() => SlideTanhRnn.Backward(Wxh, Whh, Why, x, shorter, null), "forward.Y");
        Assert.That(e.Message, Does.Contain("forward.Y is [4, 2, 4] but [5, 2, 4] was expected"));

        // the forward pass of a cell with another hidden size (same output shape)
        var wider = SlideTanhRnn.Forward(Tensor.Zeros(5, 2), Tensor.Zeros(5, 5), Tensor.Zeros(4, 5), x);
        e = Rejects(() => SlideTanhRnn.Backward(Wxh, Whh, Why, x, wider, null), "forward");
        Assert.That(e.Message, Does.Contain("forward.Hs has 60 values but this input needs (T + 1) * B * H = 36"));
    }
}
