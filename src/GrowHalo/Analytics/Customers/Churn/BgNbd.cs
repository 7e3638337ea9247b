using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace GrowHalo.Analytics.Customers.Churn;

/// <summary>
/// One kind of customer history as the BG/NBD model reads it (the inputs of Python's lifetimes): <see cref="X"/> repeat
/// purchase days (days with a counted order − 1), <see cref="Tx"/> days from the first to the last of them, <see cref="T"/>
/// days from the first to today; <see cref="Customers"/> how many customers share it (the fit runs over these counts).
/// </summary>
public readonly record struct BgNbdHistory(int X, int Tx, int T, long Customers = 1);

/// <summary>r and α shape the purchase rates (gamma), a and b the drop-out probabilities (beta); α in days.</summary>
public sealed record BgNbdParameters(double R, double Alpha, double A, double B);

public sealed record BgNbdFit(BgNbdParameters Parameters, double LogLikelihood, bool Converged);

/// <summary>
/// The BG/NBD model (Fader, Hardie &amp; Lee 2005, "Counting your customers the easy way"), with the formulas of
/// lifetimes' BetaGeoFitter: the log-likelihood, its maximum-likelihood fit, the probability that a customer is still
/// alive, and the purchases to expect in the next t days. Pure math: no database.
/// </summary>
public static class BgNbd
{
    /// <summary>Σ over customers of the log-likelihood of their history.</summary>
    public static double LogLikelihood(BgNbdParameters p, IReadOnlyList<BgNbdHistory> histories)
    {
        var (value, _) = Evaluate([Math.Log(p.R), Math.Log(p.Alpha), Math.Log(p.A), Math.Log(p.B)], histories, gradient: false);
        return value;
    }

    /// <summary>
    /// The maximum-likelihood parameters, searched over their logarithms (so they stay positive): Nelder–Mead from
    /// r = a = b = 1 and α = the mean age, then BFGS with the exact gradient to settle on the optimum. Null when there
    /// is nothing to fit. <see cref="BgNbdFit.Converged"/>: the gradient vanished at finite parameters.
    /// </summary>
    public static BgNbdFit? Fit(IReadOnlyList<BgNbdHistory> histories)
    {
        // In one order, so that the same histories give the same parameters to the last bit, however they were read.
        histories = [.. histories.OrderBy(h => h.X).ThenBy(h => h.Tx).ThenBy(h => h.T).ThenBy(h => h.Customers)];
        var customers = histories.Sum(h => h.Customers);
        if (customers == 0) return null;
        // The mean log-likelihood per customer, negated: the same optimum for any number of customers.
        double Objective(Vector<double> u)
        {
            var v = -Evaluate([.. u], histories, gradient: false).Value / customers;
            return double.IsFinite(v) ? v : double.MaxValue;
        }
        Vector<double> Gradient(Vector<double> u) => Vector<double>.Build.DenseOfArray(Evaluate([.. u], histories, gradient: true).Gradient!) / -customers;

        var meanAge = Math.Max(1, histories.Sum(h => (double)h.T * h.Customers) / customers);
        var start = Vector<double>.Build.DenseOfArray([0, Math.Log(meanAge), 0, 0]);
        var best = start;
        try
        {
            best = new NelderMeadSimplex(1e-12, 20_000).FindMinimum(ObjectiveFunction.Value(Objective), start).MinimizingPoint;
        }
        catch (Exception e) when (IsNumericalFailure(e)) { }
        try
        {
            var polished = new BfgsMinimizer(1e-10, 1e-12, 1e-15, 2_000)
                .FindMinimum(ObjectiveFunction.Gradient(Objective, Gradient), best).MinimizingPoint;
            if (Objective(polished) <= Objective(best)) best = polished;
        }
        catch (Exception e) when (IsNumericalFailure(e)) { }

        var parameters = new BgNbdParameters(Math.Exp(best[0]), Math.Exp(best[1]), Math.Exp(best[2]), Math.Exp(best[3]));
        var gradient = Gradient(best);
        var converged = best.All(u => Math.Abs(u) < 25) && gradient.All(g => Math.Abs(g) < 1e-5);
        return new BgNbdFit(parameters, LogLikelihood(parameters, histories), converged);
    }

    private static bool IsNumericalFailure(Exception e) =>
        e is ArithmeticException or ArgumentException || e.GetType().Namespace?.StartsWith("MathNet.Numerics", StringComparison.Ordinal) == true;

