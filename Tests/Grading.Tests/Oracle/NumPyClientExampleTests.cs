// Spec/formats.md's NumPy client example runs, and its answers (from Spec/examples/my_rnn.py,
// an independent NumPy implementation of the slide's ReLU RNN and PyTorch's LSTM) agree with the oracle.
using NUnit.Framework;
using Rnn.Grading.Oracle;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Oracle;

public sealed class NumPyClientExampleTests
{
    private static string Examples => Path.Combine(RepoPaths.Root, "Spec", "examples");

    [Test]
    public void TheSpecShowsTheTestedClientVerbatim()
    {
        string spec = File.ReadAllText(Path.Combine(RepoPaths.Root, "Spec", "formats.md"));
        string client = File.ReadAllText(Path.Combine(Examples, "numpy_client.py"));
        Assert.That(spec, Does.Contain(client.TrimEnd()));
    }

    [Test]
    public void TheClientRunsAndAgreesWithTheOracle()
    {
        string python = ExternalTools.RequirePython("numpy");
        string dir = Directory.CreateTempSubdirectory("rnn-client-").FullName;
        try
        {
            string cases = Path.Combine(RepoPaths.Root, "grading", "examples", "cases.json");
            string results = Path.Combine(dir, "answers.json");
            var (code, stdout, stderr) = ExternalTools.Run(python,
                [Path.Combine(Examples, "numpy_client.py"), cases, results], TimeSpan.FromMinutes(2), workingDirectory: Examples);
            Assert.That(code, Is.EqualTo(0), stdout + stderr);

            using var cs = File.OpenRead(cases);
            var allCases = CaseFile.ReadCases(cs, "cases.json");
            using var rs = File.OpenRead(results);
            var answers = CaseFile.ReadResults(rs, "answers.json").ToDictionary(r => r.Id);
            int compared = 0;
            foreach (var c in allCases)
            {
                var answer = answers[c.Id];
                if (c.Op is not ("relu_rnn_slide" or "lstm"))
                {
                    Assert.That(answer.Error, Does.Contain("KeyError"), $"{c.Id}: the example implements relu_rnn_slide and lstm only");
                    continue;
                }
                if (answer.Error is not null)
                {
                    Assert.That(answer.Error, Does.StartWith("NotImplementedError"), $"{c.Id}: a form the example does not take");
                    continue;
                }
                var oracle = Evaluator.Evaluate(c);
                foreach (var (name, t) in oracle.Outputs.Concat(oracle.Grads))
                {
                    var got = answer.Outputs.Contains(name) && oracle.Outputs.Contains(name) ? answer.Outputs[name] : answer.Grads[name];
                    Assert.That(got.Shape, Is.EqualTo(t.Shape), $"{c.Id} {name}");
                    for (int i = 0; i < t.Length; i++)
                        Assert.That(got.Data[i], Is.EqualTo(t.Data[i]).Within(1e-12), $"{c.Id} {name}[{i}]");
                    compared++;
                }
            }
            Assert.That(compared, Is.GreaterThan(0));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
