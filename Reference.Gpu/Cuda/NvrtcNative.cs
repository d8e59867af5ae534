// NVRTC, the CUDA runtime compiler, bound by hand (libnvrtc.so.13, .12 or .11.2): it compiles the
// CUDA flavour of the kernel source to a CUBIN for the device's own sm_XY.
using System.Runtime.InteropServices;

namespace Rnn.Reference.Gpu.Cuda;

internal static unsafe partial class NvrtcNative
{
    private const string Lib = NativeLibraries.Nvrtc;

    public const int NVRTC_SUCCESS = 0;
    public const int NVRTC_ERROR_COMPILATION = 6;

    [LibraryImport(Lib)] public static partial int nvrtcVersion(int* major, int* minor);
    [LibraryImport(Lib)] public static partial int nvrtcCreateProgram(nint* program, byte* source, byte* name,
        int numHeaders, byte** headers, byte** includeNames);
    [LibraryImport(Lib)] public static partial int nvrtcCompileProgram(nint program, int numOptions, byte** options);
    [LibraryImport(Lib)] public static partial int nvrtcGetProgramLogSize(nint program, nuint* size);
    [LibraryImport(Lib)] public static partial int nvrtcGetProgramLog(nint program, byte* log);
    [LibraryImport(Lib, EntryPoint = "nvrtcGetCUBINSize")] public static partial int nvrtcGetCubinSize(nint program, nuint* size);
    [LibraryImport(Lib, EntryPoint = "nvrtcGetCUBIN")] public static partial int nvrtcGetCubin(nint program, byte* cubin);
    [LibraryImport(Lib)] public static partial int nvrtcDestroyProgram(nint* program);
    [LibraryImport(Lib)] public static partial byte* nvrtcGetErrorString(int status);

    public static void Check(int status, string call)
    {
        if (status == NVRTC_SUCCESS) return;
        byte* text = nvrtcGetErrorString(status);
        throw new GpuCallException(call, status, text == null ? "unknown NVRTC status" : Marshal.PtrToStringUTF8((nint)text) ?? "unknown NVRTC status");
    }
}
