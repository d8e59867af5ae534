// Whether the CUDA libraries are on this machine, asked of the dynamic loader directly.
using System.Runtime.InteropServices;

namespace Rnn.Reference.Gpu.Tests.Support;

public static class NativeProbe
{
    public static bool HasCudaDriver => CanLoad("libcuda.so.1");

    public static bool HasNvrtc => CanLoad("libnvrtc.so.13") || CanLoad("libnvrtc.so.12") || CanLoad("libnvrtc.so.11.2");

    private static bool CanLoad(string name)
    {
        if (!NativeLibrary.TryLoad(name, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }
}
