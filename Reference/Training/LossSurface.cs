// Loss landscapes for the slides' "Learning a Deep Net": "Suppose the neural network has a
// single real number parameter w" and the curve of the loss L over w; "2D example L(w)".
// A surface is a function of the parameters returning the loss and its gradient; the named
// ones below are the shapes the slides draw (a bowl; a hill with "a better solution beyond
// the hill"), a saddle, and the classic 2-D test (Rosenbrock's valley). Spec/gradient-descent.md.
namespace Rnn.Reference.Training;

/// <summary>The loss at w and its gradient dW = dL/dw (one entry per parameter).</summary>
public sealed record LossAndGradient(double Loss, double[] dW);

/// <summary>A loss function of the parameter vector w that also returns its gradient.</summary>
public delegate LossAndGradient LossFunction(ReadOnlySpan<double> w);

/// <param name="Name">for the progress lines and the Spec</param>
/// <param name="Dimension">how many parameters w has</param>
/// <param name="Evaluate">L(w) and dL/dw</param>
public sealed record LossSurface(string Name, int Dimension, LossFunction Evaluate);

/// <summary>The slides' loss surfaces (a bowl, a hill with a better solution beyond it), a saddle and Rosenbrock's valley, each with its gradient.</summary>
public static class LossSurfaces
{
    /// <summary>
    /// The 1-D bowl L(w) = (a / 2) (w - c)^2, dL/dw = a (w - c): one minimum at w = c.
    /// The gradient's Lipschitz constant is a, so gradient descent with learning rate 1/a lands on c in one step.
    /// </summary>
    public static LossSurface Bowl(double curvature = 1.0, double center = 0.0)
    {
        RequirePositive(curvature, "curvature");
        return new LossSurface($"bowl (a = {curvature}, c = {center})", 1, w =>
        {
            double d = w[0] - center;
            // L = a/2 (w - c)^2;  dL/dw = a (w - c)
            return new LossAndGradient(0.5 * curvature * d * d, [curvature * d]);
        });
    }

    /// <summary>
    /// The 2-D bowl L(w) = (a1 / 2) (w1 - c1)^2 + (a2 / 2) (w2 - c2)^2. Unequal curvatures make
    /// the elongated valley where gradient descent zig-zags; with a1 = a2 it is round.
    /// </summary>
    public static LossSurface Bowl2d(double a1 = 1.0, double a2 = 1.0, double c1 = 0.0, double c2 = 0.0)
    {
        RequirePositive(a1, "a1");
        RequirePositive(a2, "a2");
        return new LossSurface($"2-D bowl (a = [{a1}, {a2}], c = [{c1}, {c2}])", 2, w =>
        {
            double d1 = w[0] - c1, d2 = w[1] - c2;
            return new LossAndGradient(0.5 * a1 * d1 * d1 + 0.5 * a2 * d2 * d2, [a1 * d1, a2 * d2]);
        });
    }

    /// <summary>
    /// The slide's hill: L(w) = (w^2 - 1)^2 - tilt * w, dL/dw = 4 w (w^2 - 1) - tilt.
    /// Two valleys near w = -1 and w = +1 with a hill near w = 0 between them; with tilt > 0
    /// the right valley is lower: "we wouldn't know there's a better solution beyond the hill".
    /// For tilt = 0.3 the minima are w = -0.96 (L = 0.294) and w = 1.036 (L = -0.305) to 3 decimals.
    /// </summary>
    public static LossSurface HillThenBetterSolution(double tilt = 0.3)
    {
        if (!double.IsFinite(tilt))
            throw new ArgumentException($"tilt must be a finite number but is {tilt}", nameof(tilt));
        return new LossSurface($"hill then a better solution (tilt = {tilt})", 1, w =>
        {
            double x = w[0], s = x * x - 1;
            // L = (w^2 - 1)^2 - tilt w;  dL/dw = 2 (w^2 - 1) 2w - tilt
            return new LossAndGradient(s * s - tilt * x, [4 * x * s - tilt]);
        });
    }

    /// <summary>
    /// Rosenbrock's valley L(x, y) = (a - x)^2 + b (y - x^2)^2, minimum 0 at (a, a^2):
    ///   dL/dx = -2 (a - x) - 4 b x (y - x^2),  dL/dy = 2 b (y - x^2).
    /// </summary>
    public static LossSurface Rosenbrock(double a = 1.0, double b = 100.0)
    {
        RequirePositive(b, "b");
        if (!double.IsFinite(a)) throw new ArgumentException($"a must be a finite number but is {a}", nameof(a));
        return new LossSurface($"Rosenbrock (a = {a}, b = {b})", 2, w =>
        {
            double x = w[0], y = w[1], r = y - x * x;
            return new LossAndGradient((a - x) * (a - x) + b * r * r, [-2 * (a - x) - 4 * b * x * r, 2 * b * r]);
        });
    }

    /// <summary>
    /// A saddle with two valleys: L(x, y) = (a / 2) x^2 + y^4 / 4 - y^2 / 2,
    ///   dL/dx = a x,  dL/dy = y^3 - y.
    /// (0, 0) is a saddle point (a minimum along x, a maximum along y, L = 0); the minima are
    /// (0, -1) and (0, 1) with L = -1/4. Started near y = 0, gradient descent lingers at the saddle
    /// while the slope downwards is "very gradual/not steep", as the slides warn.
    /// </summary>
    public static LossSurface Saddle(double curvature = 1.0)
    {
        RequirePositive(curvature, "curvature");
        return new LossSurface($"saddle (a = {curvature})", 2, w =>
        {
            double x = w[0], y = w[1];
            // L = a/2 x^2 + y^4/4 - y^2/2;  dL/dx = a x;  dL/dy = y^3 - y
            return new LossAndGradient(0.5 * curvature * x * x + 0.25 * y * y * y * y - 0.5 * y * y, [curvature * x, y * y * y - y]);
        });
    }

    private static void RequirePositive(double value, string name)
    {
        if (!(double.IsFinite(value) && value > 0))
            throw new ArgumentException($"{name} must be a finite number > 0 but is {value}", name);
    }
}
