// Running one of the machine's own programs for the grader, never the student's: ldd on the
// launcher's tools, the interpreter's listing of the runtime's files, unshare's trial run. Both
// output streams are read at once (a program that fills one pipe while the grader waits on the
// other would hang), a program still running at the timeout is killed with its children, and a
// program that cannot be started is a sentence in the outcome, not an exception.
using System.ComponentModel;
using System.Diagnostics;

namespace Rnn.Grading.Sandbox;

/// <summary>How a trusted tool's run ended: ExitCode null means it was killed at the timeout, or (StartError set) never ran.</summary>
internal sealed record TrustedToolRun(int? ExitCode, string Stdout, string Stderr, string? StartError)
{
    public bool TimedOut => ExitCode is null && StartError is null;
}

internal static class TrustedTool
{
    public static TrustedToolRun Run(string program, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (string a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeout))
            {
                p.Kill(entireProcessTree: true);
                return new TrustedToolRun(null, "", "", null);
            }
            p.WaitForExit();   // the streams' ends
            return new TrustedToolRun(p.ExitCode, stdout.Result, stderr.Result, null);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            return new TrustedToolRun(null, "", "", e.Message);
        }
    }
}
