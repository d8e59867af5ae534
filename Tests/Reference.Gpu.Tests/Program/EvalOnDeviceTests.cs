// rnn-grading eval --device: the recurrent cases of the example case file evaluated on PoCL equal
// the CPU reference's eval of the same file (float64 within 1e-10 of each tensor's largest
// magnitude, float32 within the bound of Spec/gpu.md and visibly not float64), the other ops are
// evaluated on the CPU reference and standard error says so, and the option errors are clear.
using NUnit.Framework;
using Rnn.Grading.Commands;
using Rnn.Grading.Oracle;
using Rnn.Grading.Oracle.Ops;
using Rnn.Reference.Gpu.Checking;
using Rnn.Reference.Gpu.Tests.Support;

namespace Rnn.Reference.Gpu.Tests.Program;

public sealed class EvalOnDeviceTests
{
    private static string CasesPath => Path.Combine(RepoPaths.Root, "grading", "examples", "cases.json");

    private static IReadOnlyList<Case> Cases()
    {
        using var s = File.OpenRead(CasesPath);
        return CaseFile.ReadCases(s, CasesPath);
    }

    /// <summary>Runs eval in-process with the extra options; returns the exit code, the results read back and standard error.</summary>
    private static (int Code, IReadOnlyList<CaseResult> Results, string StdErr) Eval(params string[] options)
    {
        string dir = Directory.CreateTempSubdirectory("rnn-gpu-eval-").FullName;
        try
        {
            string results = Path.Combine(dir, "results.json");
            var stderr = new StringWriter();
            int code = EvalCommand.Run([CasesPath, "-o", results, .. options], () => Stream.Null, () => Stream.Null, stderr);
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
            if (!Evaluator.RunsOnDevice(cases[i].Op))
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
        Assert.That(stderr, Does.Contain("on the CPU reference (no GPU path for these ops): "));
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
