// The commands' argument reading, one strict rule for all: options "--name VALUE" or
// "--name=VALUE" (each at most once, under any of its spellings; "--output" is always another
// spelling of "-o"), flags "--name", and at most one positional argument ("-" alone is
// positional: standard input or output). "-h" or "--help" anywhere asks for the command's help
// (WantsHelp). Anything else is an error message naming the argument, which the command prints
// with Fail and its own usage line; LoadAssignment reads the assignment grade, grade-all and
// bundle take, or says why it cannot.
using Rnn.Grading.Autograder;

namespace Rnn.Grading.Commands;

public sealed record CommandArgs(
    IReadOnlyDictionary<string, string> Values,
    IReadOnlySet<string> Flags,
    IReadOnlyList<string> Positionals);

public static class CommandLine
{
    /// <param name="valued">options that take a value</param>
    /// <param name="flags">options that take none</param>
    /// <param name="positionalName">the name of the one positional argument (e.g. "DIR"), or null when none is taken</param>
    /// <param name="aliases">other spellings of options (e.g. "--output" for "-o"); an option is filed, and named in errors, under its own name</param>
    public static CommandArgs? Parse(string[] args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string> flags,
        string? positionalName, out string? error, IReadOnlyDictionary<string, string>? aliases = null)
    {
        error = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var set = new HashSet<string>(StringComparer.Ordinal);
        var positionals = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? inlineValue = null;
            int equals = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 2)
            {
                inlineValue = arg[(equals + 1)..];
                arg = arg[..equals];
            }
            string a = Spelling(arg, valued, aliases);
            if (flags.Contains(a))
            {
                if (inlineValue is not null) { error = $"{a} takes no value but was given '{inlineValue}'"; return null; }
                set.Add(a);
            }
            else if (valued.Contains(a))
            {
                string value;
                if (inlineValue is not null) value = inlineValue;
                else if (i + 1 >= args.Length) { error = $"{a} needs a value"; return null; }
                else value = args[++i];
                if (!values.TryAdd(a, value)) { error = $"{a} was given twice"; return null; }
            }
            else if (inlineValue is not null) { error = $"unknown option '{arg}'"; return null; }
            else if (a.StartsWith('-') && a.Length > 1) { error = $"unknown option '{a}'"; return null; }
            else if (positionalName is null) { error = $"unexpected argument '{a}'"; return null; }
            else if (positionals.Count > 0) { error = $"unexpected argument '{a}' ({positionalName} is already {positionals[0]})"; return null; }
            else positionals.Add(a);
        }
        return new CommandArgs(values, set, positionals);
    }

    /// <summary>The name an option is filed under: its alias's target, or "-o" for "--output" when "-o" takes a value.</summary>
    private static string Spelling(string arg, IReadOnlyCollection<string> valued, IReadOnlyDictionary<string, string>? aliases)
    {
        if (aliases?.GetValueOrDefault(arg) is { } target) return target;
        if (arg == "--output" && valued.Contains("-o") && !valued.Contains("--output")) return "-o";
        return arg;
    }

    /// <summary>True when "-h" or "--help" is among the arguments: the command prints its usage on standard output and exits 0.</summary>
    public static bool WantsHelp(IReadOnlyList<string> args) => args.Any(a => a is "-h" or "--help");

    /// <summary>
    /// Prints "rnn-grading: message" on stderr (control characters escaped, at most
    /// Printable.MaxMessageChars characters: the message may quote a hostile file) and, when code is ExitCodes.Usage (a wrong command
    /// line), the command's usage after it; returns code. Every command reports failure this way.
    /// </summary>
    public static int Fail(TextWriter stderr, int code, string message, string usage)
    {
        stderr.WriteLine($"rnn-grading: {Printable.Escape(message)}");
        if (code == ExitCodes.Usage) stderr.WriteLine(usage);
        return code;
    }

    /// <summary>
    /// The assignment at path, or null after saying on stderr why it cannot be read (failed is then
    /// ExitCodes.UnreadableInput, the code grade, grade-all and bundle exit with).
    /// </summary>
    public static Assignment? LoadAssignment(string path, TextWriter stderr, string usage, out int failed)
    {
        failed = ExitCodes.Ok;
        try
        {
            return AssignmentLoader.Load(path);
        }
        catch (AssignmentFormatException e)
        {
            failed = Fail(stderr, ExitCodes.UnreadableInput, e.Message, usage);
            return null;
        }
    }
}
