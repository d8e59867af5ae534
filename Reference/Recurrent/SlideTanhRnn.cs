// The tanh RNN cell as the STATS 507 slides write it (a hand-made nn.Module with Wxh, Whh,
// Why and no biases), run over a sequence. The MATH80629 slides' U, V, W are the same cell:
// U = Wxh, W = Whh, V = Why (h_t = tanh(U x_t + W h_{t-1}), y_t = f(V h_t) with f the identity).
// Readable first: plain loops. Equations in Spec/tanh-rnn-slide.md.
//
//   h_t = tanh(x_t Wxhᵀ + h_{t-1} Whhᵀ)          Wxh [H, I], Whh [H, H]
//   y_t = h_t Whyᵀ                               Why [O, H]
//
// T = steps, B = batch, I = input size, H = hidden size, O = output size.
// Input [T, B, I] (or one sequence [T, I]); h0 [B, H] (or [H]) defaults to zeros as the
// slide's `self.h = torch.zeros(x.size(0), self.hidden_size)`.
using Rnn.Reference.Numerics;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Recurrent;

/// <summary>Y [T, B, O] every step's output; Hs [T+1, B, H] the states, Hs[0] = h0 and Hs[T] = h_n.</summary>
public sealed record SlideTanhRnnOutput(Tensor Y, Tensor HN, double[] Hs);

/// <summary>Gradients of the STATS 507 tanh cell, each with the shape of what it differentiates.</summary>
/// <param name="dWxh">[H, I]</param>
/// <param name="dWhh">[H, H]</param>
/// <param name="dWhy">[O, H]</param>
/// <param name="dInput">the input's shape, [T, B, I] or [T, I]</param>
/// <param name="dH0">h0's shape, [B, H] or [H]</param>
public sealed record SlideTanhRnnGradients(Tensor dWxh, Tensor dWhh, Tensor dWhy, Tensor dInput, Tensor dH0);

/// <summary>The STATS 507 slides' tanh cell (Wxh [H, I], Whh [H, H], Why [O, H], no biases) over a sequence, with BPTT (Spec/tanh-rnn-slide.md).</summary>
public static class SlideTanhRnn
{
    /// <summary>One step for B rows: h = tanh(x Wxhᵀ + hPrev Whhᵀ); y = h Whyᵀ.</summary>
    public static void StepForward(
        ReadOnlySpan<double> x,       // [B, I]
        ReadOnlySpan<double> hPrev,   // [B, H]
        ReadOnlySpan<double> Wxh, ReadOnlySpan<double> Whh, ReadOnlySpan<double> Why,
        int B, int I, int H, int O,
        Span<double> h,               // [B, H] (written)
        Span<double> y)               // [B, O] (written)
    {
        CheckSizes(B, I, H, O);
        Require.Length(x, nameof(x), "B*I", B, I);
        Require.Length(hPrev, nameof(hPrev), "B*H", B, H);
        Require.Length(Wxh, nameof(Wxh), "H*I", H, I);
        Require.Length(Whh, nameof(Whh), "H*H", H, H);
        Require.Length(Why, nameof(Why), "O*H", O, H);
        Require.Length(h, nameof(h), "B*H", B, H);
        Require.Length(y, nameof(y), "B*O", B, O);

        // slide: self.h = torch.tanh(x @ self.Wxh.t() + self.h @ self.Whh.t())
        MatMul.Forward(x, Wxh, [], B, I, H, h);
        MatMul.ForwardAccumulate(hPrev, Whh, B, H, H, h);
        for (int k = 0; k < B * H; k++) h[k] = Activations.Tanh(h[k]);
        // slide: output = F.linear(self.h, self.Why)
        MatMul.Forward(h, Why, [], B, H, O, y);
    }

