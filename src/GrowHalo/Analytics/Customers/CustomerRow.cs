using GrowHalo.Analytics.Metrics;
using Npgsql;

namespace GrowHalo.Analytics.Customers;

/// <summary>
/// A customer as the customer answers show one: who (key, Shopify id, e-mail, name, city, country), when (first and last counted
/// order, tenant days) and how much (counted orders, lifetime net revenue in the reporting currency, its average per
/// order). <see cref="WindowRevenue"/> is set by answers about a window. Not sealed: the one customer's answer
/// (<see cref="CustomerDetailEndpoint.CustomerDetail"/>) is this row plus its profile, copied whole.
/// </summary>
public record CustomerRow(string CustomerKey, string? ShopifyCustomerId, string? Email, string? Name, string? City, string? Country,
    DateOnly? FirstOrderDate, DateOnly? LastOrderDate, int OrdersCount, decimal LifetimeRevenue, decimal? AvgOrderValue,
    bool MissingFxRates, decimal? WindowRevenue = null)
{
    /// <summary>The columns <see cref="Read"/> expects first, from <c>customers c</c>.</summary>
    public const string Columns = """
        c.customer_key, c.customer_id, c.email, nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''),
        c.city, c.country, c.first_order_day, c.last_order_day, c.orders_count, c.lifetime_spend, c.missing_fx_rates
        """;

    /// <summary>How many columns <see cref="Columns"/> has: an answer's own columns follow.</summary>
    public const int ColumnCount = 11;

    public static CustomerRow Read(NpgsqlDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateOnly? Day(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
        var orders = r.GetInt32(8);
        var revenue = r.GetDecimal(9);
        return new CustomerRow(r.GetString(0), Text(1), Text(2), Text(3), Text(4), Text(5), Day(6), Day(7), orders,
            Rounding.Money(revenue), orders == 0 ? null : Rounding.Money(revenue / orders), r.GetBoolean(10));
    }
}
