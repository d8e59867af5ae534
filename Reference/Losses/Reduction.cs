// How a loss combines its per-element values, with PyTorch's names and meanings:
//   "none": one value per element (the loss tensor has the elements' shape),
//   "sum":  their sum (a scalar),
//   "mean": their mean (a scalar). For cross-entropy with class weights the mean is the
//           weighted mean sum_n w[t_n] l_n / sum_n w[t_n] (Spec/losses.md).
namespace Rnn.Reference.Losses;

/// <summary>How a loss combines its per-element values (PyTorch's reduction argument).</summary>
public enum Reduction
{
    /// <summary>Their mean, a scalar ("mean"; for cross-entropy with class weights the weighted mean).</summary>
    Mean,
    /// <summary>Their sum, a scalar ("sum").</summary>
    Sum,
    /// <summary>One value per element ("none").</summary>
    None,
}

/// <summary>PyTorch's reduction strings to and from Reduction.</summary>
public static class Reductions
{
    /// <summary>"mean", "sum" or "none" (PyTorch's strings) to the enum.</summary>
    public static Reduction Parse(string text) => text switch
    {
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        "none" => Reduction.None,
        _ => throw new ArgumentException($"reduction is \"{text}\" but must be \"mean\", \"sum\" or \"none\"", "reduction"),
    };

    /// <summary>The enum as PyTorch spells it.</summary>
    public static string Name(Reduction reduction) => reduction switch
    {
        Reduction.Mean => "mean",
        Reduction.Sum => "sum",
        Reduction.None => "none",
        _ => throw new ArgumentException($"reduction is {(int)reduction}, not a Reduction value", nameof(reduction)),
    };

    /// <summary>Rejects values outside the enum (a cast integer).</summary>
    internal static void Check(Reduction reduction) => Name(reduction);
}
