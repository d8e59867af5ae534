// Spec/examples' clients run the conformance vectors end to end: numpy_vectors.py through the
// NumPy code of my_rnn.py, pytorch_vectors.py through torch.nn's modules, each then calling
// `rnn-grading check`. Their answers come from outside the oracle, so a pass here is agreement
// between independent implementations; a deliberately broken copy of the NumPy LSTM must fail.
using NUnit.Framework;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Vectors;

public sealed class ExampleClientTests
{
    private static string Examples => Path.Combine(RepoPaths.Root, "Spec", "examples");
    private static string Vectors => Path.Combine(RepoPaths.Root, "Spec", "vectors");

    /// <summary>How the clients run the program: the rnn-grading built beside this test assembly.</summary>
    private static string[] Program => ["dotnet", Path.Combine(AppContext.BaseDirectory, "rnn-grading.dll")];

    private static (int Code, string Output) RunClient(string python, string folder, string script, string answers) =>
        ExternalTools.Run(python, [Path.Combine(folder, script), Vectors, answers, .. Program], TimeSpan.FromMinutes(5), workingDirectory: folder)
            is var (code, stdout, stderr) ? (code, stdout + stderr) : default;

    [Test]
    public void TheNumPyClientPassesTheCasesItAnswers()
    {
        string python = ExternalTools.RequirePython("numpy");
        string dir = Directory.CreateTempSubdirectory("rnn-example-").FullName;
        try
        {
            var (code, output) = RunClient(python, Examples, "numpy_vectors.py", Path.Combine(dir, "answers.json"));
            Assert.That(code, Is.EqualTo(0), output);
            // relu_rnn_slide/one-sequence and /t1, lstm/small, /t1-h1 and /saturated
            Assert.That(output, Does.Contain("5 of 5 cases pass, 0 fail"));
            Assert.That(output, Does.Contain("PASS lstm/saturated (lstm)"));
            Assert.That(output, Does.Contain("85 cases not answered (--skip-missing)"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void ABrokenNumPyLstmFailsAndCheckSaysWhere()
    {
        string python = ExternalTools.RequirePython("numpy");
        string dir = Directory.CreateTempSubdirectory("rnn-example-").FullName;
        try
        {
            // the copy reads the gate blocks in CS231n's order i, f, o, g
            foreach (var f in new[] { "my_rnn.py", "numpy_vectors.py" }) File.Copy(Path.Combine(Examples, f), Path.Combine(dir, f));
            string code = File.ReadAllText(Path.Combine(dir, "my_rnn.py"));
            const string right = "np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])";
            Assert.That(code, Does.Contain(right));
            File.WriteAllText(Path.Combine(dir, "my_rnn.py"), code.Replace(right, "np.tanh(a[:, 3 * H:]), sigmoid(a[:, 2 * H:3 * H])"));
            var (exit, output) = RunClient(python, dir, "numpy_vectors.py", Path.Combine(dir, "answers.json"));
            Assert.That(exit, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain("FAIL lstm/small (lstm)"));
            Assert.That(output, Does.Contain("known mistake lstm-gate-order-ifog"));
            Assert.That(output, Does.Contain("2 of 5 cases pass, 3 fail"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void ThePyTorchClientPassesEveryPyTorchFormRecurrentCase()
    {
        string python = ExternalTools.RequirePython("torch");
        string dir = Directory.CreateTempSubdirectory("rnn-example-").FullName;
        try
        {
            var (code, output) = RunClient(python, Examples, "pytorch_vectors.py", Path.Combine(dir, "answers.json"));
            Assert.That(code, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("23 of 23 cases pass, 0 fail"));
            Assert.That(output, Does.Contain("PASS gru/stack-bidirectional-lengths (gru)"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
