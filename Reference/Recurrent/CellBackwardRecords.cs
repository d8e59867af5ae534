// What a cell's StepBackward computed on its way from dL/dh_t (and dL/dc_t) to the gates'
// pre-activation gradients, for a caller that wants to see it (the step-by-step trace). Pass one
// as StepBackward's optional `record`; the step writes every member and computes exactly what it
// computes without one. The pre-activation gradients themselves are StepBackward's dxProj.
//
// B = batch, H = hidden size; every member is [B, H], row-major, zero until a step writes it.
// Spec/bptt.md, "Step by step".
namespace Rnn.Reference.Recurrent;

/// <summary>
/// LSTM (LstmCell.StepBackward), gate order i, f, g, o; the STATS 507 table's names in brackets
/// (Ng's notation: Γ_u = i, Γ_f = f, c̃ = g, Γ_o = o):
///   dI = ∂L/∂i [∂L/∂Γ_u] = dcTotal ⊙ g           dF = ∂L/∂f [∂L/∂Γ_f] = dcTotal ⊙ c_{t-1}
///   dG = ∂L/∂g [∂L/∂c̃]   = dcTotal ⊙ i           dO = ∂L/∂o [∂L/∂Γ_o] = dh ⊙ tanh(c_t)
///   dcFromCarry = ∂L/∂c_t through the carry from step t+1 (StepBackward's dc, copied)
///   dcFromH     = ∂L/∂c_t through h_t = o ⊙ tanh(c_t): dh ⊙ o ⊙ (1 - tanh²(c_t))
///   dcTotal     = dcFromCarry + dcFromH, the whole ∂L/∂c_t
/// </summary>
public sealed class LstmBackwardRecord(int B, int H)
{
    /// <summary>The batch rows and hidden units of the step this record is for.</summary>
    public int B { get; } = B;
    /// <summary>The hidden size of the step this record is for.</summary>
    public int H { get; } = H;
    /// <summary>∂L/∂i, the input gate's gradient after its sigmoid (the slides' ∂L/∂Γ_u).</summary>
    public double[] dI { get; } = new double[B * H];            // [B, H]
    /// <summary>∂L/∂f, the forget gate's gradient after its sigmoid (∂L/∂Γ_f).</summary>
    public double[] dF { get; } = new double[B * H];            // [B, H]
    /// <summary>∂L/∂g, the candidate's gradient after its tanh (∂L/∂c̃).</summary>
    public double[] dG { get; } = new double[B * H];            // [B, H]
    /// <summary>∂L/∂o, the output gate's gradient after its sigmoid (∂L/∂Γ_o).</summary>
    public double[] dO { get; } = new double[B * H];            // [B, H]
    /// <summary>The part of ∂L/∂c_t arriving through the carry from step t+1 (the dc StepBackward was given).</summary>
    public double[] dcFromCarry { get; } = new double[B * H];   // [B, H]
    /// <summary>The part of ∂L/∂c_t arriving through h_t = o ⊙ tanh(c_t): dh ⊙ o ⊙ (1 - tanh²(c_t)).</summary>
    public double[] dcFromH { get; } = new double[B * H];       // [B, H]
    /// <summary>∂L/∂c_t, dcFromCarry + dcFromH.</summary>
    public double[] dcTotal { get; } = new double[B * H];       // [B, H]

    /// <summary>Throws an ArgumentException naming both sizes unless this record is for a step of B rows and H units.</summary>
    public void RequireSizes(int b, int h) => CellBackwardRecords.RequireSizes(nameof(LstmBackwardRecord), B, H, b, h);
}

/// <summary>
/// GRU (GruCell.StepBackward, PyTorch's reset-after form, and GruResetBeforeCell.StepBackward),
/// gate order r, z, n; Ng's names Γ_r = r, c̃ = n and Γ_u = 1 - z, so ∂L/∂Γ_u = -∂L/∂z:
///   dR = ∂L/∂r = ∂L/∂a_n ⊙ (h_{t-1} W_hnᵀ + b_hn)            (reset after the product)
///              = (∂L/∂a_n W_hn) ⊙ h_{t-1}                     (reset before: ∂L/∂(r ⊙ h_{t-1}) ⊙ h_{t-1})
///   dZ = ∂L/∂z = dh ⊙ (h_{t-1} - n)
///   dN = ∂L/∂n = dh ⊙ (1 - z)
/// </summary>
public sealed class GruBackwardRecord(int B, int H)
{
    /// <summary>The batch rows and hidden units of the step this record is for.</summary>
    public int B { get; } = B;
    /// <summary>The hidden size of the step this record is for.</summary>
    public int H { get; } = H;
    /// <summary>∂L/∂r, the reset gate's gradient after its sigmoid (the slides' ∂L/∂Γ_r), in either GRU form.</summary>
    public double[] dR { get; } = new double[B * H];            // [B, H]
    /// <summary>∂L/∂z, the update gate's gradient after its sigmoid (Ng's Γ_u = 1 - z, so ∂L/∂Γ_u = -dZ).</summary>
    public double[] dZ { get; } = new double[B * H];            // [B, H]
    /// <summary>∂L/∂n, the candidate's gradient after its tanh (∂L/∂c̃).</summary>
    public double[] dN { get; } = new double[B * H];            // [B, H]

    /// <summary>Throws an ArgumentException naming both sizes unless this record is for a step of B rows and H units.</summary>
    public void RequireSizes(int b, int h) => CellBackwardRecords.RequireSizes(nameof(GruBackwardRecord), B, H, b, h);
}

/// <summary>
/// RNN (RnnCell.StepBackward): h_t = act(a). The gradient after the nonlinearity is dh = ∂L/∂h_t
/// and before it dxProj = ∂L/∂a = dh ⊙ act'(a); this holds the slope between them:
///   ActGrad = act'(a): 1 - h_t² for tanh; 1 where a > 0, else 0 (also at a = 0) for relu.
/// </summary>
public sealed class RnnBackwardRecord(int B, int H)
{
    /// <summary>The batch rows and hidden units of the step this record is for.</summary>
    public int B { get; } = B;
    /// <summary>The hidden size of the step this record is for.</summary>
    public int H { get; } = H;
    /// <summary>act'(a), the slope of the nonlinearity: 1 - h_t² for tanh; for relu 1 where a > 0, else 0.</summary>
    public double[] ActGrad { get; } = new double[B * H];       // [B, H]

    /// <summary>Throws an ArgumentException naming both sizes unless this record is for a step of B rows and H units.</summary>
    public void RequireSizes(int b, int h) => CellBackwardRecords.RequireSizes(nameof(RnnBackwardRecord), B, H, b, h);
}

internal static class CellBackwardRecords
{
    internal static void RequireSizes(string type, int recordB, int recordH, int B, int H)
    {
        if (recordB != B || recordH != H)
            throw new ArgumentException($"record is a {type} for B = {recordB}, H = {recordH} but the step has B = {B}, H = {H}", "record");
    }
}
