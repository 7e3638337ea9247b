namespace GrowHalo.Analytics.Customers;

/// <summary>
/// The RFM scores of each customer (<see cref="Scoring.CustomerScoring"/>): every measure scored 1–5 as 1 + ⌊5 × w ÷ n⌋, w the customers strictly worse
/// on it, n all of them, so equal values score equally. Recency: the later the last counted order, the better;
/// frequency: counted orders; monetary: net revenue. The grid (<see cref="RfmEndpoint"/>) counts the same R and F
/// scores a (last day, orders) pair at a time, which is what makes it fast; CustomerScoresTests checks they agree.
/// </summary>
internal static class RfmScores
{
    /// <summary>
    /// A CTE body over a CTE named <c>facts</c> (customer_key, orders, last_day, revenue): customer_key, orders, last_day,
    /// revenue (0 when null), r, f, m. rank() − 1 over an ordering from worse to better is the number strictly worse.
    /// </summary>
    public const string OverFacts = """
        select customer_key, orders, last_day, coalesce(revenue, 0) as revenue,
               1 + floor(5.0 * (rank() over (order by last_day) - 1) / count(*) over ())::int as r,
               1 + floor(5.0 * (rank() over (order by orders) - 1) / count(*) over ())::int as f,
               1 + floor(5.0 * (rank() over (order by coalesce(revenue, 0)) - 1) / count(*) over ())::int as m
        from facts
        """;
}
