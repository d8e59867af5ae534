// The OpenCL 1.2 entry points the GPU path uses, bound by hand to libOpenCL.so.1 (the ICD loader,
// which dispatches to the installed drivers such as PoCL). Names and constants as in Khronos' cl.h.
using System.Runtime.InteropServices;

namespace Rnn.Reference.Gpu.OpenCL;

internal static unsafe partial class OpenClNative
{
    private const string Lib = NativeLibraries.OpenCL;

    public const int CL_SUCCESS = 0;
    public const int CL_PLATFORM_NOT_FOUND_KHR = -1001;
    public const int CL_DEVICE_NOT_FOUND = -1;
    public const int CL_BUILD_PROGRAM_FAILURE = -11;

    public const uint CL_PLATFORM_VERSION = 0x0901, CL_PLATFORM_NAME = 0x0902, CL_PLATFORM_VENDOR = 0x0903;
    public const ulong CL_DEVICE_TYPE_ALL = 0xFFFFFFFF, CL_DEVICE_TYPE_CPU = 1 << 1;
    public const uint CL_DEVICE_TYPE = 0x1000, CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002, CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004,
        CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F, CL_DEVICE_LOCAL_MEM_SIZE = 0x1023, CL_DEVICE_NAME = 0x102B,
        CL_DEVICE_VENDOR = 0x102C, CL_DRIVER_VERSION = 0x102D, CL_DEVICE_VERSION = 0x102F,
        CL_DEVICE_EXTENSIONS = 0x1030, CL_DEVICE_DOUBLE_FP_CONFIG = 0x1032,
        CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT = 0x103A;
    public const uint CL_PROGRAM_BUILD_LOG = 0x1183;
    public const ulong CL_MEM_READ_WRITE = 1;
    public const ulong CL_MAP_READ = 1;
    public const ulong CL_QUEUE_PROFILING_ENABLE = 1 << 1;
    public const uint CL_PROFILING_COMMAND_START = 0x1282, CL_PROFILING_COMMAND_END = 0x1283;

