// Shared by the grade-all and bundle tests: submission folders (the correct example, the
// correct example with one mistake's patch applied, an empty folder), a CSV reader written
// here from RFC 4180 (not the command's own code), and running a bundle's run_autograder in a
// folder laid out like Gradescope's /autograder.
using System.Runtime.Versioning;
using System.Text;
using NUnit.Framework;
using Rnn.Grading.Tests.Diagnosis;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Bundle;

[SupportedOSPlatform("linux")]
internal static class BundleKit
{
    public static string TemplatesDir => Path.Combine(RepoPaths.Root, "grading", "bundle");

    /// <summary>dir/NAME/rnn_student.py: the correct example (mistakeId null) or it with the mistake's patch (materialize.py's rules).</summary>
    public static string Submission(string dir, string name, string? mistakeId)
    {
        string folder = Path.Combine(dir, name);
        Directory.CreateDirectory(folder);
        string correct = File.ReadAllText(Path.Combine(StudentKit.CorrectDir, "rnn_student.py"));
        string source = mistakeId is null ? correct : StudentKit.Apply(correct, StudentKit.ReadPatch(mistakeId));
        File.WriteAllText(Path.Combine(folder, "rnn_student.py"), source);
        return folder;
    }

    /// <summary>
    /// The records of an RFC 4180 file: fields separated by commas, records by CRLF; a quoted
    /// field may hold commas, CR, LF and doubled quotes. Fails the test on anything else.
    /// </summary>
    public static List<List<string>> ReadCsv(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    Assert.That(i, Is.LessThan(text.Length), "a quoted field is not closed");
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; }
                    else if (text[i] == '"') { i++; break; }
                    else field.Append(text[i++]);
                }
            }
            else
            {
                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    Assert.That(text[i], Is.Not.EqualTo('"'), $"a quote inside an unquoted field at {i}");
                    field.Append(text[i++]);
                }
            }
            Assert.That(i, Is.LessThan(text.Length), "the last record does not end with CRLF");
            if (text[i] == ',')
            {
                record.Add(field.ToString());
                field.Clear();
                i++;
            }
            else
            {
                Assert.That(text.AsSpan(i).StartsWith("\r\n"), $"a record must end with CRLF (at {i})");
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
                i += 2;
            }
        }
        return records;
    }

    /// <summary>
    /// ROOT/source (the zip unpacked, or any files), ROOT/submission, ROOT/results: Gradescope's
    /// layout. source/run_autograder is copied to ROOT/run_autograder (as Gradescope does) and run
    /// there with AUTOGRADER_ROOT=ROOT; returns its exit code and output.
    /// </summary>
    public static (int Code, string Output) RunAutograder(string root, TimeSpan timeout)
    {
        string script = Path.Combine(root, "run_autograder");
        File.Copy(Path.Combine(root, "source", "run_autograder"), script, overwrite: true);
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        var psi = new System.Diagnostics.ProcessStartInfo(script)
        {
            WorkingDirectory = root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["AUTOGRADER_ROOT"] = root;
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"run_autograder did not finish within {timeout}");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>A fresh ROOT with source/ (mode 0700, as setup.sh leaves it), submission/ and results/.</summary>
    public static string AutograderRoot()
    {
        string root = Directory.CreateTempSubdirectory("rnn-autograder-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "source"));
        File.SetUnixFileMode(Path.Combine(root, "source"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(root, "submission"));
        Directory.CreateDirectory(Path.Combine(root, "results"));
        return root;
    }

    public static void RunBashSyntaxCheck(string script)
    {
        var (code, _, err) = ExternalTools.Run("/bin/bash", ["-n", script], TimeSpan.FromSeconds(30));
        Assert.That(code, Is.EqualTo(0), $"bash -n {script}: {err}");
    }
}
