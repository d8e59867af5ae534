// Builds grading/examples/answers/with-mistakes.json: answers to the shipped assignment's graded
// cases as a student with a few realistic mistakes would give them. The correct answers are the
// oracle's own (this is a demonstration file, never a test's expected value); the mistakes are
// made by evaluating a changed case, exactly as grading/examples/answers/README.md says:
//   lstm             gates read in the order i, f, o, g (CS231n's) from PyTorch-ordered weights:
//                    the g and o row blocks of every weight and bias are swapped before evaluating,
//                    and the gradients of those blocks swapped back into the given layout
//   clip_grad_norm   the slide's squared norm (config mode "slide_squared") instead of the norm
//   optimizer (adam) Adam without bias correction: theta -= lr * m / (sqrt(v) + eps)
//   tanh_rnn_slide   the case with the smallest batch answers with an error entry, as a program
//                    that fails when B = 1 would
// Every other case is answered correctly. Only the checked tensors are written. Computed on the
// plain loops (Compute.Plain), so the file is the same on every machine.
// Run: rnn-grading grade demo-answers --assignment grading/assignments/rnn-slides.json -o FILE
using System.Text.Json.Nodes;
using Rnn.Grading.Oracle;
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Autograder;

public static class DemoAnswers
{
    public const string TanhErrorText = "IndexError: tuple index out of range";

    public static IReadOnlyList<CaseResult> Build(Assignment assignment)
    {
        // the plain loops: the checked-in file's bits must not depend on the CPU's vector width
        using var computing = Evaluator.Use(Compute.Plain);
        var answers = new List<CaseResult>();
        foreach (var problem in assignment.Problems)
        {
            var cases = CaseStreams.Graded(assignment, problem);
            string? failingTanhCase = problem.Op == "tanh_rnn_slide"
                ? cases.OrderBy(c => c.Inputs["input"].Rank == 3 ? c.Inputs["input"].Shape[1] : 1).First().Id
                : null;
            foreach (var c in cases)
            {
                var result = problem.Op switch
                {
                    "lstm" => LstmWithGateOrderIfog(c),
                    "clip_grad_norm" => ClipWithSquaredNorm(c),
                    "optimizer" when ConfigReader.String(c.Config, "name") == "adam" => AdamWithoutBiasCorrection(c),
                    "tanh_rnn_slide" when c.Id == failingTanhCase => CaseResult.Failed(c.Id, TanhErrorText),
                    _ => Evaluator.Evaluate(c),
                };
                if (result.Error is not null && result.Error != TanhErrorText)
                    throw new InvalidOperationException($"the oracle could not evaluate {c.Id}: {result.Error}");
                answers.Add(result.Error is null ? OnlyChecked(problem, result) : result);
            }
        }
        return answers;
    }

    private static CaseResult OnlyChecked(Problem problem, CaseResult r)
    {
        var outputs = new NamedTensors();
        foreach (var (name, t) in r.Outputs) if (problem.Check.Outputs.Contains(name)) outputs.Add(name, t);
        var grads = new NamedTensors();
        foreach (var (name, t) in r.Grads) if (problem.Check.Grads.Contains(name)) grads.Add(name, t);
        return new CaseResult(r.Id, outputs, grads);
    }

    /// <summary>
    /// PyTorch stacks the LSTM's rows as blocks i, f, g, o. A program that reads them as
    /// i, f, o, g uses block 2 as its o gate and block 3 as its g: the same as PyTorch's
    /// order on weights with blocks 2 and 3 swapped. Its gradients, written in the given
    /// layout, are those of the swapped weights swapped back.
    /// </summary>
    private static CaseResult LstmWithGateOrderIfog(Case c)
    {
        int H = ConfigReader.Int(c.Config, "hidden_size");
        var swapped = new NamedTensors();
        foreach (var (name, t) in c.Params) swapped.Add(name, SwapBlocks23(t, H));
        var r = Evaluator.Evaluate(c with { Params = swapped });
        if (r.Error is not null) return r;
        var grads = new NamedTensors();
        foreach (var (name, g) in r.Grads) grads.Add(name, c.Params.Contains(name) ? SwapBlocks23(g, H) : g);
        return new CaseResult(c.Id, r.Outputs, grads);
    }

    /// <summary>Swaps rows [2H, 3H) and [3H, 4H) of a [4H, ...] or [4H] tensor.</summary>
    private static Tensor SwapBlocks23(Tensor t, int H)
    {
        var s = t.Clone();
        int row = t.Length / t.Shape[0], block = H * row;
        t.Data.AsSpan(2 * block, block).CopyTo(s.Data.AsSpan(3 * block, block));
        t.Data.AsSpan(3 * block, block).CopyTo(s.Data.AsSpan(2 * block, block));
        return s;
    }

    private static CaseResult ClipWithSquaredNorm(Case c)
    {
        var config = (JsonObject)c.Config.DeepClone();
        config["mode"] = "slide_squared";
        return Evaluator.Evaluate(c with { Config = CaseGenerator.AsParsedJson(config) });
    }

    /// <summary>m and v as Adam keeps them, but the step uses them without dividing by 1 - beta^t.</summary>
    private static CaseResult AdamWithoutBiasCorrection(Case c)
    {
        double lr = ConfigReader.Double(c.Config, "lr", 1e-3);
        var betas = ConfigReader.Doubles(c.Config, "betas", [0.9, 0.999]);
        double beta1 = betas[0], beta2 = betas[1];
        double eps = ConfigReader.Double(c.Config, "eps", 1e-8);
        double weightDecay = ConfigReader.Double(c.Config, "weight_decay", 0);
        var outputs = new NamedTensors();
        foreach (var (name, p0) in c.Inputs)
        {
            if (name.EndsWith(".grad", StringComparison.Ordinal)) continue;
            var gs = c.Inputs[name + ".grad"];                      // [S, ...shape]
            int S = gs.Shape[0], n = p0.Length;
            var theta = (double[])p0.Data.Clone();
            var m = new double[n];
            var v = new double[n];
            var after = Tensor.Zeros([S, .. p0.Shape]);             // [S, ...shape]
            for (int s = 0; s < S; s++)
            {
                for (int j = 0; j < n; j++)
                {
                    double g = gs.Data[s * n + j] + weightDecay * theta[j];
                    m[j] = beta1 * m[j] + (1 - beta1) * g;
                    v[j] = beta2 * v[j] + (1 - beta2) * g * g;
                    theta[j] -= lr * m[j] / (Math.Sqrt(v[j]) + eps);  // no m / (1 - beta1^t), v / (1 - beta2^t)
                }
                theta.CopyTo(after.Data, s * n);
            }
            outputs.Add(name, after);
        }
        return new CaseResult(c.Id, outputs, new NamedTensors());
    }
}
