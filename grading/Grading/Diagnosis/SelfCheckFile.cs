// The student kit's self-check data (format "rnn-reference/self-check@1", Spec/autograder.md,
// "The student kit's self-check"): for every sample case of the visible problems, the values
// the grader expects and, for every catalog mistake that changes the case, the values an
// implementation with that mistake gives (each of its forms), so the kit's self_check.py
// (Python + NumPy only) can say pass/fail per tensor and name a matching mistake without .NET.
// Only the visible problems' sample cases are here: nothing of a graded case and nothing of
// a hidden or after-due-date problem but its name, title and visibility.
//   expected   every output of the op, and the gradients the problem checks
//   a form     the same tensors under the mistake; left out when it agrees with the expected
//              values on every one of them (it could never explain an answer)
// Computed with the readable loops (Compute.Plain), so the file is the same on every machine.
using System.Text.Json;
using Rnn.Grading.Autograder;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Diagnosis;

public static class SelfCheckFile
{
    public const string Format = "rnn-reference/self-check@1";

    /// <summary>Writes the self-check data of the assignment's sample cases (SampleCases.ForVisibleProblems).</summary>
    public static void Write(Stream stream, Assignment assignment, MistakeCatalog catalog)
    {
        // the readable loops: the kit's file is the same, bit for bit, on every machine
        using var plain = Evaluator.Use(Rnn.Reference.Numerics.Compute.Plain);
        var usedMistakes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        JsonOutput.Write(stream, indented: false, w =>
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("assignment", assignment.Name);
            w.WriteString("title", assignment.Title);
            w.WriteStartArray("problems");
            foreach (var p in assignment.Problems.Where(p => p.Visibility == Visibility.Visible))
                WriteProblem(w, p, CaseStreams.Sample(assignment, p), catalog, usedMistakes);
            w.WriteEndArray();
            w.WriteStartArray("not_sampled");
            foreach (var p in assignment.Problems.Where(p => p.Visibility != Visibility.Visible))
            {
                w.WriteStartObject();
                w.WriteString("name", p.Name);
                w.WriteString("title", p.Title);
                w.WriteString("visibility", p.Visibility.ToJson());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("hints");
            foreach (var (id, message) in usedMistakes) w.WriteString(id, message);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static void WriteProblem(Utf8JsonWriter w, Problem p, IReadOnlyList<Case> cases, MistakeCatalog catalog,
        SortedDictionary<string, string> usedMistakes)
    {
        w.WriteStartObject();
        w.WriteString("name", p.Name);
        w.WriteString("title", p.Title);
        w.WriteNumber("rtol", p.Rtol);
        w.WriteNumber("atol", p.Atol);
        WriteNames(w, "outputs", p.Check.Outputs);
        WriteNames(w, "grads", p.Check.Grads);
        w.WriteStartArray("cases");
        foreach (var c in cases)
        {
            var full = Evaluator.Evaluate(c);
            if (full.Error is { } error)
                throw new InvalidOperationException($"the oracle could not evaluate the sample case {c.Id}: {error}");
            var expected = Kept(full, p);
            w.WriteStartObject();
            w.WriteString("id", c.Id);
            WriteResult(w, "expected", expected);
            w.WriteStartArray("mistakes");
            foreach (var mistake in catalog.Mistakes)
            {
                if (!mistake.AppliesTo(c)) continue;
                IReadOnlyList<CaseResult> forms;
                try { forms = mistake.ReevaluateForms(c); }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException) { continue; }
                var shown = forms.Select(f => Kept(f, p)).Where(f => Differs(f, expected, p.Rtol, p.Atol)).ToList();
                if (shown.Count == 0) continue;
                usedMistakes[mistake.Id] = mistake.Message;
                w.WriteStartObject();
                w.WriteString("id", mistake.Id);
                w.WriteStartArray("forms");
                foreach (var f in shown)
                {
                    w.WriteStartObject();
                    CaseFile.WriteTensors(w, "outputs", f.Outputs);
                    CaseFile.WriteTensors(w, "grads", f.Grads);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Every output, and the gradients the problem checks.</summary>
    private static CaseResult Kept(CaseResult r, Problem p)
    {
        var grads = new NamedTensors();
        foreach (var name in p.Check.Grads)
            if (r.Grads.TryGet(name, out var g)) grads.Add(name, g);
        return new CaseResult(r.Id, r.Outputs, grads);
    }

    private static bool Differs(CaseResult form, CaseResult expected, double rtol, double atol)
    {
        foreach (var (name, e) in expected.Outputs)
            if (form.Outputs.TryGet(name, out var m) && !TensorMatch.Close(m, e, rtol, atol)) return true;
        foreach (var (name, e) in expected.Grads)
            if (form.Grads.TryGet(name, out var m) && !TensorMatch.Close(m, e, rtol, atol)) return true;
        return false;
    }

    private static void WriteResult(Utf8JsonWriter w, string key, CaseResult r)
    {
        w.WriteStartObject(key);
        CaseFile.WriteTensors(w, "outputs", r.Outputs);
        CaseFile.WriteTensors(w, "grads", r.Grads);
        w.WriteEndObject();
    }

    private static void WriteNames(Utf8JsonWriter w, string key, IReadOnlyList<string> names)
    {
        w.WriteStartArray(key);
        foreach (var n in names) w.WriteStringValue(n);
        w.WriteEndArray();
    }
}
