// FsCheck properties of the losses (bounded sizes; FsCheck prints the seed of a failure).
using FsCheck;
using FsCheck.Fluent;
using FsCheck.NUnit;
using Rnn.Reference.Layers;
using Rnn.Reference.Losses;
using Rnn.Reference.Tensors;
using Rnn.Reference.Tests.Layers;

namespace Rnn.Reference.Tests.Losses;

public sealed class LossPropertyTests
{
    public sealed record CeCase(Tensor X, int[] Targets)
    {
        public override string ToString() => $"x {X.ShapeText()} = [{string.Join(", ", X.Data)}], targets [{string.Join(", ", Targets)}]";
    }

    private static Arbitrary<CeCase> CeCases() =>
        (from N in Gen.Choose(1, 5)
         from C in Gen.Choose(1, 6)
         from x in LayerPropertyTests.TensorOf([N, C], 50)
         from t in Gen.ArrayOf(Gen.Choose(0, C - 1), N)
         select new CeCase(x, t)).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property CrossEntropyIsMinusLogSoftmaxAtTheTarget() =>
        Prop.ForAll(CeCases(), c =>
        {
            int N = c.X.Shape[0], C = c.X.Shape[1];
            var (loss, _) = CrossEntropy.Forward(c.X, c.Targets, reduction: Reduction.None);
            var p = Softmax.Forward(c.X, 1);
            for (int n = 0; n < N; n++)
            {
                double expected = -Math.Log(p.Data[n * C + c.Targets[n]]);
                if (Math.Abs(loss.Data[n] - expected) > 1e-9 * (1 + Math.Abs(expected))) return false;
            }
            return true;
        });

    [Property(MaxTest = 200)]
    public Property CrossEntropyGradientRowsSumToZero() =>
        // d/dx of -log softmax(x)[t] is softmax(x) - onehot(t): each row sums to 1 - 1 = 0
        Prop.ForAll(CeCases(), c =>
        {
            int N = c.X.Shape[0], C = c.X.Shape[1];
            var (_, dx) = CrossEntropy.Compute(c.X, c.Targets, reduction: Reduction.Sum);
            for (int n = 0; n < N; n++)
            {
                double s = 0;
                for (int k = 0; k < C; k++) s += dx.Data[n * C + k];
                if (Math.Abs(s) > 1e-12) return false;
            }
            return true;
        });
}
