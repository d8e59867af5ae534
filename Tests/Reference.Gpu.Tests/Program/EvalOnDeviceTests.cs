// rnn-grading eval --device: the recurrent cases of the example case file evaluated on PoCL equal
// the CPU reference's eval of the same file (float64 within 1e-10 of each tensor's largest
// magnitude, float32 within the bound of Spec/gpu.md and visibly not float64), the other ops are
// evaluated on the CPU reference and standard error says so, and the option errors are clear.
using NUnit.Framework;
using Rnn.Grading.Commands;
using Rnn.Grading.Oracle;
using Rnn.Grading.Oracle.Ops;
using Rnn.Reference.Gpu.Checking;
using Rnn.Reference.Gpu.Recurrent;
using Rnn.Reference.Gpu.Tests.Support;

namespace Rnn.Reference.Gpu.Tests.Program;

public sealed class EvalOnDeviceTests
{
    private static string CasesPath => Path.Combine(RepoPaths.Root, "grading", "examples", "cases.json");

    private static string VectorsPath => Path.Combine(RepoPaths.Root, "Spec", "vectors", "cases.json");

    private static IReadOnlyList<Case> Cases(string? path = null)
    {
        using var s = File.OpenRead(path ?? CasesPath);
        return CaseFile.ReadCases(s, path ?? CasesPath);
    }

    /// <summary>Runs eval in-process on the example case file with the extra options; returns the exit code, the results read back and standard error.</summary>
    private static (int Code, IReadOnlyList<CaseResult> Results, string StdErr) Eval(params string[] options) => EvalFile(CasesPath, options);

    private static (int Code, IReadOnlyList<CaseResult> Results, string StdErr) EvalFile(string casesPath, params string[] options)
    {
        string dir = Directory.CreateTempSubdirectory("rnn-gpu-eval-").FullName;
        try
        {
            string results = Path.Combine(dir, "results.json");
            var stderr = new StringWriter();
            int code = EvalCommand.Run([casesPath, "-o", results, .. options], () => Stream.Null, () => Stream.Null, stderr);
            IReadOnlyList<CaseResult> read = [];
            if (File.Exists(results))
                using (var s = File.OpenRead(results)) read = CaseFile.ReadResults(s, results);
            return (code, read, stderr.ToString());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void TheExampleFileHasRecurrentAndOtherOps()
    {
        var ops = Cases().Select(c => c.Op).ToList();
        Assert.That(ops.Count(Evaluator.RunsOnDevice), Is.GreaterThanOrEqualTo(3));
        Assert.That(ops.Count(op => !Evaluator.RunsOnDevice(op)), Is.GreaterThanOrEqualTo(1));
    }

    [TestCase("f64")]
    [TestCase("f32")]
    public void RecurrentCasesOnTheDeviceMatchTheCpuEval(string precision)
    {
        var p = GpuPrecisions.Parse(precision);
        Pocl.Device(p);
        var cases = Cases();
        var cpu = Evaluator.EvaluateAll(cases);
        var (code, gpu, stderr) = Eval("--device", "opencl:0", "--precision", precision);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        Assert.That(gpu.Select(r => r.Id), Is.EqualTo(cpu.Select(r => r.Id)));
        double largestF32Difference = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            Assert.That(gpu[i].Error, Is.Null, cases[i].Id);
            var expected = cpu[i].Outputs.Concat(cpu[i].Grads).ToList();
            var actual = gpu[i].Outputs.Concat(gpu[i].Grads).ToList();
            Assert.That(actual.Select(t => t.Key), Is.EqualTo(expected.Select(t => t.Key)), cases[i].Id);
            if (!Evaluator.RunsOnDevice(cases[i]))
            {
                // the CPU reference itself: bit for bit the same as eval without --device
                for (int k = 0; k < expected.Count; k++) Assert.That(actual[k].Value.Data, Is.EqualTo(expected[k].Value.Data), $"{cases[i].Id} {expected[k].Key}");
                continue;
            }
            var read = new RecurrentOp(cases[i].Op).Read(cases[i]);
            int T = read.Config.BatchFirst && read.Input.Rank == 3 ? read.Input.Shape[1] : read.Input.Shape[0];
            for (int k = 0; k < expected.Count; k++)
            {
                var worst = GpuTolerance.Worst(p, read.Config, T, expected[k].Value, actual[k].Value);
                Assert.That(worst.Passes, $"{cases[i].Id} {expected[k].Key}: {worst}");
                largestF32Difference = Math.Max(largestF32Difference, worst.Difference);
            }
        }
        if (p == GpuPrecision.Float32)
            Assert.That(largestF32Difference, Is.GreaterThan(1e-9), "float32 results should differ from float64 by more than float64 rounding");
        Assert.That(stderr, Does.Contain("rnn-grading: on opencl:0 ").And.Contain($"({precision}): "));
        Assert.That(stderr, Does.Contain("on the CPU reference (no GPU path for these): "));
    }

    [Test]
    public void TheConformanceVectorsOnTheDeviceMatchTheirCommittedExpectedResults()
    {
        // Spec/vectors: every op and convention, the reset-before GRU included, with expected
        // results committed from the plain loops. The recurrent cases the device computes must be
        // within the GPU tolerance of them; the reset-before GRU and the other ops stay on the CPU.
        Pocl.Device(GpuPrecision.Float64);
        var cases = Cases(VectorsPath);
        string expectedPath = Path.Combine(RepoPaths.Root, "Spec", "vectors", "expected.json");
        IReadOnlyList<CaseResult> expected;
        using (var s = File.OpenRead(expectedPath)) expected = CaseFile.ReadResults(s, expectedPath);
        var (code, gpu, stderr) = EvalFile(VectorsPath, "--device", "opencl:0");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        Assert.That(gpu.Select(r => r.Id), Is.EqualTo(expected.Select(r => r.Id)));
        int onDevice = 0;
        var onCpuGru = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            if (!Evaluator.RunsOnDevice(cases[i]))
            {
                if (cases[i].Op == "gru") onCpuGru.Add(cases[i].Id);
                continue;
            }
            onDevice++;
            Assert.That(gpu[i].Error, Is.Null, cases[i].Id);
            var read = new RecurrentOp(cases[i].Op).Read(cases[i]);
            int T = read.Config.BatchFirst && read.Input.Rank == 3 ? read.Input.Shape[1] : read.Input.Shape[0];
            var want = expected[i].Outputs.Concat(expected[i].Grads).ToList();
            var got = gpu[i].Outputs.Concat(gpu[i].Grads).ToDictionary(t => t.Key, t => t.Value);
            Assert.That(got.Keys, Is.EquivalentTo(want.Select(t => t.Key)), cases[i].Id);
            foreach (var (name, value) in want)
            {
                var worst = GpuTolerance.Worst(GpuPrecision.Float64, read.Config, T, value, got[name]);
                Assert.That(worst.Passes, $"{cases[i].Id} {name}: {worst}");
            }
        }
        Assert.That(onDevice, Is.GreaterThanOrEqualTo(40), "the vectors' rnn, lstm and gru cases under every convention");
        // reset_after=false, and the two conventions whose GRU resets before the product (Spec/conventions.md)
        Assert.That(onCpuGru, Is.EquivalentTo(new[] { "gru/reset-before", "keras/gru-reset-before", "d2l/gru-reset-before", "ng/gru-reset-before" }));
        Assert.That(stderr, Does.Contain($"on opencl:0 ").And.Contain($": {onDevice} cases (rnn, "));
    }

