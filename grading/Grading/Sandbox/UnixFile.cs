// The few Linux calls the sandbox needs that .NET does not offer: lstat/fstat with owner,
// type and inode (statx, whose buffer layout is the same on every architecture), open
// without following a symbolic link, lchown and kill. Nothing here throws for a failed
// call: each returns false (or null) and the errno text, and the caller decides.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Rnn.Grading.Sandbox;

internal enum UnixFileKind { Regular, Directory, SymbolicLink, Fifo, CharacterDevice, BlockDevice, Socket, Unknown }

/// <summary>What lstat/fstat say about one file: its kind, permission bits (0o7777), owner, link count, identity and size.</summary>
internal readonly record struct UnixStat(
    UnixFileKind Kind, uint Permissions, uint Uid, uint Gid, uint Links, ulong Device, ulong Inode, long Size)
{
    public string KindText => Kind switch
    {
        UnixFileKind.Regular => "a regular file",
        UnixFileKind.Directory => "a directory",
        UnixFileKind.SymbolicLink => "a symbolic link",
        UnixFileKind.Fifo => "a FIFO (named pipe)",
        UnixFileKind.CharacterDevice => "a character device",
        UnixFileKind.BlockDevice => "a block device",
        UnixFileKind.Socket => "a socket",
        _ => "a file of unknown kind",
    };

    /// <summary>Mode as ls -n would describe it, e.g. "0700, owner 0:0".</summary>
    public string ModeText => $"mode {Convert.ToString(Permissions, 8).PadLeft(4, '0')}, owner {Uid}:{Gid}";
}

internal static class UnixFile
{
    private const string LibC = "libc.so.6";
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxBufferSize = 256;
    public const int SigKill = 9;

