// Tests that need Debian's Python with NumPy or PyTorch, or rsvg-convert. On a developer's
// machine without them such a test is skipped with the reason; in CI (CI=true) it fails
// instead, so nothing is skipped silently there.
using System.Diagnostics;
using NUnit.Framework;

namespace Rnn.Grading.Tests.Support;

public static class ExternalTools
{
    public const string PythonPath = "/usr/bin/python3";

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns the Python path if it can import every module; otherwise skips (or fails in CI).</summary>
    public static string RequirePython(params string[] modules)
    {
        string? problem = null;
        if (!File.Exists(PythonPath))
            problem = $"{PythonPath} is not installed";
        else
        {
            var (code, _, err) = Run(PythonPath, ["-c", "import " + string.Join(", ", modules)], TimeSpan.FromSeconds(120));
            if (code != 0) problem = $"{PythonPath} cannot import {string.Join(", ", modules)}: {err.Trim()}";
        }
        if (problem is not null)
        {
            string reason = problem + " (install Debian's python3-numpy / python3-torch)";
            if (InCi) Assert.Fail("required in CI: " + reason);
            Assert.Ignore(reason);
        }
        return PythonPath;
    }

    /// <summary>
    /// Returns the path of rsvg-convert (Debian's librsvg2-bin, installed by .ci/run); otherwise
    /// skips the test with the reason, or fails it in CI.
    /// </summary>
    public static string RequireRsvgConvert()
    {
        const string path = "/usr/bin/rsvg-convert";
        if (!File.Exists(path))
        {
            const string reason = path + " is not installed (install Debian's librsvg2-bin)";
            if (InCi) Assert.Fail("required in CI: " + reason);
            Assert.Ignore(reason);
        }
        return path;
    }

    /// <summary>Runs a program to completion (killing it after the timeout) and returns exit code, stdout and stderr.</summary>
    public static (int ExitCode, string StdOut, string StdErr) Run(
        string program, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null, string? stdin = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {timeout}");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
