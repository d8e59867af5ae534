// A trace as JSON for a program to diff against its own intermediate values:
// {"format": "rnn-reference/trace@1",
//  "traces": [{"case": ID, "op": OP, "loss": "...",
//              "sections": [{"layer": 0, "direction": 0,
//                            "forward":  [{"t": 0, "values": [{"name": "a_i", "slide": "", "shape": [B, H], "data": [...]}, ...]}, ...],
//                            "backward": [{"t": T-1, "values": [...]}, ...]}]}]}
// Numbers are written round-trip exact (non-finite ones as the strings "NaN", "Infinity", "-Infinity").
// Every name a step can hold (dL/di, dL/dc_t (through h_t), ...) is listed in Spec/figures.md, "Trace".
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rnn.Grading.Teaching.Trace;

public static class TraceJson
{
    public const string Format = "rnn-reference/trace@1";

    public static string Render(IEnumerable<CaseTrace> traces)
    {
        var all = new JsonArray();
        foreach (var trace in traces)
        {
            var sections = new JsonArray();
            foreach (var s in trace.Sections)
                sections.Add(new JsonObject
                {
                    ["layer"] = s.Layer,
                    ["direction"] = s.Direction,
                    ["forward"] = Steps(s.Forward),
                    ["backward"] = Steps(s.Backward),
                });
            all.Add(new JsonObject
            {
                ["case"] = trace.CaseId,
                ["op"] = trace.Op,
                ["loss"] = trace.Loss,
                ["sections"] = sections,
            });
        }
        var root = new JsonObject { ["format"] = Format, ["traces"] = all };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JsonOutput.Encoder }) + "\n";
    }

    private static JsonArray Steps(IReadOnlyList<TraceStep> steps)
    {
        var array = new JsonArray();
        foreach (var step in steps)
        {
            var values = new JsonArray();
            foreach (var v in step.Values)
            {
                var data = new JsonArray();
                foreach (var x in v.Values)
                    data.Add(double.IsFinite(x) ? JsonValue.Create(x) : JsonValue.Create(double.IsNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity"));
                values.Add(new JsonObject
                {
                    ["name"] = v.Name,
                    ["slide"] = v.Slide,
                    ["shape"] = new JsonArray(v.Rows, v.Cols),
                    ["data"] = data,
                });
            }
            array.Add(new JsonObject { ["t"] = step.T, ["values"] = values });
        }
        return array;
    }
}
