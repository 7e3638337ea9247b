using GrowHalo.Platform.Database;
using GrowHalo.Platform.Events.Projections;

namespace GrowHalo.Modeling.Customers;

/// <summary>
/// Keeps customers' months and weeks (customer_periods: counted orders placed and net revenue per period) and their
/// sums per cohort and period (cohort_periods), moving the sums by exactly what changed (Modeling/0309_cohort_periods.sql).
/// A row's cohort is its customer's (the period of customers.first_order_day), so a customer whose first order moves
/// rewrites no row: its rows leave the cohort of the day it moved from and join the new one.
/// The commerce projection adds what each order of a batch is worth per customer and period now, less what it was
/// worth before the batch (<see cref="BeforeAsync"/>, read before anything is written; an order is worth its total if
/// counted, less its refunds, in the periods they fall in) — so it reads the batch's orders, not every order of their
/// customers — in one statement that adds the difference to each row and moves the cohort's active customers by
/// whether the row's orders went from none to some or back. Loading exchange rates recomputes whole customers from their orders (<see cref="RecomputeAsync"/>).
/// </summary>
internal static class CustomerPeriods
{
    public sealed record Worth(string Tenant, string Key, string Granularity, DateOnly Period, int Orders, decimal Revenue);

    // What the orders $1/$2 are worth to their customers per month and week (`worth`): each counted order's total in
    // the period it was placed in and minus each of its refunds in the period it was made in, at each day's rate. One
    // index lookup per order and one index range of its refunds (the laterals), then one aggregation for both
    // granularities: the batch's orders are a few thousand among millions.
    private const string WorthCtes = """
        o as (
            select o.tenant_id, o.customer_key, o.order_id, o.placed_day, o.total_price, o.currency, coalesce(t.currency, 'USD') as reporting
            from (select distinct * from unnest($1::text[], $2::text[])) as i(tenant_id, order_id)
            cross join lateral (select * from orders o
                                where o.tenant_id = i.tenant_id and o.order_id = i.order_id and o.counted and o.customer_key is not null) o
            left join tenants t on t.id = o.tenant_id),
        amounts as (
            select o.tenant_id, o.customer_key, o.placed_day as day, 1 as orders,
                   o.total_price * case when coalesce(o.currency, o.reporting) = o.reporting then 1
                                        else fx_rate(o.tenant_id, o.placed_day, o.currency, o.reporting) end as amount
            from o
            union all
            select o.tenant_id, o.customer_key, r.refund_day, 0,
                   -r.amount * case when coalesce(o.currency, o.reporting) = o.reporting then 1
                                    else fx_rate(o.tenant_id, r.refund_day, o.currency, o.reporting) end
            from o cross join lateral (select r.refund_day, r.amount from order_refunds r
                                       where r.tenant_id = o.tenant_id and r.order_id = o.order_id) r),
        worth as (
            select a.tenant_id, a.customer_key, g.granularity, date_trunc(g.granularity, a.day::timestamp)::date as period,
                   sum(a.orders)::integer as orders, coalesce(sum(a.amount), 0) as revenue
            from amounts a cross join (values ('month'), ('week')) g(granularity)
            group by 1, 2, 3, 4)
        """;

    private const string WorthSql = $"with {WorthCtes} select * from worth";

    // Moves the cohorts' sums by `deltas` (tenant_id, granularity, cohort, period, active, revenue).
    private const string AddToCohorts = """
        insert into cohort_periods as c (tenant_id, granularity, cohort, period, active, revenue)
        select tenant_id, granularity, cohort, period, sum(active), sum(revenue)
        from deltas group by 1, 2, 3, 4
        having sum(active) <> 0 or sum(revenue) <> 0
        on conflict (tenant_id, granularity, cohort, period) do update set
            active = c.active + excluded.active, revenue = c.revenue + excluded.revenue
        """;

