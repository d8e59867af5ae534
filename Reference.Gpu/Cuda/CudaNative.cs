// The CUDA driver API entry points the GPU path uses, bound by hand to libcuda.so.1. Where the
// driver exports a versioned symbol (the 64-bit CUdeviceptr / size_t forms) the _v2 name is bound
// explicitly, as cuda.h's #defines would do for C code.
using System.Runtime.InteropServices;

namespace Rnn.Reference.Gpu.Cuda;

internal static unsafe partial class CudaNative
{
    private const string Lib = NativeLibraries.Cuda;

    public const int CUDA_SUCCESS = 0;
    public const int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    public const int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    public const int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;

    [LibraryImport(Lib)] public static partial int cuInit(uint flags);
    [LibraryImport(Lib)] public static partial int cuDriverGetVersion(int* version);
    [LibraryImport(Lib)] public static partial int cuDeviceGetCount(int* count);
    [LibraryImport(Lib)] public static partial int cuDeviceGet(int* device, int ordinal);
    [LibraryImport(Lib)] public static partial int cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Lib)] public static partial int cuDeviceGetAttribute(int* value, int attribute, int device);
    [LibraryImport(Lib, EntryPoint = "cuDeviceTotalMem_v2")] public static partial int cuDeviceTotalMem(nuint* bytes, int device);
    [LibraryImport(Lib)] public static partial int cuDevicePrimaryCtxRetain(nint* context, int device);
    [LibraryImport(Lib, EntryPoint = "cuDevicePrimaryCtxRelease_v2")] public static partial int cuDevicePrimaryCtxRelease(int device);
    [LibraryImport(Lib)] public static partial int cuCtxSetCurrent(nint context);
    [LibraryImport(Lib)] public static partial int cuCtxSynchronize();
    [LibraryImport(Lib)] public static partial int cuModuleLoadData(nint* module, void* image);
    [LibraryImport(Lib)] public static partial int cuModuleUnload(nint module);
    [LibraryImport(Lib)] public static partial int cuModuleGetFunction(nint* function, nint module, byte* name);
    [LibraryImport(Lib, EntryPoint = "cuMemAlloc_v2")] public static partial int cuMemAlloc(ulong* pointer, nuint bytes);
    [LibraryImport(Lib, EntryPoint = "cuMemFree_v2")] public static partial int cuMemFree(ulong pointer);
    [LibraryImport(Lib, EntryPoint = "cuMemcpyHtoD_v2")] public static partial int cuMemcpyHtoD(ulong destination, void* source, nuint bytes);
    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoH_v2")] public static partial int cuMemcpyDtoH(void* destination, ulong source, nuint bytes);
    [LibraryImport(Lib, EntryPoint = "cuMemsetD8_v2")] public static partial int cuMemsetD8(ulong destination, byte value, nuint count);
    [LibraryImport(Lib)] public static partial int cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ,
        uint blockX, uint blockY, uint blockZ, uint sharedBytes, nint stream, void** parameters, void** extra);
    [LibraryImport(Lib)] public static partial int cuGetErrorName(int status, byte** name);
    [LibraryImport(Lib)] public static partial int cuGetErrorString(int status, byte** text);

    /// <summary>Throws GpuCallException naming the call, the status and the driver's name for it.</summary>
    public static void Check(int status, string call)
    {
        if (status == CUDA_SUCCESS) return;
        byte* name = null, text = null;
        string codeName = cuGetErrorName(status, &name) == CUDA_SUCCESS && name != null
            ? Marshal.PtrToStringUTF8((nint)name) ?? "unknown CUDA status" : "unknown CUDA status";
        string? detail = cuGetErrorString(status, &text) == CUDA_SUCCESS && text != null ? Marshal.PtrToStringUTF8((nint)text) : null;
        throw new GpuCallException(call, status, codeName, detail);
    }
}
