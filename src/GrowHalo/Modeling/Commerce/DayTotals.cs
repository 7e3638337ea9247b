using GrowHalo.Platform.Events.Projections;
using GrowHalo.Modeling.Customers;
using GrowHalo.Modeling.Orders;
using GrowHalo.Platform.Database;

namespace GrowHalo.Modeling.Commerce;

/// <summary>
/// Keeps order_day_totals and first_order_days — what daily summaries are recomputed from — by adding each change's
/// difference: an order that changed leaves its old day's totals (if it counted) and joins its new day's (if it
/// counts); a customer whose first-order day moved leaves the old day's count and joins the new one's. Decimal sums
/// are exact, so the totals always equal summing the documents afresh (a rebuild gives the same rows), while a day
/// recompute reads a few rows instead of every order of the day.
/// </summary>
internal static class DayTotals
{
    private const string OrdersSql = """
        insert into order_day_totals as d (tenant_id, day, currency, gross, orders)
        select tenant_id, day, currency, sum(gross), sum(orders)
        from unnest($1::text[], $2::date[], $3::text[], $4::numeric[], $5::bigint[]) as u(tenant_id, day, currency, gross, orders)
        group by 1, 2, 3
        on conflict (tenant_id, day, currency) do update set gross = d.gross + excluded.gross, orders = d.orders + excluded.orders
        """;

    private const string FirstDaysSql = """
        insert into first_order_days as d (tenant_id, day, customers)
        select tenant_id, day, sum(customers)
        from unnest($1::text[], $2::date[], $3::bigint[]) as u(tenant_id, day, customers)
        group by 1, 2
        on conflict (tenant_id, day) do update set customers = d.customers + excluded.customers
        """;

    public static async Task AddOrdersAsync(ProjectionContext context, IReadOnlyCollection<OrderWriter.Change> changes, CancellationToken ct)
    {
        var deltas = new List<(string Tenant, DateOnly Day, string Currency, decimal Gross, long Orders)>();
        foreach (var c in changes)
        {
            if (c.Before is { IsCounted: true } before && c.OldDay is { } oldDay)
                deltas.Add((c.Tenant, oldDay, before.Currency, -before.Total, -1));
            if (c.Now.IsCounted) deltas.Add((c.Tenant, c.NewDay, c.Now.Currency, c.Now.Total, 1));
        }
        if (deltas.Count == 0) return;
        await using var cmd = context.Command(OrdersSql)
            .WithTexts(deltas.Select(d => d.Tenant)).With(deltas.Select(d => d.Day).ToArray())
            .WithTexts(deltas.Select(d => d.Currency)).With(deltas.Select(d => d.Gross).ToArray())
            .With(deltas.Select(d => d.Orders).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Returns the days whose new-customer counts changed, for their summaries to be recomputed.</summary>
    public static async Task<HashSet<(string Tenant, DateOnly Day)>> MoveFirstDaysAsync(
        ProjectionContext context, IReadOnlyCollection<CustomerOrderFacts.FirstDayMove> moves, CancellationToken ct)
    {
        var deltas = new List<(string Tenant, DateOnly Day, long Customers)>();
        foreach (var m in moves)
        {
            if (m.OldDay is { } old) deltas.Add((m.Tenant, old, -1));
            if (m.NewDay is { } day) deltas.Add((m.Tenant, day, 1));
        }
        if (deltas.Count == 0) return [];
        await using var cmd = context.Command(FirstDaysSql)
            .WithTexts(deltas.Select(d => d.Tenant)).With(deltas.Select(d => d.Day).ToArray()).With(deltas.Select(d => d.Customers).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
        return deltas.Select(d => (d.Tenant, d.Day)).ToHashSet();
    }
}