    [DllImport(LibC, EntryPoint = "statx", SetLastError = true)]
    private static extern int StatxPath(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport(LibC, EntryPoint = "open", SetLastError = true)]
    private static extern int OpenPath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport(LibC, EntryPoint = "lchown", SetLastError = true)]
    private static extern int LchownPath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint owner, uint group);

    [DllImport(LibC, EntryPoint = "kill", SetLastError = true)]
    private static extern int KillPid(int pid, int signal);

    [DllImport(LibC, EntryPoint = "mkdir", SetLastError = true)]
    private static extern int MkdirPath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport(LibC, EntryPoint = "geteuid")]
    private static extern uint GetEuid();

    public const int ENOENT = 2;
    public const int EEXIST = 17;

    /// <summary>The grader's effective uid.</summary>
    public static uint EffectiveUid() => GetEuid();

    /// <summary>mkdir(2): never follows a symbolic link at path and fails if anything is there (exists then true).</summary>
    public static bool TryMkdir(string path, uint mode, out bool exists, out string error)
    {
        if (MkdirPath(path, mode) != 0)
        {
            exists = Marshal.GetLastPInvokeError() == EEXIST;
            error = Marshal.GetLastPInvokeErrorMessage();
            return false;
        }
        exists = false;
        error = "";
        return true;
    }

    /// <summary>lstat: describes path itself, never what a symbolic link points to.</summary>
    public static bool TryLstat(string path, out UnixStat stat, out string error) => TryLstat(path, out stat, out error, out _);

    /// <summary>lstat, also giving errno (ENOENT: nothing is there) on failure.</summary>
    public static bool TryLstat(string path, out UnixStat stat, out string error, out int errno)
    {
        var buffer = new byte[StatxBufferSize];
        if (StatxPath(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            stat = default;
            error = Marshal.GetPInvokeErrorMessage(errno);
            return false;
        }
        errno = 0;
        stat = Decode(buffer);
        error = "";
        return true;
    }

    /// <summary>stat: describes the file path names, following symbolic links; errno on failure (ENOENT: nothing is there).</summary>
    public static bool TryStat(string path, out UnixStat stat, out string error, out int errno)
    {
        var buffer = new byte[StatxBufferSize];
        if (StatxPath(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            stat = default;
            error = Marshal.GetPInvokeErrorMessage(errno);
            return false;
        }
        errno = 0;
        stat = Decode(buffer);
        error = "";
        return true;
    }

    /// <summary>fstat: describes the file an open handle refers to.</summary>
    public static bool TryFstat(SafeFileHandle handle, out UnixStat stat, out string error)
    {
        var buffer = new byte[StatxBufferSize];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            if (StatxPath(fd, "", AtEmptyPath, StatxBasicStats, buffer) != 0)
            {
                stat = default;
                error = Marshal.GetLastPInvokeErrorMessage();
                return false;
            }
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
        stat = Decode(buffer);
        error = "";
        return true;
    }

    /// <summary>
    /// Opens path for reading; fails (ELOOP) if path itself is a symbolic link, and does not block
    /// if it is a FIFO. Returns null and the errno text on failure.
    /// </summary>
    public static SafeFileHandle? OpenReadNoFollow(string path, out string error)
    {
        int fd = OpenPath(path, ReadNoFollowFlags);
        if (fd < 0)
        {
            error = Marshal.GetLastPInvokeErrorMessage();
            return null;
        }
        error = "";
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// Opens path for reading, following symbolic links, without blocking if it is a FIFO and
    /// without making a terminal the controlling one. Returns null and the errno text on failure.
    /// </summary>
    public static SafeFileHandle? OpenReadNonBlocking(string path, out string error)
    {
        int fd = OpenPath(path, ReadNoFollowFlags & ~NoFollowFlag);
        if (fd < 0)
        {
            error = Marshal.GetLastPInvokeErrorMessage();
            return null;
        }
        error = "";
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    public static bool TryLchown(string path, uint uid, uint gid, out string error)
    {
        if (LchownPath(path, uid, gid) != 0)
        {
            error = Marshal.GetLastPInvokeErrorMessage();
            return false;
        }
        error = "";
        return true;
    }

    /// <summary>kill(2); a negative pid names a process group. False if the signal was not delivered (e.g. no such process).</summary>
    public static bool Kill(int pid, int signal) => KillPid(pid, signal) == 0;

    // O_RDONLY | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC. O_NOFOLLOW differs between
    // architectures (asm-generic 0100000, x86 0400000); on an unlisted one it is left out and
    // the caller's lstat-then-fstat identity check is what still protects it.
    private static int ReadNoFollowFlags => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x100 | 0x800 | 0x20000 | 0x80000,
        Architecture.Arm64 or Architecture.Arm or Architecture.RiscV64 or Architecture.LoongArch64 => 0x100 | 0x800 | 0x8000 | 0x80000,
        _ => 0x100 | 0x800 | 0x80000,
    };

    private static int NoFollowFlag => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x20000,
        Architecture.Arm64 or Architecture.Arm or Architecture.RiscV64 or Architecture.LoongArch64 => 0x8000,
        _ => 0,
    };

    // struct statx (include/uapi/linux/stat.h): stx_nlink @16, stx_uid @20, stx_gid @24,
    // stx_mode (u16) @28, stx_ino @32, stx_size @40, stx_dev_major @136, stx_dev_minor @140.
    private static UnixStat Decode(byte[] b)
    {
        uint links = BitConverter.ToUInt32(b, 16);
        uint uid = BitConverter.ToUInt32(b, 20);
        uint gid = BitConverter.ToUInt32(b, 24);
        uint mode = BitConverter.ToUInt16(b, 28);
        ulong inode = BitConverter.ToUInt64(b, 32);
        long size = (long)BitConverter.ToUInt64(b, 40);
        ulong device = ((ulong)BitConverter.ToUInt32(b, 136) << 32) | BitConverter.ToUInt32(b, 140);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => UnixFileKind.Regular,
            0x4000 => UnixFileKind.Directory,
            0xA000 => UnixFileKind.SymbolicLink,
            0x1000 => UnixFileKind.Fifo,
            0x2000 => UnixFileKind.CharacterDevice,
            0x6000 => UnixFileKind.BlockDevice,
            0xC000 => UnixFileKind.Socket,
            _ => UnixFileKind.Unknown,
        };
        return new UnixStat(kind, mode & 0xFFF, uid, gid, links, device, inode, size);
    }
}
