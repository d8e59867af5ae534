// What every optimizer does: one Step moves every parameter, in place, using its gradient.
// "Popular optimizers (e.g., Adam, RMSProp, Lookahead) are variants of gradient descent"
// (slides): each one is "new weight = weight - learning rate * gradient" with a different
// way of turning the gradient into the step. Semantics and defaults are PyTorch 1.13's
// torch.optim; equations and the differences from Keras and the slides in Spec/optimizers.md.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Optimizers;

/// <summary>An optimizer: one Step moves every parameter in place from its gradient (torch.optim semantics, Spec/optimizers.md).</summary>
public interface IOptimizer
{
    /// <summary>
    /// One optimization step. parameters and grads hold the same names with the same shapes
    /// (grads are read, never written); every parameter is updated in place. The optimizer
    /// keeps its per-parameter state (moments, buffers, step counts) under the parameter's
    /// name, created at the parameter's first step, as torch.optim does.
    /// </summary>
    void Step(NamedTensors parameters, NamedTensors grads);

    /// <summary>Forgets every parameter's state: the next Step behaves as a freshly built optimizer's first.</summary>
    void ResetState();
}
