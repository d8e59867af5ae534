// Finite-difference gradient checking: part of the oracle's public API.
//
// For a scalar function L of some named tensors, the numeric gradient of element k is the
// central difference
//     n_k = (L(x + h e_k) - L(x - h e_k)) / (2h)
// computed in double. It is compared with the analytic gradient a_k that the code under
// test produced. Per tensor the report gives:
//   - the worst entry (largest |a_k - n_k|), with both values;
//   - CS231n's relative error, taken over the tensor: max_k |a_k - n_k| / max(1e-8, max_k (|a_k| + |n_k|));
//   - PyTorch gradcheck's test: every checked entry satisfies |a_k - n_k| <= atol + rtol * |n_k|.
// Tensors with more elements than MaxElementsPerTensor are checked on a seeded random subset.
// To check a layer, make L = sum(output * upstream) for a fixed random upstream gradient:
// then dL/dx is exactly what the layer's backward returns for that upstream gradient.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Checking;

/// <summary>How GradientCheck.Check perturbs and judges; the defaults are PyTorch gradcheck's eps, atol and rtol (Spec/gradient-check.md).</summary>
/// <param name="Step">the central-difference step h (gradcheck's eps)</param>
/// <param name="MaxElementsPerTensor">larger tensors are checked on a seeded random subset of this many elements</param>
/// <param name="Seed">seed of that subset</param>
/// <param name="Atol">gradcheck's absolute tolerance</param>
/// <param name="Rtol">gradcheck's relative tolerance</param>
public sealed record GradientCheckOptions(
    double Step = 1e-6,
    int MaxElementsPerTensor = 4000,
    ulong Seed = 1,
    double Atol = 1e-5,
    double Rtol = 1e-3);

/// <summary>The comparison for one tensor.</summary>
/// <param name="Name">the variable's name</param>
/// <param name="Checked">entries compared (all, or a seeded subset of MaxElementsPerTensor)</param>
/// <param name="Total">entries in the tensor</param>
/// <param name="WorstIndex">flat index of the entry with the largest |analytic - numeric|</param>
/// <param name="WorstAnalytic">the analytic gradient there</param>
/// <param name="WorstNumeric">the central difference there</param>
/// <param name="MaxAbsDifference">max |analytic - numeric| over the checked entries</param>
/// <param name="RelativeError">CS231n's max |a - n| / max(1e-8, max (|a| + |n|))</param>
/// <param name="WithinGradcheckTolerance">every checked entry has |a - n| &lt;= atol + rtol * |n|</param>
public sealed record TensorGradientCheck(
    string Name,
    int Checked,
    int Total,
    int WorstIndex,
    double WorstAnalytic,
    double WorstNumeric,
    double MaxAbsDifference,
    double RelativeError,
    bool WithinGradcheckTolerance)
{
    /// <summary>One line: name, elements checked, relative error and the worst entry.</summary>
    public override string ToString() =>
        $"{Name}: checked {Checked}/{Total}, relative error {RelativeError:E2}, worst at {WorstIndex}: " +
        $"analytic {WorstAnalytic:R} numeric {WorstNumeric:R}" + (WithinGradcheckTolerance ? "" : " (outside gradcheck tolerance)");
}

/// <summary>The result of GradientCheck.Check: one comparison per variable, in the variables' order.</summary>
/// <param name="Tensors">the per-tensor comparisons</param>
public sealed record GradientCheckReport(IReadOnlyList<TensorGradientCheck> Tensors)
{
    /// <summary>The largest per-tensor relative error; a NaN counts as infinite, so it cannot hide behind a finite one.</summary>
    public double WorstRelativeError =>
        Tensors.Count == 0 ? 0 : Tensors.Max(t => double.IsNaN(t.RelativeError) ? double.PositiveInfinity : t.RelativeError);

    /// <summary>True when every tensor passes gradcheck's |a - n| &lt;= atol + rtol * |n| on every checked entry.</summary>
    public bool AllWithinGradcheckTolerance => Tensors.All(t => t.WithinGradcheckTolerance);

