// RecurrentLayer and RecurrentParameters reject bad input with an ArgumentException whose
// message names the argument, what was expected and what was found.
using NUnit.Framework;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Recurrent;

public sealed class RecurrentLayerBadInputTests
{
    // I = 4, H = 2 unless a test says otherwise
    private static readonly RecurrentConfig Rnn = new(CellKind.RnnTanh, InputSize: 4, HiddenSize: 2);

    private static NamedTensors Params(RecurrentConfig config) => RecurrentParameters.Initialize(config, 1);

    private static ArgumentException Rejects(TestDelegate call, string paramName)
    {
        var e = Assert.Catch<ArgumentException>(call)!;
        TestContext.Out.WriteLine(e.Message);
        Assert.That(e.ParamName, Is.EqualTo(paramName));
        return e;
    }

    // ---- input ---------------------------------------------------------------------------------

    [Test]
    public void InputOfTheWrongRank()
    {
        var e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), Tensor.Zeros(2, 3, 4, 4)), "input");
        Assert.That(e.Message, Does.Contain("input is [2, 3, 4, 4]").And.Contain("[T, B, I]").And.Contain("unbatched [T, I]"));

        e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), Tensor.Zeros(4)), "input");
        Assert.That(e.Message, Does.Contain("input is [4]").And.Contain("[T, B, I]"));

        var batchFirst = Rnn with { BatchFirst = true };
        e = Rejects(() => RecurrentLayer.Forward(batchFirst, Params(batchFirst), Tensor.Zeros(1, 2, 3, 4)), "input");
        Assert.That(e.Message, Does.Contain("input is [1, 2, 3, 4]").And.Contain("[B, T, I] (batch_first)"));
    }

    [Test]
    public void InputWithTheWrongFeatureSize()
    {
        var e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), Tensor.Zeros(5, 2, 3)), "input");
        Assert.That(e.Message, Does.Contain("input is [5, 2, 3]").And.Contain("weight_ih_l0 expects input size 4"));

        e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), Tensor.Zeros(5, 3)), "input");
        Assert.That(e.Message, Does.Contain("input is [5, 3]").And.Contain("input size 4"));
    }

    [Test]
    public void InputWithNoStepsOrNoBatch()
    {
        var e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), Tensor.Zeros(0, 2, 4)), "input");
        Assert.That(e.Message, Does.Contain("input is [0, 2, 4]").And.Contain("at least 1 step"));

        e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), Tensor.Zeros(3, 0, 4)), "input");
        Assert.That(e.Message, Does.Contain("input is [3, 0, 4]").And.Contain("1 batch element"));

        e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), Tensor.Zeros(0, 4)), "input");
        Assert.That(e.Message, Does.Contain("input is [0, 4]").And.Contain("at least 1 step"));
    }

    [Test]
    public void NullInput()
    {
        var e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), null!), "input");
        Assert.That(e.Message, Does.Contain("input is required"));
    }

    // ---- initial states --------------------------------------------------------------------------

    [Test]
    public void H0OfTheWrongShape()
    {
        var e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), Tensor.Zeros(5, 2, 4), h0: Tensor.Zeros(1, 3, 2)), "h0");
        Assert.That(e.Message, Does.Contain("h0 is [1, 3, 2]").And.Contain("[1, 2, 2]").And.Contain("(num_layers * num_directions, batch, hidden_size)"));

        var deep = Rnn with { NumLayers = 2, Bidirectional = true };
        e = Rejects(() => RecurrentLayer.Forward(deep, Params(deep), Tensor.Zeros(5, 2, 4), h0: Tensor.Zeros(2, 2, 2)), "h0");
        Assert.That(e.Message, Does.Contain("h0 is [2, 2, 2]").And.Contain("[4, 2, 2]"));

        // batch_first does not apply to h0: [L*D, B, H] still
        var batchFirst = Rnn with { BatchFirst = true };
        e = Rejects(() => RecurrentLayer.Forward(batchFirst, Params(batchFirst), Tensor.Zeros(3, 5, 4), h0: Tensor.Zeros(3, 1, 2)), "h0");
        Assert.That(e.Message, Does.Contain("h0 is [3, 1, 2]").And.Contain("[1, 3, 2]"));
    }

    [Test]
    public void H0OfABatchForUnbatchedInput()
    {
        var e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), Tensor.Zeros(5, 4), h0: Tensor.Zeros(1, 1, 2)), "h0");
        Assert.That(e.Message, Does.Contain("h0 is [1, 1, 2]").And.Contain("[1, 2]").And.Contain("unbatched"));
    }

    [TestCase(CellKind.RnnTanh, "RNN")]
    [TestCase(CellKind.RnnRelu, "RNN")]
    [TestCase(CellKind.Gru, "GRU")]
    public void C0ForACellWithoutCarryState(CellKind kind, string module)
    {
        var config = Rnn with { Kind = kind };
        var e = Rejects(() => RecurrentLayer.Forward(config, Params(config), Tensor.Zeros(5, 2, 4), c0: Tensor.Zeros(1, 2, 2)), "c0");
        Assert.That(e.Message, Does.Contain("c0 was given").And.Contain($"a {module} has no cell state"));
    }

    [Test]
    public void C0OfTheWrongShape()
    {
        var lstm = Rnn with { Kind = CellKind.Lstm };
        var e = Rejects(() => RecurrentLayer.Forward(lstm, Params(lstm), Tensor.Zeros(5, 2, 4), Tensor.Zeros(1, 2, 2), Tensor.Zeros(1, 2, 3)), "c0");
        Assert.That(e.Message, Does.Contain("c0 is [1, 2, 3]").And.Contain("[1, 2, 2]").And.Contain("LSTM"));
    }

    // ---- parameters ----------------------------------------------------------------------------

    [Test]
    public void MissingParameter()
    {
        var p = new NamedTensors();
        foreach (var (name, t) in Params(Rnn))
            if (name != "bias_hh_l0") p.Add(name, t);
        var e = Rejects(() => RecurrentLayer.Forward(Rnn, p, Tensor.Zeros(5, 2, 4)), "parameters");
        Assert.That(e.Message, Does.Contain("parameters has no 'bias_hh_l0'")
            .And.Contain("expects weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0"));
    }

    [Test]
    public void ExtraParameter()
    {
        var p = Params(Rnn);
        p.Add("weight_ih_l1", Tensor.Zeros(2, 2));
        var e = Rejects(() => RecurrentLayer.Forward(Rnn, p, Tensor.Zeros(5, 2, 4)), "parameters");
        Assert.That(e.Message, Does.Contain("unexpected 'weight_ih_l1'").And.Contain("num_layers=1"));
    }

    [Test]
    public void MisspeltParameter()
    {
        var p = new NamedTensors();
        foreach (var (name, t) in Params(Rnn))
            p.Add(name == "weight_ih_l0" ? "weight_ih_10" : name, t);     // digit one for the letter l
        var e = Rejects(() => RecurrentLayer.Forward(Rnn, p, Tensor.Zeros(5, 2, 4)), "parameters");
        Assert.That(e.Message, Does.Contain("has no 'weight_ih_l0'").And.Contain("unexpected 'weight_ih_10'"));
    }

    [Test]
    public void ParametersForAnotherLayerCount()
    {
        var twoLayers = Rnn with { NumLayers = 2 };
        var e = Rejects(() => RecurrentLayer.Forward(twoLayers, Params(Rnn), Tensor.Zeros(5, 2, 4)), "parameters");
        Assert.That(e.Message, Does.Contain("has no 'weight_ih_l1'").And.Contain("num_layers=2"));

        var bidirectional = Rnn with { Bidirectional = true };
        e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(bidirectional), Tensor.Zeros(5, 2, 4)), "parameters");
        Assert.That(e.Message, Does.Contain("unexpected 'weight_ih_l0_reverse'").And.Contain("bidirectional=False"));

        var noBias = Rnn with { Bias = false };
        e = Rejects(() => RecurrentLayer.Forward(noBias, Params(Rnn), Tensor.Zeros(5, 2, 4)), "parameters");
        Assert.That(e.Message, Does.Contain("unexpected 'bias_ih_l0'").And.Contain("bias=False"));

        e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(noBias), Tensor.Zeros(5, 2, 4)), "parameters");
        Assert.That(e.Message, Does.Contain("has no 'bias_ih_l0'").And.Contain("bias=True"));
    }

    [Test]
    public void ParameterOfTheWrongShape()
    {
        var p = Params(Rnn with { HiddenSize = 3 });
        var e = Rejects(() => RecurrentLayer.Forward(Rnn, p, Tensor.Zeros(5, 2, 4)), "parameters");
        Assert.That(e.Message, Does.Contain("parameters['weight_ih_l0'] is [3, 4] but [2, 4] was expected"));

        var lstm = Rnn with { Kind = CellKind.Lstm };
        e = Rejects(() => RecurrentLayer.Forward(lstm, Params(Rnn), Tensor.Zeros(5, 2, 4)), "parameters");
        Assert.That(e.Message, Does.Contain("parameters['weight_ih_l0'] is [2, 4] but [8, 4] was expected"));

        // the same stack built for input size 3: the message says which size is which
        e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn with { InputSize = 3 }), Tensor.Zeros(5, 2, 4)), "parameters");
        Assert.That(e.Message, Does.Contain("parameters['weight_ih_l0'] is [2, 3] but [2, 4] was expected")
            .And.Contain("input size 3, but layer expects 4"));

        var p2 = Params(Rnn);
        var wrong = new NamedTensors();
        foreach (var (name, t) in p2) wrong.Add(name, name == "bias_hh_l0" ? Tensor.Zeros(2, 1) : t);
        e = Rejects(() => RecurrentLayer.Forward(Rnn, wrong, Tensor.Zeros(5, 2, 4)), "parameters");
        Assert.That(e.Message, Does.Contain("parameters['bias_hh_l0'] is [2, 1] but [2] was expected"));
    }

    // ---- configuration -------------------------------------------------------------------------

    [TestCase(0, 2, 1, "input_size must be at least 1 but is 0", "InputSize")]
    [TestCase(-3, 2, 1, "input_size must be at least 1 but is -3", "InputSize")]
    [TestCase(4, 0, 1, "hidden_size must be at least 1 but is 0", "HiddenSize")]
    [TestCase(4, -1, 1, "hidden_size must be at least 1 but is -1", "HiddenSize")]
    [TestCase(4, 2, 0, "num_layers must be at least 1 but is 0", "NumLayers")]
    public void NonPositiveSizes(int inputSize, int hiddenSize, int numLayers, string message, string paramName)
    {
        var bad = new RecurrentConfig(CellKind.Lstm, inputSize, hiddenSize, numLayers);
        Assert.That(Rejects(() => RecurrentLayer.Forward(bad, Params(Rnn), Tensor.Zeros(5, 2, 4)), paramName).Message, Does.Contain(message));
        Assert.That(Rejects(() => RecurrentParameters.Initialize(bad, 1), paramName).Message, Does.Contain(message));
        Assert.That(Rejects(() => RecurrentParameters.Layout(bad), paramName).Message, Does.Contain(message));
    }

    [Test]
    public void UndefinedCellKind()
    {
        var bad = Rnn with { Kind = (CellKind)7 };
        var e = Rejects(() => RecurrentParameters.Layout(bad), "Kind");
        Assert.That(e.Message, Does.Contain("cell kind 7").And.Contain("RnnTanh, RnnRelu, Lstm, Gru"));
    }

    // ---- lengths -------------------------------------------------------------------------------

    [Test]
    public void LengthsOfTheWrongCount()
    {
        var e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), Tensor.Zeros(5, 2, 4), lengths: [5]), "lengths");
        Assert.That(e.Message, Does.Contain("lengths has 1 entries but the batch has 2 elements"));

        e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), Tensor.Zeros(5, 2, 4), lengths: [5, 4, 3]), "lengths");
        Assert.That(e.Message, Does.Contain("lengths has 3 entries but the batch has 2 elements"));
    }

    [TestCase(0, "lengths[1] is 0 but must be in 1..5")]
    [TestCase(-2, "lengths[1] is -2 but must be in 1..5")]
    [TestCase(6, "lengths[1] is 6 but must be in 1..5 (the sequence has 5 steps)")]
    public void LengthOutOfRange(int length, string message)
    {
        var e = Rejects(() => RecurrentLayer.Forward(Rnn, Params(Rnn), Tensor.Zeros(5, 2, 4), lengths: [5, length]), "lengths");
        Assert.That(e.Message, Does.Contain(message));
    }

    // ---- backward ------------------------------------------------------------------------------

    [Test]
    public void UpstreamGradientsOfTheWrongShape()
    {
        var lstm = new RecurrentConfig(CellKind.Lstm, 4, 2, NumLayers: 2, Bidirectional: true);
        var cache = RecurrentLayer.Forward(lstm, Params(lstm), Tensor.Zeros(5, 3, 4)).Cache;

        var e = Rejects(() => RecurrentLayer.Backward(cache, dOutput: Tensor.Zeros(5, 3, 2)), "dOutput");
        Assert.That(e.Message, Does.Contain("dOutput is [5, 3, 2] but [5, 3, 4] was expected"));
        e = Rejects(() => RecurrentLayer.Backward(cache, dHN: Tensor.Zeros(2, 3, 2)), "dHN");
        Assert.That(e.Message, Does.Contain("dHN is [2, 3, 2] but [4, 3, 2] was expected"));
        e = Rejects(() => RecurrentLayer.Backward(cache, dCN: Tensor.Zeros(4, 2, 2)), "dCN");
        Assert.That(e.Message, Does.Contain("dCN is [4, 2, 2] but [4, 3, 2] was expected"));

        // batch_first: the output gradient is [B, T, D*H] like the output
        var batchFirst = lstm with { BatchFirst = true };
        var bfCache = RecurrentLayer.Forward(batchFirst, Params(batchFirst), Tensor.Zeros(3, 5, 4)).Cache;
        e = Rejects(() => RecurrentLayer.Backward(bfCache, dOutput: Tensor.Zeros(5, 3, 4)), "dOutput");
        Assert.That(e.Message, Does.Contain("dOutput is [5, 3, 4] but [3, 5, 4] was expected"));

        // unbatched: [T, D*H] and [L*D, H]
        var unbatched = RecurrentLayer.Forward(lstm, Params(lstm), Tensor.Zeros(5, 4)).Cache;
        e = Rejects(() => RecurrentLayer.Backward(unbatched, dOutput: Tensor.Zeros(5, 1, 4)), "dOutput");
        Assert.That(e.Message, Does.Contain("dOutput is [5, 1, 4] but [5, 4] was expected"));
        e = Rejects(() => RecurrentLayer.Backward(unbatched, dHN: Tensor.Zeros(4, 1, 2)), "dHN");
        Assert.That(e.Message, Does.Contain("dHN is [4, 1, 2] but [4, 2] was expected"));
    }

    [Test]
    public void CarryGradientForACellWithoutCarryState()
    {
        var gru = Rnn with { Kind = CellKind.Gru };
        var cache = RecurrentLayer.Forward(gru, Params(gru), Tensor.Zeros(5, 2, 4)).Cache;
        var e = Rejects(() => RecurrentLayer.Backward(cache, dCN: Tensor.Zeros(1, 2, 2)), "dCN");
        Assert.That(e.Message, Does.Contain("dCN was given but a GRU has no cell state"));
    }
}
