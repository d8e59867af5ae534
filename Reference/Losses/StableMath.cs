// Scalar functions the losses need in forms that stay accurate and finite for any finite input.
namespace Rnn.Reference.Losses;

/// <summary>Scalar functions in forms that stay accurate and finite for any finite input (log1p, softplus).</summary>
public static class StableMath
{
    /// <summary>
    /// log(1 + u) for u >= 0 with full relative accuracy for small u (a plain Math.Log(1 + u)
    /// returns 0 once u is below about 1.1e-16). Kahan's trick: with w = 1 + u rounded, the factor
    /// u / (w - 1) corrects the rounding of w.
    /// </summary>
    public static double Log1P(double u)
    {
        double w = 1.0 + u;
        if (w == 1.0) return u;
        return Math.Log(w) * (u / (w - 1.0));
    }

    /// <summary>
    /// softplus(x) = log(1 + e^x) = max(x, 0) + log(1 + e^-|x|). The exponent -|x| is never
    /// positive, so e^-|x| is in (0, 1] and cannot overflow.
    /// </summary>
    public static double Softplus(double x) => Math.Max(x, 0.0) + Log1P(Math.Exp(-Math.Abs(x)));
}
