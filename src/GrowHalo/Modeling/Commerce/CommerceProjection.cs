using GrowHalo.Analytics.DailySummaries;
using GrowHalo.Platform.Events.Projections;
using JasperFx.Events;
using GrowHalo.Ingestion;
using GrowHalo.Modeling.AdSpend;
using GrowHalo.Modeling.Catalog;
using GrowHalo.Modeling.Customers;
using GrowHalo.Modeling.Orders;
using NpgsqlTypes;

namespace GrowHalo.Modeling.Commerce;

/// <summary>
/// The projection behind the numbers: applies a batch of source events to orders, refunds, customer records, ad
/// spend, products, checkouts and carts with set-based upserts, then — in the same transaction, so these read models stand
/// at one progress position — recomputes daily_summaries for exactly the (tenant, day)s the batch touched: old and new
/// days of changed orders, the days of their refunds, new refunds' days, and ad days. Late, updated and out-of-order
/// records therefore correct every day they touch. The customers whose orders or refunds changed are recomputed in
/// the same transaction (<see cref="CustomerOrderFacts"/>): their order facts and the first-order days that
/// new_customers counts, so customers and CAC stand at the same position as revenue; and their months and weeks, which
/// the cohorts answer sums (<see cref="CustomerPeriods"/>).
/// </summary>
public sealed class CommerceProjection : ISqlProjection
{
    public string Name => "commerce";

    private static readonly string[] Tables =
        ["daily_summaries", "order_day_totals", "first_order_days", "customer_fact_queue", "customer_periods", "cohort_periods", "orders", "order_refunds", "customers", "ad_spend", "products", "checkouts", "carts", "read_model_freshness"];

    public async Task ApplyAsync(IReadOnlyList<IEvent> events, ProjectionContext context, CancellationToken ct)
    {
        var batch = CommerceBatch.Reduce(events);
        if (batch.Freshness.Count == 0) return;

        // Customers' facts and periods take turns with fx loads (the customer-facts lock), from before the periods'
        // "before" is read until commit, so no rate changes in between.
        await CustomerOrderFacts.LockAsync(context, ct);
        var touchedOrders = batch.Orders.Keys.Concat(batch.Refunds.Select(r => (r.Key.Tenant, r.Value.OrderId))).Distinct().ToList();
        var periodsBefore = await CustomerPeriods.BeforeAsync(context, touchedOrders, ct);

        await CustomerRecordWriter.WriteAsync(context, batch.Customers, ct);
        var orders = await OrderWriter.WriteAsync(context, batch, ct);
        await DayTotals.AddOrdersAsync(context, orders, ct);
        var refunds = await RefundWriter.WriteAsync(context, batch.Refunds, orders, ct);

        // Customers whose only change is orders new to them add those orders to their facts; the rest are recomputed.
        var days = new HashSet<(string Tenant, DateOnly Day)>();
        var customers = new HashSet<(string Tenant, string Key)>();
        var gained = new HashSet<(string Tenant, string Key)>();
        foreach (var o in orders)
        {
            days.Add((o.Tenant, o.NewDay));
            if (o.OldDay is { } old) days.Add((o.Tenant, old));
            if (o.NewKey is not null) (o.Before is null ? gained : customers).Add((o.Tenant, o.NewKey));
            if (o.OldKey is not null) customers.Add((o.Tenant, o.OldKey));
        }
        foreach (var r in refunds)
        {
            days.Add((r.Tenant, r.Day));
            if (r.CustomerKey is not null) customers.Add((r.Tenant, r.CustomerKey));
        }
        gained.ExceptWith(customers);
        var newOrders = orders.Where(o => o.NewKey is not null && gained.Contains((o.Tenant, o.NewKey))).Select(o => (o.Tenant, o.OrderId)).ToList();
        days.UnionWith(await AdSpendWriter.WriteAsync(context, batch.AdRows, ct));
        await CatalogWriter.WriteProductsAsync(context, batch.Products, ct);
        await CatalogWriter.WriteCheckoutsAsync(context, batch.Checkouts, ct);
        await CartWriter.WriteAsync(context, batch.Carts, ct);
        await Freshness.WriteAsync(context, batch.Freshness, ct);

        // Customers' facts, then their first-order days and periods.
        var moves = await CustomerOrderFacts.RecomputeAsync(context, customers, newOrders, ct);
        await CustomerPeriods.ApplyAsync(context, periodsBefore, touchedOrders, moves, ct);
        days.UnionWith(await DayTotals.MoveFirstDaysAsync(context, moves, ct));

        // The read-model lock guards the recompute alone: fx loads take it too.
        await DailySummaryLock.AcquireAsync(context.Connection, context.Transaction, batch.Tenants, ct);
        await DailySummaryRecompute.RecomputeAsync(context.Connection, context.Transaction, days, ct);
    }

    public async Task ResetAsync(ProjectionContext context, string? tenantId, CancellationToken ct)
    {
        foreach (var table in Tables)
        {
            await using var cmd = context.Command($"delete from {table} where $1::text is null or tenant_id = $1");
            cmd.Parameters.Add(new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
