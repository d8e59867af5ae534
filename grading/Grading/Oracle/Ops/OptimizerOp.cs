// Oracle op "optimizer": runs one optimizer over a sequence of given gradients and reports the
// parameters after every step (Spec/optimizers.md, "Oracle op").
//   config:  {"name": "sgd" | "adam" | "adamw" | "rmsprop" | "adagrad" | "adadelta",
//             hyperparameters under PyTorch's names (betas as a 2-list), defaults PyTorch's;
//             "form": "pytorch" | "keras" for adam and rmsprop (keras: Keras's update and defaults);
//             optional "lookahead": {"k": 5, "alpha": 0.8, "inner_state": "keep" | "reset"}}
//   inputs:  each parameter's initial value under its name ("weight": [...shape]) and its
//            gradient at every step under NAME.grad ("weight.grad": [steps, ...shape]);
//            every parameter has the same number of steps >= 1
//   outputs: NAME: [steps, ...shape], the parameter after each step
//   grads:   none
using System.Text.Json.Nodes;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Oracle.Ops;

public sealed class OptimizerOp : IOp
{
    public const string GradSuffix = ".grad";

    public string Name => "optimizer";

    public (NamedTensors Outputs, NamedTensors Grads) Evaluate(Case c)
    {
        var optimizer = Build(c.Config);
        if (c.Params.Count > 0)
            throw new ArgumentException(
                $"op 'optimizer' takes the parameters as inputs (NAME and NAME{GradSuffix}) but the case has params {string.Join(", ", c.Params.Names)}");
        if (c.GradOutputs.Count > 0)
            throw new ArgumentException($"op 'optimizer' has no gradients, so grad_outputs must be empty but has {string.Join(", ", c.GradOutputs.Names)}");

        // split the inputs into parameters and their gradient sequences
        var parameters = new NamedTensors();
        foreach (var (name, t) in c.Inputs)
            if (!name.EndsWith(GradSuffix, StringComparison.Ordinal)) parameters.Add(name, t.Clone());
        if (parameters.Count == 0)
            throw new ArgumentException($"op 'optimizer' needs at least one parameter input (NAME with NAME{GradSuffix}) but the inputs are {string.Join(", ", c.Inputs.Names)}");
        int steps = -1;
        foreach (var (name, p) in parameters)
        {
            string gradName = name + GradSuffix;
            if (!c.Inputs.TryGet(gradName, out var gs))
                throw new ArgumentException($"inputs.{name} is a parameter but there is no inputs.{gradName} with its gradient at every step");
            if (gs.Rank != p.Rank + 1 || !gs.Shape.AsSpan(1).SequenceEqual(p.Shape))
                throw new ArgumentException(
                    $"inputs.{gradName} is {gs.ShapeText()} but parameter {name} is {p.ShapeText()}, so [steps, {string.Join(", ", p.Shape)}] was expected");
            if (steps < 0) steps = gs.Shape[0];
            else if (gs.Shape[0] != steps)
                throw new ArgumentException(
                    $"inputs.{gradName} has {gs.Shape[0]} steps but inputs.{parameters.Names[0]}{GradSuffix} has {steps}; every parameter needs the same number of steps");
        }
        if (steps < 1) throw new ArgumentException("the gradient sequences have 0 steps; at least 1 is needed");
        foreach (var name in c.Inputs.Names)
            if (name.EndsWith(GradSuffix, StringComparison.Ordinal) && !parameters.Contains(name[..^GradSuffix.Length]))
                throw new ArgumentException($"inputs.{name} is a gradient sequence but there is no parameter inputs.{name[..^GradSuffix.Length]}");

        var outputs = new NamedTensors();
        foreach (var (name, p) in parameters) outputs.Add(name, Tensor.Zeros([steps, .. p.Shape]));
        for (int s = 0; s < steps; s++)
        {
            var grads = new NamedTensors();
            foreach (var (name, p) in parameters)
            {
                var g = Tensor.Zeros(p.Shape);
                c.Inputs[name + GradSuffix].Data.AsSpan(s * p.Length, p.Length).CopyTo(g.Data); // grad[s, ...]
                grads.Add(name, g);
            }
            optimizer.Step(parameters, grads);
            foreach (var (name, p) in parameters)
                p.Data.CopyTo(outputs[name].Data.AsSpan(s * p.Length, p.Length)); // out[s, ...] = parameter after step s
        }
        return (outputs, new NamedTensors());
    }

