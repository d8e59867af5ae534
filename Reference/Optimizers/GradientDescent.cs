// Plain gradient descent, exactly the slide's rule:
//   new weight = weight - learning rate * gradient
// "The optimizer is the skier": the derivative says which way is downhill and the learning rate
// how far to move. Sgd with its defaults (momentum 0, dampening 0, weight_decay 0) is this rule;
// a test holds the two equal bit for bit. Full-batch, minibatch and stochastic gradient descent
// differ only in how many examples the gradient averages over (N, B or 1), not in this step.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Optimizers;

/// <summary>The slide's rule on one span: new weight = weight - learning rate * gradient.</summary>
public static class GradientDescent
{
    /// <summary>weight[i] = weight[i] - learningRate * gradient[i], in place. N = number of weights.</summary>
    public static void Step(Span<double> weight, ReadOnlySpan<double> gradient, double learningRate)
    {
        Hyperparameter.AtLeastZero(learningRate, "lr");
        if (weight.Length != gradient.Length)
            throw new ArgumentException(
                $"gradient has {gradient.Length} elements but weight has {weight.Length}", nameof(gradient));
        // slide: new weight = weight - learning rate * gradient
        for (int i = 0; i < weight.Length; i++)
            weight[i] = weight[i] - learningRate * gradient[i];
    }

    /// <summary>The same rule for every named parameter; grads has the parameters' names and shapes.</summary>
    public static void Step(NamedTensors parameters, NamedTensors grads, double learningRate)
    {
        StepArguments.Check(parameters, grads);
        Hyperparameter.AtLeastZero(learningRate, "lr");
        foreach (var (name, weight) in parameters)
            Step(weight.Data, grads[name].Data, learningRate);
    }
}
