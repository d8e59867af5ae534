// Seeded case generation: the same file gives the same cases; graded and sample streams never
// share a case; sizes come from the ranges; values from the stated distributions; clipping
// cases include both branches.
using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using Rnn.Grading.Oracle;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Autograder;

public sealed class CaseGenerationTests
{
    [Test]
    public void Fnv1aMatchesThePublishedTestVectors()
    {
        // FNV-1a 64-bit reference values (the FNV authors' test suite): "", "a", "foobar".
        Assert.That(CaseStreams.Fnv1a64(""u8), Is.EqualTo(0xcbf29ce484222325UL));
        Assert.That(CaseStreams.Fnv1a64("a"u8), Is.EqualTo(0xaf63dc4c8601ec8cUL));
        Assert.That(CaseStreams.Fnv1a64("foobar"u8), Is.EqualTo(0x85944171f73967e8UL));
    }

    [Test]
    public void CaseSeedHashesTheDocumentedText()
    {
        Assert.That(CaseStreams.CaseSeed(865507, "lstm-bptt", CaseStream.Graded, 3),
            Is.EqualTo(CaseStreams.Fnv1a64(Encoding.UTF8.GetBytes("865507/lstm-bptt/graded/3"))));
        Assert.That(CaseStreams.CaseSeed(865507, "lstm-bptt", CaseStream.Sample, 3),
            Is.EqualTo(CaseStreams.Fnv1a64(Encoding.UTF8.GetBytes("865507/lstm-bptt/sample/3"))));
    }

    [Test]
    public void SameAssignmentGivesTheSameCasesEveryTime()
    {
        var first = Shipped();
        var second = Shipped();
        foreach (var p in first.Problems)
        {
            var q = second.Problems.Single(x => x.Name == p.Name);
            Assert.That(Serialize(CaseStreams.Graded(second, q)), Is.EqualTo(Serialize(CaseStreams.Graded(first, p))), p.Name);
            Assert.That(Serialize(CaseStreams.Sample(second, q)), Is.EqualTo(Serialize(CaseStreams.Sample(first, p))), p.Name);
        }
    }

    [Test]
    public void GradedAndSampleStreamsShareNoCase()
    {
        var a = Shipped();
        foreach (var p in a.Problems)
        {
            var graded = CaseStreams.Graded(a, p).Select(c => Serialize([c with { Id = "x" }])).ToHashSet();
            foreach (var s in CaseStreams.Sample(a, p))
                Assert.That(graded, Does.Not.Contain(Serialize([s with { Id = "x" }])), $"{s.Id} is also a graded case");
        }
    }

    [Test]
    public void AnotherSeedGivesOtherCases()
    {
        var a = Shipped();
        var b = a with { Seed = a.Seed + 1 };
        foreach (var p in a.Problems)
            Assert.That(Serialize(CaseStreams.Graded(b, p)), Is.Not.EqualTo(Serialize(CaseStreams.Graded(a, p))), p.Name);
    }

    [Test]
    public void CaseKDoesNotDependOnHowManyCasesThereAre()
    {
        var a = Shipped();
        var p = a.Problems.Single(x => x.Name == "lstm-forward");
        var more = CaseStreams.Graded(a, p with { Cases = 9 });
        var fewer = CaseStreams.Graded(a, p with { Cases = 2 });
        Assert.That(Serialize(more.Take(2)), Is.EqualTo(Serialize(fewer)));
    }

    [Test]
    public void CaseIdsAreProblemSlashK()
    {
        var a = Shipped();
        foreach (var p in a.Problems)
            Assert.That(CaseStreams.Graded(a, p).Select(c => c.Id), Is.EqualTo(Enumerable.Range(0, p.Cases).Select(k => $"{p.Name}/{k}")));
    }

