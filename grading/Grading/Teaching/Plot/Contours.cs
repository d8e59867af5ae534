// Contour lines by marching squares: for each grid cell and level, the segment(s) where the
// bilinear surface crosses the level, found by linear interpolation along the cell's edges.
// Segments are returned unjoined; drawn together they trace the level set.
namespace Rnn.Grading.Teaching.Plot;

public readonly record struct Segment(double X0, double Y0, double X1, double Y1);

public static class Contours
{
    /// <summary>The segments of the level set Z = level over the grid x[i], y[j]; z[j * nx + i] = Z(x[i], y[j]).</summary>
    public static List<Segment> Trace(double[] x, double[] y, double[] z, double level)
    {
        int nx = x.Length, ny = y.Length;
        if (z.Length != nx * ny)
            throw new ArgumentException($"z has {z.Length} values but the grid is {nx} x {ny}", nameof(z));
        var segments = new List<Segment>();
        for (int j = 0; j + 1 < ny; j++)
            for (int i = 0; i + 1 < nx; i++)
            {
                // corners counter-clockwise from the bottom-left: (i, j), (i+1, j), (i+1, j+1), (i, j+1)
                double z0 = z[j * nx + i], z1 = z[j * nx + i + 1], z2 = z[(j + 1) * nx + i + 1], z3 = z[(j + 1) * nx + i];
                if (!(double.IsFinite(z0) && double.IsFinite(z1) && double.IsFinite(z2) && double.IsFinite(z3))) continue;
                var crossings = new List<(double X, double Y)>(4);
                Edge(x[i], y[j], z0, x[i + 1], y[j], z1, level, crossings);
                Edge(x[i + 1], y[j], z1, x[i + 1], y[j + 1], z2, level, crossings);
                Edge(x[i + 1], y[j + 1], z2, x[i], y[j + 1], z3, level, crossings);
                Edge(x[i], y[j + 1], z3, x[i], y[j], z0, level, crossings);
                if (crossings.Count == 2)
                    segments.Add(new Segment(crossings[0].X, crossings[0].Y, crossings[1].X, crossings[1].Y));
                else if (crossings.Count == 4)
                {
                    // a saddle cell: pair the crossings by the value at the cell's centre
                    double centre = (z0 + z1 + z2 + z3) / 4;
                    bool centreAbove = centre > level, firstAbove = z0 > level;
                    if (centreAbove == firstAbove)
                    {
                        segments.Add(new Segment(crossings[0].X, crossings[0].Y, crossings[1].X, crossings[1].Y));
                        segments.Add(new Segment(crossings[2].X, crossings[2].Y, crossings[3].X, crossings[3].Y));
                    }
                    else
                    {
                        segments.Add(new Segment(crossings[0].X, crossings[0].Y, crossings[3].X, crossings[3].Y));
                        segments.Add(new Segment(crossings[1].X, crossings[1].Y, crossings[2].X, crossings[2].Y));
                    }
                }
            }
        return segments;
    }

    private static void Edge(double xa, double ya, double za, double xb, double yb, double zb, double level, List<(double, double)> crossings)
    {
        // the edge crosses the level when its ends lie on different sides (a corner exactly at the level counts as above)
        if ((za >= level) == (zb >= level)) return;
        double f = (level - za) / (zb - za);
        crossings.Add((xa + f * (xb - xa), ya + f * (yb - ya)));
    }
}
