using System.Text.Json;
using GrowHalo.Analytics.Customers.Churn;

namespace GrowHalo.Tests.Analytics.Customers.Churn;

/// <summary>
/// BG/NBD against an independent implementation: fixtures/make_bgnbd_fixture.py (scipy, lifetimes' formulas) drew
/// 1,000 customers from the model with a fixed seed, fitted them and scored every row; ours agrees to 1e-3.
/// </summary>
public sealed class BgNbdFixtureTests
{
    private const double Tolerance = 1e-3;

    private sealed record Row(int X, int TX, int T, double PAlive, double Expected90d);

    private static readonly JsonElement Fixture =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Analytics/Customers/Churn/fixtures/bgnbd_fixture.json"))).RootElement;

    private static readonly IReadOnlyList<Row> Rows = Fixture.GetProperty("rows").EnumerateArray()
        .Select(r => new Row(r.GetProperty("x").GetInt32(), r.GetProperty("t_x").GetInt32(), r.GetProperty("T").GetInt32(),
            r.GetProperty("p_alive").GetDouble(), r.GetProperty("expected_90d").GetDouble())).ToList();

    private static readonly BgNbdParameters Theirs = new(Fixture.GetProperty("parameters").GetProperty("r").GetDouble(),
        Fixture.GetProperty("parameters").GetProperty("alpha").GetDouble(), Fixture.GetProperty("parameters").GetProperty("a").GetDouble(),
        Fixture.GetProperty("parameters").GetProperty("b").GetDouble());

    /// <summary>The rows as the scoring hands them over: one per distinct history, with its count.</summary>
    private static IReadOnlyList<BgNbdHistory> Aggregated() =>
        Rows.GroupBy(r => (r.X, r.TX, r.T)).Select(g => new BgNbdHistory(g.Key.X, g.Key.TX, g.Key.T, g.Count())).ToList();

    [Fact]
    public void the_fit_finds_the_same_parameters_and_log_likelihood()
    {
        var fit = BgNbd.Fit(Aggregated())!;

        Assert.True(fit.Converged);
        Assert.Equal(Theirs.R, fit.Parameters.R, Tolerance);
        Assert.Equal(Theirs.Alpha, fit.Parameters.Alpha, Tolerance);
        Assert.Equal(Theirs.A, fit.Parameters.A, Tolerance);
        Assert.Equal(Theirs.B, fit.Parameters.B, Tolerance);
        Assert.Equal(Fixture.GetProperty("log_likelihood").GetDouble(), fit.LogLikelihood, Tolerance);
    }

    [Fact]
    public void the_log_likelihood_at_their_parameters_is_theirs_one_row_at_a_time_or_aggregated()
    {
        var single = Rows.Select(r => new BgNbdHistory(r.X, r.TX, r.T)).ToList();
        Assert.Equal(Fixture.GetProperty("log_likelihood").GetDouble(), BgNbd.LogLikelihood(Theirs, single), 1e-6);
        Assert.Equal(Fixture.GetProperty("log_likelihood").GetDouble(), BgNbd.LogLikelihood(Theirs, Aggregated()), 1e-6);
    }

    [Fact]
    public void every_p_alive_and_expected_orders_90d_agrees_with_our_fit()
    {
        var ours = BgNbd.Fit(Aggregated())!.Parameters;
        Assert.All(Rows, r =>
        {
            Assert.Equal(r.PAlive, BgNbd.PAlive(ours, r.X, r.TX, r.T), Tolerance);
            Assert.Equal(r.Expected90d, BgNbd.ExpectedPurchases(ours, 90, r.X, r.TX, r.T), Tolerance);
        });
    }

    [Fact]
    public void every_p_alive_and_expected_orders_90d_agrees_at_their_parameters_to_1e_9()
    {
        Assert.All(Rows, r =>
        {
            Assert.Equal(r.PAlive, BgNbd.PAlive(Theirs, r.X, r.TX, r.T), 1e-9);
            Assert.Equal(r.Expected90d, BgNbd.ExpectedPurchases(Theirs, 90, r.X, r.TX, r.T), 1e-9);
        });
    }

    [Fact]
    public void a_customer_with_one_order_is_alive_with_probability_1_whatever_their_age()
    {
        foreach (var age in new[] { 0, 30, 365, 3000 }) Assert.Equal(1.0, BgNbd.PAlive(Theirs, 0, 0, age));
        // …while the orders to expect fall as the silence grows.
        Assert.True(BgNbd.ExpectedPurchases(Theirs, 90, 0, 0, 30) > BgNbd.ExpectedPurchases(Theirs, 90, 0, 0, 365));
    }

    [Fact]
    public void the_hypergeometric_series_matches_known_values()
    {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z) ÷ z; ₂F₁(a, b; b; z) = (1 − z)^−a.
        Assert.Equal(Math.Log(-Math.Log(1 - 0.5) / 0.5), Hypergeometric.Log2F1(1, 1, 2, 0.5), 1e-12);
        Assert.Equal(Math.Log(-Math.Log(1 - 0.999) / 0.999), Hypergeometric.Log2F1(1, 1, 2, 0.999), 1e-10);
        Assert.Equal(-300.5 * Math.Log(1 - 0.99), Hypergeometric.Log2F1(300.5, 2.5, 2.5, 0.99), 1e-8); // beyond a double
        Assert.Equal(0, Hypergeometric.Log2F1(3, 4, 5, 0));
        Assert.True(double.IsNaN(Hypergeometric.Log2F1(1, 1, 2, 1)));
    }
}
