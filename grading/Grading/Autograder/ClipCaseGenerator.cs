// Cases for the oracle ops "clip_grad_norm" and "clip_grad_value": N gradient tensors, taken in
// this order: weight_ih_l0 [H, I], weight_hh_l0 [H, H], bias [H] (N = 1..3, all three without N),
// each element uniform(-1, 1).
// The threshold is set from the drawn gradients so that both branches are graded: even cases
// clip (threshold = u * measure, u in [0.25, 0.75)) and odd cases do not (u in [1.5, 3)).
//   clip_grad_norm:  measure = the op's own "total_norm" for the problem's norm_type and mode
//                    (the p-norm; the sum of squares in the slide's mode); sets max_norm
//   clip_grad_value: measure = the largest |g|; sets clip_value
// Draw order: sizes N, I, H; the tensors in the order above; u.
using System.Text.Json.Nodes;
using Rnn.Grading.Oracle;
using Rnn.Grading.Oracle.Ops;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Autograder;

public sealed class ClipCaseGenerator(bool byValue) : CaseGenerator
{
    public override IReadOnlyList<SizeLetter> Letters { get; } =
    [
        new('N', false, 3, "how many gradient tensors: weight_ih_l0, weight_hh_l0, bias (all three without N)"),
        new('I', true, 32, "input size"),
        new('H', true, 32, "hidden size"),
    ];

    public override IReadOnlyList<string> OptionalInputs(string op) => [];

    public override IReadOnlyList<string> GeneratedConfigKeys { get; } = [byValue ? "clip_value" : "max_norm"];

    private string Op => byValue ? "clip_grad_value" : "clip_grad_norm";

    public override Case Generate(Problem problem, int k, IReadOnlyDictionary<char, int> sizes, SeededRandom rng)
    {
        int N = sizes.TryGetValue('N', out int n) ? n : 3, I = sizes['I'], H = sizes['H'];
        var grads = new NamedTensors();
        (string Name, int[] Shape)[] all = [("weight_ih_l0", [H, I]), ("weight_hh_l0", [H, H]), ("bias", [H])];
        for (int t = 0; t < N; t++) grads.Add(all[t].Name, Uniform(rng, all[t].Shape));

        double measure = byValue ? LargestMagnitude(grads) : TotalNorm(problem, grads);
        double u = k % 2 == 0 ? rng.Uniform(0.25, 0.75) : rng.Uniform(1.5, 3.0);
        string key = GeneratedConfigKeys[0];
        var config = MergeConfig(new JsonObject { [key] = u * measure }, problem.Config);
        return new Case(problem.CaseId(k), Op, config, grads, new NamedTensors(), new NamedTensors());
    }

    private static double LargestMagnitude(NamedTensors grads)
    {
        double m = 0;
        foreach (var (_, g) in grads)
            foreach (double x in g.Data) m = Math.Max(m, Math.Abs(x));
        return m;
    }

    /// <summary>The op's "total_norm" with a threshold nothing reaches (so nothing is clipped).</summary>
    private static double TotalNorm(Problem problem, NamedTensors grads)
    {
        var config = MergeConfig(new JsonObject { ["max_norm"] = double.MaxValue }, problem.Config);
        var probe = new Case("measure", "clip_grad_norm", config, grads, new NamedTensors(), new NamedTensors());
        var (outputs, _) = new ClipGradNormOp().Evaluate(probe);
        return outputs[ClipGradNormOp.TotalNormName].Data[0];
    }
}
