// SafeHandles for the OpenCL objects the GPU path creates: each releases its object exactly once,
// when disposed (or, failing that, when collected).
using Microsoft.Win32.SafeHandles;

namespace Rnn.Reference.Gpu.OpenCL;

internal abstract class OpenClHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    protected OpenClHandle(nint handle) : base(ownsHandle: true) => SetHandle(handle);
}

internal sealed class ClContextHandle(nint h) : OpenClHandle(h)
{
    protected override bool ReleaseHandle() => OpenClNative.clReleaseContext(handle) == OpenClNative.CL_SUCCESS;
}

internal sealed class ClQueueHandle(nint h) : OpenClHandle(h)
{
    protected override bool ReleaseHandle() => OpenClNative.clReleaseCommandQueue(handle) == OpenClNative.CL_SUCCESS;
}

internal sealed class ClProgramHandle(nint h) : OpenClHandle(h)
{
    protected override bool ReleaseHandle() => OpenClNative.clReleaseProgram(handle) == OpenClNative.CL_SUCCESS;
}

internal sealed class ClKernelHandle(nint h) : OpenClHandle(h)
{
    protected override bool ReleaseHandle() => OpenClNative.clReleaseKernel(handle) == OpenClNative.CL_SUCCESS;
}

internal sealed class ClMemHandle(nint h) : OpenClHandle(h)
{
    protected override bool ReleaseHandle() => OpenClNative.clReleaseMemObject(handle) == OpenClNative.CL_SUCCESS;
}
