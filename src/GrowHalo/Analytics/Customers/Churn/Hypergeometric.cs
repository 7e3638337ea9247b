namespace GrowHalo.Analytics.Customers.Churn;

/// <summary>
/// The Gaussian hypergeometric function ₂F₁(a, b; c; z) for what BG/NBD asks of it: a, b, c &gt; 0 and 0 ≤ z &lt; 1
/// (z = t ÷ (α + T + t)). There every term of the power series Σ (a)ₙ(b)ₙ ÷ ((c)ₙ n!) zⁿ is positive, so summing it
/// loses nothing to cancellation; the sum is kept scaled and answered as a logarithm, as lifetimes does, because for
/// frequent customers and z near 1 it outgrows a double.
/// </summary>
public static class Hypergeometric
{
    private const int MaxTerms = 2_000_000;

    /// <summary>ln ₂F₁(a, b; c; z); NaN outside a, b, c &gt; 0, 0 ≤ z &lt; 1, or if the series has not converged.</summary>
    public static double Log2F1(double a, double b, double c, double z)
    {
        if (!(a > 0 && b > 0 && c > 0 && z >= 0 && z < 1)) return double.NaN;
        double term = 1, sum = 1, logScale = 0;
        for (var n = 0; n < MaxTerms; n++)
        {
            var ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            term *= ratio;
            sum += term;
            // Past the largest term the terms fall at least geometrically (ratio → z): stop when they no longer count.
            if (ratio < 1 && term <= sum * 1e-17) return Math.Log(sum) + logScale;
            if (sum > 1e250)
            {
                term /= 1e250;
                sum /= 1e250;
                logScale += 250 * Math.Log(10);
            }
        }
        return double.NaN;
    }
}
