// One case of the oracle's case file (format "rnn-reference/cases@1", Spec/formats.md):
// an op name, its config, named input tensors, named parameters and the upstream
// gradients of its outputs. Integer inputs (lengths, indices, class labels) travel as
// doubles holding whole numbers; an op converts and checks them.
using System.Text.Json.Nodes;
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Oracle;

public sealed record Case(
    string Id,
    string Op,
    JsonObject Config,
    NamedTensors Inputs,
    NamedTensors Params,
    NamedTensors GradOutputs);

/// <summary>
/// What evaluating a case gives: its outputs and the gradient of every input and param, or an
/// error; Notes say what the oracle did that the case did not spell out (a convention's merged
/// biases, Spec/conventions.md). Null or empty: nothing to say.
/// </summary>
public sealed record CaseResult(string Id, NamedTensors Outputs, NamedTensors Grads, string? Error = null,
    IReadOnlyList<string>? Notes = null)
{
    public static CaseResult Failed(string id, string error) => new(id, new NamedTensors(), new NamedTensors(), error);
}

/// <summary>
/// An operation the oracle can evaluate. Evaluate throws ArgumentException (or a subclass)
/// for a case it cannot evaluate; the caller turns that into the case's "error".
/// </summary>
public interface IOp
{
    string Name { get; }

    /// <summary>Outputs and gradients of the case. Grads are named as the case's inputs and params.</summary>
    (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c);

    /// <summary>
    /// Evaluate computed the chosen way (Compute.Plain: the loops; Compute.Fast: Reference/Fast). An op
    /// without a fast path computes the same either way.
    /// </summary>
    (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c, Compute compute) => Evaluate(c);

    /// <summary>What the result should say about how the case was read (called after Evaluate succeeded); none by default.</summary>
    IReadOnlyList<string> Notes(Case c) => [];
}
