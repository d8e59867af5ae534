// Small helpers for the optimizer tests: one-parameter runs written as plain numbers, and
// FsCheck generators of parameter/gradient sets with bounded sizes.
using FsCheck;
using FsCheck.Fluent;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Optimizers;

internal static class OptimizerTestSupport
{
    /// <summary>A set holding one tensor "w" with the given values (shape [n]).</summary>
    public static NamedTensors Set(params double[] values) => new() { { "w", new Tensor([values.Length], values) } };

    /// <summary>Runs the optimizer on a single scalar parameter starting at theta0; returns theta after each step.</summary>
    public static double[] RunScalar(IOptimizer optimizer, double theta0, params double[] gradients)
    {
        var parameters = Set(theta0);
        var thetas = new double[gradients.Length];
        for (int t = 0; t < gradients.Length; t++)
        {
            optimizer.Step(parameters, Set(gradients[t]));
            thetas[t] = parameters["w"].Data[0];
        }
        return thetas;
    }

    /// <summary>A value in [-scale, scale] on a grid of 1e-4 * scale, away from nothing in particular.</summary>
    public static Gen<double> Value(double scale) => Gen.Choose(-10000, 10000).Select(i => i * 1e-4 * scale);

    /// <summary>Two tensors "weight" [rows, cols] and "bias" [rows] (1..3 x 1..4) with values in [-scale, scale].</summary>
    public static Gen<NamedTensors> ParameterSet(int rows, int cols, double scale) =>
        from w in Gen.ArrayOf(Value(scale), rows * cols)
        from b in Gen.ArrayOf(Value(scale), rows)
        select new NamedTensors { { "weight", new Tensor([rows, cols], w) }, { "bias", new Tensor([rows], b) } };

    /// <summary>Parameters, and a sequence of `steps` gradients for them, all with the same random shapes.</summary>
    public static Arbitrary<(NamedTensors Params, NamedTensors[] Grads)> Problems(int steps) =>
        (from rows in Gen.Choose(1, 3)
         from cols in Gen.Choose(1, 4)
         from p in ParameterSet(rows, cols, 2.0)
         from gs in Gen.ArrayOf(ParameterSet(rows, cols, 3.0), steps)
         select (p, gs)).ToArbitrary();

    /// <summary>Largest |a - b| / (1 + |b|) over all elements of two sets with the same names and shapes.</summary>
    public static double MaxRelDiff(NamedTensors a, NamedTensors b)
    {
        double worst = 0;
        foreach (var (name, ta) in a)
        {
            var tb = b[name];
            for (int i = 0; i < ta.Length; i++)
            {
                double d = Math.Abs(ta.Data[i] - tb.Data[i]) / (1 + Math.Abs(tb.Data[i]));
                worst = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(worst, d);
            }
        }
        return worst;
    }

    public static string Show(NamedTensors set) =>
        string.Join("; ", set.Select(p => $"{p.Key}=[{string.Join(", ", p.Value.Data.Select(x => x.ToString("R")))}]"));
}
