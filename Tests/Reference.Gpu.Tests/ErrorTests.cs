// The GPU path's errors are distinct and say what is wrong: a kernel source that does not compile
// (with the compiler's build log), a device index that does not exist, fp64 asked of a device
// without it, no CUDA driver, no NVRTC, and device names that are not opencl[:N] / cuda[:N].
// (An empty ICD folder, which needs a fresh process, is tested through rnn-grading in the program's tests.)
using NUnit.Framework;
using Rnn.Reference.Gpu.Cuda;
using Rnn.Reference.Gpu.Kernels;
using Rnn.Reference.Gpu.OpenCL;
using Rnn.Reference.Gpu.Tests.Support;

namespace Rnn.Reference.Gpu.Tests;

public sealed class ErrorTests
{
    [Test]
    public void ASyntaxErrorInTheKernelSourceGivesTheBuildLog()
    {
        Pocl.Device(GpuPrecision.Float32);
        string broken = KernelSource.Text + "\nKERNEL void broken(GLOBAL REAL* x) { x[0] = ; }\n";
        var e = Assert.Throws<GpuBuildException>(() => OpenClDevice.BuildOnly(0, broken, GpuPrecision.Float32))!;
        Assert.That(e.BuildLog, Does.Contain("error").IgnoreCase);
        Assert.That(e.BuildLog, Does.Contain("expected expression"));
        Assert.That(e.Message, Does.Contain("clBuildProgram on opencl:0").And.Contain("-DREAL=float").And.Contain(e.BuildLog));
    }

    [Test]
    public void TheRealSourceBuildsInBothPrecisions([Values] GpuPrecision precision)
    {
        Pocl.Device(precision);
        Assert.DoesNotThrow(() => OpenClDevice.BuildOnly(0, KernelSource.Text, precision));
    }

    [Test]
    public void ADeviceIndexThatDoesNotExistIsNamed()
    {
        Pocl.Device(GpuPrecision.Float64);
        int count = OpenClDevices.List().Count;
        var e = Assert.Throws<GpuUnavailableException>(() => GpuDevice.Open($"opencl:{count}", GpuPrecision.Float64))!;
        Assert.That(e.Reason, Is.EqualTo(GpuUnavailableReason.NoOpenClDevice));
        Assert.That(e.Message, Does.StartWith($"no OpenCL device opencl:{count}: there "));
        Assert.That(e.Message, Does.Contain("opencl:0 "));
    }

    [Test]
    public void Fp64OnADeviceWithoutItIsRefused()
    {
        Pocl.Device(GpuPrecision.Float64);
        var real = OpenClDevices.List()[0];
        Assert.That(real.SupportsFp64, Is.True, "PoCL's CPU device has cl_khr_fp64");
        Assert.DoesNotThrow(() => OpenClDevices.RequireFp64(real, GpuPrecision.Float64));
        // the same device as one without double precision would report itself
        var withoutFp64 = real with { DoubleFpConfig = 0, Extensions = real.Extensions.Replace("cl_khr_fp64", "") };
        var e = Assert.Throws<GpuUnavailableException>(() => OpenClDevices.RequireFp64(withoutFp64, GpuPrecision.Float64))!;
        Assert.That(e.Reason, Is.EqualTo(GpuUnavailableReason.NoFp64));
        Assert.That(e.Message, Does.StartWith("no fp64 on opencl:0 ").And.Contain("--precision f32"));
        Assert.DoesNotThrow(() => OpenClDevices.RequireFp64(withoutFp64, GpuPrecision.Float32));
    }

    [Test]
    public void NoCudaDriverIsItsOwnError()
    {
        if (NativeProbe.HasCudaDriver) Assert.Ignore("this machine has a CUDA driver (libcuda.so.1); the CUDA runtime tests run instead");
        var e = Assert.Throws<GpuUnavailableException>(() => GpuDevice.Open("cuda:0", GpuPrecision.Float64))!;
        Assert.That(e.Reason, Is.EqualTo(GpuUnavailableReason.NoCudaDriver));
        Assert.That(e.Message, Does.StartWith("no CUDA driver: ").And.Contain("libcuda.so.1"));
    }

    [Test]
    public void NoNvrtcIsItsOwnError()
    {
        if (NativeProbe.HasNvrtc) Assert.Ignore("this machine has NVRTC");
        var e = Assert.Throws<GpuUnavailableException>(() => CudaDevices.RequireNvrtc())!;
        Assert.That(e.Reason, Is.EqualTo(GpuUnavailableReason.NoNvrtc));
        Assert.That(e.Message, Does.StartWith("no NVRTC: ").And.Contain("libnvrtc.so.12"));
    }

    [TestCase("gpu")]
    [TestCase("opencl:")]
    [TestCase("opencl:-1")]
    [TestCase("cuda:0:1")]
    [TestCase("OpenCL")]
    public void ADeviceNameMustBeOpenclOrCudaWithAnIndex(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceSpec.Parse(text))!;
        Assert.That(e.Message, Does.StartWith($"device '{text}' is not opencl[:N] or cuda[:N]"));
    }

    [TestCase("opencl", GpuApi.OpenCL, 0)]
    [TestCase("opencl:1", GpuApi.OpenCL, 1)]
    [TestCase("cuda", GpuApi.Cuda, 0)]
    [TestCase("cuda:3", GpuApi.Cuda, 3)]
    public void DeviceNamesParse(string text, GpuApi api, int index) =>
        Assert.That(DeviceSpec.Parse(text), Is.EqualTo(new DeviceSpec(api, index)));
}
