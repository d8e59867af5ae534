using NUnit.Framework;
using Rnn.Reference.Checking;
using Rnn.Reference.Optimizers;
using Rnn.Reference.Tensors;
using Rnn.Reference.Training;

namespace Rnn.Reference.Tests.Training;

public sealed class DescentPathTests
{
    [Test]
    public void TheSkierMovesAgainstTheDerivative()
    {
        // slide: "The skier should move rightward (positive direction)"; "The derivative at the
        // skier's position is negative"; "the skier should move in opposite direction of derivative"
        var path = DescentPath.Run(LossSurfaces.HillThenBetterSolution(), [-2.0], learningRate: 0.01, steps: 200);
        Assert.That(path, Has.Count.EqualTo(201));
        Assert.That(path[0].dW[0], Is.LessThan(0));              // dL/dw(-2) = 4(-2)(4 - 1) - 0.3 = -24.3
        Assert.That(path[0].dW[0], Is.EqualTo(-24.3).Within(1e-12));
        Assert.That(path[1].W[0], Is.GreaterThan(path[0].W[0]));        // so it moved right
        for (int k = 0; k < 200; k++)
        {
            // new weight = weight - learning rate * gradient, exactly
            Assert.That(path[k + 1].W[0], Is.EqualTo(path[k].W[0] - 0.01 * path[k].dW[0]));
            Assert.That(Math.Sign(path[k + 1].W[0] - path[k].W[0]), Is.EqualTo(-Math.Sign(path[k].dW[0])));
            Assert.That(path[k + 1].Loss, Is.LessThanOrEqualTo(path[k].Loss));
        }
    }

    [Test]
    public void ConvergesOnTheBowlGeometrically()
    {
        // L = (a/2)(w - c)^2 with a = 2, c = 3; lr 0.25: w - c shrinks by 1 - lr * a = 0.5 each step
        //   w0 = -1:  w1 = -1 - 0.25 * 2 * (-4) = 1;  w2 = 1 - 0.25 * 2 * (-2) = 2;  w3 = 2.5;  w4 = 2.75
        var path = DescentPath.Run(LossSurfaces.Bowl(curvature: 2, center: 3), [-1.0], learningRate: 0.25, steps: 80);
        Assert.That(path.Take(5).Select(p => p.W[0]), Is.EqualTo(new[] { -1, 1, 2, 2.5, 2.75 }));
        Assert.That(path[4].Loss, Is.EqualTo(0.0625));                // (2/2)(2.75 - 3)^2
        Assert.That(path[^1].W[0], Is.EqualTo(3).Within(1e-15));
        Assert.That(path[^1].Loss, Is.LessThan(1e-30));
    }

    [Test]
    public void LearningRateOneOverLReachesTheMinimumOfAQuadraticInOneStep()
    {
        // L = (a/2)(w - c)^2, a = 4, c = 3: the gradient's Lipschitz constant is a = 4, lr = 1/4
        //   w0 = -1, g = 4 * (-1 - 3) = -16,  w1 = -1 - (1/4)(-16) = 3 = c,  L(w1) = 0, g(w1) = 0
        var path = DescentPath.Run(LossSurfaces.Bowl(curvature: 4, center: 3), [-1.0], learningRate: 0.25, steps: 1);
        Assert.That(path[0].dW[0], Is.EqualTo(-16));
        Assert.That(path[1].W[0], Is.EqualTo(3));
        Assert.That(path[1].Loss, Is.EqualTo(0));
        Assert.That(path[1].dW[0], Is.EqualTo(0));

        // round 2-D bowl, a1 = a2 = 4: one step from anywhere; w0 = (1, -2), g = (4, -8), w1 = (0, 0)
        var round = DescentPath.Run(LossSurfaces.Bowl2d(4, 4), [1.0, -2.0], learningRate: 0.25, steps: 1);
        Assert.That(round[1].W, Is.EqualTo(new double[] { 0, 0 }));
        // elongated bowl, a1 = 4, a2 = 1, lr = 1/L = 1/4: exact along the steep axis only
        //   w0 = (1, 1), g = (4, 1), w1 = (1 - 1, 1 - 0.25) = (0, 0.75)
        var flat = DescentPath.Run(LossSurfaces.Bowl2d(4, 1), [1.0, 1.0], learningRate: 0.25, steps: 1);
        Assert.That(flat[1].W, Is.EqualTo(new[] { 0, 0.75 }));
    }

