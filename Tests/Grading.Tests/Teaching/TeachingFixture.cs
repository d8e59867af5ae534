// Removes the small run's temporary folder after the Teaching tests.
using NUnit.Framework;

namespace Rnn.Grading.Tests.Teaching;

[SetUpFixture]
public sealed class TeachingFixture
{
    [OneTimeTearDown]
    public void RemoveSmallRun() => SmallRun.Remove();
}
