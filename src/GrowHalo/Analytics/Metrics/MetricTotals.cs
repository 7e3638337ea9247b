namespace GrowHalo.Analytics.Metrics;

/// <summary>
/// The additive parts of the metrics over some days, unrounded. Ratios are derived from the summed parts (never
/// averaged from daily ratios) and are null when their denominator is 0; rounding happens only in <see cref="Output"/>.
/// </summary>
public sealed record MetricTotals(decimal Revenue, decimal GrossRevenue, decimal Refunds, long OrdersCount, long NewCustomers, decimal AdSpend)
{
    public static readonly MetricTotals Zero = new(0m, 0m, 0m, 0, 0, 0m);

    public static readonly IReadOnlyList<string> Names =
        ["revenue", "gross_revenue", "refunds", "orders_count", "new_customers", "ad_spend", "roas", "cac", "avg_order_value"];

    public MetricTotals Add(MetricTotals o) => new(Revenue + o.Revenue, GrossRevenue + o.GrossRevenue, Refunds + o.Refunds,
        OrdersCount + o.OrdersCount, NewCustomers + o.NewCustomers, AdSpend + o.AdSpend);

    public static MetricTotals Sum(IEnumerable<MetricTotals> parts) => parts.Aggregate(Zero, (a, b) => a.Add(b));

    /// <summary>revenue ÷ ad_spend (net revenue: what the ads are judged against).</summary>
    public decimal? Roas => AdSpend == 0 ? null : Revenue / AdSpend;

    /// <summary>ad_spend ÷ new_customers.</summary>
    public decimal? Cac => NewCustomers == 0 ? null : AdSpend / NewCustomers;

    /// <summary>revenue ÷ orders_count.</summary>
    public decimal? AvgOrderValue => OrdersCount == 0 ? null : Revenue / OrdersCount;

    /// <summary>The unrounded value of a metric named in <see cref="Names"/>.</summary>
    public decimal? Value(string metric) => metric switch
    {
        "revenue" => Revenue,
        "gross_revenue" => GrossRevenue,
        "refunds" => Refunds,
        "orders_count" => OrdersCount,
        "new_customers" => NewCustomers,
        "ad_spend" => AdSpend,
        "roas" => Roas,
        "cac" => Cac,
        "avg_order_value" => AvgOrderValue,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    /// <summary>The value as the API shows it: money to 2 decimals, ratios (roas, cac, avg_order_value) to 4, counts as integers.</summary>
    public object? Output(string metric) => metric switch
    {
        "orders_count" => OrdersCount,
        "new_customers" => NewCustomers,
        "roas" or "cac" or "avg_order_value" => Rounding.Ratio(Value(metric)),
        _ => Rounding.Money(Value(metric)),
    };

    public MetricSet ToSet() => new(Rounding.Money(Revenue), Rounding.Money(GrossRevenue), Rounding.Money(Refunds), OrdersCount,
        NewCustomers, Rounding.Money(AdSpend), Rounding.Ratio(Roas), Rounding.Ratio(Cac), Rounding.Ratio(AvgOrderValue));
}

/// <summary>The metrics of one window as the API shows them.</summary>
public sealed record MetricSet(decimal Revenue, decimal GrossRevenue, decimal Refunds, long OrdersCount, long NewCustomers,
    decimal AdSpend, decimal? Roas, decimal? Cac, decimal? AvgOrderValue);

/// <summary>Rounding at the edge only, half away from zero (as accountants and PostgreSQL's round do).</summary>
public static class Rounding
{
    public static decimal Money(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
    public static decimal? Money(decimal? value) => value is null ? null : Money(value.Value);
    public static decimal? Ratio(decimal? value) => value is null ? null : Math.Round(value.Value, 4, MidpointRounding.AwayFromZero);
    public static decimal? Percent(decimal? value) => value is null ? null : Math.Round(value.Value, 2, MidpointRounding.AwayFromZero);
}
