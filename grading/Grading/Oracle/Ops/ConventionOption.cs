// The "convention" option of the ops rnn, lstm, gru and linear (Spec/conventions.md): a case may
// give its params under another framework's names and shapes (Keras's kernel [I, 4H], CS231n's
// Wx, d2l's W_xi, Ng's Wf on [a_prev, x], the slides' W, U, b); the op converts them to PyTorch's
// layout, runs PyTorch's computation, and returns the parameters' gradients under the same names
// and shapes. Inputs, states and outputs are never converted.
using System.Text.Json.Nodes;
using Rnn.Reference.Conventions;

namespace Rnn.Grading.Oracle.Ops;

public static class ConventionOption
{
    public const string Key = "convention";

    /// <summary>The case's config.convention, or null when the case gives none (PyTorch's own names).</summary>
    public static Convention? Read(JsonObject config)
    {
        if (config[Key] is null) return null;
        string name = ConfigReader.String(config, Key);
        return ConventionRegistry.All.FirstOrDefault(c => c.Name == name)
            ?? throw new ArgumentException(
                $"config.convention is \"{name}\" but the conventions are {string.Join(", ", ConventionRegistry.Names)}");
    }
}
