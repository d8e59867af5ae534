// Cases for the oracle op "optimizer": one parameter "weight" [R, C], uniform(-1, 1), and its
// gradient at every step "weight.grad" [S, R, C]. Each element of the parameter has its own
// gradient scale 10^(-6w), w uniform(0, 1) (from 1 down to 1e-6), and its gradient at step s is
// uniform(-1, 1) times that scale: real gradients span many magnitudes, and the small ones are
// where eps matters (an Adam with eps inside the square root, sqrt(v_hat + eps), is off by far
// more than the tolerance only when v_hat is near eps = 1e-8, i.e. |g| near 1e-4).
// The problem's config names the optimizer and its hyperparameters ({"name": "adam", ...}).
// Draw order: sizes S, R, C; weight; the scales [R, C]; weight.grad's uniform factors [S, R, C].
using System.Text.Json.Nodes;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Autograder;

public sealed class OptimizerCaseGenerator : CaseGenerator
{
    public override IReadOnlyList<SizeLetter> Letters { get; } =
    [
        new('S', true, 50, "optimizer steps"),
        new('R', true, 32, "rows of the parameter"),
        new('C', true, 32, "columns of the parameter"),
    ];

    /// <summary>Gradient scales are drawn log-uniformly over this many powers of ten below 1.</summary>
    public const double GradientDecades = 6;

    public override IReadOnlyList<string> OptionalInputs(string op) => [];

    public override Case Generate(Problem problem, int k, IReadOnlyDictionary<char, int> sizes, SeededRandom rng)
    {
        int S = sizes['S'], R = sizes['R'], C = sizes['C'];
        var inputs = new NamedTensors();
        inputs.Add("weight", Uniform(rng, R, C));                 // [R, C]
        var scale = rng.UniformTensor(0.0, 1.0, R, C);            // [R, C]: w, then 10^(-6w)
        for (int i = 0; i < scale.Length; i++) scale.Data[i] = Math.Pow(10.0, -GradientDecades * scale.Data[i]);
        var grad = Uniform(rng, S, R, C);                         // [S, R, C]: the gradient at each step
        for (int s = 0; s < S; s++)
            for (int i = 0; i < R * C; i++) grad.Data[s * R * C + i] *= scale.Data[i];
        inputs.Add("weight.grad", grad);
        var config = MergeConfig(new JsonObject(), problem.Config);
        return new Case(problem.CaseId(k), problem.Op, config, inputs, new NamedTensors(), new NamedTensors());
    }
}