    /// <summary>One line per tensor.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Tensors);
}

/// <summary>Central-difference gradient checking in double, the project's public checker (Spec/gradient-check.md).</summary>
public static class GradientCheck
{
    /// <summary>
    /// Compares analytic gradients with central differences of <paramref name="loss"/>.
    /// <paramref name="variables"/> are the tensors <paramref name="loss"/> reads; each is
    /// perturbed in place one element at a time and restored. <paramref name="analytic"/>
    /// holds the gradient of each variable under the same name (a variable without an
    /// analytic gradient is an error, so nothing is skipped silently).
    /// </summary>
    public static GradientCheckReport Check(
        Func<double> loss, NamedTensors variables, NamedTensors analytic, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(analytic);
        options ??= new GradientCheckOptions();
        if (!(options.Step > 0))
            throw new ArgumentException($"options.Step must be > 0 but is {options.Step}", nameof(options));
        Require.Positive(options.MaxElementsPerTensor, "options.MaxElementsPerTensor");

        var rng = new SeededRandom(options.Seed);
        var reports = new List<TensorGradientCheck>();
        foreach (var (name, x) in variables)
        {
            if (!analytic.TryGet(name, out var a))
                throw new ArgumentException($"analytic has no gradient named '{name}'", nameof(analytic));
            if (!a.HasShape(x.Shape))
                throw new ArgumentException($"analytic gradient '{name}' is {a.ShapeText()} but the variable is {x.ShapeText()}", nameof(analytic));

            int[] indices = ChooseIndices(x.Length, options.MaxElementsPerTensor, rng);
            double maxDiff = 0, maxScale = 0, worstA = 0, worstN = 0;
            int worstIndex = indices.Length > 0 ? indices[0] : -1;
            bool within = true;
            // no slide shows gradient checking (95-865 lecture and recitation, STATS 507 Week13-1, MATH80629 Week 6 checked); the nearest line is
            // the 95-865 lecture's "Careful derivative chain rule calculation: back-propagation", which this checks
            foreach (int k in indices)
            {
                double saved = x.Data[k];
                x.Data[k] = saved + options.Step;
                double plus = loss();
                x.Data[k] = saved - options.Step;
                double minus = loss();
                x.Data[k] = saved;
                double n = (plus - minus) / (2 * options.Step);

                double ak = a.Data[k];
                double diff = Math.Abs(ak - n);
                if (double.IsNaN(diff)) diff = double.PositiveInfinity;
                if (diff > maxDiff || (diff == maxDiff && worstIndex == indices[0]))
                {
                    maxDiff = diff; worstIndex = k; worstA = ak; worstN = n;
                }
                maxScale = Math.Max(maxScale, Math.Abs(ak) + Math.Abs(n));
                if (!(diff <= options.Atol + options.Rtol * Math.Abs(n))) within = false;
            }
            // a NaN or infinite entry made maxDiff infinite; keep the ratio infinite (inf / inf and
            // inf / NaN are NaN, which Max() and every <= comparison would pass over)
            double relative = double.IsPositiveInfinity(maxDiff) ? double.PositiveInfinity
                : maxDiff / Math.Max(1e-8, maxScale);
            reports.Add(new TensorGradientCheck(name, indices.Length, x.Length, worstIndex, worstA, worstN, maxDiff, relative, within));
        }
        return new GradientCheckReport(reports);
    }

    /// <summary>Every index when the tensor is small enough, else a seeded random subset without repeats.</summary>
    private static int[] ChooseIndices(int length, int max, SeededRandom rng)
    {
        var all = new int[length];
        for (int i = 0; i < length; i++) all[i] = i;
        if (length <= max) return all;
        // partial Fisher-Yates shuffle: the first `max` entries become a uniform random subset
        for (int i = 0; i < max; i++)
        {
            int j = i + rng.NextInt(length - i);
            (all[i], all[j]) = (all[j], all[i]);
        }
        var subset = all[..max];
        Array.Sort(subset);
        return subset;
    }
}
