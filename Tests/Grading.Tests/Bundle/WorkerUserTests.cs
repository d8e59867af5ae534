// grade-all's workers run students' programs as different unprivileged users, so the
// per-user process limit of one cannot be used up by another.
using NUnit.Framework;
using Rnn.Grading.Autograder;

namespace Rnn.Grading.Tests.Bundle;

public sealed class WorkerUserTests
{
    [Test]
    public void EachWorkerHasItsOwnUser()
    {
        Assert.That(SubmissionSource.ForWorker(0), Is.EqualTo((65534, 65534)));
        Assert.That(SubmissionSource.ForWorker(1), Is.EqualTo((64001, 65534)));
        Assert.That(SubmissionSource.ForWorker(7), Is.EqualTo((64007, 65534)));
        var users = Enumerable.Range(0, 16).Select(k => SubmissionSource.ForWorker(k).Uid).ToList();
        Assert.That(users, Is.Unique);
        Assert.That(() => SubmissionSource.ForWorker(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void NoWorkerUserBelongsToAnAccount()
    {
        var accounts = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).Where(f => f.Length > 2)
            .ToDictionary(f => f[2], f => f[0]);
        for (int k = 1; k < 16; k++)
            Assert.That(accounts.ContainsKey(SubmissionSource.ForWorker(k).Uid.ToString()), Is.False);
    }
}
