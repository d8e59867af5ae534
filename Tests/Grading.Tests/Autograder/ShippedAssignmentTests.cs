// grading/assignments/rnn-slides.json holds the problems the course grades, as agreed:
// names, ops, checked tensors, visibility, and the recurrent options.
using NUnit.Framework;
using Rnn.Grading.Autograder;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Autograder;

public sealed class ShippedAssignmentTests
{
    [Test]
    public void ProblemsAreTheAgreedOnes()
    {
        var a = Shipped();
        Assert.That(a.Name, Is.EqualTo("rnn-slides"));
        string[] expected =
        [
            "relu-rnn-forward relu_rnn_slide outputs=output,last_output grads= visible",
            "relu-rnn-bptt relu_rnn_slide outputs= grads=W,U,b,input visible",
            "tanh-rnn-cell tanh_rnn_slide outputs=output,h_n grads=Wxh,Whh,Why,input,h0 visible",
            "lstm-forward lstm outputs=output,h_n,c_n grads= visible",
            "lstm-bptt lstm outputs= grads=input,h0,c0,weight_ih_l0,weight_hh_l0,bias_ih_l0,bias_hh_l0 hidden",
            "gru-forward gru outputs=output,h_n grads= visible",
            "gru-bptt gru outputs= grads=input,h0,weight_ih_l0,weight_hh_l0,bias_ih_l0,bias_hh_l0 after_due_date",
            "clip-grad-norm clip_grad_norm outputs=weight_ih_l0,weight_hh_l0,bias,total_norm grads= visible",
            "adam-step optimizer outputs=weight grads= visible",
        ];
        Assert.That(a.Problems.Select(p =>
                $"{p.Name} {p.Op} outputs={string.Join(",", p.Check.Outputs)} grads={string.Join(",", p.Check.Grads)} {p.Visibility.ToJson()}"),
            Is.EqualTo(expected));
        Assert.That(a.MaxScore, Is.EqualTo(100.0));
    }

    [Test]
    public void InputsAreAsAgreed()
    {
        var a = Shipped();
        Problem P(string name) => a.Problems.Single(p => p.Name == name);
        Assert.That(P("relu-rnn-forward").Sizes.ContainsKey('B'), Is.False, "one sequence [T, I]");
        Assert.That(P("relu-rnn-forward").OptionalInputs, Is.Empty, "no h0");
        Assert.That(P("tanh-rnn-cell").OptionalInputs, Is.EqualTo(new[] { "h0" }));
        Assert.That(P("lstm-forward").OptionalInputs, Is.EqualTo(new[] { "h0", "c0" }));
        Assert.That(P("gru-forward").OptionalInputs, Is.EqualTo(new[] { "h0" }));
        foreach (var p in a.Problems.Where(p => p.Op is "lstm" or "gru"))
        {
            Assert.That(p.Config["num_layers"]!.GetValue<int>(), Is.EqualTo(1), p.Name);
            Assert.That(p.Config["bidirectional"]!.GetValue<bool>(), Is.False, p.Name);
            Assert.That(p.Config["batch_first"]!.GetValue<bool>(), Is.False, p.Name);
            Assert.That(p.Config["bias"]!.GetValue<bool>(), Is.True, p.Name);
        }
        var clip = P("clip-grad-norm");
        Assert.That(clip.Config["norm_type"]!.GetValue<double>(), Is.EqualTo(2.0));
        Assert.That(clip.Config["mode"]!.GetValue<string>(), Is.EqualTo("pytorch"));
        Assert.That(clip.Sizes['N'], Is.EqualTo(new SizeRange(2, 3)));
        var adam = P("adam-step");
        Assert.That(adam.Config["name"]!.GetValue<string>(), Is.EqualTo("adam"));
        // nonzero, so that the decoupled (AdamW) decay differs from the L2 decay asked for
        Assert.That(adam.Config["weight_decay"]!.GetValue<double>(), Is.EqualTo(0.01));
        Assert.That(adam.Sizes['S'], Is.EqualTo(new SizeRange(3, 3)));
    }
}