    /// <summary>The probability that a customer with this history has not dropped out; 1 without a repeat purchase.</summary>
    public static double PAlive(BgNbdParameters p, int x, int tx, int t)
    {
        if (x == 0) return 1;
        var logDiv = (p.R + x) * Math.Log((p.Alpha + t) / (p.Alpha + tx)) + Math.Log(p.A / (p.B + x - 1));
        return 1 / (1 + Math.Exp(logDiv));
    }

    /// <summary>The purchases (purchase days) to expect in the next <paramref name="days"/> days, given the history.</summary>
    public static double ExpectedPurchases(BgNbdParameters p, double days, int x, int tx, int t)
    {
        var (r, alpha, a, b) = (p.R, p.Alpha, p.A, p.B);
        var z = days / (alpha + t + days);
        var logHyp = Hypergeometric.Log2F1(r + x, b + x, a + b + x - 1, z);
        var first = (a + b + x - 1) / (a - 1);
        var second = 1 - Math.Exp(logHyp + (r + x) * Math.Log((alpha + t) / (alpha + days + t)));
        var denominator = 1 + (x > 0 ? a / (b + x - 1) * Math.Pow((alpha + t) / (alpha + tx), r + x) : 0);
        return first * second / denominator;
    }

    /// <summary>
    /// The log-likelihood at log-parameters u = ln(r, α, a, b) and, if asked, its gradient in u:
    /// ℓ = A₁ + A₂ + ln(e^A₃ + [x &gt; 0] e^A₄) with A₁ = lnΓ(r+x) − lnΓ(r) + r ln α,
    /// A₂ = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x), A₃ = −(r+x) ln(α+T), A₄ = ln a − ln(b+x−1) − (r+x) ln(α+tₓ).
    /// </summary>
    private static (double Value, double[]? Gradient) Evaluate(double[] u, IReadOnlyList<BgNbdHistory> histories, bool gradient)
    {
        var (r, alpha, a, b) = (Math.Exp(u[0]), Math.Exp(u[1]), Math.Exp(u[2]), Math.Exp(u[3]));
        double lnGammaR = SpecialFunctions.GammaLn(r), lnGammaAb = SpecialFunctions.GammaLn(a + b), lnGammaB = SpecialFunctions.GammaLn(b);
        double psiR = gradient ? SpecialFunctions.DiGamma(r) : 0, psiAb = gradient ? SpecialFunctions.DiGamma(a + b) : 0,
            psiB = gradient ? SpecialFunctions.DiGamma(b) : 0;
        double total = 0, dr = 0, dAlpha = 0, da = 0, db = 0;
        foreach (var h in histories)
        {
            double x = h.X, w = h.Customers;
            var a1 = SpecialFunctions.GammaLn(r + x) - lnGammaR + r * Math.Log(alpha);
            var a2 = lnGammaAb + SpecialFunctions.GammaLn(b + x) - lnGammaB - SpecialFunctions.GammaLn(a + b + x);
            var a3 = -(r + x) * Math.Log(alpha + h.T);
            var a4 = h.X > 0 ? Math.Log(a) - Math.Log(b + x - 1) - (r + x) * Math.Log(alpha + h.Tx) : double.NegativeInfinity;
            var top = Math.Max(a3, a4);
            var mix = top + Math.Log(Math.Exp(a3 - top) + Math.Exp(a4 - top));
            total += w * (a1 + a2 + mix);
            if (!gradient) continue;
            // The weights of the two ways to the data: still alive at T (A₃) or dropped out after tₓ (A₄).
            double w3 = Math.Exp(a3 - mix), w4 = Math.Exp(a4 - mix);
            dr += w * (SpecialFunctions.DiGamma(r + x) - psiR + Math.Log(alpha) - w3 * Math.Log(alpha + h.T) - w4 * Math.Log(alpha + h.Tx));
            dAlpha += w * (r / alpha - w3 * (r + x) / (alpha + h.T) - w4 * (r + x) / (alpha + h.Tx));
            var psiAbx = SpecialFunctions.DiGamma(a + b + x);
            da += w * (psiAb - psiAbx + w4 / a);
            db += w * (psiAb + SpecialFunctions.DiGamma(b + x) - psiB - psiAbx - (h.X > 0 ? w4 / (b + x - 1) : 0));
        }
        // d/du = p · d/dp for each parameter p = e^u.
        return (total, gradient ? [r * dr, alpha * dAlpha, a * da, b * db] : null);
    }
}
