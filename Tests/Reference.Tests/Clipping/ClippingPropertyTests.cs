// FsCheck properties of clipping: no rule raises the norm; a clip is (nearly) idempotent;
// PyTorch's clip lands at or under max_norm and returns the norm measured before; value clipping
// bounds every element and leaves the ones inside alone. Sizes are bounded (1-3 tensors of 1-5
// elements); FsCheck prints the replay seed of any failure.
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Rnn.Reference.Clipping;
using Rnn.Reference.Tensors;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace Rnn.Reference.Tests.Clipping;

public sealed class ClippingPropertyTests
{
    private static Gen<NamedTensors> Grads =>
        from scale in Gen.Elements(1e-3, 1.0, 100.0)
        from sizes in Gen.Choose(1, 5).ArrayOf(3).Select(s => s.Take(1 + s[0] % 3).ToArray())
        from values in Gen.Choose(-10000, 10000).Select(i => i * 1e-4 * scale).ArrayOf(sizes.Sum())
        select Build(sizes, values);

    private static NamedTensors Build(int[] sizes, double[] values)
    {
        var set = new NamedTensors();
        int offset = 0;
        for (int k = 0; k < sizes.Length; k++)
        {
            set.Add($"g{k}", new Tensor([sizes[k]], values[offset..(offset + sizes[k])]));
            offset += sizes[k];
        }
        return set;
    }

    private static Gen<double> MaxNorm => Gen.Choose(1, 20000).Select(i => i * 1e-2);

    private static Gen<double> NormType => Gen.Elements(1.0, 2.0, 3.0, 0.5, double.PositiveInfinity);

    private static Gen<NormClipMode> Mode => Gen.Elements(Enum.GetValues<NormClipMode>());

    [Property(MaxTest = 200)]
    public Property NoRuleRaisesTheNorm() =>
        Prop.ForAll((from g in Grads from m in MaxNorm from mode in Mode from p in NormType select (g, m, mode, p)).ToArbitrary(), x =>
        {
            var (g, maxNorm, mode, p) = x;
            double normType = mode == NormClipMode.PyTorch ? p : 2.0;
            double before = GradNorm.Total(g, normType);
            ClipGradNorm.Clip(g, maxNorm, normType, mode);
            double after = GradNorm.Total(g, normType);
            // Keras's g * c / max(n, c) can round one ulp up when it leaves g alone
            return after <= before * (1 + 1e-15);
        });

    [Property(MaxTest = 200)]
    public Property PyTorchClipLandsUnderMaxNormAndReturnsTheNormBefore() =>
        Prop.ForAll((from g in Grads from m in MaxNorm from p in NormType select (g, m, p)).ToArbitrary(), x =>
        {
            var (g, maxNorm, p) = x;
            double before = GradNorm.Total(g, p);
            var info = ClipGradNorm.Clip(g, maxNorm, p);
            double after = GradNorm.Total(g, p);
            // clipped: after = maxNorm * before / (before + 1e-6) < maxNorm; untouched: after = before
            bool clipped = maxNorm / (before + 1e-6) < 1;
            return info.TotalNorm == before
                && (clipped ? after <= maxNorm * (1 + 1e-14) : after == before);
        });

    [Property(MaxTest = 200)]
    public Property EachRuleLandsWhereItsFormulaSays() =>
        Prop.ForAll((from g in Grads from m in MaxNorm from mode in Mode select (g, m, mode)).ToArbitrary(), x =>
        {
            var (g, limit, mode) = x;
            var before = g.Select(p => GradNorm.Of(p.Value.Data, 2)).ToArray();   // per-tensor L2 norms
            double total = GradNorm.Total(g);
            ClipGradNorm.Clip(g, limit, mode: mode);
            var after = g.Select(p => GradNorm.Of(p.Value.Data, 2)).ToArray();
            double totalAfter = GradNorm.Total(g);
            static bool Near(double a, double b) => Math.Abs(a - b) <= 1e-13 * Math.Max(1, Math.Abs(b));
            return mode switch
            {
                // total * min(1, max_norm / (total + 1e-6))
                NormClipMode.PyTorch => Near(totalAfter, total * Math.Min(1, limit / (total + 1e-6))),
                // min(total, theta)
                NormClipMode.NoEpsilon => Near(totalAfter, Math.Min(total, limit)),
                // each tensor: min(norm_k, clipnorm)
                NormClipMode.PerTensor => before.Zip(after).All(p => Near(p.Second, Math.Min(p.First, limit))),
                // sum of squares S > threshold: norm becomes sqrt(S) * threshold / S = threshold / total
                _ => Near(totalAfter, total * total > limit ? limit / total : total),
            };
        });

    [Property(MaxTest = 200)]
    public Property ClippingTwiceChangesNothingMore() =>
        Prop.ForAll((from g in Grads from m in MaxNorm from mode in Mode select (g, m, mode)).ToArbitrary(), x =>
        {
            var (g, maxNorm, mode) = x;
            ClipGradNorm.Clip(g, maxNorm, mode: mode);
            var once = g.ToFlat();
            ClipGradNorm.Clip(g, maxNorm, mode: mode);
            var twice = g.ToFlat();
            // PyTorch's 1e-6 leaves the clipped norm just under max_norm, so its second pass still
            // multiplies by max_norm / (norm + 1e-6) > max_norm / (max_norm + 1e-6): at most 1e-6 / max_norm less.
            // The rules without epsilon move by rounding only.
            double allowed = mode == NormClipMode.PyTorch ? 1e-6 / maxNorm + 1e-14 : 1e-14;
            for (int i = 0; i < once.Length; i++)
                if (Math.Abs(twice[i] - once[i]) > allowed * Math.Abs(once[i])) return false;
            return true;
        });

    [Property(MaxTest = 200)]
    public Property ValueClippingBoundsEveryElementAndKeepsTheRest() =>
        Prop.ForAll((from g in Grads from v in Gen.Choose(0, 500).Select(i => i * 1e-2) select (g, v)).ToArbitrary(), x =>
        {
            var (g, v) = x;
            var before = g.ToFlat();
            ClipGradValue.Clip(g, v);
            var after = g.ToFlat();
            for (int i = 0; i < after.Length; i++)
            {
                if (Math.Abs(after[i]) > v) return false;
                if (Math.Abs(before[i]) <= v && after[i] != before[i]) return false;
                if (Math.Abs(before[i]) > v && after[i] != Math.Sign(before[i]) * v) return false;
            }
            ClipGradValue.Clip(g, v);
            return g.ToFlat().SequenceEqual(after);
        });
}
