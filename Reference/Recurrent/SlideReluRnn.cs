// The vanilla ReLU RNN exactly as the 95-865 slides write it in NumPy ("(Flashback) Vanilla
// ReLU RNN"). Readable first: plain loops. Equations and the slide text in Spec/relu-rnn-slide.md.
//
//   parameters: W [H, I] (input weights), U [H, H] (state weights), b [H] (one bias)
//   linear_t = x_t Wᵀ + b + state_{t-1} Uᵀ
//   output_t = max(0, linear_t),   state_t = output_t,   state_{-1} = 0 (or a given h0)
//
// Unlike PyTorch's nn.RNN(nonlinearity="relu") this has one bias, not two; with b_ih = b and
// b_hh = 0 the two compute the same thing (a test holds that).
// T = steps, B = batch, I = input size, H = hidden size. The slide feeds one sequence
// ([T, I]); a batch [T, B, I] runs B sequences side by side.
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Recurrent;

/// <summary>Gradients of the slide's ReLU RNN, named as its parameters.</summary>
public sealed record SlideReluRnnGradients(Tensor dW, Tensor dU, Tensor db, Tensor dInput, Tensor dH0);

/// <summary>The 95-865 slides' NumPy ReLU RNN (W [H, I], U [H, H], one bias b [H]) in both loop forms, with BPTT (Spec/relu-rnn-slide.md).</summary>
public static class SlideReluRnn
{
    /// <summary>The first loop form on the slide: carry current_state through the sequence.</summary>
    /// <returns>outputs [T, H] (or [T, B, H]): the output at every time step.</returns>
    public static Tensor Forward(Tensor W, Tensor U, Tensor b, Tensor inputSequence, Tensor? h0 = null)
    {
        var (T, B, I, H) = Dims(W, U, b, inputSequence, h0);
        var outputs = new double[T * B * H];                      // [T, B, H]

        // slide: current_state = np.zeros(num_nodes)
        var currentState = h0 is null ? new double[B * H] : (double[])h0.Data.Clone();   // [B, H]
        var linear = new double[B * H];                           // [B, H]
        for (int t = 0; t < T; t++)
        {
            var input = inputSequence.Data.AsSpan(t * B * I, B * I);                       // x[t]
            // slide: linear = np.dot(input, W.T) + b + np.dot(current_state, U.T)
            MatMul.Forward(input, W.Data, b.Data, B, I, H, linear);
            MatMul.ForwardAccumulate(currentState, U.Data, B, H, H, linear);
            // slide: output = np.maximum(0, linear) # ReLU
            var output = outputs.AsSpan(t * B * H, B * H);
            for (int k = 0; k < B * H; k++) output[k] = Activations.Relu(linear[k]);
            // slide: current_state = output
            output.CopyTo(currentState);
        }
        return new Tensor(OutputShape(inputSequence, T, B, H), outputs);
    }

    /// <summary>
    /// The second loop form on the slide ("another way to code it"): no state variable, the
    /// step t = 0 is a special case and later steps read outputs[t-1]. It starts from a zero
    /// state, as the slide does.
    /// </summary>
    public static Tensor ForwardTimeZeroSpecialCase(Tensor W, Tensor U, Tensor b, Tensor inputSequence)
    {
        var (T, B, I, H) = Dims(W, U, b, inputSequence, null);
        // slide: outputs = np.zeros((len(input_sequence), num_nodes))
        var outputs = new double[T * B * H];                      // [T, B, H]
        var linear = new double[B * H];
        for (int t = 0; t < T; t++)
        {
            var input = inputSequence.Data.AsSpan(t * B * I, B * I);
            if (t == 0)
            {
                // slide: outputs[t] = np.maximum(0, np.dot(input_sequence[t], W.T) + b)
                MatMul.Forward(input, W.Data, b.Data, B, I, H, linear);
            }
            else
            {
                // slide: outputs[t] = np.maximum(0, np.dot(input_sequence[t], W.T) + b + np.dot(outputs[t-1], U.T))
                MatMul.Forward(input, W.Data, b.Data, B, I, H, linear);
                MatMul.ForwardAccumulate(outputs.AsSpan((t - 1) * B * H, B * H), U.Data, B, H, H, linear);
            }
            for (int k = 0; k < B * H; k++) outputs[t * B * H + k] = Activations.Relu(linear[k]);
        }
        return new Tensor(OutputShape(inputSequence, T, B, H), outputs);
    }

    /// <summary>"For simplicity, in today's lecture, we only use the very last time step's output": outputs[T-1].</summary>
    public static Tensor LastOutput(Tensor outputs)
    {
        RequireSequence(outputs, nameof(outputs));
        int T = outputs.Shape[0], rest = outputs.Length / T;
        return new Tensor(outputs.Shape[1..], outputs.Data.AsSpan((T - 1) * rest, rest).ToArray());
    }