    [Test]
    public void TheSkierDoesNotKnowThereIsABetterSolutionBeyondTheHill()
    {
        // L = (w^2 - 1)^2 - 0.3 w: minima at w = -0.96015 (L = 0.29415) and w = 1.03558 (L = -0.30543),
        // the hill between them at w = -0.07543 (roots of 4w^3 - 4w - 0.3, from numpy.roots)
        var fromLeft = DescentPath.Run(LossSurfaces.HillThenBetterSolution(), [-2.0], learningRate: 0.01, steps: 3000);
        var fromRight = DescentPath.Run(LossSurfaces.HillThenBetterSolution(), [2.0], learningRate: 0.01, steps: 3000);
        Assert.That(fromLeft[^1].W[0], Is.EqualTo(-0.96014956).Within(1e-7));
        Assert.That(fromLeft[^1].Loss, Is.EqualTo(0.29414648).Within(1e-7));
        Assert.That(fromRight[^1].W[0], Is.EqualTo(1.03557871).Within(1e-7));
        Assert.That(fromRight[^1].Loss, Is.EqualTo(-0.30542848).Within(1e-7));
        Assert.That(Math.Abs(fromLeft[^1].dW[0]), Is.LessThan(1e-8));   // stuck: the derivative is 0 there
    }

    [Test]
    public void AnyOptimizerCanBeTheSkier()
    {
        // Adam's first step is lr * g / (|g| + eps) in size whatever |g| is: on the bowl from w0 = 1,
        //   g = 1, m_hat = 1, v_hat = 1, w1 = 1 - 0.1 * 1 / (1 + 1e-8)
        var adam = DescentPath.Run(LossSurfaces.Bowl(), [1.0], new Adam(new AdamOptions { Lr = 0.1 }), steps: 1);
        Assert.That(adam[1].W[0], Is.EqualTo(1 - 0.1 / (1 + 1e-8)).Within(1e-15));

        // Rosenbrock's valley: Adam gets close to the minimum (1, 1); momentum SGD reduces the loss
        var rosen = DescentPath.Run(LossSurfaces.Rosenbrock(), [-1.5, 2.0], new Adam(new AdamOptions { Lr = 0.02 }), steps: 4000);
        TestContext.Out.WriteLine($"Adam on Rosenbrock: L {rosen[0].Loss} -> {rosen[^1].Loss} at ({rosen[^1].W[0]}, {rosen[^1].W[1]})");
        Assert.That(rosen[^1].Loss, Is.LessThan(1e-3));
        var momentum = DescentPath.Run(LossSurfaces.Rosenbrock(), [-1.5, 2.0], new Sgd(new SgdOptions(1e-4) { Momentum = 0.9 }), steps: 4000);
        TestContext.Out.WriteLine($"momentum SGD on Rosenbrock: L {momentum[0].Loss} -> {momentum[^1].Loss}");
        Assert.That(momentum[^1].Loss, Is.LessThan(momentum[0].Loss / 10));
    }