    // Adds what the orders $1/$2 are worth now less what they were worth before ($3–$8, negated) to their customers'
    // rows, and moves the cohort sums by what each row's change did: its revenue, and ±1 active customer when its
    // orders went from none to some or back. Every join is an index lookup per row (the laterals): estimated from
    // arrays, a plain join of two CTEs was planned as a nested loop of millions of comparisons. A row's cohort is
    // its customer's now; customers whose first-order day moved were moved before (MoveSql). A row brought back to
    // nothing stays, worth nothing, as the running day totals do.
    private const string ApplySql = $"""
        with {WorthCtes},
        delta as (
            select tenant_id, customer_key, granularity, period, sum(orders)::integer as orders, sum(revenue) as revenue
            from (
                select * from worth
                union all
                select * from unnest($3::text[], $4::text[], $5::text[], $6::date[], $7::integer[], $8::numeric[])
                    as b(tenant_id, customer_key, granularity, period, orders, revenue)) d
            group by 1, 2, 3, 4
            having sum(orders) <> 0 or sum(revenue) <> 0),
        -- Each row's orders before (one index lookup each; the statement sees the table as it was before `written`).
        changed as (
            select d.*, coalesce(p.orders, 0) as old_orders
            from delta d
            left join lateral (select p.orders from customer_periods p
                               where p.tenant_id = d.tenant_id and p.customer_key = d.customer_key
                                 and p.granularity = d.granularity and p.period = d.period) p on true),
        written as (
            insert into customer_periods as p (tenant_id, customer_key, granularity, period, orders, revenue)
            select * from delta
            on conflict (tenant_id, customer_key, granularity, period) do update set
                orders = p.orders + excluded.orders, revenue = p.revenue + excluded.revenue),
        deltas as (
            select c.tenant_id, c.granularity, date_trunc(c.granularity, f.first_order_day::timestamp)::date as cohort, c.period,
                   (c.old_orders + c.orders > 0)::int - (c.old_orders > 0)::int as active, c.revenue
            from changed c
            cross join lateral (select f.first_order_day from customers f
                                where f.tenant_id = c.tenant_id and f.customer_key = c.customer_key and f.first_order_day is not null) f)
        {AddToCohorts}
        """;

    // Customers whose first-order day moved from a day ($1–$3: the day it moved from): their rows as they stood before
    // the batch leave the cohort of that day and join the cohort of their day now (none if they have no counted order
    // left). A customer's first counted order moves no row of customer_periods, only which cohort its rows count in.
    private const string MoveSql = $"""
        with moved as (select distinct * from unnest($1::text[], $2::text[], $3::date[]) as m(tenant_id, customer_key, old_day)),
        rows as (
            select p.tenant_id, p.granularity, p.period, p.orders, p.revenue, m.old_day, c.first_order_day
            from moved m
            cross join lateral (select * from customer_periods p
                                where p.tenant_id = m.tenant_id and p.customer_key = m.customer_key) p
            left join lateral (select c.first_order_day from customers c
                               where c.tenant_id = m.tenant_id and c.customer_key = m.customer_key limit 1) c on true),
        deltas as (
            select tenant_id, granularity, date_trunc(granularity, old_day::timestamp)::date as cohort, period,
                   -(orders > 0)::int as active, -revenue as revenue
            from rows
            union all
            select tenant_id, granularity, date_trunc(granularity, first_order_day::timestamp)::date, period, (orders > 0)::int, revenue
            from rows where first_order_day is not null)
        {AddToCohorts}
        """;

    // From `changed` (each row's old orders and revenue, null when there was none, its new ones, and the cohort its old
    // and new values count in): write the rows whose values changed, delete those worth nothing now, move the sums.
    private const string Write = $"""
        written as (
            insert into customer_periods as p (tenant_id, customer_key, granularity, period, orders, revenue)
            select tenant_id, customer_key, granularity, period, orders, revenue
            from changed
            where (orders <> 0 or revenue <> 0) and (old_orders, old_revenue) is distinct from (orders, revenue)
            on conflict (tenant_id, customer_key, granularity, period) do update set
                orders = excluded.orders, revenue = excluded.revenue),
        removed as (
            delete from customer_periods p using changed c
            where c.orders = 0 and c.revenue = 0 and c.old_orders is not null
              and p.tenant_id = c.tenant_id and p.customer_key = c.customer_key
              and p.granularity = c.granularity and p.period = c.period),
        deltas as (
            select tenant_id, granularity, old_cohort as cohort, period, -(old_orders > 0)::int as active, -old_revenue as revenue
            from changed where old_orders is not null and old_cohort is not null
            union all
            select tenant_id, granularity, new_cohort, period, (orders > 0)::int, revenue
            from changed where new_cohort is not null and (orders <> 0 or revenue <> 0))
        {AddToCohorts}
        """;

