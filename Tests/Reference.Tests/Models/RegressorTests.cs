using NUnit.Framework;
using Rnn.Reference.Models;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Models;

public sealed class RegressorTests
{
    [Test]
    public void Conv1dRegressorKnownValues()
    {
        // Cin = 1, L = 4, Cout = 1, K = 2, P = 2, O = 1: Lc = 3, Lp = floor(3 / 2) = 1, F = 1
        // x = [1, 2, -1, 3]; conv.weight = [1, -1], conv.bias = 0.5
        //   conv[t] = x[t] - x[t+1] + 0.5 = [1 - 2 + 0.5, 2 + 1 + 0.5, -1 - 3 + 0.5] = [-0.5, 3.5, -3.5]
        //   relu = [0, 3.5, 0];  max-pool over positions 0..1 = 3.5 (position 2 is left over)
        //   prediction = 2 * 3.5 - 1 = 6
        var config = new Conv1dRegressorConfig(InChannels: 1, Length: 4, OutChannels: 1, KernelSize: 2, PoolSize: 2, Outputs: 1);
        var p = new NamedTensors
        {
            { "conv.weight", new Tensor([1, 1, 2], [1, -1]) },
            { "conv.bias", new Tensor([1], [0.5]) },
            { "fc.weight", new Tensor([1, 1], [2]) },
            { "fc.bias", new Tensor([1], [-1]) },
        };
        var model = new Conv1dRegressor(config, p);
        var cache = model.Forward(new Tensor([1, 1, 4], [1, 2, -1, 3]));
        Assert.That(cache.Conv1dOutput.Data, Is.EqualTo(new[] { -0.5, 3.5, -3.5 }));
        Assert.That(cache.Representation.Data, Is.EqualTo(new[] { 3.5 }));
        Assert.That(cache.Predictions.Data, Is.EqualTo(new double[] { 6 }));

        // dPrediction = 1: fc.weight 3.5, fc.bias 1, dFlat = 2 -> the pool's winner (position 1) -> relu passes (3.5 > 0)
        //   dConv = [0, 2, 0]: conv.weight[k] = sum_t dConv[t] x[t + k] = [2 * x[1], 2 * x[2]] = [4, -2]; conv.bias = 2
        //   dx[t + k] += dConv[t] w[k]: dx = [0, 2 * 1, 2 * (-1), 0] = [0, 2, -2, 0]
        var (g, dx) = model.BackwardWithInput(new Tensor([1, 1], [1]), cache);
        Assert.That(g["fc.weight"].Data, Is.EqualTo(new[] { 3.5 }));
        Assert.That(g["fc.bias"].Data, Is.EqualTo(new double[] { 1 }));
        Assert.That(g["conv.weight"].Data, Is.EqualTo(new double[] { 4, -2 }));
        Assert.That(g["conv.bias"].Data, Is.EqualTo(new double[] { 2 }));
        Assert.That(dx.Data, Is.EqualTo(new double[] { 0, 2, -2, 0 }));
    }

