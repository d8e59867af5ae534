// Argument checks every clipping rule makes: the gradients are given, the threshold is a finite
// number >= 0, and (with error_if_nonfinite, as torch.nn.utils.clip_grad_norm_) the measured
// norm is finite. Each message names the argument, what was expected and what was found.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Clipping;

/// <summary>Argument checks the clipping rules share.</summary>
internal static class ClipChecks
{
    public static void Grads(NamedTensors grads) => ArgumentNullException.ThrowIfNull(grads);

    public static void Threshold(double value, string name)
    {
        if (!(double.IsFinite(value) && value >= 0))
            throw new ArgumentException($"{name} must be a finite number >= 0 but is {value}", name);
    }

    public static void FiniteIfAsked(double total, bool errorIfNonfinite, string what)
    {
        if (errorIfNonfinite && !double.IsFinite(total))
            throw new ArgumentException(
                $"grads: {what} is {total} (non-finite), so the gradients cannot be clipped; " +
                "they were left unchanged (error_if_nonfinite is set)", "grads");
    }
}
