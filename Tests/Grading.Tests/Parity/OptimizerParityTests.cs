// PyTorch parity for the optimizers and clipping, through the oracle's eval path. The fixtures
// come from Tests/Fixtures/gen_training_optim.py (how to run it is at its top); every case
// runs 20 steps with non-default hyperparameters. Worst differences print per op.
using NUnit.Framework;

namespace Rnn.Grading.Tests.Parity;

public sealed class OptimizerParityTests
{
    [Test]
    public void OptimizersMatchPyTorch() => Parity.CheckFixture("optim", 1e-9);

    [Test]
    public void ClippingMatchesPyTorch() => Parity.CheckFixture("clip", 1e-10);
}