    [LibraryImport(Lib)] public static partial int clGetPlatformIDs(uint numEntries, nint* platforms, uint* numPlatforms);
    [LibraryImport(Lib)] public static partial int clGetPlatformInfo(nint platform, uint param, nuint size, void* value, nuint* sizeRet);
    [LibraryImport(Lib)] public static partial int clGetDeviceIDs(nint platform, ulong type, uint numEntries, nint* devices, uint* numDevices);
    [LibraryImport(Lib)] public static partial int clGetDeviceInfo(nint device, uint param, nuint size, void* value, nuint* sizeRet);
    [LibraryImport(Lib)] public static partial nint clCreateContext(nint* properties, uint numDevices, nint* devices, nint notify, nint userData, int* err);
    [LibraryImport(Lib)] public static partial nint clCreateCommandQueue(nint context, nint device, ulong properties, int* err);
    [LibraryImport(Lib)] public static partial nint clCreateProgramWithSource(nint context, uint count, byte** strings, nuint* lengths, int* err);
    [LibraryImport(Lib)] public static partial int clBuildProgram(nint program, uint numDevices, nint* devices, byte* options, nint notify, nint userData);
    [LibraryImport(Lib)] public static partial int clGetProgramBuildInfo(nint program, nint device, uint param, nuint size, void* value, nuint* sizeRet);
    [LibraryImport(Lib)] public static partial nint clCreateKernel(nint program, byte* name, int* err);
    [LibraryImport(Lib)] public static partial int clSetKernelArg(nint kernel, uint index, nuint size, void* value);
    [LibraryImport(Lib)] public static partial int clEnqueueNDRangeKernel(nint queue, nint kernel, uint workDim, nuint* globalOffset,
        nuint* globalSize, nuint* localSize, uint numEvents, nint* waitList, nint* evt);
    [LibraryImport(Lib)] public static partial nint clCreateBuffer(nint context, ulong flags, nuint size, void* hostPtr, int* err);
    [LibraryImport(Lib)] public static partial int clEnqueueWriteBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size,
        void* ptr, uint numEvents, nint* waitList, nint* evt);
    [LibraryImport(Lib)] public static partial int clEnqueueReadBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size,
        void* ptr, uint numEvents, nint* waitList, nint* evt);
    [LibraryImport(Lib)] public static partial void* clEnqueueMapBuffer(nint queue, nint buffer, uint blocking, ulong flags, nuint offset, nuint size,
        uint numEvents, nint* waitList, nint* evt, int* err);
    [LibraryImport(Lib)] public static partial int clEnqueueUnmapMemObject(nint queue, nint buffer, void* mapped, uint numEvents, nint* waitList, nint* evt);
    [LibraryImport(Lib)] public static partial int clEnqueueFillBuffer(nint queue, nint buffer, void* pattern, nuint patternSize, nuint offset,
        nuint size, uint numEvents, nint* waitList, nint* evt);
    [LibraryImport(Lib)] public static partial int clFinish(nint queue);
    [LibraryImport(Lib)] public static partial int clGetEventProfilingInfo(nint evt, uint param, nuint size, void* value, nuint* sizeRet);
    [LibraryImport(Lib)] public static partial int clReleaseEvent(nint evt);
    [LibraryImport(Lib)] public static partial int clReleaseMemObject(nint mem);
    [LibraryImport(Lib)] public static partial int clReleaseKernel(nint kernel);
    [LibraryImport(Lib)] public static partial int clReleaseProgram(nint program);
    [LibraryImport(Lib)] public static partial int clReleaseCommandQueue(nint queue);
    [LibraryImport(Lib)] public static partial int clReleaseContext(nint context);

    /// <summary>Throws GpuCallException naming the call, the status and its name when status is not CL_SUCCESS.</summary>
    public static void Check(int status, string call)
    {
        if (status != CL_SUCCESS) throw new GpuCallException(call, status, StatusName(status));
    }

    public static string StatusName(int status) => status switch
    {
        0 => "CL_SUCCESS",
        -1 => "CL_DEVICE_NOT_FOUND",
        -2 => "CL_DEVICE_NOT_AVAILABLE",
        -3 => "CL_COMPILER_NOT_AVAILABLE",
        -4 => "CL_MEM_OBJECT_ALLOCATION_FAILURE",
        -5 => "CL_OUT_OF_RESOURCES",
        -6 => "CL_OUT_OF_HOST_MEMORY",
        -7 => "CL_PROFILING_INFO_NOT_AVAILABLE",
        -8 => "CL_MEM_COPY_OVERLAP",
        -9 => "CL_IMAGE_FORMAT_MISMATCH",
        -10 => "CL_IMAGE_FORMAT_NOT_SUPPORTED",
        -11 => "CL_BUILD_PROGRAM_FAILURE",
        -12 => "CL_MAP_FAILURE",
        -13 => "CL_MISALIGNED_SUB_BUFFER_OFFSET",
        -14 => "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST",
        -15 => "CL_COMPILE_PROGRAM_FAILURE",
        -16 => "CL_LINKER_NOT_AVAILABLE",
        -17 => "CL_LINK_PROGRAM_FAILURE",
        -18 => "CL_DEVICE_PARTITION_FAILED",
        -19 => "CL_KERNEL_ARG_INFO_NOT_AVAILABLE",
        -30 => "CL_INVALID_VALUE",
        -31 => "CL_INVALID_DEVICE_TYPE",
        -32 => "CL_INVALID_PLATFORM",
        -33 => "CL_INVALID_DEVICE",
        -34 => "CL_INVALID_CONTEXT",
        -35 => "CL_INVALID_QUEUE_PROPERTIES",
        -36 => "CL_INVALID_COMMAND_QUEUE",
        -37 => "CL_INVALID_HOST_PTR",
        -38 => "CL_INVALID_MEM_OBJECT",
        -39 => "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR",
        -40 => "CL_INVALID_IMAGE_SIZE",
        -41 => "CL_INVALID_SAMPLER",
        -42 => "CL_INVALID_BINARY",
        -43 => "CL_INVALID_BUILD_OPTIONS",
        -44 => "CL_INVALID_PROGRAM",
        -45 => "CL_INVALID_PROGRAM_EXECUTABLE",
        -46 => "CL_INVALID_KERNEL_NAME",
        -47 => "CL_INVALID_KERNEL_DEFINITION",
        -48 => "CL_INVALID_KERNEL",
        -49 => "CL_INVALID_ARG_INDEX",
        -50 => "CL_INVALID_ARG_VALUE",
        -51 => "CL_INVALID_ARG_SIZE",
        -52 => "CL_INVALID_KERNEL_ARGS",
        -53 => "CL_INVALID_WORK_DIMENSION",
        -54 => "CL_INVALID_WORK_GROUP_SIZE",
        -55 => "CL_INVALID_WORK_ITEM_SIZE",
        -56 => "CL_INVALID_GLOBAL_OFFSET",
        -57 => "CL_INVALID_EVENT_WAIT_LIST",
        -58 => "CL_INVALID_EVENT",
        -59 => "CL_INVALID_OPERATION",
        -60 => "CL_INVALID_GL_OBJECT",
        -61 => "CL_INVALID_BUFFER_SIZE",
        -62 => "CL_INVALID_MIP_LEVEL",
        -63 => "CL_INVALID_GLOBAL_WORK_SIZE",
        -64 => "CL_INVALID_PROPERTY",
        -65 => "CL_INVALID_IMAGE_DESCRIPTOR",
        -66 => "CL_INVALID_COMPILER_OPTIONS",
        -67 => "CL_INVALID_LINKER_OPTIONS",
        -68 => "CL_INVALID_DEVICE_PARTITION_COUNT",
        -69 => "CL_INVALID_PIPE_SIZE",
        -70 => "CL_INVALID_DEVICE_QUEUE",
        -71 => "CL_INVALID_SPEC_ID",
        -72 => "CL_MAX_SIZE_RESTRICTION_EXCEEDED",
        -1001 => "CL_PLATFORM_NOT_FOUND_KHR",
        _ => "unknown OpenCL status",
    };
}