    /// <summary>Backward of one step: dh is the total gradient reaching h_t from step t+1; dy that of y_t.</summary>
    public static void StepBackward(
        ReadOnlySpan<double> dy,      // [B, O]
        ReadOnlySpan<double> dh,      // [B, H] from step t+1 (dhNext)
        ReadOnlySpan<double> x,       // [B, I]
        ReadOnlySpan<double> h,       // [B, H] h_t
        ReadOnlySpan<double> hPrev,   // [B, H] h_{t-1}
        ReadOnlySpan<double> Wxh, ReadOnlySpan<double> Whh, ReadOnlySpan<double> Why,
        int B, int I, int H, int O,
        Span<double> dx,              // [B, I] +=
        Span<double> dhPrev,          // [B, H] +=
        Span<double> dWxh, Span<double> dWhh, Span<double> dWhy)   // +=
    {
        CheckSizes(B, I, H, O);
        Require.Length(dy, nameof(dy), "B*O", B, O);
        Require.Length(dh, nameof(dh), "B*H", B, H);
        Require.Length(x, nameof(x), "B*I", B, I);
        Require.Length(h, nameof(h), "B*H", B, H);
        Require.Length(hPrev, nameof(hPrev), "B*H", B, H);
        Require.Length(Wxh, nameof(Wxh), "H*I", H, I);
        Require.Length(Whh, nameof(Whh), "H*H", H, H);
        Require.Length(Why, nameof(Why), "O*H", O, H);
        Require.Length(dx, nameof(dx), "B*I", B, I);
        Require.Length(dhPrev, nameof(dhPrev), "B*H", B, H);
        Require.Length(dWxh, nameof(dWxh), "H*I", H, I);
        Require.Length(dWhh, nameof(dWhh), "H*H", H, H);
        Require.Length(dWhy, nameof(dWhy), "O*H", O, H);

        // forward: y = h Whyᵀ
        var dhTotal = dh.ToArray();
        MatMul.Backward(dy, h, Why, B, H, O, dhTotal, dWhy, []);
        // forward: h = tanh(a), tanh'(a) = 1 - h^2
        var da = new double[B * H];
        for (int k = 0; k < B * H; k++) da[k] = dhTotal[k] * Activations.TanhGradFromOutput(h[k]);
        // forward: a = x Wxhᵀ + hPrev Whhᵀ
        MatMul.Backward(da, x, Wxh, B, I, H, dx, dWxh, []);
        MatMul.Backward(da, hPrev, Whh, B, H, H, dhPrev, dWhh, []);
    }

    /// <summary>Runs the cell over input [T, B, I] (or [T, I]) from h0 [B, H] (or [H]; null: zeros); the output holds every step's y and state.</summary>
    public static SlideTanhRnnOutput Forward(Tensor Wxh, Tensor Whh, Tensor Why, Tensor input, Tensor? h0 = null)
    {
        var (T, B, I, H, O) = Dims(Wxh, Whh, Why, input, h0);
        var hs = new double[(T + 1) * B * H];                     // [T+1, B, H]
        var ys = new double[T * B * O];                           // [T, B, O]
        h0?.Data.CopyTo(hs, 0);
        for (int t = 0; t < T; t++)
            StepForward(input.Data.AsSpan(t * B * I, B * I), hs.AsSpan(t * B * H, B * H),
                Wxh.Data, Whh.Data, Why.Data, B, I, H, O,
                hs.AsSpan((t + 1) * B * H, B * H), ys.AsSpan(t * B * O, B * O));
        bool single = input.Rank == 2;
        return new SlideTanhRnnOutput(
            new Tensor(single ? [T, O] : [T, B, O], ys),
            new Tensor(single ? [H] : [B, H], hs.AsSpan(T * B * H, B * H).ToArray()),
            hs);
    }

