// Which cases a problem gets. Every case has its own generator, seeded from
// (assignment seed, problem name, stream, k) by a stable hash, so
//   - the same assignment file gives the same cases on every machine and every run;
//   - case k does not depend on how many cases the problem has;
//   - the graded cases and the sample cases handed to students come from different streams:
//     a student who has seen every sample case has seen no graded one. Sample ids are
//     "NAME/sample-k" and graded ids "NAME/k", so the two can never be confused either.
// The hash is 64-bit FNV-1a over the UTF-8 text "SEED/PROBLEM/STREAM/k" (never
// string.GetHashCode, which changes from run to run).
using System.Text;
using Rnn.Grading.Oracle;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Autograder;

public enum CaseStream { Graded, Sample }

public static class CaseStreams
{
    /// <summary>The cases a problem is graded on (inputs only; expected values are computed in memory when grading).</summary>
    public static IReadOnlyList<Case> Graded(Assignment assignment, Problem problem) =>
        Generate(assignment.Seed, problem, CaseStream.Graded);

    /// <summary>Example cases of the same shape and kind, from a stream the grader never uses.</summary>
    public static IReadOnlyList<Case> Sample(Assignment assignment, Problem problem) =>
        Generate(assignment.Seed, problem, CaseStream.Sample);

    public static IReadOnlyList<Case> Generate(ulong seed, Problem problem, CaseStream stream)
    {
        var generator = CaseGenerators.For(problem.Op);
        var cases = new List<Case>(problem.Cases);
        for (int k = 0; k < problem.Cases; k++)
        {
            var rng = new SeededRandom(CaseSeed(seed, problem.Name, stream, k));
            var c = generator.Generate(problem, k, generator.DrawSizes(problem, rng), rng);
            cases.Add(stream == CaseStream.Sample ? c with { Id = problem.SampleCaseId(k) } : c);
        }
        return cases;
    }

    public static ulong CaseSeed(ulong seed, string problemName, CaseStream stream, int k)
    {
        string streamName = stream == CaseStream.Graded ? "graded" : "sample";
        return Fnv1a64(Encoding.UTF8.GetBytes($"{seed}/{problemName}/{streamName}/{k}"));
    }

    /// <summary>64-bit FNV-1a: offset basis 14695981039346656037, prime 1099511628211.</summary>
    public static ulong Fnv1a64(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes)
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
