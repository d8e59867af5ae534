// Scalar nonlinearities and their derivatives, written in forms that stay finite for any
// finite input. Derivatives are expressed through the forward output where that is the
// textbook form (tanh' = 1 - y², sigmoid' = y(1 - y)).
namespace Rnn.Reference.Numerics;

/// <summary>Scalar nonlinearities in forms that stay finite, and their derivatives through the output (Spec/activations.md).</summary>
public static class Activations
{
    /// <summary>Logistic sigmoid 1 / (1 + e^-x), evaluated so that e^(|x|) never overflows.</summary>
    public static double Sigmoid(double x)
    {
        if (x >= 0) return 1.0 / (1.0 + Math.Exp(-x));
        double e = Math.Exp(x);   // x < 0: e^x < 1, no overflow
        return e / (1.0 + e);
    }

    /// <summary>d sigmoid / dx given y = sigmoid(x).</summary>
    public static double SigmoidGradFromOutput(double y) => y * (1.0 - y);

    /// <summary>tanh(x) (Math.Tanh).</summary>
    public static double Tanh(double x) => Math.Tanh(x);

    /// <summary>d tanh / dx given y = tanh(x).</summary>
    public static double TanhGradFromOutput(double y) => 1.0 - y * y;

    /// <summary>max(0, x), as the slide's np.maximum(0, linear): NaN stays NaN, as there and in torch.relu.</summary>
    public static double Relu(double x) => x <= 0 ? 0.0 : x;

    /// <summary>
    /// d relu / dx. At exactly x = 0 this returns 0 (the subgradient PyTorch and NumPy code use:
    /// the gradient flows only where the pre-activation is strictly positive). PyTorch zeroes the
    /// gradient where x &lt;= 0, so a NaN lets it through; so does this.
    /// </summary>
    public static double ReluGrad(double x) => x <= 0 ? 0.0 : 1.0;
}
