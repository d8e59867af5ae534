// Every convention the oracle knows, by the name a case file gives in its config
// ("convention": "keras"). Spec/conventions.md documents each mapping.
namespace Rnn.Reference.Conventions;

/// <summary>Every convention the oracle knows, looked up by the name a case file's config gives.</summary>
public static class ConventionRegistry
{
    /// <summary>The conventions: PyTorch, Keras, CS231n, d2l, Ng, the 95-865 and STATS 507 slides.</summary>
    public static IReadOnlyList<Convention> All { get; } =
    [
        new PyTorchConvention(),
        new KerasConvention(),
        new Cs231nConvention(),
        new D2lConvention(),
        new NgConvention(),
        new Slides95865Convention(),
        new Stats507Convention(),
    ];

    /// <summary>The names of All, in order.</summary>
    public static IEnumerable<string> Names => All.Select(c => c.Name);

    /// <summary>The convention of that name; an ArgumentException listing the names when there is none.</summary>
    public static Convention Get(string name) =>
        All.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"convention \"{name}\" is not known; the conventions are {string.Join(", ", Names)}", nameof(name));
}
