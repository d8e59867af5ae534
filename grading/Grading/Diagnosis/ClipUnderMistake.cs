// copy-of: Reference/Clipping/ClipGradNorm.cs sha256:86d94a9d52b91e0496789908e50fc41ed9549823f61421792456d77eb68e6071
// Deliberate copies of ClipGradNorm.ClipPyTorch's coefficient and rescale, each with one slip:
//   SquaredNormWithEpsilon  min(1, max_norm / (Σ g² + 1e-6))             ClipPyTorch: the norm, not its square
//   PerTensorWithEpsilon    min(1, max_norm / (||g_k|| + 1e-6)) per tensor  ClipPyTorch: one total norm for all tensors
//   AlwaysRescale           max_norm / (total_norm + 1e-6) (or no 1e-6)   ClipPyTorch: min(clip_coef, 1.0)
// When ClipGradNorm.cs changes, carry the change over and record its new hash (DeliberateCopyTests).
//
// Gradient clipping as implementations with a known mistake clip, for op clip_grad_norm cases
// asked in mode "pytorch" (torch.nn.utils.clip_grad_norm_: one norm over all tensors, every
// tensor times min(1, max_norm / (total_norm + 1e-6))). Two of the mistakes are rules the
// oracle already has as modes (the slide's squared norm, Keras's per-tensor clipnorm) and are
// evaluated by the oracle in that mode; the ones here are their variants with PyTorch's epsilon
// and the rescale-always slip. Outputs are named as the op names them: each gradient and
// "total_norm" (what the mistaken code reports as the norm).
using Rnn.Grading.Oracle;
using Rnn.Grading.Oracle.Ops;
using Rnn.Reference.Clipping;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Diagnosis;

public static class ClipUnderMistake
{
    /// <summary>True when the case asks for PyTorch's rule and the oracle accepts it.</summary>
    public static bool AsksPyTorchRule(Case c, bool l2Only) =>
        c.Op == "clip_grad_norm"
        && Evaluator.Evaluate(c).Error is null
        && ConfigReader.String(c.Config, "mode", "pytorch") == "pytorch"
        && (!l2Only || ConfigReader.Double(c.Config, "norm_type", 2.0) == 2.0);

    /// <summary>
    /// PyTorch's rule on the SQUARED norm: grad_norm = Σ g² (no square root), then every tensor
    /// times min(1, max_norm / (grad_norm + 1e-6)); reports grad_norm.
    /// </summary>
    public static CaseResult? SquaredNormWithEpsilon(Case c)
    {
        if (!AsksPyTorchRule(c, l2Only: true)) return null;
        var grads = c.Inputs.Clone();
        double maxNorm = ConfigReader.Double(c.Config, "max_norm");
        double sumOfSquares = 0;
        foreach (var (_, g) in grads) sumOfSquares += GradNorm.SumOfSquares(g.Data);
        Scale(grads, Math.Min(1.0, maxNorm / (sumOfSquares + ClipGradNorm.Epsilon)));
        return Result(c, grads, sumOfSquares);
    }

    /// <summary>
    /// PyTorch's rule applied to each tensor on its own (as calling clip_grad_norm_ once per
    /// tensor): g_k times min(1, max_norm / (||g_k|| + 1e-6)); reports the global L2 norm.
    /// </summary>
    public static CaseResult? PerTensorWithEpsilon(Case c)
    {
        if (!AsksPyTorchRule(c, l2Only: true)) return null;
        var grads = c.Inputs.Clone();
        double maxNorm = ConfigReader.Double(c.Config, "max_norm");
        double total = GradNorm.Total(grads, 2.0);
        foreach (var (_, g) in grads)
        {
            double scale = Math.Min(1.0, maxNorm / (GradNorm.Of(g.Data, 2.0) + ClipGradNorm.Epsilon));
            for (int i = 0; i < g.Length; i++) g.Data[i] *= scale;
        }
        return Result(c, grads, total);
    }

    /// <summary>
    /// The clip coefficient applied whether or not it is below 1: every tensor times
    /// max_norm / (total_norm + 1e-6) (or max_norm / total_norm without the epsilon), so a
    /// gradient already under the limit is scaled UP to it; reports total_norm.
    /// </summary>
    public static CaseResult? AlwaysRescale(Case c, bool epsilon)
    {
        if (!AsksPyTorchRule(c, l2Only: false)) return null;
        var grads = c.Inputs.Clone();
        double maxNorm = ConfigReader.Double(c.Config, "max_norm");
        double total = GradNorm.Total(grads, ConfigReader.Double(c.Config, "norm_type", 2.0));
        Scale(grads, maxNorm / (total + (epsilon ? ClipGradNorm.Epsilon : 0.0)));
        return Result(c, grads, total);
    }

    private static void Scale(NamedTensors grads, double scale)
    {
        foreach (var (_, g) in grads)
            for (int i = 0; i < g.Length; i++) g.Data[i] *= scale;
    }

    private static CaseResult Result(Case c, NamedTensors clipped, double totalNorm)
    {
        clipped.Add(ClipGradNormOp.TotalNormName, Tensor.Scalar(totalNorm));
        return new CaseResult(c.Id, clipped, new NamedTensors());
    }
}
