// Runs a recurrent stack whose parameters are given under a convention: convert them to
// PyTorch's layout, run RecurrentLayer forward and backward, and convert the parameter
// gradients back to the convention's names and shapes (what the oracle's eval does).
using Rnn.Reference.Conventions;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Conventions;

public sealed record ConventionResult(RecurrentOutput Forward, RecurrentGradients Gradients, NamedTensors dParams);

public static class ConventionRun
{
    public static ConventionResult Run(
        Convention convention, RecurrentConfig config, NamedTensors parameters,
        Tensor input, Tensor? h0, Tensor? c0, Tensor? dOutput, Tensor? dHN, Tensor? dCN)
    {
        var pytorch = convention.ToPyTorch(config, parameters);
        var forward = RecurrentLayer.Forward(config, pytorch, input, h0, c0);
        var gradients = RecurrentLayer.Backward(forward.Cache, dOutput, dHN, dCN);
        return new ConventionResult(forward, gradients, convention.GradientsFromPyTorch(config, gradients.dParameters));
    }

    /// <summary>Every (convention, cell kind) pair the convention has.</summary>
    public static IEnumerable<(Convention Convention, CellKind Kind, bool Bias)> SupportedPairs()
    {
        foreach (var convention in ConventionRegistry.All)
            foreach (var kind in Enum.GetValues<CellKind>())
                foreach (bool bias in new[] { true, false })
                    if (convention.Unsupported(new CellShape(kind, 2, 2, bias)) is null)
                        yield return (convention, kind, bias);
    }
}
