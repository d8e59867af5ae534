// rnn-grading devices and gpu-check on PoCL, and what both say when the ICD loader finds no
// driver (OCL_ICD_VENDORS pointing at an empty folder: the loader reads it once per process, so
// those run the program in a fresh process).
using System.Diagnostics;
using NUnit.Framework;
using Rnn.Grading.Commands;
using Rnn.Reference.Gpu.Checking;
using Rnn.Reference.Gpu.Tests.Support;

namespace Rnn.Reference.Gpu.Tests.Program;

public sealed class DeviceCommandTests
{
    private static (int Code, string StdOut, string StdErr) InProcess(Func<TextWriter, TextWriter, int> run)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = run(stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void DevicesListsPoclsCpuDeviceWithFp64()
    {
        Pocl.Device(GpuPrecision.Float64);
        var (code, stdout, _) = InProcess((o, e) => DevicesCommand.Run([], o, e));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(stdout, Does.StartWith("OpenCL:\n  platform Portable Computing Language"));
        Assert.That(stdout, Does.Contain("\n    opencl:0  ").And.Contain("fp64 yes"));
        if (!NativeProbe.HasCudaDriver) Assert.That(stdout, Does.Contain("CUDA:\n  none: no CUDA driver: "));
    }

    [Test]
    public void DevicesTakesNoArguments()
    {
        var (code, _, stderr) = InProcess((o, e) => DevicesCommand.Run(["opencl"], o, e));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(stderr, Does.StartWith("rnn-grading: unexpected argument 'opencl'"));
    }

    [TestCase("f64")]
    [TestCase("f32")]
    public void GpuCheckPassesOnPoclAndNamesEveryWorkloadAndTensor(string precision)
    {
        Pocl.Device(GpuPrecisions.Parse(precision));
        var (code, stdout, stderr) = InProcess((o, e) => GpuCheckCommand.Run(["--precision", precision], o, e));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr + stdout);
        foreach (var w in GpuSelfCheck.Workloads) Assert.That(stdout, Does.Contain($"\n{w.Name}:\n"));
        Assert.That(stdout, Does.Contain("  grad bias_hh_l1_reverse ").And.Contain("  c_n ").And.Contain("  grad c0 "));
        int tensors = stdout.Split('\n').Count(l => l.StartsWith("  output ", StringComparison.Ordinal) || l.StartsWith("  h_n ", StringComparison.Ordinal));
        Assert.That(tensors, Is.EqualTo(2 * GpuSelfCheck.Workloads.Count));
        Assert.That(stdout, Does.Contain($"{precision}: 94 of 94 tensors within tolerance"));
        Assert.That(stdout, Does.Not.Contain("OUTSIDE"));
        Assert.That(stdout, Does.EndWith("gpu-check: every tensor on opencl:0 is within its tolerance of the CPU reference\n"));
    }

    [TestCase(new[] { "--device", "nvidia" }, ExitCodes.Usage, "rnn-grading: --device 'nvidia' is not opencl[:N] or cuda[:N]")]
    [TestCase(new[] { "--precision", "double" }, ExitCodes.Usage, "rnn-grading: --precision 'double' is not f64 or f32")]
    [TestCase(new[] { "extra" }, ExitCodes.Usage, "rnn-grading: unexpected argument 'extra'")]
    public void GpuCheckOptionErrors(string[] args, int expectedCode, string message)
    {
        var (code, _, stderr) = InProcess((o, e) => GpuCheckCommand.Run(args, o, e));
        Assert.That(code, Is.EqualTo(expectedCode));
        Assert.That(stderr, Does.StartWith(message));
    }

    [Test]
    public void AnEmptyIcdFolderIsNoOpenClPlatform()
    {
        Pocl.Device(GpuPrecision.Float64);
        string empty = Directory.CreateTempSubdirectory("rnn-empty-icd-").FullName;
        try
        {
            var devices = RunProgram(empty, "devices");
            Assert.That(devices.StdOut, Does.StartWith("OpenCL:\n  none: no OpenCL platform: the ICD loader found no driver (clGetPlatformIDs returned -1001, CL_PLATFORM_NOT_FOUND_KHR)"));
            if (!NativeProbe.HasCudaDriver)
            {
                Assert.That(devices.Code, Is.EqualTo(ExitCodes.DeviceUnavailable));
                Assert.That(devices.StdErr, Does.StartWith("rnn-grading: no OpenCL or CUDA device found"));
            }
            var check = RunProgram(empty, "gpu-check");
            Assert.That(check.Code, Is.EqualTo(ExitCodes.DeviceUnavailable));
            Assert.That(check.StdErr, Does.StartWith("rnn-grading: cannot use --device opencl:0 --precision f64: no OpenCL platform: "));
            string cases = Path.Combine(RepoPaths.Root, "grading", "examples", "cases.json");
            var eval = RunProgram(empty, "eval", cases, "-o", Path.Combine(empty, "r.json"), "--device", "opencl");
            Assert.That(eval.Code, Is.EqualTo(ExitCodes.DeviceUnavailable));
            Assert.That(eval.StdErr, Does.StartWith("rnn-grading: cannot use --device opencl:0 --precision f64: no OpenCL platform: "));
            Assert.That(File.Exists(Path.Combine(empty, "r.json")), Is.False);
        }
        finally { Directory.Delete(empty, recursive: true); }
    }

    /// <summary>rnn-grading (beside the test assembly) in a fresh process whose ICD loader looks in icdFolder.</summary>
    private static (int Code, string StdOut, string StdErr) RunProgram(string icdFolder, params string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rnn-grading.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OCL_ICD_VENDORS"] = icdFolder;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"rnn-grading {string.Join(' ', args)} did not finish within 120 s");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
