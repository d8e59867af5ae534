// An assignment (format "rnn-reference/assignment@1", Spec/autograder.md): problems, each an
// oracle op with fixed options, size ranges to draw cases from, the tensors checked, points
// and tolerances. AssignmentLoader reads and checks the JSON file; this file holds only the
// parsed values.
using System.Text.Json.Nodes;

namespace Rnn.Grading.Autograder;

public sealed record Assignment(
    string Name,
    string Title,
    ulong Seed,
    IReadOnlyList<Problem> Problems)
{
    public const string Format = "rnn-reference/assignment@1";

    /// <summary>
    /// What a submission may import besides Python's standard library and its own Python source
    /// (the file's "may_import"; NumPy when the file does not say). Running other programs is never
    /// allowed. The sandbox's guard enforces it (Spec/sandbox.md, "What a submission may use").
    /// </summary>
    public IReadOnlyList<string> MayImport { get; init; } = DefaultMayImport;

    /// <summary>The packages a submission may import when the assignment does not say: NumPy.</summary>
    public static readonly IReadOnlyList<string> DefaultMayImport = ["numpy"];

    public double MaxScore => Problems.Sum(p => p.Points);
}

/// <summary>Gradescope's visibility of a test: when the student sees it.</summary>
public enum Visibility { Visible, Hidden, AfterDueDate, AfterPublished }

public static class VisibilityNames
{
    public static string ToJson(this Visibility v) => v switch
    {
        Visibility.Visible => "visible",
        Visibility.Hidden => "hidden",
        Visibility.AfterDueDate => "after_due_date",
        Visibility.AfterPublished => "after_published",
        _ => throw new ArgumentOutOfRangeException(nameof(v), v, "unknown visibility"),
    };

    public static bool TryParse(string text, out Visibility v)
    {
        foreach (var candidate in Enum.GetValues<Visibility>())
            if (candidate.ToJson() == text) { v = candidate; return true; }
        v = default;
        return false;
    }
}

/// <summary>An inclusive range [Low, High] one size letter is drawn from.</summary>
public readonly record struct SizeRange(int Low, int High);

/// <summary>The output and gradient names whose values are compared.</summary>
public sealed record CheckedTensors(IReadOnlyList<string> Outputs, IReadOnlyList<string> Grads)
{
    public int Count => Outputs.Count + Grads.Count;
}

public sealed record Problem(
    string Name,
    string Title,
    string Op,
    JsonObject Config,                                  // fixed options, merged into every case
    IReadOnlyDictionary<char, SizeRange> Sizes,          // e.g. T -> [1, 6]
    IReadOnlyList<string> OptionalInputs,                // e.g. ["h0", "c0"]
    int Cases,
    CheckedTensors Check,
    double Points,
    double Rtol,
    double Atol,
    Visibility Visibility,
    double TimeLimitSeconds)
{
    /// <summary>Graded case ids are "NAME/k", k = 0, 1, ...</summary>
    public string CaseId(int k) => $"{Name}/{k}";

    /// <summary>
    /// Sample case ids are "NAME/sample-k": never a graded id, so answers to the sample cases
    /// can never be mistaken for answers to the graded ones.
    /// </summary>
    public string SampleCaseId(int k) => $"{Name}/{SampleIdPrefix}{k}";

    public const string SampleIdPrefix = "sample-";

    public TimeSpan TimeLimit => TimeSpan.FromSeconds(TimeLimitSeconds);

    /// <summary>Whether the student's cases carry grad_outputs (only when gradients are checked).</summary>
    public bool ChecksGrads => Check.Grads.Count > 0;
}