    /// <summary>BPTT: dY [T, B, O] for every step's output, dHN [B, H] for the final state (null = zeros).</summary>
    public static SlideTanhRnnGradients Backward(
        Tensor Wxh, Tensor Whh, Tensor Why, Tensor input, SlideTanhRnnOutput forward, Tensor? dY, Tensor? dHN = null)
    {
        var (T, B, I, H, O) = Dims(Wxh, Whh, Why, input, null);
        bool single = input.Rank == 2;
        ArgumentNullException.ThrowIfNull(forward);
        // forward must be this input's forward pass: its states are read step by step below
        Require.Shape(forward.Y, "forward.Y", single ? [T, O] : [T, B, O]);
        if (forward.Hs is null || forward.Hs.Length != (T + 1) * B * H)
            throw new ArgumentException(
                $"forward.Hs has {forward.Hs?.Length ?? 0} values but this input needs (T + 1) * B * H = {(T + 1) * B * H} (T = {T}, B = {B}, H = {H})",
                nameof(forward));
        if (dY is not null) Require.Shape(dY, nameof(dY), single ? [T, O] : [T, B, O]);
        if (dHN is not null) Require.Shape(dHN, nameof(dHN), single ? [H] : [B, H]);
        var dWxh = Tensor.Zeros(H, I);
        var dWhh = Tensor.Zeros(H, H);
        var dWhy = Tensor.Zeros(O, H);
        var dInput = Tensor.Zeros(input.Shape);
        var dhNext = dHN is null ? new double[B * H] : (double[])dHN.Data.Clone();   // [B, H]
        var dyZero = new double[B * O];
        // slide (STATS 507, "Backpropagation through time"): ∂L^(T)/∂W = Σ_{t=1}^{T} ∂L^(T)/∂W |_(t)
        // slide (MATH80629): Following the structure the gradient is back propagated through time
        //   each step's StepBackward adds its part to dWxh, dWhh, dWhy (+=); dhNext carries dL/dh_t back
        for (int t = T - 1; t >= 0; t--)
        {
            var dhPrev = new double[B * H];
            StepBackward(dY is null ? dyZero : dY.Data.AsSpan(t * B * O, B * O), dhNext,
                input.Data.AsSpan(t * B * I, B * I), forward.Hs.AsSpan((t + 1) * B * H, B * H), forward.Hs.AsSpan(t * B * H, B * H),
                Wxh.Data, Whh.Data, Why.Data, B, I, H, O,
                dInput.Data.AsSpan(t * B * I, B * I), dhPrev, dWxh.Data, dWhh.Data, dWhy.Data);
            dhNext = dhPrev;
        }
        return new SlideTanhRnnGradients(dWxh, dWhh, dWhy, dInput, new Tensor(single ? [H] : [B, H], dhNext));
    }

    private static void CheckSizes(int B, int I, int H, int O)
    {
        Require.Size(B, nameof(B));
        Require.Size(I, nameof(I));
        Require.Size(H, nameof(H));
        Require.Size(O, nameof(O));
    }

    private static (int T, int B, int I, int H, int O) Dims(Tensor Wxh, Tensor Whh, Tensor Why, Tensor input, Tensor? h0)
    {
        Require.Rank(Wxh, "Wxh", 2, "[H, I]");
        int H = Wxh.Shape[0], I = Wxh.Shape[1];
        if (H < 1 || I < 1) throw new ArgumentException($"Wxh is {Wxh.ShapeText()} but hidden and input sizes must be at least 1", nameof(Wxh));
        Require.Shape(Whh, "Whh", [H, H]);
        Require.Rank(Why, "Why", 2, "[O, H]");
        if (Why.Shape[1] != H || Why.Shape[0] < 1)
            throw new ArgumentException($"Why is {Why.ShapeText()} but [O, {H}] with O >= 1 was expected (Wxh is {Wxh.ShapeText()})", nameof(Why));
        Require.NotNull(input, nameof(input));
        if (input.Rank is not (2 or 3) || input.Shape[^1] != I)
            throw new ArgumentException($"input is {input.ShapeText()} but Wxh is {Wxh.ShapeText()}, so [T, B, {I}] or [T, {I}] was expected", nameof(input));
        int T = input.Shape[0], B = input.Rank == 3 ? input.Shape[1] : 1;
        if (T < 1 || B < 1)
            throw new ArgumentException($"input is {input.ShapeText()} but needs at least 1 step and 1 batch element", nameof(input));
        if (h0 is not null) Require.Shape(h0, "h0", input.Rank == 2 ? [H] : [B, H]);
        return (T, B, I, H, Why.Shape[0]);
    }
}
