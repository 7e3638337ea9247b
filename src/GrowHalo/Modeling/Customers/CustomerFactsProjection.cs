using GrowHalo.Analytics.DailySummaries;
using GrowHalo.EventStore;
using GrowHalo.EventStore.Projections;
using GrowHalo.Ingestion;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Database;
using NpgsqlTypes;

namespace GrowHalo.Modeling.Customers;

/// <summary>
/// Customers' order facts (first and last order, orders, lifetime spend) and first_order_days, which new_customers
/// counts. It follows the commerce projection: commerce queues the customers whose orders or refunds a batch changed
/// (customer_fact_queue, at the batch's last event); each batch here takes what is queued in the range of positions it
/// covers, recomputes those customers from the orders, moves their first-order days and recomputes those days' summaries.
///
/// Why a projection of its own: recomputing customers is a third of what projecting an order costs the database. On
/// its own connection it runs beside commerce (another core) instead of after it in commerce's transaction. The price:
/// customer facts and new customers trail orders and revenue by about one batch while events pour in.
/// </summary>
public sealed class CustomerFactsProjection : IProjection
{
    public string Name => "customers";

    public string? Follows => "commerce";

    /// <summary>Any: a batch is a range of the log, and commerce's queue entries in it are what it recomputes.</summary>
    public IReadOnlyCollection<string>? EventTypes => null;

    /// <summary>None of the events themselves: the queue says whom to recompute.</summary>
    public EventDetail Reads => EventDetail.None;

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, ProjectionContext context, CancellationToken ct)
    {
        await CustomerOrderFacts.LockAsync(context, ct);
        var moves = await CustomerOrderFacts.RecomputeQueuedAsync(context, ct);
        await RecomputeSummariesAsync(context, await DayTotals.MoveFirstDaysAsync(context, moves, ct), ct);
    }

    /// <summary>Clears the facts and first-order days, and recomputes the days that counted new customers. Commerce's reset empties the queue.</summary>
    public async Task ResetAsync(ProjectionContext context, string? tenantId, CancellationToken ct)
    {
        await CustomerOrderFacts.LockAsync(context, ct);
        var days = new HashSet<(string Tenant, DateOnly Day)>();
        await using (var cmd = context.Command("delete from first_order_days where $1::text is null or tenant_id = $1 returning tenant_id, day")
                         .With(tenantId, NpgsqlDbType.Text))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) days.Add((r.GetString(0), r.GetFieldValue<DateOnly>(1)));
        foreach (var sql in ResetSql)
        {
            await using var cmd = context.Command(sql).With(tenantId, NpgsqlDbType.Text);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await RecomputeSummariesAsync(context, days, ct);
    }

    private static readonly string[] ResetSql =
    [
        "delete from customers where ($1::text is null or tenant_id = $1) and record_updated_at is null",
        """
        update customers set order_email = null, first_order_at = null, first_order_day = null, last_order_at = null,
            last_order_day = null, orders_count = 0, lifetime_spend = 0, missing_fx_rates = false
        where ($1::text is null or tenant_id = $1)
          and (orders_count <> 0 or first_order_at is not null or order_email is not null or lifetime_spend <> 0 or missing_fx_rates)
        """,
    ];

    /// <summary>Under the tenants' read-model lock, taken last: commerce holds it only for its own recompute, so the two overlap.</summary>
    private static async Task RecomputeSummariesAsync(ProjectionContext context, IReadOnlyCollection<(string Tenant, DateOnly Day)> days, CancellationToken ct)
    {
        if (days.Count == 0) return;
        await DailySummaryLock.AcquireAsync(context.Connection, context.Transaction, days.Select(d => d.Tenant), ct);
        await DailySummaryRecompute.RecomputeAsync(context.Connection, context.Transaction, days, ct);
    }
}