    [Test]
    public void TheGpuLayerRefusesTheResetBeforeGruByName()
    {
        Assert.That(GpuRecurrentLayer.Kinds, Is.EqualTo(new[] { Rnn.Reference.Recurrent.CellKind.RnnTanh,
            Rnn.Reference.Recurrent.CellKind.RnnRelu, Rnn.Reference.Recurrent.CellKind.Lstm, Rnn.Reference.Recurrent.CellKind.Gru }));
        var config = new Rnn.Reference.Recurrent.RecurrentConfig(Rnn.Reference.Recurrent.CellKind.GruResetBefore, 2, 3);
        var parameters = Rnn.Reference.Recurrent.RecurrentParameters.Initialize(config, 1);
        var input = new Rnn.Reference.Tensors.Tensor([2, 1, 2], [0.1, -0.2, 0.3, 0.4]);
        var e = Assert.Throws<ArgumentException>(() => Pocl.Layer(GpuPrecision.Float64).Forward(config, parameters, input));
        Assert.That(e!.Message, Does.StartWith("the GPU path computes PyTorch's GRU (reset after the recurrent product) only; a reset-before GRU runs on the CPU reference"));
    }

    [TestCase(new[] { "--device", "gpu" }, "--device 'gpu' is not opencl[:N] or cuda[:N]")]
    [TestCase(new[] { "--device", "opencl:x" }, "--device 'opencl:x' is not opencl[:N] or cuda[:N]")]
    [TestCase(new[] { "--precision", "f32" }, "--precision applies to --device only")]
    [TestCase(new[] { "--device", "opencl", "--precision", "f16" }, "--precision 'f16' is not f64 or f32")]
    [TestCase(new[] { "--device" }, "--device needs a value")]
    public void WrongDeviceOptionsAreUsageErrors(string[] options, string message)
    {
        var (code, results, stderr) = Eval(options);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(stderr, Does.StartWith("rnn-grading: " + message));
        Assert.That(results, Is.Empty, "nothing is written");
    }

    [Test]
    public void ADeviceThatDoesNotExistIsExitCode6AndWritesNothing()
    {
        Pocl.Device(GpuPrecision.Float64);
        Assert.That(ExitCodes.DeviceUnavailable, Is.EqualTo(6), "the number documented in ExitCodes.cs, --help and Spec/gpu.md");
        var (code, results, stderr) = Eval("--device", "opencl:7");
        Assert.That(code, Is.EqualTo(ExitCodes.DeviceUnavailable));
        Assert.That(stderr, Does.StartWith("rnn-grading: cannot use --device opencl:7 --precision f64: no OpenCL device opencl:7: there "));
        Assert.That(results, Is.Empty);
    }

    [Test]
    public void CudaWithoutADriverIsExitCode6()
    {
        if (NativeProbe.HasCudaDriver) Assert.Ignore("this machine has a CUDA driver");
        var (code, _, stderr) = Eval("--device", "cuda");
        Assert.That(code, Is.EqualTo(ExitCodes.DeviceUnavailable));
        Assert.That(stderr, Does.StartWith("rnn-grading: cannot use --device cuda:0 --precision f64: no CUDA driver: "));
    }
}
