// What a wrong tensor looks like when the numbers are right but laid out or scaled the way
// another convention would (Spec/vectors.md, "check"): `check` says so next to the failure.
// Each hint is a fixed rearrangement of the expected tensor that the answer matches within
// the tolerance (TensorMatch):
//   transposed        a matrix given [in, out] where [out, in] is expected (x @ W against W x), or back
//   batch / time axes a [T, B, X] tensor given [B, T, X] (batch_first) or back
//   gate order        the gate blocks of a G*H axis in another order (CS231n's i, f, o, g;
//                     Keras's GRU z, r, h): named in the case's own letters
//   doubled           a merged bias's gradient given as dL/dbias_ih + dL/dbias_hh (twice dL/db)
//   zero              bias_hh's gradient given as 0 (it equals bias_ih's: only their sum enters)
//   negated block     one gate block's sign flipped (Ng's Γu = 1 - z taken for z in a conversion)
using Rnn.Grading.Oracle;
using Rnn.Grading.Oracle.Ops;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Diagnosis;

public static partial class LayoutHints
{
    /// <summary>The hint that explains the answer's tensor (named "outputs.X" or "grads.X"), or null when none does.</summary>
    public static string? Explain(Case c, string label, Tensor expected, Tensor got, double rtol, double atol)
    {
        bool Matches(Tensor t) => TensorMatch.Close(got, t, rtol, atol);
        string name = label[(label.IndexOf('.') + 1)..];
        if (expected.Rank == 2 && !(expected.Shape[0] == 1 && expected.Shape[1] == 1) && Matches(Transposed(expected)))
            return $"{label} is the transpose of the expected {expected.ShapeText()}: " +
                   (ConventionOption.Read(c.Config) is { } conv
                       ? $"convention \"{conv.Name}\" stores it {expected.ShapeText()}; give its gradient in that layout"
                       : "PyTorch stores a weight [out, in] (y = x W^T); one kept [in, out] for x @ W (Keras, CS231n) must be transposed, and so must its gradient");
        if (expected.Rank == 3 && expected.Shape[0] != expected.Shape[1] && Matches(SwapFirstAxes(expected)))
            return $"{label} has its first two axes swapped: the case is {(IsBatchFirst(c) ? "batch_first ([B, T, ...])" : "time-major ([T, B, ...])")} " +
                   "but the answer is laid out the other way";
        if (GateBlocks(c) is { } gates && expected.Length > 0)
        {
            int G = gates.Letters.Length, H = gates.H;
            int axis = expected.Shape[0] == G * H ? 0 : expected.Shape[^1] == G * H ? expected.Rank - 1 : -1;
            if (axis >= 0)
            {
                foreach (var order in Permutations(G))
                {
                    if (order.SequenceEqual(Enumerable.Range(0, G))) continue;
                    if (Matches(Reordered(expected, axis, G, H, order)))
                        return $"{label}'s gate blocks are in the order {string.Join(", ", order.Select(k => gates.Letters[k]))} " +
                               $"where this case's order is {string.Join(", ", gates.Letters)}{KnownOrder(gates.Letters, order)}: " +
                               "reorder the blocks when converting (weights and their gradients alike)";
                }
                for (int k = 0; k < G; k++)
                    if (Matches(NegatedBlock(expected, axis, G, H, k)))
                        return $"{label} has gate block {gates.Letters[k]} negated: " +
                               (gates.Letters[k] is "z" or "u"
                                   ? "Ng's update gate is Γu = 1 - z = σ(-a_z), so PyTorch's z rows are Ng's Wu, bu negated, and their gradients too"
                                   : "a sign is flipped in that block's conversion");
            }
        }
        if (IsBias(name) && Matches(Scaled(expected, 2)) && !Matches(expected))
            return $"{label} is twice the expected gradient: where a convention keeps one bias for PyTorch's bias_ih + bias_hh, " +
                   "its gradient is dL/dbias_ih (= dL/dbias_hh), not their sum";
        if (name.StartsWith("bias_hh", StringComparison.Ordinal) && Matches(Scaled(expected, 0)) && !Matches(expected))
            return $"{label} is zero: PyTorch's bias_hh gets the same gradient as bias_ih (only b_ih + b_hh enters the cell; " +
                   "in the reset-after GRU, b_hn's is r times b_in's), so a merged bias's gradient goes to both";
        return null;
    }

