using GrowHalo.Analytics.Metrics;
using Npgsql;

namespace GrowHalo.Analytics.Customers;

/// <summary>
/// A customer as the customer answers show one: who (key, Shopify id, e-mail, name), when (first and last counted
/// order, tenant days) and how much (counted orders, lifetime net revenue in the reporting currency, its average per
/// order). <see cref="WindowRevenue"/> is set by answers about a window.
/// </summary>
public sealed record CustomerRow(string CustomerKey, string? ShopifyCustomerId, string? Email, string? Name,
    DateOnly? FirstOrderDate, DateOnly? LastOrderDate, int OrdersCount, decimal LifetimeRevenue, decimal? AvgOrderValue,
    bool MissingFxRates, decimal? WindowRevenue = null)
{
    /// <summary>The columns <see cref="Read"/> expects first, from <c>customers c</c>.</summary>
    public const string Columns = """
        c.customer_key, c.customer_id, c.email, nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''),
        c.first_order_day, c.last_order_day, c.orders_count, c.lifetime_spend, c.missing_fx_rates
        """;

    public static CustomerRow Read(NpgsqlDataReader r)
    {
        var orders = r.GetInt32(6);
        var revenue = r.GetDecimal(7);
        return new CustomerRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
            r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4),
            r.IsDBNull(5) ? null : r.GetFieldValue<DateOnly>(5), orders, Rounding.Money(revenue),
            orders == 0 ? null : Rounding.Money(revenue / orders), r.GetBoolean(8));
    }
}
