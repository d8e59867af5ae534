// Oracle ops "rnn", "lstm" and "gru": PyTorch's nn.RNN / nn.LSTM / nn.GRU, names and semantics.
//   config:       input_size, hidden_size, num_layers (1), bias (true), batch_first (false),
//                 bidirectional (false), dropout (0 only), proj_size (LSTM, 0 only),
//                 nonlinearity ("tanh" | "relu", rnn only), reset_after (gru only: true, nn.GRU;
//                 false, the reset-before GRU), convention ("pytorch" | "keras" | "cs231n" | "d2l" |
//                 "ng" | "95-865" | "stats507": the params' names and shapes, Spec/conventions.md)
//   inputs:       input, h0 (zeros), c0 (LSTM, zeros), lengths (optional: packed sequences)
//   params:       weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ... (PyTorch's names), or the
//                 convention's (kernel, recurrent_kernel, bias; Wx, Wh, b; ...)
//   grad_outputs: output, h_n, c_n (LSTM); omitted ones are zeros
//   outputs:      output (always T steps, zero past each length, as pad_packed_sequence with
//                 total_length = T), h_n, c_n (LSTM)
//   grads:        input, h0 and c0 when the case gives them, and every parameter (under the
//                 convention's names and shapes when the case gives one)
//   notes:        under a convention that merges bias_ih and bias_hh, what was done with them
// On the CPU (RecurrentLayer, plain loops or fast path), or on a GPU device (eval --device:
// Reference.Gpu's GpuRecurrentLayer, which takes the same arguments and returns the same records;
// it has PyTorch's GRU only, so a reset-before GRU stays on the CPU: RunsOnDevice).
using Rnn.Reference.Conventions;
using Rnn.Reference.Gpu.Recurrent;
using Rnn.Reference.Numerics;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Oracle.Ops;

public sealed class RecurrentOp(string name) : IOp
{
    public string Name { get; } = name;

