// Reading a case's named tensors: required or optional, with shapes checked and whole
// numbers (lengths, indices, labels) converted to int with errors that name the tensor.
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Oracle.Ops;

public static class CaseTensors
{
    public static Tensor Required(NamedTensors set, string kind, string name) =>
        set.TryGet(name, out var t) ? t : throw new ArgumentException($"{kind}.{name} is required but missing");

    public static Tensor? Optional(NamedTensors set, string name) => set.TryGet(name, out var t) ? t : null;

    /// <summary>Rejects names the op does not take, so a misspelt tensor is never silently ignored.</summary>
    public static void OnlyNames(NamedTensors set, string kind, string op, IEnumerable<string> known)
    {
        var allowed = known.ToHashSet(StringComparer.Ordinal);
        foreach (var name in set.Names)
            if (!allowed.Contains(name))
                throw new ArgumentException(
                    $"{kind}.{name} is not taken by op '{op}'; it takes {(allowed.Count == 0 ? "none" : string.Join(", ", allowed.Order(StringComparer.Ordinal)))}");
    }

    /// <summary>The tensor's values as whole numbers; each must be an integer in int range.</summary>
    public static int[] Integers(Tensor t, string name)
    {
        var result = new int[t.Length];
        for (int i = 0; i < t.Length; i++)
        {
            double v = t.Data[i];
            if (!(v == Math.Floor(v)) || v < int.MinValue || v > int.MaxValue)
                throw new ArgumentException($"{name}[{i}] must be a whole number but is {v}");
            result[i] = (int)v;
        }
        return result;
    }
}
