// An axis's mapping from data values to pixels (linear or log10) and its tick marks.
// Ticks: "nice" steps of 1, 2 or 5 times a power of ten on a linear axis, powers of ten on a
// log axis (with 2 and 5 between them when the range spans under three decades).
using System.Globalization;

namespace Rnn.Grading.Teaching.Plot;

public sealed record Scale(double Min, double Max, bool Log = false)
{
    /// <summary>A scale covering every finite value (positive ones only, for a log scale), padded by a few percent.</summary>
    public static Scale Covering(IEnumerable<double> values, bool log = false, double pad = 0.04)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v) || (log && v <= 0)) continue;
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }
        if (lo > hi) return log ? new Scale(0.1, 10, true) : new Scale(0, 1);
        if (log)
        {
            double a = Math.Log10(lo), b = Math.Log10(hi);
            if (b - a < 1e-9) { a -= 0.5; b += 0.5; }
            double p = (b - a) * pad;
            return new Scale(Math.Pow(10, a - p), Math.Pow(10, b + p), true);
        }
        if (hi - lo < 1e-12 * Math.Max(1, Math.Abs(hi))) { lo -= 0.5; hi += 0.5; }
        double q = (hi - lo) * pad;
        return new Scale(lo - q, hi + q);
    }

    /// <summary>Where v falls between Min (0) and Max (1); NaN for a value a log scale cannot show.</summary>
    public double Fraction(double v)
    {
        if (!Log) return (v - Min) / (Max - Min);
        if (v <= 0) return double.NaN;
        return (Math.Log10(v) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min));
    }

    /// <summary>The value at fraction f (the inverse of Fraction).</summary>
    public double ValueAt(double f) =>
        Log ? Math.Pow(10, Math.Log10(Min) + f * (Math.Log10(Max) - Math.Log10(Min))) : Min + f * (Max - Min);

    /// <summary>True when v is finite and lies within [Min, Max] (up to rounding).</summary>
    public bool Contains(double v)
    {
        if (!double.IsFinite(v)) return false;
        double f = Fraction(v);
        return f >= -1e-9 && f <= 1 + 1e-9;
    }

    public IReadOnlyList<double> Ticks()
    {
        var ticks = new List<double>();
        if (Log && Math.Log10(Max) - Math.Log10(Min) < 0.7)
            return new Scale(Min, Max).Ticks();                          // under a factor of 5: linear steps read better
        if (Log)
        {
            int a = (int)Math.Floor(Math.Log10(Min)), b = (int)Math.Ceiling(Math.Log10(Max));
            int stride = Math.Max(1, (b - a + 7) / 8);                // at most about 8 labelled decades
            double span = Math.Log10(Max) - Math.Log10(Min);
            double[] mantissas = span < 1.6 ? [1, 1.5, 2, 3, 5, 7] : span < 3 ? [1, 2, 5] : [1];
            for (int e = a; e <= b; e += stride)
                foreach (var m in mantissas)
                {
                    double v = m * Math.Pow(10, e);
                    if (Contains(v)) ticks.Add(v);
                }
            return ticks;
        }
        double raw = (Max - Min) / 6, mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        for (double v = Math.Ceiling(Min / step) * step; v <= Max + step * 1e-9; v += step)
            ticks.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
        return ticks;
    }

    /// <summary>A tick's label: "0.25", "1500", "1e-4" (log scales and very small or large values use the e form).</summary>
    public static string Label(double v)
    {
        if (v == 0) return "0";
        double a = Math.Abs(v);
        if (a >= 1e5 || a < 1e-3)
        {
            int e = (int)Math.Floor(Math.Log10(a) + 1e-9);
            return (v / Math.Pow(10, e)).ToString("0.#", CultureInfo.InvariantCulture) + "e" + e.ToString(CultureInfo.InvariantCulture);
        }
        return v.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
