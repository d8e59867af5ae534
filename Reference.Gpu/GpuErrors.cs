// The errors of the GPU path. Every failed native call names the call, its status code and the
// code's name; a failed kernel build carries the compiler's log; a machine that cannot run the
// GPU path at all says which of the distinct reasons applies.
namespace Rnn.Reference.Gpu;

/// <summary>Any error of the GPU path.</summary>
public class GpuException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A native call returned a non-zero status.</summary>
public sealed class GpuCallException(string call, int code, string codeName, string? detail = null)
    : GpuException($"{call} failed with {code} ({codeName}){(detail is null ? "" : ": " + detail)}")
{
    public string Call { get; } = call;
    public int Code { get; } = code;
    public string CodeName { get; } = codeName;
}

/// <summary>The kernel source did not compile; BuildLog is the compiler's own output.</summary>
public sealed class GpuBuildException(string compiler, string options, string buildLog)
    : GpuException($"{compiler} could not build the kernels (options: {options}):\n{buildLog}")
{
    public string BuildLog { get; } = buildLog;
}

/// <summary>Why a device cannot be used at all.</summary>
public enum GpuUnavailableReason
{
    NoOpenClLibrary,
    NoOpenClPlatform,
    NoOpenClDevice,
    NoFp64,
    NoCudaDriver,
    NoCudaDevice,
    NoNvrtc,
}

/// <summary>This machine cannot run the requested device: no library, no platform, no such device, no fp64, ...</summary>
public sealed class GpuUnavailableException(GpuUnavailableReason reason, string message, Exception? inner = null)
    : GpuException(message, inner)
{
    public GpuUnavailableReason Reason { get; } = reason;
}
