using GrowHalo.Analytics.Metrics;
using Npgsql;

namespace GrowHalo.Analytics.Orders;

/// <summary>
/// An order as the order answers show one: the version held (the greatest updated_at received), its status, whether
/// it counts, and its money in the order's own currency: total_price (before refunds, as Shopify reports it), refunded
/// (every refund of the order received so far) and net_revenue = total_price − refunded.
/// </summary>
public record OrderRow(string OrderId, string? Name, DateTimeOffset PlacedAt, DateOnly PlacedDate, string? CustomerKey, string? Email,
    string Status, string? FinancialStatus, bool Counted, bool Test, DateTimeOffset? CancelledAt, string Currency,
    decimal TotalPrice, decimal Refunded, decimal NetRevenue)
{
    /// <summary>
    /// The status, one of <see cref="Statuses"/>, from test, cancelled_at and financial_status in that order of
    /// precedence (a cancelled test order is "test"); pending, authorized, partially_paid, expired or no financial
    /// status are "pending".
    /// </summary>
    public const string StatusSql = """
        (case when o.test then 'test'
              when o.cancelled_at is not null then 'cancelled'
              when o.financial_status in ('voided', 'refunded', 'partially_refunded', 'paid') then o.financial_status
              else 'pending' end)
        """;

    public static readonly IReadOnlyList<string> Statuses = ["paid", "pending", "partially_refunded", "refunded", "voided", "cancelled", "test"];

    /// <summary>The columns <see cref="Read"/> expects first, from <c>orders o</c>; $3 is the tenant's reporting currency.</summary>
    public const string Columns = $"""
        o.order_id, o.name, o.placed_at, o.placed_day, o.customer_key, o.email, {StatusSql}, o.financial_status, o.counted, o.test,
        o.cancelled_at, coalesce(o.currency, $3),
        o.total_price, coalesce((select sum(r.amount) from order_refunds r where r.tenant_id = o.tenant_id and r.order_id = o.order_id), 0)
        """;

    public const int ColumnCount = 14;

    public static OrderRow Read(NpgsqlDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var total = r.GetDecimal(12);
        var refunded = r.GetDecimal(13);
        return new OrderRow(r.GetString(0), Text(1), r.GetFieldValue<DateTimeOffset>(2), r.GetFieldValue<DateOnly>(3), Text(4), Text(5),
            r.GetString(6), Text(7), r.GetBoolean(8), r.GetBoolean(9), r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10),
            r.GetString(11), Rounding.Money(total), Rounding.Money(refunded), Rounding.Money(total - refunded));
    }
}