    [Test]
    public void RecurrentRegressorKnownValues()
    {
        // ReLU RNN, F = 1, H = 1, O = 1: W_ih = 2, W_hh = 0.5, b_ih = 0.25, b_hh = -0.25; x = [1, 3] (T = 2, B = 1)
        //   h_0 = relu(2*1 + 0.25 - 0.25 + 0.5*0) = 2;  h_1 = relu(2*3 + 0 + 0.5*2) = 7
        //   prediction = 1.5 * 7 + 1 = 11.5
        var config = new LstmRegressorConfig(InputSize: 1, HiddenSize: 1, Outputs: 1, Cell: CellKind.RnnRelu);
        var p = new NamedTensors
        {
            { "rnn.weight_ih_l0", new Tensor([1, 1], [2]) },
            { "rnn.weight_hh_l0", new Tensor([1, 1], [0.5]) },
            { "rnn.bias_ih_l0", new Tensor([1], [0.25]) },
            { "rnn.bias_hh_l0", new Tensor([1], [-0.25]) },
            { "fc.weight", new Tensor([1, 1], [1.5]) },
            { "fc.bias", new Tensor([1], [1]) },
        };
        var model = new LstmRegressor(config, p);
        var cache = model.Forward(new Tensor([2, 1, 1], [1, 3]));
        Assert.That(cache.Last.Data, Is.EqualTo(new double[] { 7 }));
        Assert.That(cache.Predictions.Data, Is.EqualTo(new[] { 11.5 }));

        // dPrediction = 1: fc.weight = h_1 = 7, fc.bias = 1, dh_1 = 1.5
        //   step 1: a = 7 > 0, da = 1.5: dW_ih += 1.5*3 = 4.5, dW_hh += 1.5*h_0 = 3, db += 1.5; dh_0 = 1.5 * 0.5 = 0.75
        //   step 0: a = 2 > 0, da = 0.75: dW_ih += 0.75*1, dW_hh += 0.75*0, db += 0.75
        //   dW_ih = 5.25, dW_hh = 3, db_ih = db_hh = 2.25;  dx = [0.75 * 2, 1.5 * 2] = [1.5, 3]
        var (g, dx) = model.BackwardWithInput(new Tensor([1, 1], [1]), cache);
        Assert.That(g["fc.weight"].Data, Is.EqualTo(new double[] { 7 }));
        Assert.That(g["rnn.weight_ih_l0"].Data, Is.EqualTo(new[] { 5.25 }));
        Assert.That(g["rnn.weight_hh_l0"].Data, Is.EqualTo(new double[] { 3 }));
        Assert.That(g["rnn.bias_ih_l0"].Data, Is.EqualTo(new[] { 2.25 }));
        Assert.That(g["rnn.bias_hh_l0"].Data, Is.EqualTo(new[] { 2.25 }));
        Assert.That(dx.Data, Is.EqualTo(new[] { 1.5, 3 }));
    }

    [Test]
    public void ParameterNames()
    {
        var conv = Conv1dRegressor.Create(new Conv1dRegressorConfig(2, 10, 3, 3, 2, 1), seed: 1);
        Assert.That(conv.Parameters.Names, Is.EqualTo(new[] { "conv.weight", "conv.bias", "fc.weight", "fc.bias" }));
        Assert.That(conv.Parameters["fc.weight"].Shape, Is.EqualTo(new[] { 1, 12 }));   // F = Cout * floor((10 - 3 + 1) / 2) = 3 * 4
        var lstm = LstmRegressor.Create(new LstmRegressorConfig(2, 5, 1), seed: 1);
        Assert.That(lstm.Parameters.Names, Is.EqualTo(new[]
        {
            "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "fc.weight", "fc.bias",
        }));
    }

    [Test]
    public void RejectsBadShapesAndConfigs()
    {
        var conv = Conv1dRegressor.Create(new Conv1dRegressorConfig(1, 8, 2, 3, 2, 1), seed: 1);
        var e = Assert.Throws<ArgumentException>(() => conv.Forward(Tensor.Zeros(2, 1, 7)))!;
        Assert.That(e.Message, Does.Contain("input is [2, 1, 7] but this model expects [B, 1, 8]"));
        e = Assert.Throws<ArgumentException>(() => Conv1dRegressor.Create(new Conv1dRegressorConfig(1, 4, 2, 5, 1, 1), 1))!;
        Assert.That(e.Message, Does.Contain("kernelSize is 5 but must be at most the window length 4"));
        e = Assert.Throws<ArgumentException>(() => Conv1dRegressor.Create(new Conv1dRegressorConfig(1, 4, 2, 2, 4, 1), 1))!;
        Assert.That(e.Message, Does.Contain("poolSize is 4 but must be at most the convolution's output length 3"));
        var lstm = LstmRegressor.Create(new LstmRegressorConfig(2, 3, 1), seed: 1);
        e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(4, 2, 3)))!;
        Assert.That(e.Message, Does.Contain("input is [4, 2, 3] but this model expects [T, B, 2]"));
        var cache = lstm.Forward(Tensor.Zeros(4, 2, 2));
        e = Assert.Throws<ArgumentException>(() => lstm.Backward(Tensor.Zeros(2, 2), cache))!;
        Assert.That(e.Message, Does.Contain("dPredictions is [2, 2] but [2, 1] was expected"));
    }
}
