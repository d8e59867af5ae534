// MatMul equals the plain scalar loops of its definition, written out here with 2-D indexing:
//   out[r, o] = bias[o] + sum_i inp[r, i] * weight[o, i]
//   dinp[r, i] += sum_o dout[r, o] * weight[o, i];  dweight[o, i] += sum_r dout[r, o] * inp[r, i];  dbias[o] += sum_r dout[r, o]
// (its length checks are in Recurrent/SpanKernelLengthTests).
using NUnit.Framework;
using Rnn.Reference.Numerics;

namespace Rnn.Reference.Tests.Numerics;

public sealed class MatMulTests
{
    private const int R = 3, In = 4, Out = 5;

    private static double[] Random(Random rng, int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1)];

    private static double[,] Product(double[] inp, double[] weight, double[]? bias)
    {
        var y = new double[R, Out];
        for (int r = 0; r < R; r++)
            for (int o = 0; o < Out; o++)
            {
                y[r, o] = bias is null ? 0 : bias[o];
                for (int i = 0; i < In; i++) y[r, o] += inp[r * In + i] * weight[o * In + i];
            }
        return y;
    }

    [TestCase(true)]
    [TestCase(false)]
    public void ForwardEqualsTheScalarLoop(bool withBias)
    {
        var rng = new Random(7);
        var inp = Random(rng, R * In);
        var weight = Random(rng, Out * In);
        var bias = Random(rng, Out);
        var output = Random(rng, R * Out);                       // overwritten
        MatMul.Forward(inp, weight, withBias ? bias : [], R, In, Out, output);
        var want = Product(inp, weight, withBias ? bias : null);
        for (int r = 0; r < R; r++)
            for (int o = 0; o < Out; o++)
                Assert.That(output[r * Out + o], Is.EqualTo(want[r, o]).Within(1e-14), $"out[{r}, {o}]");
    }

    [Test]
    public void ForwardAccumulateAddsTheScalarLoop()
    {
        var rng = new Random(8);
        var inp = Random(rng, R * In);
        var weight = Random(rng, Out * In);
        var before = Random(rng, R * Out);
        var output = (double[])before.Clone();
        MatMul.ForwardAccumulate(inp, weight, R, In, Out, output);
        var want = Product(inp, weight, null);
        for (int r = 0; r < R; r++)
            for (int o = 0; o < Out; o++)
                Assert.That(output[r * Out + o], Is.EqualTo(before[r * Out + o] + want[r, o]).Within(1e-14), $"out[{r}, {o}]");
    }

    [Test]
    public void BackwardAccumulatesTheScalarLoops()
    {
        var rng = new Random(9);
        var dout = Random(rng, R * Out);
        var inp = Random(rng, R * In);
        var weight = Random(rng, Out * In);
        var dinp0 = Random(rng, R * In);
        var dweight0 = Random(rng, Out * In);
        var dbias0 = Random(rng, Out);
        var (dinp, dweight, dbias) = ((double[])dinp0.Clone(), (double[])dweight0.Clone(), (double[])dbias0.Clone());
        MatMul.Backward(dout, inp, weight, R, In, Out, dinp, dweight, dbias);

        for (int r = 0; r < R; r++)
            for (int i = 0; i < In; i++)
            {
                double sum = dinp0[r * In + i];
                for (int o = 0; o < Out; o++) sum += dout[r * Out + o] * weight[o * In + i];
                Assert.That(dinp[r * In + i], Is.EqualTo(sum).Within(1e-14), $"dinp[{r}, {i}]");
            }
        for (int o = 0; o < Out; o++)
        {
            for (int i = 0; i < In; i++)
            {
                double sum = dweight0[o * In + i];
                for (int r = 0; r < R; r++) sum += dout[r * Out + o] * inp[r * In + i];
                Assert.That(dweight[o * In + i], Is.EqualTo(sum).Within(1e-14), $"dweight[{o}, {i}]");
            }
            double db = dbias0[o];
            for (int r = 0; r < R; r++) db += dout[r * Out + o];
            Assert.That(dbias[o], Is.EqualTo(db).Within(1e-14), $"dbias[{o}]");
        }
    }

    [Test]
    public void BackwardSkipsTheGradientsNotWanted()
    {
        var rng = new Random(10);
        var dout = Random(rng, R * Out);
        var inp = Random(rng, R * In);
        var weight = Random(rng, Out * In);
        var dinpAll = new double[R * In];
        var dinpOnly = new double[R * In];
        MatMul.Backward(dout, inp, weight, R, In, Out, dinpAll, new double[Out * In], new double[Out]);
        MatMul.Backward(dout, inp, weight, R, In, Out, dinpOnly, [], []);
        Assert.That(dinpOnly, Is.EqualTo(dinpAll));
    }
}
