using GrowHalo.Platform.Events.Projections;
using GrowHalo.Platform.Database;

namespace GrowHalo.Modeling.Customers;

/// <summary>
/// Recomputes customers' order facts from the orders table: first and last counted order, counted orders, and
/// lifetime spend net of refunds in the reporting currency (each amount at its own day's rate; an amount without a
/// rate is left out and flagged). A key with no orders and no customer record has no row. Reports the customers
/// whose first-order day moved, old and new, since new_customers counts by that day. Whoever recomputes holds
/// <see cref="LockAsync"/>, so the old day a move starts from is the one the last recompute wrote.
/// </summary>
internal static class CustomerOrderFacts
{
    public sealed record FirstDayMove(string Tenant, string Key, DateOnly? OldDay, DateOnly? NewDay);

    // Per key, one index lookup in customers and one index range of the key's orders (the laterals). Written as plain
    // joins, the planner sometimes hashed the whole customers table instead: while a backlog is caught up, orders'
    // statistics say a customer has some twenty orders, and it judged thousands of lookups dearer than one scan. By
    // the end that scan read 600,000 rows per batch, a third of a second each, in 98 batches of 249.
    private const string Sql = """
        with keys as (
            select k.tenant_id, k.customer_key, coalesce(t.currency, 'USD') as reporting,
                   c.first_order_day as old_first_day, coalesce(c.has_record, false) as has_record
            from (select distinct * from unnest($1::text[], $2::text[])) as k(tenant_id, customer_key)
            left join tenants t on t.id = k.tenant_id
            left join lateral (
                select c.first_order_day, c.record_updated_at is not null as has_record
                from customers c where c.tenant_id = k.tenant_id and c.customer_key = k.customer_key limit 1) c on true),
        ord as (
            select k.tenant_id, k.customer_key, k.old_first_day, k.has_record, f.*
            from keys k
            cross join lateral (
                select count(o.order_id) as known_orders,
                       count(*) filter (where o.counted) as orders_count,
                       min(o.placed_at) filter (where o.counted) as first_order_at,
                       max(o.placed_at) filter (where o.counted) as last_order_at,
                       (array_agg(o.placed_day order by o.placed_at, o.order_id) filter (where o.counted))[1] as first_order_day,
                       (array_agg(o.placed_day order by o.placed_at desc, o.order_id desc) filter (where o.counted))[1] as last_order_day,
                       (array_agg(o.email order by o.placed_at desc, o.order_id desc) filter (where o.email is not null))[1] as order_email,
                       coalesce(sum(o.total_price * fx.rate - coalesce(rf.amount, 0)) filter (where o.counted), 0) as spend,
                       coalesce(bool_or(o.counted and (fx.rate is null or rf.missing)), false) as missing
                from orders o
                cross join lateral (select case when coalesce(o.currency, k.reporting) = k.reporting then 1
                                                else fx_rate(k.tenant_id, o.placed_day, o.currency, k.reporting) end as rate) fx
                -- the order's refunds, each at its own day's rate
                left join lateral (
                    select sum(r.amount * r.rate) as amount, bool_or(r.rate is null) as missing
                    from (select x.amount, case when coalesce(o.currency, k.reporting) = k.reporting then 1
                                                else fx_rate(k.tenant_id, x.refund_day, o.currency, k.reporting) end as rate
                          from order_refunds x where x.tenant_id = o.tenant_id and x.order_id = o.order_id) r) rf on o.counted
                where o.tenant_id = k.tenant_id and o.customer_key = k.customer_key) f),
        written as (
            insert into customers as c (tenant_id, customer_key, customer_id, order_email, first_order_at, first_order_day,
                last_order_at, last_order_day, orders_count, lifetime_spend, missing_fx_rates)
            select o.tenant_id, o.customer_key, case when o.customer_key like 'id:%' then substr(o.customer_key, 4) end,
                   o.order_email, o.first_order_at, o.first_order_day, o.last_order_at, o.last_order_day, o.orders_count,
                   o.spend, o.missing
            from ord o
            where o.known_orders > 0 or o.has_record
            on conflict (tenant_id, customer_key) do update set
                order_email = excluded.order_email, first_order_at = excluded.first_order_at,
                first_order_day = excluded.first_order_day, last_order_at = excluded.last_order_at,
                last_order_day = excluded.last_order_day, orders_count = excluded.orders_count,
                lifetime_spend = excluded.lifetime_spend, missing_fx_rates = excluded.missing_fx_rates
            returning c.tenant_id, c.customer_key, c.first_order_day),
        dropped as (
            delete from customers c using ord o
            where c.tenant_id = o.tenant_id and c.customer_key = o.customer_key and o.known_orders = 0 and not o.has_record
              and c.record_updated_at is null)
        select o.tenant_id, o.customer_key, o.old_first_day, w.first_order_day
        from ord o left join written w on w.tenant_id = o.tenant_id and w.customer_key = o.customer_key
        where o.old_first_day is distinct from w.first_order_day
        """;

    /// <summary>Held until commit by every recompute: the commerce projection's pages and fx loads take turns.</summary>
    public static async Task LockAsync(ProjectionContext context, CancellationToken ct)
    {
        await using var cmd = context.Command("select pg_advisory_xact_lock(hashtextextended('growhalo:customer-facts', 0))");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<List<FirstDayMove>> RecomputeAsync(ProjectionContext context, IReadOnlyCollection<(string Tenant, string Key)> keys, CancellationToken ct)
    {
        var moves = new List<FirstDayMove>();
        if (keys.Count == 0) return moves;
        await using var cmd = context.Command(Sql).WithTexts(keys.Select(k => k.Tenant)).WithTexts(keys.Select(k => k.Key));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            moves.Add(new FirstDayMove(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateOnly>(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateOnly>(3)));
        return moves;
    }
}
