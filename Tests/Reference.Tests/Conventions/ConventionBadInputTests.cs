// Wrong names, wrong shapes and cells a convention does not have: each error names the
// convention, the tensor and the shapes (given and expected), with a hint where one helps
// (a transposed matrix, PyTorch's names under another convention, the GRU form to ask for).
using NUnit.Framework;
using Rnn.Reference.Conventions;
using Rnn.Reference.Recurrent;
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Tests.Conventions;

public sealed class ConventionBadInputTests
{
    private static readonly RecurrentConfig Lstm = new(CellKind.Lstm, InputSize: 3, HiddenSize: 2);

    private static NamedTensors KerasLstm(int[]? kernelShape = null, bool withRecurrent = true, string? extra = null)
    {
        var p = new NamedTensors();
        p.Add("kernel", Tensor.Zeros(kernelShape ?? [3, 8]));
        if (withRecurrent) p.Add("recurrent_kernel", Tensor.Zeros(2, 8));
        p.Add("bias", Tensor.Zeros(8));
        if (extra is not null) p.Add(extra, Tensor.Zeros(8, 3));
        return p;
    }

    private static string Error(Action a) => Assert.Throws<ArgumentException>(() => a())!.Message;

    [Test]
    public void AWrongShapeNamesTheConventionTheTensorAndBothShapes()
    {
        string m = Error(() => ConventionRegistry.Get("keras").ToPyTorch(Lstm, KerasLstm(kernelShape: [8, 3])));
        Assert.That(m, Does.StartWith("convention \"keras\": params['kernel'] is [8, 3] but a Keras LSTM with input_size 3, hidden_size 2 takes [3, 8]"));
        Assert.That(m, Does.Contain("weight_ihᵀ"));
        Assert.That(m, Does.Contain("it is the transpose of what is expected"));
    }

    [Test]
    public void AMissingTensorIsNamedWithEverythingTheCellTakes()
    {
        string m = Error(() => ConventionRegistry.Get("keras").ToPyTorch(Lstm, KerasLstm(withRecurrent: false)));
        Assert.That(m, Is.EqualTo("convention \"keras\": params has no 'recurrent_kernel' (a Keras LSTM with input_size 3, hidden_size 2 " +
                                  "takes kernel [3, 8], recurrent_kernel [2, 8], bias [8])"));
    }

    [Test]
    public void PyTorchsNamesUnderAnotherConventionGetAHint()
    {
        string m = Error(() => ConventionRegistry.Get("keras").ToPyTorch(Lstm, KerasLstm(extra: "weight_ih_l0")));
        Assert.That(m, Does.StartWith("convention \"keras\": params has an unexpected 'weight_ih_l0'"));
        Assert.That(m, Does.Contain("'weight_ih_l0' is PyTorch's name: give PyTorch's names without a convention"));
    }

    [Test]
    public void AStackNamesEachLayersTensorWithPyTorchsSuffix()
    {
        var config = Lstm with { NumLayers = 2 };
        var p = KerasLstm();
        string m = Error(() => ConventionRegistry.Get("keras").ToPyTorch(config, p));
        Assert.That(m, Does.StartWith("convention \"keras\": params has no 'kernel_l0'"));
        Assert.That(m, Does.Contain("kernel_l1 [2, 8]"));
    }

    [Test]
    public void NgBiasesAreColumns()
    {
        var config = new RecurrentConfig(CellKind.RnnTanh, 3, 2);
        var p = new NamedTensors();
        p.Add("Wax", Tensor.Zeros(2, 3));
        p.Add("Waa", Tensor.Zeros(2, 2));
        p.Add("ba", Tensor.Zeros(2));
        string m = Error(() => ConventionRegistry.Get("ng").ToPyTorch(config, p));
        Assert.That(m, Does.StartWith("convention \"ng\": params['ba'] is [2] but a Ng RNN with input_size 3, hidden_size 2 takes [2, 1]"));
    }

    [TestCase("cs231n", CellKind.Gru, true, "CS231n's assignment has no GRU")]
    [TestCase("cs231n", CellKind.GruResetBefore, true, "CS231n's assignment has no GRU")]
    [TestCase("d2l", CellKind.Gru, true, "give \"reset_after\": false")]
    [TestCase("ng", CellKind.Gru, true, "give \"reset_after\": false")]
    [TestCase("95-865", CellKind.Lstm, true, "only for the vanilla RNN")]
    [TestCase("95-865", CellKind.RnnRelu, false, "bias must be true")]
    [TestCase("stats507", CellKind.RnnTanh, true, "bias must be false")]
    [TestCase("stats507", CellKind.Gru, false, "only for the tanh RNN cell")]
    public void ACellTheConventionDoesNotHaveIsRefusedWithTheReason(string convention, CellKind kind, bool bias, string reason)
    {
        var config = new RecurrentConfig(kind, 3, 2, Bias: bias);
        string m = Error(() => ConventionRegistry.Get(convention).Layout(config));
        Assert.That(m, Does.StartWith($"convention \"{convention}\": "));
        Assert.That(m, Does.Contain(reason));
        Assert.That(Error(() => ConventionRegistry.Get(convention).FromPyTorch(config, RecurrentParameters.Initialize(config, 1))), Is.EqualTo(m));
    }

    [Test]
    public void AnUnknownConventionListsTheKnownOnes()
    {
        string m = Error(() => ConventionRegistry.Get("tensorflow"));
        Assert.That(m, Does.StartWith("convention \"tensorflow\" is not known; the conventions are pytorch, keras, cs231n, d2l, ng, 95-865, stats507"));
    }

    [Test]
    public void GradientsFromPyTorchChecksPyTorchsNamesAndShapes()
    {
        var grads = RecurrentParameters.Initialize(Lstm, 1);
        var wrong = new NamedTensors();
        foreach (var (n, t) in grads) wrong.Add(n, n == "weight_hh_l0" ? Tensor.Zeros(8, 3) : t);
        string m = Error(() => ConventionRegistry.Get("keras").GradientsFromPyTorch(Lstm, wrong));
        Assert.That(m, Does.StartWith("gradients['weight_hh_l0'] is [8, 3] but [8, 2] was expected"));
    }
}
