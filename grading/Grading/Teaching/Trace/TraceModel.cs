// What a trace holds: for one case, per layer and direction, the forward pass step by step and
// then the backward pass step by step, each step a list of named values. A value has the name
// PyTorch's docs use (a_i, i, c_t, dL/dh_t, ...), the slides' name beside it, and its numbers
// as a [rows, cols] block (rows: the batch, or a weight's rows). TraceText prints it for a
// person, TraceJson writes it for a program to diff.
namespace Rnn.Grading.Teaching.Trace;

/// <param name="Name">PyTorch's name or the standard one (a_i, i, c_t, h_t, dL/dh_t, dW_hh)</param>
/// <param name="Slide">the slides' name for it (Gamma_u, c~<t>, linear, current_state), or ""</param>
/// <param name="Rows">rows of Values: B for per-example values, the weight's rows for a weight gradient</param>
public sealed record TraceValue(string Name, string Slide, int Rows, int Cols, double[] Values)
{
    /// <summary>
    /// For a gradient over the stacked gate blocks (PyTorch's order, G blocks of H): the gates' names
    /// (i, f, g, o; r, z, n). The text then names each weight row by its gate and prints a bias one
    /// gate to a line; the numbers and their shape are unchanged.
    /// </summary>
    public IReadOnlyList<string>? Gates { get; init; }
}

/// <summary>One step t of a pass: the values in the order they are computed.</summary>
public sealed record TraceStep(int T, IReadOnlyList<TraceValue> Values);

public sealed record TraceSection(int Layer, int Direction, IReadOnlyList<TraceStep> Forward, IReadOnlyList<TraceStep> Backward);

/// <param name="Description">the op, its sizes, the equations in both notations</param>
/// <param name="Loss">what the backward pass differentiates</param>
public sealed record CaseTrace(string CaseId, string Op, IReadOnlyList<string> Description, string Loss, IReadOnlyList<TraceSection> Sections)
{
    /// <summary>The backward pass's equations, in the names its values have (printed above its first step).</summary>
    public IReadOnlyList<string> BackwardEquations { get; init; } = [];
}
