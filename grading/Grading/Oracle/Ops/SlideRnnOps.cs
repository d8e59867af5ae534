// Oracle ops for the slides' own cells, with the slides' parameter names.
//
// "relu_rnn_slide" (95-865 vanilla ReLU RNN, NumPy form):
//   params W [H, I], U [H, H], b [H]; inputs input [T, I] or [T, B, I], h0 (zeros);
//   outputs output (every step), last_output (the very last step's output);
//   grad_outputs output, last_output (omitted = zeros); grads W, U, b, input, h0 (when given).
//   config: none.
// "tanh_rnn_slide" (STATS 507 cell; MATH80629's U, W, V are Wxh, Whh, Why):
//   params Wxh [H, I], Whh [H, H], Why [O, H]; inputs input, h0 (zeros);
//   outputs output (y_t every step), h_n; grad_outputs output, h_n; grads Wxh, Whh, Why, input, h0 (when given).
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Oracle.Ops;

public sealed class ReluRnnSlideOp : IOp
{
    public string Name => "relu_rnn_slide";

    /// <summary>The case's weights and inputs, checked as this op defines them.</summary>
    public sealed record Inputs(Tensor W, Tensor U, Tensor b, Tensor Input, Tensor? H0);

    public Inputs Read(Case c)
    {
        ConfigReader.OnlyKeys(c.Config, Name);
        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, ["input", "h0"]);
        CaseTensors.OnlyNames(c.Params, "params", Name, ["W", "U", "b"]);
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, ["output", "last_output"]);
        return new Inputs(CaseTensors.Required(c.Params, "params", "W", Name), CaseTensors.Required(c.Params, "params", "U", Name),
            CaseTensors.Required(c.Params, "params", "b", Name), CaseTensors.Required(c.Inputs, "inputs", "input", Name), CaseTensors.Optional(c.Inputs, "h0"));
    }

    /// <summary>The upstream gradient of every step's output: grad_outputs.output plus grad_outputs.last_output at the last step.</summary>
    public static Tensor UpstreamOfEveryStep(Case c, Tensor outputs)
    {
        var last = SlideReluRnn.LastOutput(outputs);
        var dOutputs = CaseTensors.Upstream(c, "output", outputs.Shape).Clone();
        if (c.GradOutputs.Contains("last_output"))
        {
            var dLast = CaseTensors.Upstream(c, "last_output", last.Shape);
            // last_output is outputs[T-1], so its gradient adds to that step's
            int offset = dOutputs.Length - dLast.Length;
            for (int k = 0; k < dLast.Length; k++) dOutputs.Data[offset + k] += dLast.Data[k];
        }
        return dOutputs;
    }

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c)
    {
        var (W, U, b, input, h0) = Read(c);
        var outputs = SlideReluRnn.Forward(W, U, b, input, h0);
        var last = SlideReluRnn.LastOutput(outputs);
        var dOutputs = UpstreamOfEveryStep(c, outputs);
        var g = SlideReluRnn.Backward(W, U, b, input, outputs, dOutputs, h0);

        var outs = new NamedTensors();
        outs.Add("output", outputs);
        outs.Add("last_output", last);
        var grads = new NamedTensors();
        grads.Add("input", g.dInput);
        if (h0 is not null) grads.Add("h0", g.dH0);
        grads.Add("W", g.dW);
        grads.Add("U", g.dU);
        grads.Add("b", g.db);
        return (outs, grads);
    }
}

public sealed class TanhRnnSlideOp : IOp
{
    public string Name => "tanh_rnn_slide";

    /// <summary>The case's weights and inputs, checked as this op defines them.</summary>
    public sealed record Inputs(Tensor Wxh, Tensor Whh, Tensor Why, Tensor Input, Tensor? H0);

    public Inputs Read(Case c)
    {
        ConfigReader.OnlyKeys(c.Config, Name);
        CaseTensors.OnlyNames(c.Inputs, "inputs", Name, ["input", "h0"]);
        CaseTensors.OnlyNames(c.Params, "params", Name, ["Wxh", "Whh", "Why"]);
        CaseTensors.OnlyNames(c.GradOutputs, "grad_outputs", Name, ["output", "h_n"]);
        return new Inputs(CaseTensors.Required(c.Params, "params", "Wxh", Name), CaseTensors.Required(c.Params, "params", "Whh", Name),
            CaseTensors.Required(c.Params, "params", "Why", Name), CaseTensors.Required(c.Inputs, "inputs", "input", Name), CaseTensors.Optional(c.Inputs, "h0"));
    }

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c)
    {
        var (Wxh, Whh, Why, input, h0) = Read(c);

        var forward = SlideTanhRnn.Forward(Wxh, Whh, Why, input, h0);
        var g = SlideTanhRnn.Backward(Wxh, Whh, Why, input, forward,
            CaseTensors.Optional(c.GradOutputs, "output"), CaseTensors.Optional(c.GradOutputs, "h_n"));

        var outs = new NamedTensors();
        outs.Add("output", forward.Y);
        outs.Add("h_n", forward.HN);
        var grads = new NamedTensors();
        grads.Add("input", g.dInput);
        if (h0 is not null) grads.Add("h0", g.dH0);
        grads.Add("Wxh", g.dWxh);
        grads.Add("Whh", g.dWhh);
        grads.Add("Why", g.dWhy);
        return (outs, grads);
    }
}