    /// <summary>The optimizer a case's config describes.</summary>
    public static IOptimizer Build(JsonObject config)
    {
        string name = ConfigReader.String(config, "name");
        var lookahead = config["lookahead"];
        IOptimizer inner = name switch
        {
            "sgd" => BuildSgd(config),
            "adam" => BuildAdam(config),
            "adamw" => BuildAdamW(config),
            "rmsprop" => BuildRmsProp(config),
            "adagrad" => BuildAdagrad(config),
            "adadelta" => BuildAdadelta(config),
            _ => throw new ArgumentException(
                $"config.name is \"{name}\" but the optimizers are sgd, adam, adamw, rmsprop, adagrad, adadelta (Lookahead: add \"lookahead\")"),
        };
        return lookahead is null ? inner : new Lookahead(inner, ReadLookahead(lookahead));
    }

    private static LookaheadOptions ReadLookahead(JsonNode node)
    {
        if (node is not JsonObject la)
            throw new ArgumentException($"config.lookahead must be an object {{\"k\", \"alpha\", \"inner_state\"}} but is {node.ToJsonString()}");
        ConfigReader.OnlyKeys(la, "optimizer (config.lookahead)", "k", "alpha", "inner_state");
        var defaults = new LookaheadOptions();
        string innerState = ConfigReader.String(la, "inner_state", "keep");
        return new LookaheadOptions
        {
            K = ConfigReader.Int(la, "k", defaults.K),
            Alpha = ConfigReader.Double(la, "alpha", defaults.Alpha),
            InnerState = innerState switch
            {
                "keep" => LookaheadInnerState.Keep,
                "reset" => LookaheadInnerState.Reset,
                _ => throw new ArgumentException($"config.lookahead.inner_state must be \"keep\" or \"reset\" but is \"{innerState}\""),
            },
        };
    }

    private static Sgd BuildSgd(JsonObject config)
    {
        ConfigReader.OnlyKeys(config, "optimizer (sgd)", "name", "lookahead",
            "lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize");
        var d = new SgdOptions(0);
        return new Sgd(new SgdOptions(ConfigReader.Double(config, "lr"))
        {
            Momentum = ConfigReader.Double(config, "momentum", d.Momentum),
            Dampening = ConfigReader.Double(config, "dampening", d.Dampening),
            WeightDecay = ConfigReader.Double(config, "weight_decay", d.WeightDecay),
            Nesterov = ConfigReader.Bool(config, "nesterov", d.Nesterov),
            Maximize = ConfigReader.Bool(config, "maximize", d.Maximize),
        });
    }

