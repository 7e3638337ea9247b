namespace GrowHalo.Analytics.Customers.Churn;

/// <summary>
/// The churn model a scoring run used, as customer_score_runs.churn_model keeps it: the BG/NBD parameters and
/// log-likelihood (null when there was too little to fit), whether the fit is trusted, the repeat customers it saw,
/// and the rule that decided the statuses; and <see cref="DataAsOf"/>, the read models' freshness (last_event_at) the
/// scoring read, so that a later change of the read models shows as last_event_at &gt; data_as_of (one clock, the
/// store's: comparing it with scored_at would miss events appended before the scoring but projected after it).
/// </summary>
public sealed record ChurnModel(double? R, double? Alpha, double? A, double? B, double? LogLikelihood, bool Trusted, long RepeatCustomers, string Rule,
    DateTimeOffset? DataAsOf = null)
{
    public static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Fits the histories (one per distinct x, tₓ, T with its count) and says how each history is scored.</summary>
    public static (ChurnModel Model, Func<BgNbdHistory, (double? PAlive, double? Expected, string Status)> Score) Fit(
        IReadOnlyList<BgNbdHistory> histories, double horizonDays)
    {
        var repeat = histories.Where(h => h.X > 0).Sum(h => h.Customers);
        static (double?, double?, string) Lapsed(BgNbdHistory h) => (null, null, ChurnStatus.OfDaysSinceLastOrder(h.T - h.Tx));
        if (repeat < ChurnStatus.MinRepeatCustomers)
            return (new ChurnModel(null, null, null, null, null, false, repeat,
                ChurnStatus.LapseRule($"fewer than {ChurnStatus.MinRepeatCustomers} repeat customers: the BG/NBD fit is not trusted")), Lapsed);

        var fit = BgNbd.Fit(histories)!;
        var p = fit.Parameters;
        if (!fit.Converged)
            return (new ChurnModel(p.R, p.Alpha, p.A, p.B, fit.LogLikelihood, false, repeat,
                ChurnStatus.LapseRule("the BG/NBD fit did not converge and is not trusted")), Lapsed);
        return (new ChurnModel(p.R, p.Alpha, p.A, p.B, fit.LogLikelihood, true, repeat, ChurnStatus.ModelRule), h =>
        {
            var alive = BgNbd.PAlive(p, h.X, h.Tx, h.T);
            var expected = BgNbd.ExpectedPurchases(p, horizonDays, h.X, h.Tx, h.T);
            return (alive, double.IsFinite(expected) ? expected : null, ChurnStatus.OfPAlive(alive));
        });
    }
}
