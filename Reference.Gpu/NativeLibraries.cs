// Finds the native libraries by their versioned names. .NET's default probing tries "libX.so" and
// never "libX.so.1", and the unversioned names ship only in -dev packages, so the resolver tries
// the names the runtime packages install: libOpenCL.so.1 (ocl-icd), libcuda.so.1 (the NVIDIA driver),
// libnvrtc.so.13 / .12 / .11.2 (the CUDA toolkit's runtime compiler).
using System.Reflection;
using System.Runtime.InteropServices;

namespace Rnn.Reference.Gpu;

internal static class NativeLibraries
{
    public const string OpenCL = "OpenCL";
    public const string Cuda = "cuda";
    public const string Nvrtc = "nvrtc";

    public static readonly string[] OpenClNames = ["libOpenCL.so.1", "libOpenCL.so", "OpenCL"];
    public static readonly string[] CudaNames = ["libcuda.so.1", "libcuda.so", "nvcuda"];
    public static readonly string[] NvrtcNames = ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so", "nvrtc64_120_0"];

    private static readonly Dictionary<string, (nint Handle, string? Error)> Loaded = new(StringComparer.Ordinal);

    private static bool _resolverSet;

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        lock (Loaded) return Loaded.TryGetValue(name, out var entry) ? entry.Handle : 0;
    }

    /// <summary>
    /// Loads the library (once) and routes this assembly's imports of it to the handle; returns 0 and
    /// the loader's messages when no name works. Every entry point calls this before its first native call.
    /// </summary>
    public static nint TryLoad(string name, out string? error)
    {
        lock (Loaded)
        {
            if (!_resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
                _resolverSet = true;
            }
            if (!Loaded.TryGetValue(name, out var entry))
            {
                string[] names = name switch { OpenCL => OpenClNames, Cuda => CudaNames, _ => NvrtcNames };
                var errors = new List<string>();
                nint handle = 0;
                foreach (var candidate in names)
                {
                    try { handle = NativeLibrary.Load(candidate); break; }
                    catch (DllNotFoundException e) { errors.Add(FirstSentence(e.Message)); }
                }
                entry = (handle, handle == 0 ? $"none of {string.Join(", ", names)} could be loaded ({string.Join("; ", errors.Distinct())})" : null);
                Loaded[name] = entry;
            }
            error = entry.Error;
            return entry.Handle;
        }
    }

    /// <summary>The loader's message up to its generic advice ("In order to help diagnose ...").</summary>
    private static string FirstSentence(string message)
    {
        string first = message.Split('\n')[0];
        int advice = first.IndexOf(". In order to help", StringComparison.Ordinal);
        return advice < 0 ? first : first[..advice];
    }
}
