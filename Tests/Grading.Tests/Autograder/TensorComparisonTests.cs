// The comparison rule |got - expected| <= atol + rtol * |expected|, element by element, and
// what a failure says: the worst element as a multi-index, expected and given values.
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Tests.Autograder;

public sealed class TensorComparisonTests
{
    [Test]
    public void ToleranceBoundaryIsInclusive()
    {
        // allowed at expected 2 with atol 0.25, rtol 0.5: 0.25 + 0.5 * 2 = 1.25 (all exact in binary)
        var expected = new Tensor([1], [2.0]);
        Assert.That(TensorComparison.Compare(expected, new Tensor([1], [3.25]), 0.5, 0.25).Passed, Is.True);
        Assert.That(TensorComparison.Compare(expected, new Tensor([1], [0.75]), 0.5, 0.25).Passed, Is.True);
        var outside = TensorComparison.Compare(expected, new Tensor([1], [3.5]), 0.5, 0.25);
        Assert.That(outside.Passed, Is.False);
        Assert.That(outside.Reason, Is.EqualTo(
            "1 of 1 element outside the tolerance; worst at [0]: expected 2, got 3.5 (|difference| 1.5 > atol + rtol * |expected| = 1.25)"));
    }

    [Test]
    public void RelativePartScalesWithTheExpectedValue()
    {
        // rtol 0.1, atol 0: at expected 100 a difference of 9 passes, at expected -10 a difference of 1.5 does not
        var expected = new Tensor([2], [100.0, -10.0]);
        Assert.That(TensorComparison.Compare(expected, new Tensor([2], [109.0, -10.5]), 0.1, 0).Passed, Is.True);
        Assert.That(TensorComparison.Compare(expected, new Tensor([2], [109.0, -11.5]), 0.1, 0).Passed, Is.False);
    }

    [Test]
    public void WorstElementIsTheOneFurthestOutsideItsToleranceAsAMultiIndex()
    {
        // shape [2, 3, 4]; flat 23 = 1*12 + 2*4 + 3 is [1, 2, 3]; flat 5 = 0*12 + 1*4 + 1 is [0, 1, 1]
        var expected = Tensor.Zeros(2, 3, 4);
        expected.Data[5] = 100;
        expected.Data[23] = 1;
        var got = expected.Clone();
        got.Data[5] = 125;    // |difference| 25, allowed 0.1 * 100 = 10: 2.5 times the allowed
        got.Data[23] = 1.5;   // |difference| 0.5, allowed 0.1 * 1 = 0.1: 5 times the allowed
        var v = TensorComparison.Compare(expected, got, 0.1, 0);
        Assert.That(v.Passed, Is.False);
        Assert.That(v.Reason, Does.StartWith("2 of 24 elements outside the tolerance; worst at [1, 2, 3]: expected 1, got 1.5"));
    }

    [Test]
    public void MultiIndexOfAScalarAndOfTheLastElement()
    {
        Assert.That(TensorComparison.Index([], 0), Is.EqualTo("[]"));
        Assert.That(TensorComparison.Index([3, 2], 5), Is.EqualTo("[2, 1]"));
        Assert.That(TensorComparison.Index([4], 2), Is.EqualTo("[2]"));
    }

    [Test]
    public void NaNInAnAnswerFailsAndSaysSo()
    {
        var expected = new Tensor([2, 2], [1, 2, 3, 4]);
        var v = TensorComparison.Compare(expected, new Tensor([2, 2], [1, double.NaN, 3, double.NaN]), 1e-5, 1e-8);
        Assert.That(v.Passed, Is.False);
        Assert.That(v.Reason, Is.EqualTo("NaN at [0, 1] (2 non-finite values in all) where 2 was expected; answers must be finite numbers"));
    }

    [Test]
    public void InfinityInAnAnswerFailsEvenWithAHugeTolerance()
    {
        var v = TensorComparison.Compare(new Tensor([1], [1.0]), new Tensor([1], [double.PositiveInfinity]), 1e300, 1e300);
        Assert.That(v.Passed, Is.False);
        Assert.That(v.Reason, Does.StartWith("Infinity at [0] where 1 was expected"));
    }

    [Test]
    public void TheSameNonFiniteValueAsExpectedPasses()
    {
        var expected = new Tensor([2], [double.NaN, double.NegativeInfinity]);
        Assert.That(TensorComparison.Compare(expected, new Tensor([2], [double.NaN, double.NegativeInfinity]), 0, 0).Passed, Is.True);
        Assert.That(TensorComparison.Compare(expected, new Tensor([2], [0.0, double.NegativeInfinity]), 1, 1).Passed, Is.False);
    }

    [Test]
    public void WrongShapeFailsNamingBothShapes()
    {
        var v = TensorComparison.Compare(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2), 1, 1);
        Assert.That(v.Passed, Is.False);
        Assert.That(v.Reason, Is.EqualTo("shape [3, 2], but [2, 3] was expected"));
    }

    [Test]
    public void ExactToleranceZeroNeedsEqualValues()
    {
        var expected = new Tensor([1], [0.1]);
        Assert.That(TensorComparison.Compare(expected, new Tensor([1], [0.1]), 0, 0).Passed, Is.True);
        Assert.That(TensorComparison.Compare(expected, new Tensor([1], [Math.BitIncrement(0.1)]), 0, 0).Passed, Is.False);
    }
}