    /// <summary>
    /// Back-propagation through time. dOutputs [T, H] (or [T, B, H]) is dL/d(output_t) for every
    /// step; for a loss on the last step only, use BackwardLastStep. outputs is Forward's result.
    /// </summary>
    public static SlideReluRnnGradients Backward(
        Tensor W, Tensor U, Tensor b, Tensor inputSequence, Tensor outputs, Tensor dOutputs, Tensor? h0 = null)
    {
        var (T, B, I, H) = Dims(W, U, b, inputSequence, h0);
        int[] outShape = OutputShape(inputSequence, T, B, H);
        Require.Shape(outputs, nameof(outputs), outShape);
        Require.Shape(dOutputs, nameof(dOutputs), outShape);

        var dW = Tensor.Zeros(H, I);
        var dU = Tensor.Zeros(H, H);
        var db = Tensor.Zeros(H);
        var dInput = Tensor.Zeros(inputSequence.Shape);
        var dStateNext = new double[B * H];                       // dL/d(current_state) flowing back from step t+1
        var dLinear = new double[B * H];
        var zeros = new double[B * H];
        // slide (STATS 507, "Backpropagation through time"): ∂L^(T)/∂W = Σ_{t=1}^{T} ∂L^(T)/∂W |_(t)
        //   (the 95-865 decks show no BPTT line, only "Careful derivative chain rule calculation:
        //   back-propagation"): each step adds its part to dW, dU, db (+=); dStateNext carries the state's gradient back
        for (int t = T - 1; t >= 0; t--)
        {
            // the state after step t is its output, which also reaches the loss directly
            var output = outputs.Data.AsSpan(t * B * H, B * H);
            var dOut = dOutputs.Data.AsSpan(t * B * H, B * H);
            // forward: output = np.maximum(0, linear); the derivative at linear = 0 is taken as 0
            for (int k = 0; k < B * H; k++)
                dLinear[k] = (dOut[k] + dStateNext[k]) * Activations.ReluGrad(output[k]);

            // forward: linear = np.dot(input, W.T) + b + np.dot(current_state, U.T)
            ReadOnlySpan<double> previousState = t > 0 ? outputs.Data.AsSpan((t - 1) * B * H, B * H)
                : h0 is null ? zeros : h0.Data;
            var dPrevious = new double[B * H];
            MatMul.Backward(dLinear, inputSequence.Data.AsSpan(t * B * I, B * I), W.Data, B, I, H,
                dInput.Data.AsSpan(t * B * I, B * I), dW.Data, db.Data);
            MatMul.Backward(dLinear, previousState, U.Data, B, H, H, dPrevious, dU.Data, []);
            dStateNext = dPrevious;
        }
        var dH0 = new Tensor(inputSequence.Rank == 2 ? [H] : [B, H], dStateNext);
        return new SlideReluRnnGradients(dW, dU, db, dInput, dH0);
    }

    /// <summary>Backward when only the last step's output [H] (or [B, H]) feeds the loss.</summary>
    public static SlideReluRnnGradients BackwardLastStep(
        Tensor W, Tensor U, Tensor b, Tensor inputSequence, Tensor outputs, Tensor dLastOutput, Tensor? h0 = null)
    {
        RequireSequence(outputs, nameof(outputs));
        var dOutputs = Tensor.Zeros(outputs.Shape);
        Require.Shape(dLastOutput, nameof(dLastOutput), outputs.Shape[1..]);
        dLastOutput.Data.CopyTo(dOutputs.Data, dOutputs.Length - dLastOutput.Length);
        return Backward(W, U, b, inputSequence, outputs, dOutputs, h0);
    }

    private static void RequireSequence(Tensor outputs, string name)
    {
        Require.NotNull(outputs, name);
        if (outputs.Rank is not (2 or 3) || outputs.Shape[0] < 1)
            throw new ArgumentException($"{name} is {outputs.ShapeText()} but [T, H] or [T, B, H] with T >= 1 was expected", name);
    }

    private static int[] OutputShape(Tensor inputSequence, int T, int B, int H) =>
        inputSequence.Rank == 2 ? [T, H] : [T, B, H];

    private static (int T, int B, int I, int H) Dims(Tensor W, Tensor U, Tensor b, Tensor inputSequence, Tensor? h0)
    {
        Require.Rank(W, "W", 2, "[H, I]");
        int H = W.Shape[0], I = W.Shape[1];
        if (H < 1 || I < 1) throw new ArgumentException($"W is {W.ShapeText()} but hidden and input sizes must be at least 1", nameof(W));
        Require.Shape(U, "U", [H, H]);
        Require.Shape(b, "b", [H]);
        Require.NotNull(inputSequence, nameof(inputSequence));
        if (inputSequence.Rank is not (2 or 3) || inputSequence.Shape[^1] != I)
            throw new ArgumentException(
                $"inputSequence is {inputSequence.ShapeText()} but W is {W.ShapeText()}, so [T, {I}] or [T, B, {I}] was expected",
                nameof(inputSequence));
        int T = inputSequence.Shape[0], B = inputSequence.Rank == 3 ? inputSequence.Shape[1] : 1;
        if (T < 1 || B < 1)
            throw new ArgumentException($"inputSequence is {inputSequence.ShapeText()} but needs at least 1 step and 1 batch element", nameof(inputSequence));
        if (h0 is not null) Require.Shape(h0, "h0", inputSequence.Rank == 2 ? [H] : [B, H]);
        return (T, B, I, H);
    }
}
