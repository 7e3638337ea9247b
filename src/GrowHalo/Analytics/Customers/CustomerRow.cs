using GrowHalo.Analytics.Metrics;
using Npgsql;

namespace GrowHalo.Analytics.Customers;

/// <summary>
/// A customer as the customer answers show one: who (key, Shopify id, e-mail, name, city, country), when (first and last counted
/// order, tenant days), how much (counted orders, lifetime net revenue in the reporting currency, its average per
/// order), and how they score as of the tenant's last scoring (<see cref="Rfm"/>, <see cref="Churn"/>: null when not
/// scored). <see cref="WindowRevenue"/> is set by answers about a window. Not sealed: the one customer's answer
/// (<see cref="CustomerDetailEndpoint.CustomerDetail"/>) is this row plus its profile, copied whole.
/// </summary>
public record CustomerRow(string CustomerKey, string? ShopifyCustomerId, string? Email, string? Name, string? City, string? Country,
    DateOnly? FirstOrderDate, DateOnly? LastOrderDate, int OrdersCount, decimal LifetimeRevenue, decimal? AvgOrderValue,
    bool MissingFxRates, decimal? WindowRevenue = null, CustomerRow.RfmScore? Rfm = null, CustomerRow.ChurnScore? Churn = null)
{
    /// <summary>RFM scores 1–5 and the segment of the R×F cell (<see cref="RfmSegments"/>).</summary>
    public sealed record RfmScore(int R, int F, int M, string Segment);

    /// <summary>active, at_risk or lost, and the BG/NBD probability of being alive (null when the lapse rule decided).</summary>
    public sealed record ChurnScore(string? Status, decimal? PAlive);

    /// <summary>
    /// The columns <see cref="Read"/> expects first, from <c>customers c</c>. The scores come as one text array from a
    /// keyed lookup, so every query over <c>customers c</c> can take them without a join of its own.
    /// </summary>
    public const string Columns = """
        c.customer_key, c.customer_id, c.email, nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''),
        c.city, c.country, c.first_order_day, c.last_order_day, c.orders_count, c.lifetime_spend, c.missing_fx_rates,
        (select array[s.r::text, s.f::text, s.m::text, s.rfm_segment, s.churn_status, s.p_alive::text] from customer_scores s
         where s.tenant_id = c.tenant_id and s.customer_key = c.customer_key)
        """;

    /// <summary>How many columns <see cref="Columns"/> has: an answer's own columns follow.</summary>
    public const int ColumnCount = 12;

    public static CustomerRow Read(NpgsqlDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateOnly? Day(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
        var orders = r.GetInt32(8);
        var revenue = r.GetDecimal(9);
        var scores = r.IsDBNull(11) ? null : r.GetFieldValue<string?[]>(11);
        return new CustomerRow(r.GetString(0), Text(1), Text(2), Text(3), Text(4), Text(5), Day(6), Day(7), orders,
            Rounding.Money(revenue), orders == 0 ? null : Rounding.Money(revenue / orders), r.GetBoolean(10),
            Rfm: scores is null ? null : new RfmScore(int.Parse(scores[0]!), int.Parse(scores[1]!), int.Parse(scores[2]!), scores[3]!),
            Churn: scores is null ? null : new ChurnScore(scores[4],
                scores[5] is { } p ? Rounding.Ratio((decimal)double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)) : null));
    }
}