    private static Adam BuildAdam(JsonObject config)
    {
        ConfigReader.OnlyKeys(config, "optimizer (adam)", "name", "lookahead",
            "lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "form");
        var d = ReadForm(config, new AdamOptions(), AdamOptions.Keras);
        return new Adam(d with
        {
            Lr = ConfigReader.Double(config, "lr", d.Lr),
            Betas = ReadBetas(config, d.Betas),
            Eps = ConfigReader.Double(config, "eps", d.Eps),
            WeightDecay = ConfigReader.Double(config, "weight_decay", d.WeightDecay),
            Amsgrad = ConfigReader.Bool(config, "amsgrad", d.Amsgrad),
            Maximize = ConfigReader.Bool(config, "maximize", d.Maximize),
        });
    }

    private static AdamW BuildAdamW(JsonObject config)
    {
        ConfigReader.OnlyKeys(config, "optimizer (adamw)", "name", "lookahead",
            "lr", "betas", "eps", "weight_decay", "amsgrad", "maximize");
        var d = new AdamWOptions();
        return new AdamW(new AdamWOptions
        {
            Lr = ConfigReader.Double(config, "lr", d.Lr),
            Betas = ReadBetas(config, d.Betas),
            Eps = ConfigReader.Double(config, "eps", d.Eps),
            WeightDecay = ConfigReader.Double(config, "weight_decay", d.WeightDecay),
            Amsgrad = ConfigReader.Bool(config, "amsgrad", d.Amsgrad),
            Maximize = ConfigReader.Bool(config, "maximize", d.Maximize),
        });
    }

    private static RmsProp BuildRmsProp(JsonObject config)
    {
        ConfigReader.OnlyKeys(config, "optimizer (rmsprop)", "name", "lookahead",
            "lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize", "form");
        var d = ReadForm(config, new RmsPropOptions(), RmsPropOptions.Keras);
        return new RmsProp(d with
        {
            Lr = ConfigReader.Double(config, "lr", d.Lr),
            Alpha = ConfigReader.Double(config, "alpha", d.Alpha),
            Eps = ConfigReader.Double(config, "eps", d.Eps),
            WeightDecay = ConfigReader.Double(config, "weight_decay", d.WeightDecay),
            Momentum = ConfigReader.Double(config, "momentum", d.Momentum),
            Centered = ConfigReader.Bool(config, "centered", d.Centered),
            Maximize = ConfigReader.Bool(config, "maximize", d.Maximize),
        });
    }

    private static Adagrad BuildAdagrad(JsonObject config)
    {
        ConfigReader.OnlyKeys(config, "optimizer (adagrad)", "name", "lookahead",
            "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize");
        var d = new AdagradOptions();
        return new Adagrad(new AdagradOptions
        {
            Lr = ConfigReader.Double(config, "lr", d.Lr),
            LrDecay = ConfigReader.Double(config, "lr_decay", d.LrDecay),
            WeightDecay = ConfigReader.Double(config, "weight_decay", d.WeightDecay),
            InitialAccumulatorValue = ConfigReader.Double(config, "initial_accumulator_value", d.InitialAccumulatorValue),
            Eps = ConfigReader.Double(config, "eps", d.Eps),
            Maximize = ConfigReader.Bool(config, "maximize", d.Maximize),
        });
    }

    private static Adadelta BuildAdadelta(JsonObject config)
    {
        ConfigReader.OnlyKeys(config, "optimizer (adadelta)", "name", "lookahead",
            "lr", "rho", "eps", "weight_decay", "maximize");
        var d = new AdadeltaOptions();
        return new Adadelta(new AdadeltaOptions
        {
            Lr = ConfigReader.Double(config, "lr", d.Lr),
            Rho = ConfigReader.Double(config, "rho", d.Rho),
            Eps = ConfigReader.Double(config, "eps", d.Eps),
            WeightDecay = ConfigReader.Double(config, "weight_decay", d.WeightDecay),
            Maximize = ConfigReader.Bool(config, "maximize", d.Maximize),
        });
    }

    /// <summary>The defaults config.form names: PyTorch's ("pytorch", the default) or Keras's ("keras").</summary>
    private static T ReadForm<T>(JsonObject config, T pytorch, T keras)
    {
        string form = ConfigReader.String(config, "form", "pytorch");
        return form switch
        {
            "pytorch" => pytorch,
            "keras" => keras,
            _ => throw new ArgumentException($"config.form must be \"pytorch\" or \"keras\" but is \"{form}\""),
        };
    }

    private static (double, double) ReadBetas(JsonObject config, (double, double) fallback)
    {
        if (config["betas"] is null) return fallback;
        var betas = ConfigReader.Doubles(config, "betas");
        if (betas.Length != 2)
            throw new ArgumentException($"config.betas must be a list of 2 numbers [beta1, beta2] but has {betas.Length}");
        return (betas[0], betas[1]);
    }
}