    [Test]
    public void SurfaceGradientsMatchCentralDifferences()
    {
        (LossSurface Surface, double[] At)[] cases =
        [
            (LossSurfaces.Bowl(2.5, -1), [0.7]),
            (LossSurfaces.Bowl2d(3, 0.5, 1, -2), [0.3, 0.9]),
            (LossSurfaces.HillThenBetterSolution(0.3), [-0.4]),
            (LossSurfaces.HillThenBetterSolution(0.3), [1.7]),
            (LossSurfaces.Rosenbrock(), [-1.2, 1.3]),
            (LossSurfaces.Rosenbrock(2, 50), [0.4, -0.6]),
            (LossSurfaces.Saddle(), [0.8, 0.3]),
            (LossSurfaces.Saddle(3), [-0.5, -1.4]),
        ];
        foreach (var (surface, at) in cases)
        {
            var w = new Tensor([at.Length], (double[])at.Clone());
            var analytic = new NamedTensors { { "w", new Tensor([at.Length], surface.Evaluate(at).dW) } };
            var report = GradientCheck.Check(() => surface.Evaluate(w.Data).Loss, new NamedTensors { { "w", w } }, analytic,
                new GradientCheckOptions(Step: 1e-5));
            TestContext.Out.WriteLine($"gradcheck {surface.Name} at [{string.Join(", ", at)}]: {report.WorstRelativeError:E2}");
            Assert.That(report.WorstRelativeError, Is.LessThan(1e-8), surface.Name);
        }
        // the minima: gradient exactly 0 at the bowl's centre and at Rosenbrock's (a, a^2)
        Assert.That(LossSurfaces.Rosenbrock(2, 50).Evaluate([2.0, 4.0]).dW, Is.EqualTo(new double[] { 0, 0 }));
        Assert.That(LossSurfaces.Bowl2d(3, 1, 1, -2).Evaluate([1.0, -2.0]).Loss, Is.EqualTo(0));
        // the saddle: flat at (0, 0) with L = 0, minima at (0, +-1) with L = 1/4 - 1/2 = -1/4
        Assert.That(LossSurfaces.Saddle(2).Evaluate([0.0, 0.0]).dW, Is.EqualTo(new double[] { 0, 0 }));
        Assert.That(LossSurfaces.Saddle(2).Evaluate([0.0, 1.0]).dW, Is.EqualTo(new double[] { 0, 0 }));
        Assert.That(LossSurfaces.Saddle(2).Evaluate([0.0, -1.0]).Loss, Is.EqualTo(-0.25));
        // hand-derived: at (1, 2) with a = 2, L = 1 + 16/4 - 4/2 = 3, dL/dx = 2, dL/dy = 8 - 2 = 6
        Assert.That(LossSurfaces.Saddle(2).Evaluate([1.0, 2.0]).Loss, Is.EqualTo(3.0));
        Assert.That(LossSurfaces.Saddle(2).Evaluate([1.0, 2.0]).dW, Is.EqualTo(new double[] { 2, 6 }));
    }

    [Test]
    public void RejectsBadArguments()
    {
        var bowl = LossSurfaces.Bowl();
        var e = Assert.Throws<ArgumentException>(() => DescentPath.Run(bowl, [1.0], learningRate: 0, steps: 5))!;
        Assert.That(e.ParamName, Is.EqualTo("learningRate"));
        Assert.That(e.Message, Does.Contain("learningRate must be a finite number > 0 but is 0"));
        e = Assert.Throws<ArgumentException>(() => DescentPath.Run(bowl, [1.0], learningRate: -0.1, steps: 5))!;
        Assert.That(e.Message, Does.Contain("but is -0.1"));
        e = Assert.Throws<ArgumentException>(() => DescentPath.Run(bowl, [1.0], learningRate: double.NaN, steps: 5))!;
        Assert.That(e.Message, Does.Contain("but is NaN"));
        e = Assert.Throws<ArgumentException>(() => DescentPath.Run(bowl, [1.0], learningRate: 0.1, steps: 0))!;
        Assert.That(e.Message, Does.Contain("steps must be at least 1 but is 0"));
        e = Assert.Throws<ArgumentException>(() => DescentPath.Run(LossSurfaces.Rosenbrock(), [1.0], 0.1, 5))!;
        Assert.That(e.ParamName, Is.EqualTo("start"));
        Assert.That(e.Message, Does.Contain("start has 1 values but the surface 'Rosenbrock (a = 1, b = 100)' has 2 parameters"));
        e = Assert.Throws<ArgumentException>(() => LossSurfaces.Bowl(curvature: 0))!;
        Assert.That(e.Message, Does.Contain("curvature must be a finite number > 0 but is 0"));
        var broken = new LossSurface("broken", 2, w => new LossAndGradient(0, [1.0]));
        e = Assert.Throws<ArgumentException>(() => DescentPath.Run(broken, [0.0, 0.0], 0.1, 1))!;
        Assert.That(e.Message, Does.Contain("returned a gradient of 1 values but has 2 parameters"));
    }
}
