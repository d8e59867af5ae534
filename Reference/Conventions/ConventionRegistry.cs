// Every convention the oracle knows, by the name a case file gives in its config
// ("convention": "keras"). Spec/conventions.md documents each mapping.
namespace Rnn.Reference.Conventions;

public static class ConventionRegistry
{
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

    public static IEnumerable<string> Names => All.Select(c => c.Name);

    /// <summary>The convention of that name; an ArgumentException listing the names when there is none.</summary>
    public static Convention Get(string name) =>
        All.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"convention \"{name}\" is not known; the conventions are {string.Join(", ", Names)}", nameof(name));
}
