using GrowHalo.EventStore.Projections;
using GrowHalo.Modeling.Commerce;

namespace GrowHalo.Modeling.Customers;

/// <summary>
/// Recomputes customers' order facts from the orders table: first and last counted order, counted orders, and
/// lifetime spend net of refunds in the reporting currency (each amount at its own day's rate; an amount without a
/// rate is left out and flagged). A key with no orders and no customer record has no row. Reports the customers
/// whose first-order day moved, old and new, since new_customers counts by that day.
/// </summary>
internal static class CustomerOrderFacts
{
    public sealed record FirstDayMove(string Tenant, DateOnly? OldDay, DateOnly? NewDay);

    private const string Sql = """
        with keys as (
            select distinct k.tenant_id, k.customer_key, coalesce(t.currency, 'USD') as reporting
            from unnest($1::text[], $2::text[]) as k(tenant_id, customer_key)
            left join tenants t on t.id = k.tenant_id),
        ord as (
            select k.tenant_id, k.customer_key,
                   count(o.order_id) as known_orders,
                   count(*) filter (where o.counted) as orders_count,
                   min(o.placed_at) filter (where o.counted) as first_order_at,
                   max(o.placed_at) filter (where o.counted) as last_order_at,
                   (array_agg(o.placed_day order by o.placed_at, o.order_id) filter (where o.counted))[1] as first_order_day,
                   (array_agg(o.placed_day order by o.placed_at desc, o.order_id desc) filter (where o.counted))[1] as last_order_day,
                   (array_agg(o.email order by o.updated_at desc, o.order_id desc) filter (where o.email is not null))[1] as order_email,
                   coalesce(sum(o.total_price * fx.rate) filter (where o.counted), 0) as spent,
                   coalesce(bool_or(o.counted and fx.rate is null), false) as missing
            from keys k
            left join orders o on o.tenant_id = k.tenant_id and o.customer_key = k.customer_key
            left join lateral (select fx_rate(k.tenant_id, o.placed_day, coalesce(o.currency, k.reporting), k.reporting) as rate) fx on true
            group by k.tenant_id, k.customer_key),
        refunded as (
            select k.tenant_id, k.customer_key, coalesce(sum(rf.amount * fx.rate), 0) as amount, bool_or(fx.rate is null) as missing
            from keys k
            join orders o on o.tenant_id = k.tenant_id and o.customer_key = k.customer_key and o.counted
            join order_refunds rf on rf.tenant_id = o.tenant_id and rf.order_id = o.order_id
            cross join lateral (select fx_rate(k.tenant_id, rf.refund_day, coalesce(o.currency, k.reporting), k.reporting) as rate) fx
            group by k.tenant_id, k.customer_key),
        before as (
            select c.tenant_id, c.customer_key, c.first_order_day, c.record_updated_at
            from customers c join keys k on k.tenant_id = c.tenant_id and k.customer_key = c.customer_key),
        written as (
            insert into customers as c (tenant_id, customer_key, customer_id, order_email, first_order_at, first_order_day,
                last_order_at, last_order_day, orders_count, lifetime_spend, missing_fx_rates)
            select o.tenant_id, o.customer_key,
                   case when o.customer_key like 'id:%' then substr(o.customer_key, 4) end,
                   o.order_email, o.first_order_at, o.first_order_day, o.last_order_at, o.last_order_day, o.orders_count,
                   o.spent - coalesce(r.amount, 0), o.missing or coalesce(r.missing, false)
            from ord o
            left join refunded r on r.tenant_id = o.tenant_id and r.customer_key = o.customer_key
            left join before b on b.tenant_id = o.tenant_id and b.customer_key = o.customer_key
            where o.known_orders > 0 or b.record_updated_at is not null
            on conflict (tenant_id, customer_key) do update set
                order_email = excluded.order_email, first_order_at = excluded.first_order_at,
                first_order_day = excluded.first_order_day, last_order_at = excluded.last_order_at,
                last_order_day = excluded.last_order_day, orders_count = excluded.orders_count,
                lifetime_spend = excluded.lifetime_spend, missing_fx_rates = excluded.missing_fx_rates
            returning c.tenant_id, c.customer_key, c.first_order_day),
        dropped as (
            delete from customers c using ord o
            where c.tenant_id = o.tenant_id and c.customer_key = o.customer_key and o.known_orders = 0 and c.record_updated_at is null
            returning c.tenant_id, c.customer_key)
        select coalesce(w.tenant_id, b.tenant_id), b.first_order_day, w.first_order_day
        from written w full join before b on b.tenant_id = w.tenant_id and b.customer_key = w.customer_key
        where b.first_order_day is distinct from w.first_order_day
        """;

    public static async Task<List<FirstDayMove>> RecomputeAsync(ProjectionContext context, IReadOnlyCollection<(string Tenant, string Key)> keys, CancellationToken ct)
    {
        var moves = new List<FirstDayMove>();
        if (keys.Count == 0) return moves;
        await using var cmd = context.Command(Sql).WithTexts(keys.Select(k => k.Tenant)).WithTexts(keys.Select(k => k.Key));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            moves.Add(new FirstDayMove(r.GetString(0), r.IsDBNull(1) ? null : r.GetFieldValue<DateOnly>(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateOnly>(2)));
        return moves;
    }
}