    /// <summary>Reads the case's config and inputs as this op defines them (the checks and messages of Evaluate).</summary>
    public Inputs Read(Case c)
    {
        bool lstm = Name == "lstm";
        var known = new List<string> { "input_size", "hidden_size", "num_layers", "bias", "batch_first", "bidirectional", "dropout", ConventionOption.Key };
        if (Name == "rnn") known.Add("nonlinearity");
        if (Name == "gru") known.Add("reset_after");
        if (lstm) known.Add("proj_size");
        ConfigReader.OnlyKeys(c.Config, Name, [.. known]);
        if (ConfigReader.Double(c.Config, "dropout", 0) != 0)
            throw new ArgumentException("config.dropout must be 0: dropout is random, so it has no single reference answer");
        if (lstm && ConfigReader.Int(c.Config, "proj_size", 0) != 0)
            throw new ArgumentException("config.proj_size must be 0: LSTM projections are not supported");
        var convention = ConventionOption.Read(c.Config);
        var kind = Name switch
        {
            "lstm" => CellKind.Lstm,
            "gru" => ConfigReader.Bool(c.Config, "reset_after", convention?.GruResetAfterByDefault ?? true) ? CellKind.Gru : CellKind.GruResetBefore,
            _ => ConfigReader.String(c.Config, "nonlinearity", "tanh") switch
            {
                "tanh" => CellKind.RnnTanh,
                "relu" => CellKind.RnnRelu,
                var other => throw new ArgumentException($"config.nonlinearity must be \"tanh\" or \"relu\" but is \"{other}\""),
            },
        };
        var config = new RecurrentConfig(kind,
            ConfigReader.Int(c.Config, "input_size"),
            ConfigReader.Int(c.Config, "hidden_size"),
            ConfigReader.Int(c.Config, "num_layers", 1),
            ConfigReader.Bool(c.Config, "bidirectional", false),
            ConfigReader.Bool(c.Config, "batch_first", false),
            ConfigReader.Bool(c.Config, "bias", true));

        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, lstm ? ["input", "h0", "c0", "lengths"] : ["input", "h0", "lengths"]);
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, lstm ? ["output", "h_n", "c_n"] : ["output", "h_n"]);
        var input = CaseTensors.Required(c.Inputs, "inputs", "input", Name);
        var h0 = CaseTensors.Optional(c.Inputs, "h0");
        var c0 = CaseTensors.Optional(c.Inputs, "c0");
        var lengthsTensor = CaseTensors.Optional(c.Inputs, "lengths");
        int[]? lengths = null;
        if (lengthsTensor is not null)
        {
            if (lengthsTensor.Rank != 1)
                throw new ArgumentException($"inputs.lengths is {lengthsTensor.ShapeText()} but a list [B] was expected");
            lengths = CaseTensors.Integers(lengthsTensor, "inputs.lengths");
        }

        // the convention's names and shapes are checked here, with messages naming the convention
        var parameters = convention is null ? c.Params : convention.ToPyTorch(config, c.Params);
        return new Inputs(config, input, h0, c0, lengths, parameters, convention);
    }

    /// <summary>
    /// A recurrent case read and checked: the stack's config, its inputs (null: zeros, or every
    /// length T), its params in PyTorch's names and layout, and the convention they were given in
    /// (null: PyTorch's own).
    /// </summary>
    public sealed record Inputs(RecurrentConfig Config, Tensor Input, Tensor? H0, Tensor? C0, int[]? Lengths,
        NamedTensors Params, Convention? Convention);

    /// <summary>Under a convention that merges PyTorch's two biases, what the oracle did with them.</summary>
    public IReadOnlyList<string> Notes(Case c)
    {
        var read = Read(c);
        return read.Convention?.BiasNotes(read.Config) ?? [];
    }

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c) => Evaluate(c, Compute.Plain);

    /// <summary>
    /// Whether the GPU path computes this case: every cell but the reset-before GRU (the GPU kernels
    /// have PyTorch's GRU only). A case whose config cannot be read counts as on the device; it fails
    /// there with the same message as on the CPU.
    /// </summary>
    public bool RunsOnDevice(Case c)
    {
        try { return Read(c).Config.Kind != CellKind.GruResetBefore; }
        catch (ArgumentException) { return true; }
    }

    /// <summary>Evaluate on the chosen path: the stack's plain loops or its fast path (the backward follows the forward's).</summary>
    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c, Compute compute) => Evaluate(c, compute, gpu: null);

    /// <summary>Evaluate on the GPU layer's device (Reference.Gpu).</summary>
    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c, GpuRecurrentLayer gpu) =>
        Evaluate(c, Compute.Plain, gpu ?? throw new ArgumentNullException(nameof(gpu)));

    private (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c, Compute compute, GpuRecurrentLayer? gpu)
    {
        var (config, input, h0, c0, lengths, parameters, convention) = Read(c);
        var forward = gpu is null
            ? RecurrentLayer.Forward(config, parameters, input, h0, c0, lengths, compute)
            : gpu.Forward(config, parameters, input, h0, c0, lengths);
        var outputs = new NamedTensors();
        outputs.Add("output", forward.Output);
        outputs.Add("h_n", forward.HN);
        if (forward.CN is not null) outputs.Add("c_n", forward.CN);

        var dOutput = CaseTensors.Optional(c.GradOutputs, "output");
        var dHN = CaseTensors.Optional(c.GradOutputs, "h_n");
        var dCN = CaseTensors.Optional(c.GradOutputs, "c_n");
        var back = gpu is null ? RecurrentLayer.Backward(forward.Cache, dOutput, dHN, dCN) : gpu.Backward(forward.Cache, dOutput, dHN, dCN);
        var grads = new NamedTensors();
        grads.Add("input", back.dInput);
        if (h0 is not null) grads.Add("h0", back.dH0);
        if (c0 is not null && back.dC0 is not null) grads.Add("c0", back.dC0);
        // dL/dθ of the convention's tensors: the adjoint of its mapping (a merged bias gets dL/dbias_ih)
        var dParameters = convention is null ? back.dParameters : convention.GradientsFromPyTorch(config, back.dParameters);
        foreach (var (name, g) in dParameters) grads.Add(name, g);
        return (outputs, grads);
    }
}