    // Per key, one index lookup in customers and an index range of the key's orders and of its periods (the laterals),
    // as CustomerOrderFacts reads them. Rates move no first-order day: the cohort is the customer's, before and after.
    private const string Sql = $"""
        with keys as (
            select k.tenant_id, k.customer_key, coalesce(t.currency, 'USD') as reporting, c.first_order_day
            from (select distinct * from unnest($1::text[], $2::text[])) as k(tenant_id, customer_key)
            left join tenants t on t.id = k.tenant_id
            left join lateral (
                select c.first_order_day from customers c
                where c.tenant_id = k.tenant_id and c.customer_key = k.customer_key limit 1) c on true),
        amounts as (
            select k.tenant_id, k.customer_key, a.day, a.orders, a.amount
            from keys k
            cross join lateral (
                select o.placed_day as day, 1 as orders,
                       o.total_price * case when coalesce(o.currency, k.reporting) = k.reporting then 1
                                            else fx_rate(k.tenant_id, o.placed_day, o.currency, k.reporting) end as amount
                from orders o
                where o.tenant_id = k.tenant_id and o.customer_key = k.customer_key and o.counted
                union all
                select r.refund_day, 0,
                       -r.amount * case when coalesce(o.currency, k.reporting) = k.reporting then 1
                                        else fx_rate(k.tenant_id, r.refund_day, o.currency, k.reporting) end
                from orders o
                join order_refunds r on r.tenant_id = o.tenant_id and r.order_id = o.order_id
                where o.tenant_id = k.tenant_id and o.customer_key = k.customer_key and o.counted) a),
        fresh as (
            select a.tenant_id, a.customer_key, g.granularity, date_trunc(g.granularity, a.day::timestamp)::date as period,
                   sum(a.orders)::integer as orders, coalesce(sum(a.amount), 0) as revenue
            from amounts a cross join (values ('month'), ('week')) g(granularity)
            group by 1, 2, 3, 4),
        old as (
            select p.* from keys k
            join lateral (select * from customer_periods p
                          where p.tenant_id = k.tenant_id and p.customer_key = k.customer_key) p on true),
        changed as (
            select coalesce(n.tenant_id, o.tenant_id) as tenant_id, coalesce(n.customer_key, o.customer_key) as customer_key,
                   coalesce(n.granularity, o.granularity) as granularity, coalesce(n.period, o.period) as period,
                   o.orders as old_orders, o.revenue as old_revenue, coalesce(n.orders, 0) as orders, coalesce(n.revenue, 0) as revenue,
                   date_trunc(coalesce(n.granularity, o.granularity), k.first_order_day::timestamp)::date as old_cohort,
                   date_trunc(coalesce(n.granularity, o.granularity), k.first_order_day::timestamp)::date as new_cohort
            from fresh n
            full join old o on o.tenant_id = n.tenant_id and o.customer_key = n.customer_key
                           and o.granularity = n.granularity and o.period = n.period
            join keys k on k.tenant_id = coalesce(n.tenant_id, o.tenant_id) and k.customer_key = coalesce(n.customer_key, o.customer_key)
            where (o.orders, o.revenue) is distinct from (n.orders, n.revenue)),
        {Write}
        """;

    /// <summary>What the orders of a batch (and of its refunds) are worth per customer and period before it is applied.</summary>
    public static async Task<List<Worth>> BeforeAsync(ProjectionContext context, IReadOnlyCollection<(string Tenant, string OrderId)> orders, CancellationToken ct)
    {
        var worth = new List<Worth>();
        if (orders.Count == 0) return worth;
        await using var cmd = context.Command(WorthSql).WithTexts(orders.Select(o => o.Tenant)).WithTexts(orders.Select(o => o.OrderId));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            worth.Add(new Worth(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateOnly>(3), r.GetInt32(4), r.GetDecimal(5)));
        return worth;
    }

    /// <summary>
    /// After the batch's orders, refunds and customers' facts are written: moves the customers whose first-order day
    /// moved to their new cohort, then adds what the orders are worth now less <paramref name="before"/>.
    /// </summary>
    public static async Task ApplyAsync(ProjectionContext context, IReadOnlyCollection<Worth> before, IReadOnlyCollection<(string Tenant, string OrderId)> orders,
        IReadOnlyCollection<CustomerOrderFacts.FirstDayMove> moves, CancellationToken ct)
    {
        // A customer's first counted order (no day before) has no row yet that counts in a cohort: nothing to move.
        var moved = moves.Where(m => m.OldDay is not null).ToList();
        if (moved.Count > 0)
        {
            await using var move = context.Command(MoveSql).WithTexts(moved.Select(m => m.Tenant)).WithTexts(moved.Select(m => m.Key))
                .With(moved.Select(m => m.OldDay).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Date);
            await move.ExecuteNonQueryAsync(ct);
        }
        if (orders.Count == 0) return;
        await using var cmd = context.Command(ApplySql)
            .WithTexts(orders.Select(o => o.Tenant)).WithTexts(orders.Select(o => o.OrderId))
            .WithTexts(before.Select(b => b.Tenant)).WithTexts(before.Select(b => b.Key)).WithTexts(before.Select(b => b.Granularity))
            .With(before.Select(b => b.Period).ToArray()).With(before.Select(b => -b.Orders).ToArray()).With(before.Select(b => -b.Revenue).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Recomputes the customers' rows from all their orders and refunds (after exchange rates are loaded).</summary>
    public static async Task RecomputeAsync(ProjectionContext context, IReadOnlyCollection<(string Tenant, string Key)> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return;
        await using var cmd = context.Command(Sql).WithTexts(keys.Select(k => k.Tenant)).WithTexts(keys.Select(k => k.Key));
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
