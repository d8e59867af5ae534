// Config values read the same whether parsed from a file or built in code, and wrong kinds
// are errors that name the key.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.Oracle;

namespace Rnn.Grading.Tests.Oracle;

public sealed class ConfigReaderTests
{
    private static readonly JsonObject Parsed = JsonNode.Parse("""
        {"n": 3, "x": 0.25, "flag": true, "name": "adam", "betas": [0.9, 0.999], "big": 1e10, "half": 2.5, "inf": "inf", "s3": "3"}
        """)!.AsObject();

    private static readonly JsonObject Built = new()
    {
        ["n"] = 3, ["x"] = 0.25, ["flag"] = true, ["name"] = "adam", ["betas"] = new JsonArray(0.9, 0.999),
        ["big"] = 1e10, ["half"] = 2.5, ["inf"] = "inf", ["s3"] = "3",
    };

    [Test]
    public void ParsedAndBuiltValuesReadAlike()
    {
        foreach (var c in new[] { Parsed, Built })
        {
            Assert.That(ConfigReader.Int(c, "n"), Is.EqualTo(3));
            Assert.That(ConfigReader.Double(c, "x"), Is.EqualTo(0.25));
            Assert.That(ConfigReader.Double(c, "n"), Is.EqualTo(3.0));
            Assert.That(ConfigReader.Double(c, "inf"), Is.EqualTo(double.PositiveInfinity));
            Assert.That(ConfigReader.Bool(c, "flag"), Is.True);
            Assert.That(ConfigReader.String(c, "name"), Is.EqualTo("adam"));
            Assert.That(ConfigReader.Doubles(c, "betas"), Is.EqualTo(new[] { 0.9, 0.999 }));
            Assert.That(ConfigReader.Int(c, "missing", 7), Is.EqualTo(7));
        }
    }

    [Test]
    public void WrongKindsNameTheKey()
    {
        foreach (var c in new[] { Parsed, Built })
        {
            Assert.That(() => ConfigReader.Int(c, "half"), Throws.ArgumentException.With.Message.Contain("config.half must be a whole number but is 2.5"));
            Assert.That(() => ConfigReader.Int(c, "big"), Throws.ArgumentException.With.Message.Contain("config.big must be a whole number"));
            Assert.That(() => ConfigReader.Int(c, "s3"), Throws.ArgumentException.With.Message.Contain("config.s3 must be a whole number but is \"3\""));
            Assert.That(() => ConfigReader.Bool(c, "n"), Throws.ArgumentException.With.Message.Contain("config.n must be true or false"));
            Assert.That(() => ConfigReader.String(c, "flag"), Throws.ArgumentException.With.Message.Contain("config.flag must be a string"));
            Assert.That(() => ConfigReader.Double(c, "name"), Throws.ArgumentException.With.Message.Contain("config.name must be a number"));
            Assert.That(() => ConfigReader.Int(c, "absent"), Throws.ArgumentException.With.Message.Contain("config.absent is required but missing"));
        }
    }
}
