using GrowHalo.Platform.Database;
using GrowHalo.Platform.Events.Projections;

namespace GrowHalo.Modeling.Customers;

/// <summary>
/// Recomputes customers' months and weeks (customer_periods: counted orders placed and net revenue per period, with
/// the customer's cohort) from their orders and refunds, and moves the cohort sums (cohort_periods) by exactly the
/// rows that changed: a changed row leaves its old cohort and period and joins its new ones. Runs after
/// <see cref="CustomerOrderFacts"/> in the same transaction, for the same customers: the cohort is the period of the
/// first-order day just recomputed, so orders moving between customers or days, refunds, cancellations and rates
/// loaded later all land in the right cohort and period (Modeling/0309_cohort_periods.sql).
/// </summary>
internal static class CustomerPeriods
{
    // Per key, one index lookup in customers and an index range of the key's orders and of its periods (the laterals),
    // as CustomerOrderFacts reads them. Rows that did not change are neither written nor summed.
    private const string Sql = """
        with keys as (
            select k.tenant_id, k.customer_key, coalesce(t.currency, 'USD') as reporting, c.first_order_day
            from (select distinct * from unnest($1::text[], $2::text[])) as k(tenant_id, customer_key)
            left join tenants t on t.id = k.tenant_id
            left join lateral (
                select c.first_order_day from customers c
                where c.tenant_id = k.tenant_id and c.customer_key = k.customer_key limit 1) c on true),
        amounts as (
            select k.tenant_id, k.customer_key, k.first_order_day, a.day, a.orders, a.amount
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
                where o.tenant_id = k.tenant_id and o.customer_key = k.customer_key and o.counted) a
            where k.first_order_day is not null),
        fresh as (
            select a.tenant_id, a.customer_key, g.granularity, date_trunc(g.granularity, a.day::timestamp)::date as period,
                   date_trunc(g.granularity, a.first_order_day::timestamp)::date as cohort,
                   sum(a.orders)::integer as orders, coalesce(sum(a.amount), 0) as revenue
            from amounts a cross join (values ('month'), ('week')) g(granularity)
            group by 1, 2, 3, 4, 5),
        old as (
            select p.* from keys k
            join lateral (select * from customer_periods p
                          where p.tenant_id = k.tenant_id and p.customer_key = k.customer_key) p on true),
        changed as (
            select coalesce(n.tenant_id, o.tenant_id) as tenant_id, coalesce(n.customer_key, o.customer_key) as customer_key,
                   coalesce(n.granularity, o.granularity) as granularity, coalesce(n.period, o.period) as period,
                   o.cohort as old_cohort, o.orders as old_orders, o.revenue as old_revenue,
                   n.cohort as new_cohort, n.orders as new_orders, n.revenue as new_revenue
            from fresh n
            full join old o on o.tenant_id = n.tenant_id and o.customer_key = n.customer_key
                           and o.granularity = n.granularity and o.period = n.period
            where (o.cohort, o.orders, o.revenue) is distinct from (n.cohort, n.orders, n.revenue)),
        written as (
            insert into customer_periods as p (tenant_id, customer_key, granularity, period, cohort, orders, revenue)
            select tenant_id, customer_key, granularity, period, new_cohort, new_orders, new_revenue
            from changed where new_cohort is not null
            on conflict (tenant_id, customer_key, granularity, period) do update set
                cohort = excluded.cohort, orders = excluded.orders, revenue = excluded.revenue),
        removed as (
            delete from customer_periods p using changed c
            where c.new_cohort is null and p.tenant_id = c.tenant_id and p.customer_key = c.customer_key
              and p.granularity = c.granularity and p.period = c.period),
        deltas as (
            select tenant_id, granularity, old_cohort as cohort, period, -(old_orders > 0)::int as active, -old_revenue as revenue
            from changed where old_cohort is not null
            union all
            select tenant_id, granularity, new_cohort, period, (new_orders > 0)::int, new_revenue
            from changed where new_cohort is not null)
        insert into cohort_periods as c (tenant_id, granularity, cohort, period, active, revenue)
        select tenant_id, granularity, cohort, period, sum(active), sum(revenue)
        from deltas group by 1, 2, 3, 4
        on conflict (tenant_id, granularity, cohort, period) do update set
            active = c.active + excluded.active, revenue = c.revenue + excluded.revenue
        """;

    public static async Task RecomputeAsync(ProjectionContext context, IReadOnlyCollection<(string Tenant, string Key)> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return;
        await using var cmd = context.Command(Sql).WithTexts(keys.Select(k => k.Tenant)).WithTexts(keys.Select(k => k.Key));
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
