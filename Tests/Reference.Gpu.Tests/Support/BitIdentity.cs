// Two results that must be the same bits (a rerun; the cache read on the device or uploaded again):
// the same shape and, element by element, the same 64 bits of every double.
using NUnit.Framework;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Gpu.Tests.Support;

public static class BitIdentity
{
    /// <summary>Fails naming the first element whose bits differ, with both values and where each came from.</summary>
    public static void Same(string what, Tensor first, Tensor second, string firstName, string secondName)
    {
        Assert.That(second.Shape, Is.EqualTo(first.Shape), what);
        for (int k = 0; k < first.Length; k++)
            if (BitConverter.DoubleToInt64Bits(first.Data[k]) != BitConverter.DoubleToInt64Bits(second.Data[k]))
                Assert.Fail($"{what}: element {k} is {first.Data[k]:R} {firstName} and {second.Data[k]:R} {secondName}");
    }

    /// <summary>Every gradient of two backward passes: input, h0, c0 and each parameter's.</summary>
    public static void Same(RecurrentGradients first, RecurrentGradients second, string firstName, string secondName)
    {
        Same("grad input", first.dInput, second.dInput, firstName, secondName);
        Same("grad h0", first.dH0, second.dH0, firstName, secondName);
        if (first.dC0 is not null) Same("grad c0", first.dC0, second.dC0!, firstName, secondName);
        foreach (var (name, t) in first.dParameters) Same("grad " + name, t, second.dParameters[name], firstName, secondName);
    }
}
