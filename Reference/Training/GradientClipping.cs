// Gradient clipping as a training-loop option: applied to the batch's gradients after the
// backward pass and before the optimizer step, as in PyTorch's
//     loss.backward(); clip_grad_norm_(model.parameters(), max_norm); optimizer.step()
// and as the slides put it ("Gradient clipping to scale big gradients"; MATH80629's
// "Gradient clipping: Scale gradient if its norm is too big"). Every rule of
// Rnn.Reference.Clipping is available; Spec/clipping.md compares them.
using Rnn.Reference.Clipping;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Training;

/// <summary>Gradient clipping as a training-loop option, applied after the backward pass and before the optimizer step.</summary>
public abstract record GradientClipping
{
    /// <summary>Clips the gradients in place.</summary>
    public abstract void Apply(NamedTensors grads);

    /// <summary>Throws, before any training, if the settings are not valid (same checks and messages as the clipping rule itself).</summary>
    public void Validate() => Apply(new NamedTensors());
}

/// <summary>
/// Norm clipping by any rule: PyTorch's clip_grad_norm_ (global p-norm, the default), Keras's
/// per-tensor clipnorm, d2l's no-epsilon global norm, or the MATH80629 slide's squared norm.
/// NormType is PyTorch's norm_type (the other rules need 2).
/// </summary>
public sealed record ClipNorm(double MaxNorm, NormClipMode Mode = NormClipMode.PyTorch, double NormType = 2.0) : GradientClipping
{
    /// <inheritdoc/>
    public override void Apply(NamedTensors grads) => ClipGradNorm.Clip(grads, MaxNorm, NormType, Mode);
}

/// <summary>clip_grad_value_: every gradient element clamped to [-Value, Value] (min-char-rnn uses 5).</summary>
public sealed record ClipValue(double Value) : GradientClipping
{
    /// <inheritdoc/>
    public override void Apply(NamedTensors grads) => ClipGradValue.Clip(grads, Value);
}