    private static bool IsBatchFirst(Case c) => c.Config["batch_first"] is { } v && v.GetValueKind() == System.Text.Json.JsonValueKind.True;

    /// <summary>A bias under any convention's names: bias..., b, b_i, bf, by (with a stack suffix _l0, _l0_reverse).</summary>
    private static bool IsBias(string name) =>
        name.StartsWith("bias", StringComparison.Ordinal) || BiasName().IsMatch(name);

    [System.Text.RegularExpressions.GeneratedRegex(@"^b(_?[a-z])?(_l[0-9]+(_reverse)?)?$")]
    private static partial System.Text.RegularExpressions.Regex BiasName();

    /// <summary>The gate letters in the case's own order (PyTorch's unless the convention stacks them otherwise) and H; null for ungated ops.</summary>
    private static (string[] Letters, int H)? GateBlocks(Case c)
    {
        if (c.Op is not ("lstm" or "gru") || c.Config["hidden_size"] is null) return null;
        int H;
        try { H = ConfigReader.Int(c.Config, "hidden_size"); }
        catch (ArgumentException) { return null; }
        string convention = ConventionOption.Read(c.Config)?.Name ?? "pytorch";
        string[] letters = (c.Op, convention) switch
        {
            ("lstm", "keras") => ["i", "f", "c", "o"],
            ("lstm", "cs231n") => ["i", "f", "o", "g"],
            ("lstm", _) => ["i", "f", "g", "o"],
            ("gru", "keras") => ["z", "r", "h"],
            _ => ["r", "z", "n"],
        };
        return (letters, H);
    }

    private static string KnownOrder(string[] letters, int[] order)
    {
        string given = string.Concat(order.Select(k => letters[k]));
        return given switch
        {
            "ifog" => " (CS231n's order)",
            "zrn" or "zrh" => " (Keras's GRU order)",
            "ifgo" or "ifco" => " (PyTorch's and Keras's order)",
            "rzn" or "rzh" => " (PyTorch's GRU order)",
            _ => "",
        };
    }

    private static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 1) { yield return [0]; yield break; }
        foreach (var rest in Permutations(n - 1))
            for (int at = 0; at <= rest.Length; at++)
                yield return [.. rest[..at], n - 1, .. rest[at..]];
    }

    /// <summary>Block k of the result is block order[k] of t along the axis (blocks of H).</summary>
    private static Tensor Reordered(Tensor t, int axis, int G, int H, int[] order) =>
        Remap(t, axis, G * H, j => order[j / H] * H + j % H);

    private static Tensor NegatedBlock(Tensor t, int axis, int G, int H, int k) =>
        Remap(t, axis, G * H, j => j, j => j / H == k ? -1 : 1);

    /// <summary>result[..., j, ...] = sign(j) * t[..., source(j), ...] along the axis of the given length.</summary>
    private static Tensor Remap(Tensor t, int axis, int length, Func<int, int> source, Func<int, int>? sign = null)
    {
        int inner = 1;
        for (int a = axis + 1; a < t.Rank; a++) inner *= t.Shape[a];
        int outer = t.Length / (length * inner);
        var result = Tensor.Zeros(t.Shape);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < length; j++)
                for (int i = 0; i < inner; i++)
                    result.Data[(o * length + j) * inner + i] = (sign?.Invoke(j) ?? 1) * t.Data[(o * length + source(j)) * inner + i];
        return result;
    }

    private static Tensor Transposed(Tensor t)
    {
        int rows = t.Shape[0], cols = t.Shape[1];
        var result = Tensor.Zeros(cols, rows);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                result.Data[j * rows + i] = t.Data[i * cols + j];
        return result;
    }

    private static Tensor SwapFirstAxes(Tensor t)
    {
        int A = t.Shape[0], C = t.Shape[1], X = t.Length / (A * C);
        var result = Tensor.Zeros(C, A, X);
        for (int a = 0; a < A; a++)
            for (int k = 0; k < C; k++)
                t.Data.AsSpan((a * C + k) * X, X).CopyTo(result.Data.AsSpan((k * A + a) * X, X));
        return new Tensor([C, A, .. t.Shape[2..]], result.Data);
    }

    private static Tensor Scaled(Tensor t, double s)
    {
        var result = Tensor.Zeros(t.Shape);
        for (int i = 0; i < t.Length; i++) result.Data[i] = s * t.Data[i];
        return result;
    }
}
