// Runs NumPy submissions the way the grader does: a fresh work directory holding the
// submission's rnn_student.py and the kit's runner.py, the cases written as cases.json, then
// `python3 runner.py cases.json answers.json` there, and answers.json read back.
// Submissions are the correct example (grading/examples/correct) or the correct example
// with one mistake's patch applied (grading/examples/mistakes/ID/patch.json), by the same
// rules as grading/examples/mistakes/materialize.py.
using System.Text.Json;
using NUnit.Framework;
using Rnn.Grading.Oracle;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.Diagnosis;

public sealed record PatchEdit(string Replace, string With);

/// <summary>
/// grading/examples/mistakes/ID/patch.json. WholeAnswerPredicted: every output and gradient the
/// submission gives equals the mistake's re-evaluation (false for a forward-only slip whose
/// unchanged backward pass then mixes states, where only the outputs are the mistake's).
/// </summary>
public sealed record MistakePatch(string Mistake, string File, IReadOnlyList<string> Ops, string Description,
    bool WholeAnswerPredicted, IReadOnlyList<PatchEdit> Edits);

public static class StudentKit
{
    public static string KitDir => Path.Combine(RepoPaths.Root, "grading", "student-kit");

    public static string CorrectDir => Path.Combine(RepoPaths.Root, "grading", "examples", "correct");

    public static string MistakesDir => Path.Combine(RepoPaths.Root, "grading", "examples", "mistakes");

    public static IEnumerable<string> MistakeIds() =>
        Directory.GetDirectories(MistakesDir)
            .Where(d => File.Exists(Path.Combine(d, "patch.json")))
            .Select(d => Path.GetFileName(d)!)
            .Order(StringComparer.Ordinal);

    public static MistakePatch ReadPatch(string id)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(MistakesDir, id, "patch.json")));
        var root = doc.RootElement;
        return new MistakePatch(
            root.GetProperty("mistake").GetString()!,
            root.GetProperty("file").GetString()!,
            [.. root.GetProperty("ops").EnumerateArray().Select(e => e.GetString()!)],
            root.GetProperty("description").GetString()!,
            root.GetProperty("whole_answer_predicted").GetBoolean(),
            [.. root.GetProperty("edits").EnumerateArray().Select(e =>
                new PatchEdit(e.GetProperty("replace").GetString()!, e.GetProperty("with").GetString()!))]);
    }

    /// <summary>
    /// The correct text with every edit made. Each "replace" must occur exactly once in the
    /// correct text and no two may overlap (materialize.py's rules); fails the test otherwise.
    /// </summary>
    public static string Apply(string correct, MistakePatch patch)
    {
        var spans = new List<(int Start, int End, string With)>();
        for (int k = 0; k < patch.Edits.Count; k++)
        {
            var edit = patch.Edits[k];
            int first = correct.IndexOf(edit.Replace, StringComparison.Ordinal);
            Assert.That(first, Is.GreaterThanOrEqualTo(0), $"{patch.Mistake}: edit {k} does not occur in {patch.File}: {edit.Replace}");
            Assert.That(correct.IndexOf(edit.Replace, first + 1, StringComparison.Ordinal), Is.EqualTo(-1),
                $"{patch.Mistake}: edit {k} occurs more than once in {patch.File}: {edit.Replace}");
            spans.Add((first, first + edit.Replace.Length, edit.With));
        }
        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int k = 1; k < spans.Count; k++)
            Assert.That(spans[k].Start, Is.GreaterThanOrEqualTo(spans[k - 1].End), $"{patch.Mistake}: two edits overlap");
        var text = new System.Text.StringBuilder();
        int at = 0;
        foreach (var (start, end, with) in spans)
        {
            text.Append(correct, at, start - at).Append(with);
            at = end;
        }
        return text.Append(correct, at, correct.Length - at).ToString();
    }

    /// <summary>A fresh work directory with the kit's runner.py and the submission's rnn_student.py (mistakeId null: the correct one).</summary>
    public static string Materialize(string? mistakeId)
    {
        string dir = Directory.CreateTempSubdirectory("rnn-kit-").FullName;
        string correct = File.ReadAllText(Path.Combine(CorrectDir, "rnn_student.py"));
        string source = mistakeId is null ? correct : Apply(correct, ReadPatch(mistakeId));
        File.WriteAllText(Path.Combine(dir, "rnn_student.py"), source);
        File.Copy(Path.Combine(KitDir, "runner.py"), Path.Combine(dir, "runner.py"));
        return dir;
    }

    /// <summary>A fresh work directory with the kit's runner.py and the given rnn_student.py source.</summary>
    public static string WithStudentSource(string source)
    {
        string dir = Directory.CreateTempSubdirectory("rnn-kit-").FullName;
        File.WriteAllText(Path.Combine(dir, "rnn_student.py"), source);
        File.Copy(Path.Combine(KitDir, "runner.py"), Path.Combine(dir, "runner.py"));
        return dir;
    }

    /// <summary>Writes the cases to dir/cases.json, runs the runner there and returns its answers by case id.</summary>
    public static Dictionary<string, CaseResult> Run(string python, string dir, IEnumerable<Case> cases)
    {
        using (var s = File.Create(Path.Combine(dir, "cases.json"))) CaseFile.WriteCases(s, cases);
        var (code, stdout, stderr) = ExternalTools.Run(python, ["runner.py", "cases.json", "answers.json"],
            TimeSpan.FromMinutes(2), workingDirectory: dir);
        var answers = ReadAnswers(dir, stdout, stderr);
        // runner.py exits 1 exactly when some case has an error, 0 when every case was answered
        int expectedCode = answers.Values.Any(a => a.Error is not null) ? 1 : 0;
        Assert.That(code, Is.EqualTo(expectedCode), $"runner.py exited with {code}\n{stdout}\n{stderr}");
        return answers;
    }

    public static Dictionary<string, CaseResult> ReadAnswers(string dir, string stdout = "", string stderr = "")
    {
        string path = Path.Combine(dir, "answers.json");
        Assert.That(File.Exists(path), $"runner.py wrote no answers.json\n{stdout}\n{stderr}");
        using var s = File.OpenRead(path);
        return CaseFile.ReadResults(s, "answers.json").ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>
    /// Every expected tensor the answer lacks or gets wrong, named "outputs.NAME" / "grads.NAME":
    /// wrong means some element has |answer - expected| > atol + rtol * |expected|. For a case
    /// without grad_outputs only the outputs count (the runner answers forward-only cases with outputs).
    /// </summary>
    public static List<string> FailedTensors(Case c, CaseResult expected, CaseResult answer, double rtol, double atol)
    {
        var failed = new List<string>();
        foreach (var (name, e) in expected.Outputs)
            if (!answer.Outputs.TryGet(name, out var a) || !Rnn.Grading.Diagnosis.TensorMatch.Close(a, e, rtol, atol))
                failed.Add("outputs." + name);
        if (c.GradOutputs.Count > 0)
            foreach (var (name, e) in expected.Grads)
                if (!answer.Grads.TryGet(name, out var a) || !Rnn.Grading.Diagnosis.TensorMatch.Close(a, e, rtol, atol))
                    failed.Add("grads." + name);
        return failed;
    }
}
