// A trace as text for a person: the equations, then per layer and direction the forward pass and
// the backward pass, one block per step t, one line per value (one row per batch element, or per
// weight row named by its gate; a bias gradient one gate to a line), PyTorch's name on the left and
// the slides' name in brackets, every number of a step in one column.
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
            text.Append(CultureInfo.InvariantCulture, $"\nBACKWARD{where}, from the last step back\n  {trace.Loss}\n");
            if (section == trace.Sections[0])
                foreach (var line in trace.BackwardEquations) text.Append("  ").Append(line).Append('\n');
            foreach (var step in section.Backward) Step(text, step);
        }
        return text.ToString();
    }

    private static void Step(StringBuilder text, TraceStep step)
    {
        text.Append(CultureInfo.InvariantCulture, $"t = {step.T}\n");
        var lines = new List<(string Label, string Row, ArraySegment<double> Numbers)>();
        foreach (var v in step.Values)
        {
            string label = Label(v);
            int G = v.Gates?.Count ?? 0;
            if (G > 0 && v.Rows == 1 && v.Cols % G == 0)
            {
                // a bias gradient [1, G*H]: one gate's H numbers to a line
                int H = v.Cols / G;
                for (int g = 0; g < G; g++)
                    lines.Add((g == 0 ? label : "", $"[{v.Gates![g]}]", new ArraySegment<double>(v.Values, g * H, H)));
                continue;
            }
            for (int r = 0; r < v.Rows; r++)
            {
                // a weight gradient [G*H, cols]: row r belongs to gate r / H
                string index = r.ToString(CultureInfo.InvariantCulture).PadLeft((v.Rows - 1).ToString(CultureInfo.InvariantCulture).Length);
                string row = v.Rows == 1 ? "" : G > 0 && v.Rows % G == 0 ? $"[{index} {v.Gates![r / (v.Rows / G)]}]" : $"[{index}]";
                lines.Add((r == 0 ? label : "", row, new ArraySegment<double>(v.Values, r * v.Cols, v.Cols)));
            }
        }
        int width = lines.Max(l => l.Label.Length), rowWidth = lines.Max(l => l.Row.Length);
        foreach (var (label, row, numbers) in lines)
        {
            text.Append("  ").Append(label.PadRight(width)).Append(' ').Append(row.PadRight(rowWidth)).Append("  ");
            foreach (var x in numbers) text.Append(Number(x).PadLeft(11));
            text.Append('\n');
        }
    }

    private static string Label(TraceValue v) => v.Slide.Length == 0 ? v.Name : $"{v.Name}  [{v.Slide}]";

    /// <summary>Seven significant digits, enough to compare with a hand computation.</summary>
    public static string Number(double v) => v == 0 ? "0.000000" : (Math.Abs(v) >= 1e4 || Math.Abs(v) < 1e-4)
        ? v.ToString("0.00000E+0", CultureInfo.InvariantCulture)
        : v.ToString("0.000000", CultureInfo.InvariantCulture);
}
