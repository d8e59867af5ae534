// Builders for the hand-sized cases of the known-value tests: one sequence, I = H = 1, with
// every parameter written out.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Recurrent.Support;

public static class Small
{
    /// <summary>A column [n, 1] (a weight with one input feature, gate blocks stacked).</summary>
    public static Tensor Column(params double[] values) => new([values.Length, 1], values);

    public static Tensor Vector(params double[] values) => new([values.Length], values);

    /// <summary>A one-feature sequence [T, 1].</summary>
    public static Tensor Sequence(params double[] values) => new([values.Length, 1], values);

    /// <summary>A one-layer, one-direction unbatched state [1, 1].</summary>
    public static Tensor State(double value) => new([1, 1], [value]);

    public static NamedTensors Layer(Tensor Wih, Tensor Whh, Tensor bih, Tensor bhh) =>
        new() { { "weight_ih_l0", Wih }, { "weight_hh_l0", Whh }, { "bias_ih_l0", bih }, { "bias_hh_l0", bhh } };

    /// <summary>The logistic function written out here, independent of the library's Activations.</summary>
    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));
}
