using GrowHalo.Analytics.Orders;
using GrowHalo.Ingestion.Shopify;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers;

/// <summary>
/// GET /api/v1/customers/{customer_key}/timeline: everything that happened to a customer, oldest first. The orders are
/// those that belong to the customer now (orders.customer_key); each of their versions comes from the order's event
/// stream (order_created, then order_edited or order_cancelled per later version), and so do the customer record's
/// versions (customer_created, customer_updated). Refunds (deduplicated, dated by their own created_at) and checkouts
/// (checkout_started, checkout_completed, and — under the tenant's cutoff and recovery window, as the checkouts answer
/// decides them — checkout_abandoned and checkout_recovered, naming the recovering order) come from the read models, which hold them exactly. Amounts are in the
/// record's own currency.
/// </summary>
public static class CustomerTimelineEndpoint
{
    public sealed record CustomerTimeline(string CustomerKey, IReadOnlyList<TimelineEntry> Data, DateTimeOffset? AsOf);

    /// <summary>
    /// One thing that happened. <see cref="Amount"/>: an order version's total_price, a refund's amount, a checkout's
    /// total. Order versions also say the placed date and customer they named then, and when GrowHalo received them.
    /// </summary>
    public sealed record TimelineEntry(DateTimeOffset At, string Kind, string? OrderId = null, string? OrderName = null,
        string? RefundId = null, string? CheckoutId = null, decimal? Amount = null, string? Currency = null,
        DateOnly? PlacedDate = null, string? CustomerKey = null, string? FinancialStatus = null, DateTimeOffset? ReceivedAt = null,
        string? RecoveredBy = null);

    /// <summary>The kinds, in the order entries at the same instant are listed.</summary>
    public static readonly IReadOnlyList<string> Kinds =
        ["customer_created", "customer_updated", "checkout_started", "checkout_completed", "checkout_abandoned", "order_created",
         "order_edited", "order_cancelled", "checkout_recovered", "refund"];

    private const string OrdersSql = """
        select o.order_id, o.name, o.placed_at, o.total_price, coalesce(o.currency, $3), o.placed_day, o.financial_status
        from orders o where o.tenant_id = $1 and o.customer_key = $2
        """;

    private const string RefundsSql = """
        select r.refund_id, r.order_id, o.name, r.created_at, r.amount, coalesce(o.currency, $3)
        from orders o join order_refunds r on r.tenant_id = o.tenant_id and r.order_id = o.order_id
        where o.tenant_id = $1 and o.customer_key = $2
        """;

    // What became of the customer's checkouts, under the tenant's cutoff and recovery window (CheckoutOutcomes, as the
    // checkouts answer has it): $1 tenant, $2 now, $3 customer key, $4 reporting currency.
    private const string CheckoutsSql = $"""
        with scoped_checkouts as (select * from checkouts where tenant_id = $1 and customer_key = $3),
        {Checkouts.CheckoutOutcomes.Ctes}
        select checkout_id, created_at, completed_at, total_price, coalesce(currency, $4), outcome, abandoned_at,
               recovering_order_id, recovered_at, recovered_by
        from checkout_outcomes
        """;

