// Oracle ops for the losses (Spec/losses.md). Names, tensor names and config keys are
// PyTorch's functional ones:
//   cross_entropy                     inputs input, target (class indices), weight?   config reduction, ignore_index
//   binary_cross_entropy_with_logits  inputs input, target, weight?, pos_weight?      config reduction
//   mse_loss                          inputs input, target                            config reduction
// Output "output" is the loss (a scalar [] for mean and sum). Grads: input, and target for the
// two losses whose target is a float tensor; class indices, weight and pos_weight get none
// (PyTorch treats weights as constants). grad_outputs.output omitted means zeros.
using Rnn.Reference.Losses;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Oracle.Ops;

public sealed class CrossEntropyOp : IOp
{
    public string Name => "cross_entropy";

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c)
    {
        ConfigReader.OnlyKeys(c.Config, Name, "reduction", "ignore_index");
        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, "input", "target", "weight");
        CaseTensors.OnlyNames(c.Params, "params", Name);
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, "output");
        var input = CaseTensors.Required(c.Inputs, "inputs", "input", Name);
        var target = CaseTensors.Required(c.Inputs, "inputs", "target", Name);
        var weight = CaseTensors.Optional(c.Inputs, "weight");
        var reduction = Reductions.Parse(ConfigReader.String(c.Config, "reduction", "mean"));
        int ignoreIndex = ConfigReader.Int(c.Config, "ignore_index", CrossEntropy.DefaultIgnoreIndex);
        int[] targetShape = input.Rank >= 1 ? CrossEntropy.TargetShape(input.Shape) : [];
        if (input.Rank >= 1 && !target.HasShape(targetShape))
            throw new ArgumentException(
                target.HasShape(input.Shape)
                    ? $"inputs.target is {target.ShapeText()}, the input's shape: class-probability targets are not supported, give class indices of shape {Tensor.ShapeText(targetShape)}"
                    : $"inputs.target is {target.ShapeText()} but input {input.ShapeText()} needs class indices of shape {Tensor.ShapeText(targetShape)}");
        int[] classes = CaseTensors.Integers(target, "inputs.target");

        var (loss, cache) = CrossEntropy.Forward(input, classes, weight, reduction, ignoreIndex);
        var dInput = CrossEntropy.Backward(CaseTensors.Upstream(c, "output", loss.Shape), cache);
        return (CaseTensors.Set(("output", loss)), CaseTensors.Set(("input", dInput)));
    }
}

public sealed class BinaryCrossEntropyWithLogitsOp : IOp
{
    public string Name => "binary_cross_entropy_with_logits";

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c)
    {
        ConfigReader.OnlyKeys(c.Config, Name, "reduction");
        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, "input", "target", "weight", "pos_weight");
        CaseTensors.OnlyNames(c.Params, "params", Name);
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, "output");
        var input = CaseTensors.Required(c.Inputs, "inputs", "input", Name);
        var target = CaseTensors.Required(c.Inputs, "inputs", "target", Name);
        var reduction = Reductions.Parse(ConfigReader.String(c.Config, "reduction", "mean"));

        var (loss, cache) = BinaryCrossEntropyWithLogits.Forward(input, target,
            CaseTensors.Optional(c.Inputs, "weight"), CaseTensors.Optional(c.Inputs, "pos_weight"), reduction);
        var grads = BinaryCrossEntropyWithLogits.Backward(CaseTensors.Upstream(c, "output", loss.Shape), cache);
        return (CaseTensors.Set(("output", loss)), CaseTensors.Set(("input", grads.dInput), ("target", grads.dTarget)));
    }
}

public sealed class MseLossOp : IOp
{
    public string Name => "mse_loss";

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c)
    {
        ConfigReader.OnlyKeys(c.Config, Name, "reduction");
        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, "input", "target");
        CaseTensors.OnlyNames(c.Params, "params", Name);
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, "output");
        var input = CaseTensors.Required(c.Inputs, "inputs", "input", Name);
        var target = CaseTensors.Required(c.Inputs, "inputs", "target", Name);
        var reduction = Reductions.Parse(ConfigReader.String(c.Config, "reduction", "mean"));

        var (loss, cache) = MseLoss.Forward(input, target, reduction);
        var grads = MseLoss.Backward(CaseTensors.Upstream(c, "output", loss.Shape), cache);
        return (CaseTensors.Set(("output", loss)), CaseTensors.Set(("input", grads.dInput), ("target", grads.dTarget)));
    }
}
