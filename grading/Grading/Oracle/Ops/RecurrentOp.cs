// Oracle ops "rnn", "lstm" and "gru": PyTorch's nn.RNN / nn.LSTM / nn.GRU, names and semantics.
//   config:       input_size, hidden_size, num_layers (1), bias (true), batch_first (false),
//                 bidirectional (false), dropout (0 only), proj_size (LSTM, 0 only),
//                 nonlinearity ("tanh" | "relu", rnn only)
//   inputs:       input, h0 (zeros), c0 (LSTM, zeros), lengths (optional: packed sequences)
//   params:       weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ... (PyTorch's names)
//   grad_outputs: output, h_n, c_n (LSTM); omitted ones are zeros
//   outputs:      output (always T steps, zero past each length, as pad_packed_sequence with
//                 total_length = T), h_n, c_n (LSTM)
//   grads:        input, h0 and c0 when the case gives them, and every parameter
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
        var known = new List<string> { "input_size", "hidden_size", "num_layers", "bias", "batch_first", "bidirectional", "dropout" };
        if (Name == "rnn") known.Add("nonlinearity");
        if (lstm) known.Add("proj_size");
        ConfigReader.OnlyKeys(c.Config, Name, [.. known]);
        if (ConfigReader.Double(c.Config, "dropout", 0) != 0)
            throw new ArgumentException("config.dropout must be 0: dropout is random, so it has no single reference answer");
        if (lstm && ConfigReader.Int(c.Config, "proj_size", 0) != 0)
            throw new ArgumentException("config.proj_size must be 0: LSTM projections are not supported");
        var kind = Name switch
        {
            "lstm" => CellKind.Lstm,
            "gru" => CellKind.Gru,
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

        return new Inputs(config, input, h0, c0, lengths);
    }

    /// <summary>A recurrent case read and checked: the stack's config and its inputs (null: zeros, or every length T).</summary>
    public sealed record Inputs(RecurrentConfig Config, Tensor Input, Tensor? H0, Tensor? C0, int[]? Lengths);

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c) => Evaluate(c, Compute.Plain);

    /// <summary>Evaluate on the chosen path: the stack's plain loops or its fast path (the backward follows the forward's).</summary>
    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c, Compute compute)
    {
        var (config, input, h0, c0, lengths) = Read(c);
        var forward = RecurrentLayer.Forward(config, c.Params, input, h0, c0, lengths, compute);
        var outputs = new NamedTensors();
        outputs.Add("output", forward.Output);
        outputs.Add("h_n", forward.HN);
        if (forward.CN is not null) outputs.Add("c_n", forward.CN);

        var back = RecurrentLayer.Backward(forward.Cache,
            CaseTensors.Optional(c.GradOutputs, "output"),
            CaseTensors.Optional(c.GradOutputs, "h_n"),
            CaseTensors.Optional(c.GradOutputs, "c_n"));
        var grads = new NamedTensors();
        grads.Add("input", back.dInput);
        if (h0 is not null) grads.Add("h0", back.dH0);
        if (c0 is not null && back.dC0 is not null) grads.Add("c0", back.dC0);
        foreach (var (name, g) in back.dParameters) grads.Add(name, g);
        return (outputs, grads);
    }
}
