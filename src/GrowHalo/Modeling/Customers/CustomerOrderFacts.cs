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

    // An order's value in the reporting currency (k.reporting): its rate, and its refunds, each at its own day's rate.
    private const string OrderValue = """
        cross join lateral (select case when coalesce(o.currency, k.reporting) = k.reporting then 1
                                        else fx_rate(o.tenant_id, o.placed_day, o.currency, k.reporting) end as rate) fx
        left join lateral (
            select sum(r.amount * r.rate) as amount, bool_or(r.rate is null) as missing
            from (select x.amount, case when coalesce(o.currency, k.reporting) = k.reporting then 1
                                        else fx_rate(o.tenant_id, x.refund_day, o.currency, k.reporting) end as rate
                  from order_refunds x where x.tenant_id = o.tenant_id and x.order_id = o.order_id) r) rf on o.counted
        """;

    // Facts over orders o with their values (fx, rf): a customer's, or what its new orders add.
    private const string Facts = """
        count(*) filter (where o.counted) as orders_count,
        min(o.placed_at) filter (where o.counted) as first_order_at,
        max(o.placed_at) filter (where o.counted) as last_order_at,
        (array_agg(o.placed_day order by o.placed_at, o.order_id) filter (where o.counted))[1] as first_order_day,
        (array_agg(o.placed_day order by o.placed_at desc, o.order_id desc) filter (where o.counted))[1] as last_order_day,
        (array_agg(o.email order by o.placed_at desc, o.order_id desc) filter (where o.email is not null))[1] as order_email,
        coalesce(sum(o.total_price * fx.rate - coalesce(rf.amount, 0)) filter (where o.counted), 0) as spend,
        coalesce(bool_or(o.counted and (fx.rate is null or rf.missing)), false) as missing
        """;

    // Customers that only gained new orders ($3/$4: those orders) add what the new orders add to their facts so far:
    // one index lookup per new order and per customer, instead of reading every order of the customer again, which
    // made catching up a backlog quadratic in a customer's orders. Every other key ($1/$2) is recomputed whole: one
    // index lookup in customers and one index range of the key's orders (the laterals). Written as plain joins, the
    // planner sometimes hashed the whole customers table instead: while a backlog is caught up, orders' statistics say
    // a customer has some twenty orders, and it judged thousands of lookups dearer than one scan. By the end that scan
    // read 600,000 rows per batch, a third of a second each, in 98 batches of 249.
    private const string Sql = $"""
        with added as (
            select o.tenant_id, o.customer_key, count(*) as known_orders, {Facts},
                   array_agg(distinct o.email) filter (where o.email is not null) as emails
            from (select distinct * from unnest($3::text[], $4::text[])) as i(tenant_id, order_id)
            cross join lateral (select * from orders o
                                where o.tenant_id = i.tenant_id and o.order_id = i.order_id and o.customer_key is not null) o
            left join tenants t on t.id = o.tenant_id
            cross join lateral (select coalesce(t.currency, 'USD') as reporting) k
            {OrderValue}
            group by 1, 2),
        -- Each customer's facts so far plus its new orders'. A tie with the first or last order so far, or an e-mail
        -- other than the one so far, needs every order to settle: such customers are recomputed whole (keys).
        summed as (
            select n.tenant_id, n.customer_key, c.first_order_day as old_first_day, coalesce(c.has_record, false) as has_record,
                   n.known_orders,
                   coalesce(c.orders_count, 0) + n.orders_count as orders_count,
                   case when n.first_order_at < c.first_order_at or c.first_order_at is null then n.first_order_at else c.first_order_at end as first_order_at,
                   case when n.last_order_at > c.last_order_at or c.last_order_at is null then n.last_order_at else c.last_order_at end as last_order_at,
                   case when n.first_order_at < c.first_order_at or c.first_order_at is null then n.first_order_day else c.first_order_day end as first_order_day,
                   case when n.last_order_at > c.last_order_at or c.last_order_at is null then n.last_order_day else c.last_order_day end as last_order_day,
                   coalesce(c.order_email, n.order_email) as order_email,
                   coalesce(c.lifetime_spend, 0) + n.spend as spend,
                   coalesce(c.missing_fx_rates, false) or n.missing as missing,
                   n.first_order_at is distinct from c.first_order_at and n.last_order_at is distinct from c.last_order_at
                       and (c.order_email is null or n.emails is null or n.emails = array[c.order_email]) as settled
            from added n
            left join lateral (
                select c.first_order_day, c.record_updated_at is not null as has_record, c.orders_count, c.first_order_at,
                       c.last_order_at, c.last_order_day, c.order_email, c.lifetime_spend, c.missing_fx_rates
                from customers c where c.tenant_id = n.tenant_id and c.customer_key = n.customer_key limit 1) c on true),
        keys as (
            select k.tenant_id, k.customer_key, coalesce(t.currency, 'USD') as reporting,
                   c.first_order_day as old_first_day, coalesce(c.has_record, false) as has_record
            from (select distinct * from (select * from unnest($1::text[], $2::text[]) as u(tenant_id, customer_key)
                                          union all
                                          select tenant_id, customer_key from summed where not settled) u) as k(tenant_id, customer_key)
            left join tenants t on t.id = k.tenant_id
            left join lateral (
                select c.first_order_day, c.record_updated_at is not null as has_record
                from customers c where c.tenant_id = k.tenant_id and c.customer_key = k.customer_key limit 1) c on true),
        ord as (
            select k.tenant_id, k.customer_key, k.old_first_day, k.has_record, f.*
            from keys k
            cross join lateral (
                select count(o.order_id) as known_orders, {Facts}
                from orders o
                {OrderValue}
                where o.tenant_id = k.tenant_id and o.customer_key = k.customer_key) f
            union all
            select tenant_id, customer_key, old_first_day, has_record, known_orders, orders_count, first_order_at, last_order_at,
                   first_order_day, last_order_day, order_email, spend, missing
            from summed where settled),
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

    /// <summary>Recomputes the customers' facts from all their orders.</summary>
    public static Task<List<FirstDayMove>> RecomputeAsync(ProjectionContext context, IReadOnlyCollection<(string Tenant, string Key)> keys, CancellationToken ct) =>
        RecomputeAsync(context, keys, [], ct);

    /// <summary>
    /// Recomputes the customers <paramref name="keys"/> from all their orders, and adds <paramref name="newOrders"/>
    /// (orders the batch wrote for the first time, whose customers nothing else in the batch touched) to their
    /// customers' facts so far.
    /// </summary>
    public static async Task<List<FirstDayMove>> RecomputeAsync(ProjectionContext context, IReadOnlyCollection<(string Tenant, string Key)> keys,
        IReadOnlyCollection<(string Tenant, string OrderId)> newOrders, CancellationToken ct)
    {
        var moves = new List<FirstDayMove>();
        if (keys.Count == 0 && newOrders.Count == 0) return moves;
        await using var cmd = context.Command(Sql).WithTexts(keys.Select(k => k.Tenant)).WithTexts(keys.Select(k => k.Key))
            .WithTexts(newOrders.Select(o => o.Tenant)).WithTexts(newOrders.Select(o => o.OrderId));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            moves.Add(new FirstDayMove(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateOnly>(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateOnly>(3)));
        return moves;
    }
}