    [Test]
    public void SizesStayInTheirRangesAndReachBothEnds()
    {
        var root = ReluForwardAssignment("many");
        var problem = (JsonObject)root["problems"]![0]!;
        problem["sizes"] = new JsonObject { ["T"] = new JsonArray(2, 4), ["B"] = new JsonArray(1, 2), ["I"] = new JsonArray(3, 3), ["H"] = new JsonArray(1, 3) };
        problem["cases"] = 100;
        var a = Parse(root);
        var seenT = new HashSet<int>();
        var seenH = new HashSet<int>();
        foreach (var c in CaseStreams.Graded(a, a.Problems[0]))
        {
            var x = c.Inputs["input"];                        // [T, B, I]
            Assert.That(x.Rank, Is.EqualTo(3));
            Assert.That(x.Shape[0], Is.InRange(2, 4));
            Assert.That(x.Shape[1], Is.InRange(1, 2));
            Assert.That(x.Shape[2], Is.EqualTo(3));
            seenT.Add(x.Shape[0]);
            seenH.Add(c.Params["W"].Shape[0]);
        }
        Assert.That(seenT, Is.EquivalentTo(new[] { 2, 3, 4 }));
        Assert.That(seenH, Is.EquivalentTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public void WithoutBTheSlideInputIsOneSequence()
    {
        var a = Shipped();
        foreach (var c in CaseStreams.Graded(a, a.Problems.Single(p => p.Name == "relu-rnn-forward")))
        {
            Assert.That(c.Inputs["input"].Rank, Is.EqualTo(2), c.Id);   // [T, I]
            Assert.That(c.Inputs.Contains("h0"), Is.False, c.Id);
        }
    }

    [Test]
    public void ValuesComeFromTheStatedRanges()
    {
        var a = Shipped();
        foreach (var p in a.Problems.Where(p => p.Op is "lstm" or "gru" or "tanh_rnn_slide" or "relu_rnn_slide"))
            foreach (var c in CaseStreams.Graded(a, p))
            {
                int H = p.Op is "lstm" or "gru" ? c.Config["hidden_size"]!.GetValue<int>() : c.Params.First().Value.Shape[0];
                double k = CaseGenerator.ParamScale / Math.Sqrt(H);
                foreach (var (name, t) in c.Params)
                    Assert.That(t.Data.All(v => v >= -k && v < k), $"{c.Id} params.{name} outside [-{k}, {k})");
                foreach (var (name, t) in c.Inputs.Concat(c.GradOutputs))
                    Assert.That(t.Data.All(v => v >= -1 && v < 1), $"{c.Id} {name} outside [-1, 1)");
            }
    }

    [Test]
    public void GradOutputsAreGivenOnlyWhenGradientsAreChecked()
    {
        var a = Shipped();
        foreach (var p in a.Problems)
            foreach (var c in CaseStreams.Graded(a, p))
            {
                if (p.Check.Grads.Count == 0) Assert.That(c.GradOutputs.Count, Is.EqualTo(0), c.Id);
                else Assert.That(c.GradOutputs.Count, Is.GreaterThan(0), c.Id);
            }
        var lstm = CaseStreams.Graded(a, a.Problems.Single(p => p.Name == "lstm-bptt"))[0];
        Assert.That(lstm.GradOutputs.Names, Is.EqualTo(new[] { "output", "h_n", "c_n" }));
        var relu = CaseStreams.Graded(a, a.Problems.Single(p => p.Name == "relu-rnn-bptt"))[0];
        Assert.That(relu.GradOutputs.Names, Is.EqualTo(new[] { "output", "last_output" }));
    }

    [Test]
    public void ClipGradNormCasesAlternateBetweenClippingAndNot()
    {
        var a = Shipped();
        var p = a.Problems.Single(x => x.Name == "clip-grad-norm");
        var cases = CaseStreams.Graded(a, p);
        Assert.That(cases.Count, Is.GreaterThanOrEqualTo(2));
        foreach (var c in cases)
        {
            int k = int.Parse(c.Id.Split('/')[1]);
            double maxNorm = c.Config["max_norm"]!.GetValue<double>();
            var r = Evaluator.Evaluate(c);
            double total = r.Outputs["total_norm"].Data[0];
            // even k: max_norm in [0.25, 0.75) * total, so PyTorch scales by max_norm / (total + 1e-6) < 1;
            // odd k: max_norm in [1.5, 3) * total, so nothing changes
            if (k % 2 == 0)
            {
                Assert.That(maxNorm / total, Is.InRange(0.25, 0.75), c.Id);
                Assert.That(r.Outputs["weight_ih_l0"].Data, Is.Not.EqualTo(c.Inputs["weight_ih_l0"].Data), $"{c.Id} should clip");
            }
            else
            {
                Assert.That(maxNorm / total, Is.InRange(1.5, 3.0), c.Id);
                Assert.That(r.Outputs["weight_ih_l0"].Data, Is.EqualTo(c.Inputs["weight_ih_l0"].Data), $"{c.Id} should not clip");
            }
        }
    }

    [Test]
    public void ClipGradValueCasesAlternateBetweenClippingAndNot()
    {
        var a = Parse(
            """
            {"format": "rnn-reference/assignment@1", "name": "v", "title": "Value clipping", "seed": 3,
             "problems": [{"name": "clip-value", "title": "clip", "op": "clip_grad_value",
               "sizes": {"N": [1, 3], "I": [1, 3], "H": [1, 3]}, "cases": 6,
               "check": {"outputs": ["weight_ih_l0"]}, "points": 1}]}
            """);
        foreach (var c in CaseStreams.Graded(a, a.Problems[0]))
        {
            int k = int.Parse(c.Id.Split('/')[1]);
            double clip = c.Config["clip_value"]!.GetValue<double>();
            double largest = c.Inputs.SelectMany(p => p.Value.Data).Max(Math.Abs);
            Assert.That(clip / largest, k % 2 == 0 ? Is.InRange(0.25, 0.75) : Is.InRange(1.5, 3.0), c.Id);
        }
    }

    [Test]
    public void OptimizerCasesHoldTheWeightAndOneGradientPerStep()
    {
        var a = Shipped();
        var p = a.Problems.Single(x => x.Name == "adam-step");
        foreach (var c in CaseStreams.Graded(a, p))
        {
            var w = c.Inputs["weight"];
            var g = c.Inputs["weight.grad"];
            Assert.That(g.Shape, Is.EqualTo(new[] { 3, w.Shape[0], w.Shape[1] }), c.Id);
            Assert.That(ConfigReaderName(c), Is.EqualTo("adam"));
        }
    }

    [Test]
    public void StackedBidirectionalBatchFirstCasesWithLengthsEvaluate()
    {
        var a = Parse(
            """
            {"format": "rnn-reference/assignment@1", "name": "stack", "title": "Stack", "seed": 5,
             "problems": [{"name": "gru-stack", "title": "GRU stack", "op": "gru",
               "config": {"num_layers": 2, "bidirectional": true, "batch_first": true},
               "sizes": {"T": [2, 4], "B": [2, 3], "I": [1, 3], "H": [1, 3]}, "optional_inputs": ["h0", "lengths"],
               "cases": 3, "check": {"outputs": ["output"], "grads": ["weight_hh_l1_reverse", "h0"]}, "points": 1}]}
            """);
        foreach (var c in CaseStreams.Graded(a, a.Problems[0]))
        {
            var x = c.Inputs["input"];                 // [B, T, I] (batch_first)
            int B = x.Shape[0], T = x.Shape[1];
            int H = c.Config["hidden_size"]!.GetValue<int>();
            Assert.That(c.Inputs["h0"].Shape, Is.EqualTo(new[] { 4, B, H }), c.Id);         // [L*D, B, H]
            Assert.That(c.Inputs["lengths"].Data.All(v => v >= 1 && v <= T && v == Math.Floor(v)), c.Id);
            Assert.That(c.GradOutputs["output"].Shape, Is.EqualTo(new[] { B, T, 2 * H }), c.Id);
            Assert.That(c.Params.Names, Does.Contain("bias_hh_l1_reverse"));
            Assert.That(Evaluator.Evaluate(c).Error, Is.Null, c.Id);
        }
    }

    [Test]
    public void CasesReadBackFromTheFileAreTheSameCases()
    {
        // what the student reads from cases.json must be what the grader evaluated
        var a = Shipped();
        foreach (var p in a.Problems)
        {
            var cases = CaseStreams.Graded(a, p);
            string text = Serialize(cases);
            var back = CaseFile.ReadCases(new MemoryStream(Encoding.UTF8.GetBytes(text)), "cases.json");
            Assert.That(Serialize(back), Is.EqualTo(text), p.Name);
            for (int k = 0; k < cases.Count; k++)
            {
                var x = Evaluator.Evaluate(cases[k]);
                var y = Evaluator.Evaluate(back[k]);
                foreach (var (name, t) in x.Outputs) Assert.That(y.Outputs[name].Data, Is.EqualTo(t.Data), $"{cases[k].Id} {name}");
            }
        }
    }

    private static string ConfigReaderName(Case c) => ConfigReader.String(c.Config, "name");
}
