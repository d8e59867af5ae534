// The reduction step shared by the elementwise losses (MSE, binary cross-entropy): the
// per-element losses l[N] become the loss tensor, and the loss's upstream gradient becomes
// the per-element upstream gradient dl[N]:
//   none: loss = l (the elements' shape),  dl_i = dLoss_i
//   sum:  loss = sum_i l_i (a scalar),     dl_i = dLoss
//   mean: loss = sum_i l_i / N,            dl_i = dLoss / N     (N = 0 gives NaN, as PyTorch)
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Losses;

/// <summary>The reduction shared by the elementwise losses: per-element losses to the loss, and the loss's gradient back to each element.</summary>
public static class ElementwiseReduction
{
    /// <summary>The loss from the per-element losses l [N]: l itself shaped as shape (None), their sum (Sum) or mean (Mean, NaN when N = 0).</summary>
    public static Tensor Reduce(double[] l, int[] shape, Reduction reduction)
    {
        switch (reduction)
        {
            case Reduction.None:
                return new Tensor(shape, l);
            case Reduction.Sum:
            case Reduction.Mean:
                double sum = 0.0;
                for (int i = 0; i < l.Length; i++) sum += l[i];
                return Tensor.Scalar(reduction == Reduction.Sum ? sum : sum / l.Length);
            default:
                throw new ArgumentException($"reduction is {(int)reduction}, not a Reduction value", nameof(reduction));
        }
    }

    /// <summary>The per-element upstream gradient dl[N] from dLoss (checked against the loss's shape).</summary>
    public static double[] Spread(Tensor dLoss, int[] shape, Reduction reduction)
    {
        int N = checked((int)Tensor.ElementCount(shape));
        if (reduction == Reduction.None)
        {
            Require.Shape(dLoss, nameof(dLoss), shape);
            return (double[])dLoss.Data.Clone();
        }
        Require.Shape(dLoss, nameof(dLoss), []);
        double g = reduction == Reduction.Sum ? dLoss.Data[0] : dLoss.Data[0] / N;
        var dl = new double[N];
        Array.Fill(dl, g);
        return dl;
    }

    /// <summary>Ones of the loss's shape: the upstream gradient of "just this loss".</summary>
    public static Tensor Ones(Tensor loss)
    {
        var ones = Tensor.Zeros(loss.Shape);
        Array.Fill(ones.Data, 1.0);
        return ones;
    }
}
