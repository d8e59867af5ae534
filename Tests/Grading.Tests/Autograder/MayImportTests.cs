// The assignment's "may_import": what a submission may import besides Python's standard library
// (Spec/autograder.md). Read and checked by AssignmentLoader; NumPy when absent; the shipped
// assignment states it.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Autograder;
using static Rnn.Grading.Tests.Autograder.AutograderTestSupport;

namespace Rnn.Grading.Tests.Autograder;

public sealed class MayImportTests
{
    private static Assignment With(JsonNode? mayImport)
    {
        var json = ReluForwardAssignment("one");
        json["may_import"] = mayImport;
        return Parse(json);
    }

    [Test]
    public void AbsentMeansNumPyAndTheShippedAssignmentSaysSo()
    {
        Assert.That(Parse(ReluForwardAssignment("one")).MayImport, Is.EqualTo(new[] { "numpy" }));
        Assert.That(Shipped().MayImport, Is.EqualTo(new[] { "numpy" }));
        Assert.That(JsonNode.Parse(File.ReadAllText(ShippedAssignmentPath))!["may_import"]!.ToJsonString(), Is.EqualTo("[\"numpy\"]"),
            "the shipped file states its policy rather than relying on the default");
    }

    [Test]
    public void AListOfModuleNamesIsRead()
    {
        Assert.That(With(new JsonArray("numpy", "torch")).MayImport, Is.EqualTo(new[] { "numpy", "torch" }));
        Assert.That(With(new JsonArray()).MayImport, Is.Empty, "the standard library only");
    }

    [TestCase("\"numpy\"", "test.json: may_import must be a list of module names (such as [\"numpy\"]) but is \"numpy\"")]
    [TestCase("[\"numpy.linalg\"]", "test.json: may_import[0] must be a top-level module name (letters, digits, _) but is \"numpy.linalg\"")]
    [TestCase("[\"numpy\", 3]", "test.json: may_import[1] must be a top-level module name (letters, digits, _) but is 3")]
    [TestCase("[\"numpy\", \"numpy\"]", "test.json: may_import[1] repeats \"numpy\"")]
    public void AMalformedListIsRefusedNamingThePlace(string value, string message)
    {
        var e = Assert.Throws<AssignmentFormatException>(() => With(JsonNode.Parse(value)));
        Assert.That(e!.Message, Is.EqualTo(message));
    }
}
