// A trace as text for a person: the equations, then per layer and direction the forward pass and
// the backward pass, one block per step t, one line per value (one row per batch element, or per
// weight row), PyTorch's name on the left and the slides' name in brackets.
using System.Globalization;
using System.Text;

namespace Rnn.Grading.Teaching.Trace;

public static class TraceText
{
    public static string Render(CaseTrace trace)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"trace of case {trace.CaseId} (op {trace.Op})\n");
        foreach (var line in trace.Description) text.Append("  ").Append(line).Append('\n');
        bool many = trace.Sections.Count > 1;
        foreach (var section in trace.Sections)
        {
            string where = many ? $" - layer {section.Layer}, {(section.Direction == 0 ? "forward" : "reverse")} direction" : "";
            text.Append(CultureInfo.InvariantCulture, $"\nFORWARD{where}\n");
            foreach (var step in section.Forward) Step(text, step);
            text.Append(CultureInfo.InvariantCulture, $"\nBACKWARD{where}: {trace.Loss}; from the last step back\n");
            if (section == trace.Sections[0])
                foreach (var line in trace.BackwardEquations) text.Append("  ").Append(line).Append('\n');
            foreach (var step in section.Backward) Step(text, step);
        }
        return text.ToString();
    }

    private static void Step(StringBuilder text, TraceStep step)
    {
        text.Append(CultureInfo.InvariantCulture, $"t = {step.T}\n");
        int width = step.Values.Max(v => Label(v).Length);
        foreach (var v in step.Values)
        {
            string label = Label(v);
            for (int r = 0; r < v.Rows; r++)
            {
                string head = r == 0 ? label.PadRight(width) : new string(' ', width);
                string row = v.Rows > 1 ? $" [{r}]" : "    ";
                text.Append("  ").Append(head).Append(row).Append("  ");
                for (int c = 0; c < v.Cols; c++)
                    text.Append(Number(v.Values[r * v.Cols + c]).PadLeft(11));
                text.Append('\n');
            }
        }
    }

    private static string Label(TraceValue v) => v.Slide.Length == 0 ? v.Name : $"{v.Name}  [{v.Slide}]";

    /// <summary>Seven significant digits, enough to compare with a hand computation.</summary>
    public static string Number(double v) => v == 0 ? "0.000000" : (Math.Abs(v) >= 1e4 || Math.Abs(v) < 1e-4)
        ? v.ToString("0.00000E+0", CultureInfo.InvariantCulture)
        : v.ToString("0.000000", CultureInfo.InvariantCulture);
}
