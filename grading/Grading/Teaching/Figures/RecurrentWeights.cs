// Recurrent weights with a chosen largest singular value, for the figures on exploding and
// vanishing gradients: W_hh = rho * Q with Q a random orthogonal matrix (Gram-Schmidt on a
// Gaussian matrix drawn from SeededRandom), so every singular value of W_hh, and its spectral
// radius, is exactly rho. The slides' "Largest singular value > 1: exploding gradients;
// < 1: vanishing gradients" (MATH80629) is then a statement about rho alone.
using Rnn.Reference.Tensors;

namespace Rnn.Grading.Teaching.Figures;

public static class RecurrentWeights
{
    /// <summary>rho * Q, [H, H], Q orthogonal (rows orthonormal).</summary>
    public static Tensor ScaledOrthogonal(int H, double rho, SeededRandom rng)
    {
        var q = new double[H * H];                                   // [H, H] row-major
        for (int i = 0; i < q.Length; i++) q[i] = rng.NextGaussian();
        for (int r = 0; r < H; r++)
        {
            var row = q.AsSpan(r * H, H);
            // subtract the projections on the rows before it (modified Gram-Schmidt), then normalise
            for (int p = 0; p < r; p++)
            {
                var prev = q.AsSpan(p * H, H);
                double dot = 0;
                for (int k = 0; k < H; k++) dot += row[k] * prev[k];
                for (int k = 0; k < H; k++) row[k] -= dot * prev[k];
            }
            double norm = 0;
            for (int k = 0; k < H; k++) norm += row[k] * row[k];
            norm = Math.Sqrt(norm);
            for (int k = 0; k < H; k++) row[k] /= norm;
        }
        for (int i = 0; i < q.Length; i++) q[i] *= rho;
        return new Tensor([H, H], q);
    }
}