    [WolverineGet("/api/v1/customers/{customer_key}/timeline", OperationId = "GetCustomerTimeline"), RequireScope(Scopes.Read), Tags("Customers")]
    [ProducesProblems(StatusCodes.Status404NotFound)]
    public static async Task<Results<Ok<CustomerTimeline>, ProblemHttpResult>> Get(string customer_key, RequestTenant tenant,
        TenantDatabases databases, IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var key = CustomerKeys.Normalise(customer_key);
        var currency = tenant.Tenant.Currency;
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        await using (var exists = db.Command("select customer_id from customers where tenant_id = $1 and customer_key = $2", tenant.Id, key))
            if (await exists.ExecuteScalarAsync(ct) is null) return CustomerKeys.NotFound(customer_key);

        var entries = new List<TimelineEntry>();
        var held = await ReadAsync(db, OrdersSql, [tenant.Id, key, currency], r => new TimelineEntry(r.GetFieldValue<DateTimeOffset>(2),
            "order_created", r.GetString(0), Text(r, 1), Amount: r.GetDecimal(3), Currency: r.GetString(4),
            PlacedDate: r.GetFieldValue<DateOnly>(5), CustomerKey: key, FinancialStatus: Text(r, 6)), ct);
        entries.AddRange(await ReadAsync(db, RefundsSql, [tenant.Id, key, currency], r => new TimelineEntry(r.GetFieldValue<DateTimeOffset>(3),
            "refund", r.GetString(1), Text(r, 2), RefundId: r.GetString(0), Amount: r.GetDecimal(4), Currency: r.GetString(5)), ct));
        foreach (var c in await ReadAsync(db, CheckoutsSql, [tenant.Id, clock.GetUtcNow(), key, currency], r =>
                     (Id: r.GetString(0), Started: r.GetFieldValue<DateTimeOffset>(1), Completed: Time(r, 2), Total: r.GetDecimal(3),
                      Currency: r.GetString(4), Outcome: r.GetString(5), AbandonedAt: r.GetFieldValue<DateTimeOffset>(6),
                      RecoveredBy: Text(r, 7), RecoveredAt: Time(r, 8), Match: Text(r, 9)), ct))
        {
            entries.Add(new TimelineEntry(c.Started, "checkout_started", CheckoutId: c.Id, Amount: c.Total, Currency: c.Currency));
            if (c.Outcome == "abandoned")
                entries.Add(new TimelineEntry(c.AbandonedAt, "checkout_abandoned", CheckoutId: c.Id, Amount: c.Total, Currency: c.Currency));
            if (c.Completed is { } done)
                entries.Add(new TimelineEntry(done, "checkout_completed", CheckoutId: c.Id, Amount: c.Total, Currency: c.Currency));
            if (c.RecoveredAt is { } recovered)
                entries.Add(new TimelineEntry(recovered, "checkout_recovered", c.RecoveredBy, CheckoutId: c.Id, Amount: c.Total,
                    Currency: c.Currency, RecoveredBy: c.Match));
        }

        var customerId = key.StartsWith("id:", StringComparison.Ordinal) ? key["id:".Length..] : null;
        var (orders, record) = await SourceVersions.ReadAsync(db, store, held.Select(o => o.OrderId!).ToList(), customerId, ct);
        foreach (var order in held)
            entries.AddRange(orders.TryGetValue(order.OrderId!, out var versions) ? OrderEntries(versions, tenant.Tenant) : [order]);
        entries.AddRange(record.Select((v, i) => i == 0
            ? new TimelineEntry(v.Record.CreatedAt, "customer_created", CustomerKey: key, ReceivedAt: v.ReceivedAt)
            : new TimelineEntry(v.UpdatedAt, "customer_updated", CustomerKey: key, ReceivedAt: v.ReceivedAt)));

        var rank = Kinds.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i);
        var sorted = entries.OrderBy(e => e.At).ThenBy(e => rank[e.Kind]).ThenBy(e => e.OrderId, StringComparer.Ordinal)
            .ThenBy(e => e.RefundId ?? e.CheckoutId, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new CustomerTimeline(key, sorted, await Freshness.AsOfAsync(db, ct)));
    }

    /// <summary>The first version is the order's creation (at its placed time); each later one an edit, or its cancellation.</summary>
    private static IEnumerable<TimelineEntry> OrderEntries(List<SourceVersions.Version<ShopifyOrder>> versions, Tenant tenant)
    {
        ShopifyOrder? before = null;
        foreach (var v in versions)
        {
            var o = v.Record;
            var (kind, at) = before is null ? ("order_created", o.PlacedAt)
                : o.CancelledAt is { } cancelled && before.CancelledAt is null ? ("order_cancelled", cancelled)
                : ("order_edited", o.UpdatedAt);
            yield return new TimelineEntry(at, kind, o.Id, o.Name, Amount: o.TotalPrice, Currency: o.Currency ?? tenant.Currency,
                PlacedDate: tenant.LocalDate(o.PlacedAt), CustomerKey: o.CustomerKey, FinancialStatus: o.FinancialStatus, ReceivedAt: v.ReceivedAt);
            before = o;
        }
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    private static async Task<List<T>> ReadAsync<T>(TenantDb db, string sql, object?[] args, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var cmd = db.Command(sql, args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await r.ReadAsync(ct)) rows.Add(read(r));
        return rows;
    }
}
