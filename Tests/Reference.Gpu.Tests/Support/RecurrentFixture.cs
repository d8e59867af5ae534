// The PyTorch recurrent fixture matrix (Tests/Fixtures/pytorch/recurrent.cases.json, written by
// Tests/Fixtures/gen_recurrent.py), read with the oracle's own case reader and turned into the
// arguments of RecurrentLayer.Forward / Backward. Only the stack ops (rnn, lstm, gru) are taken:
// the slides' cells have no GPU path.
using Rnn.Grading.Oracle;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Gpu.Tests.Support;

public sealed record StackCase(
    string Id, RecurrentConfig Config, NamedTensors Parameters, Tensor Input, Tensor? H0, Tensor? C0, int[]? Lengths,
    Tensor? dOutput, Tensor? dHN, Tensor? dCN)
{
    public override string ToString() => Id;

    public int T => Config.BatchFirst && Input.Rank == 3 ? Input.Shape[1] : Input.Shape[0];

    public (RecurrentOutput Output, RecurrentGradients Grads) RunCpu()
    {
        var forward = RecurrentLayer.Forward(Config, Parameters, Input, H0, C0, Lengths);
        return (forward, RecurrentLayer.Backward(forward.Cache, dOutput, dHN, dCN));
    }

    public (RecurrentOutput Output, RecurrentGradients Grads) RunGpu(Gpu.Recurrent.GpuRecurrentLayer gpu)
    {
        var forward = gpu.Forward(Config, Parameters, Input, H0, C0, Lengths);
        return (forward, gpu.Backward(forward.Cache, dOutput, dHN, dCN));
    }
}

public static class RecurrentFixture
{
    private static readonly Lazy<IReadOnlyList<StackCase>> All = new(Load);

    public static IReadOnlyList<StackCase> Cases => All.Value;

    /// <summary>The ids, for NUnit's TestCaseSource.</summary>
    public static IEnumerable<string> Ids => Cases.Select(c => c.Id);

    public static StackCase Get(string id) => Cases.Single(c => c.Id == id);

    private static IReadOnlyList<StackCase> Load()
    {
        string path = Path.Combine(RepoPaths.Root, "Tests", "Fixtures", "pytorch", "recurrent.cases.json");
        using var stream = File.OpenRead(path);
        return CaseFile.ReadCases(stream, path).Where(c => c.Op is "rnn" or "lstm" or "gru").Select(ToStack).ToList();
    }

    private static StackCase ToStack(Case c)
    {
        var kind = c.Op switch
        {
            "lstm" => CellKind.Lstm,
            "gru" => CellKind.Gru,
            _ => ConfigReader.String(c.Config, "nonlinearity", "tanh") == "relu" ? CellKind.RnnRelu : CellKind.RnnTanh,
        };
        var config = new RecurrentConfig(kind,
            ConfigReader.Int(c.Config, "input_size"), ConfigReader.Int(c.Config, "hidden_size"),
            ConfigReader.Int(c.Config, "num_layers", 1), ConfigReader.Bool(c.Config, "bidirectional", false),
            ConfigReader.Bool(c.Config, "batch_first", false), ConfigReader.Bool(c.Config, "bias", true));
        Tensor? Optional(NamedTensors set, string name) => set.TryGet(name, out var t) ? t : null;
        var lengths = Optional(c.Inputs, "lengths")?.Data.Select(v => (int)v).ToArray();
        return new StackCase(c.Id, config, c.Params, c.Inputs["input"], Optional(c.Inputs, "h0"), Optional(c.Inputs, "c0"), lengths,
            Optional(c.GradOutputs, "output"), Optional(c.GradOutputs, "h_n"), Optional(c.GradOutputs, "c_n"));
    }
}
