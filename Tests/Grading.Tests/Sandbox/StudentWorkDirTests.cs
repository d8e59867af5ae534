// Graders running side by side share one base folder, and each Create first deletes the folders of
// runs whose grader is gone (their .lock can be taken). A run's folder must never look like a
// leftover to another grader: its .lock is taken before it has that name.
using NUnit.Framework;
using Rnn.Grading.Sandbox;

namespace Rnn.Grading.Tests.Sandbox;

public sealed class StudentWorkDirTests
{
    [Test]
    public void ARunsFolderIsNeverTakenForALeftoverByAGraderCleaningUpMeanwhile()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("StudentWorkDir needs Linux");
        string baseFolder = StudentWorkDir.BaseFolder(closed: StudentProcess.PrivateTmpPossible());
        using var stop = new CancellationTokenSource();
        int sweeps = 0;
        var cleaner = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                StudentWorkDir.RemoveLeftovers(baseFolder);
                sweeps++;
            }
        });
        var failures = new List<string>();
        try
        {
            for (int i = 0; i < 400; i++)
            {
                try
                {
                    using var work = StudentWorkDir.Create();
                    File.WriteAllText(Path.Combine(work.Path, "cases.json"), "{}");
                    if (!File.Exists(Path.Combine(work.Root, StudentWorkDir.LockName))) failures.Add($"run {i}: its .lock is gone");
                }
                catch (IOException e)
                {
                    failures.Add($"run {i}: {e.Message}");
                }
            }
        }
        finally
        {
            stop.Cancel();
            cleaner.Wait();
        }
        Assert.That(failures, Is.Empty);
        Assert.That(sweeps, Is.GreaterThan(0), "the other grader cleaned up while the runs were made");
    }
}
