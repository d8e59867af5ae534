// The program's exit codes, one set for every command. The numbers are documented (each
// command's --help, Spec/formats.md for eval, Spec/autograder.md for grade, Spec/gradescope.md
// for bundle and grade-all, grading/bundle/run_autograder) and never change:
//
//   code  eval                     grade                     grade-all                    bundle
//   0     every case evaluated     graded (any score)        every student graded         zip written
//   1     some cases have errors   -                         grader error for some        -
//         (the rest in RESULTS)                              students (CSV written)
//   2     wrong command line       wrong command line        wrong command line           wrong command line
//   3     CASES unreadable         assignment unreadable     assignment unreadable        assignment unreadable
//   4     RESULTS not written      results.json / -o file    an output exists (no         the zip exists (no
//                                  not written               --force) or not written      --force) or not written
//   5     -                        internal error (results   -                            no usable grader (repository,
//                                  .json says so)                                         SDK, publish, --grader-dir)
//
// vectors: 0 written, 2 wrong command line, 4 a file it would replace exists (no --force) or cannot
// be written. check: 0 every checked case passes, 1 some case fails, 2 wrong command line, 3 CASES
// or RESULTS unreadable, 4 the report not written (Spec/vectors.md).
// grade check-cases: 0 every known mistake that can show is exposed, 1 some is not (the table
// says which), 2 wrong command line, 3 assignment unreadable.
// The teaching commands: trace 0 traced, 1 no chosen case can be traced (unknown --case id, no
// recurrent case, a case the op rejects), 2 wrong command line, 3 CASES unreadable; demo, figures
// and gallery 0 written, 2 wrong command line, 4 the output folder holds files they would replace
// (no --force) or cannot be written.
//
// The GPU path: eval --device, devices and gpu-check exit with 6 when the device asked for (or, for
// devices, any device at all) cannot be had: no OpenCL library, platform or device, no fp64 on it,
// no CUDA driver or NVRTC, a kernel build that fails. gpu-check exits with 1 when some tensor is
// outside its tolerance.
namespace Rnn.Grading.Commands;

public static class ExitCodes
{
    /// <summary>The command did all it was asked (whatever the scores); also --help.</summary>
    public const int Ok = 0;

    /// <summary>The output is written, but some of its items could not be evaluated and say why: eval's cases, grade-all's students.</summary>
    public const int SomeNotEvaluated = 1;

    /// <summary>Wrong command line; nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>The input file could not be read or is invalid: eval's CASES, the assignment of grade, grade-all and bundle.</summary>
    public const int UnreadableInput = 3;

    /// <summary>An output could not be written, or exists and may not be replaced (no --force).</summary>
    public const int CannotWriteOutput = 4;

    /// <summary>The grader itself failed (grade: an internal error) or could not be had (bundle: no repository, SDK or usable build).</summary>
    public const int GraderFailed = 5;

    /// <summary>The GPU device asked for cannot be opened (eval --device, gpu-check), or devices found none.</summary>
    public const int DeviceUnavailable = 6;
}
