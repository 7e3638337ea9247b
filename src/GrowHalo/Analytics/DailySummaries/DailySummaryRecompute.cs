using GrowHalo.Platform.Tenancy;
using Npgsql;
using NpgsqlTypes;

namespace GrowHalo.Analytics.DailySummaries;

/// <summary>
/// Recomputes daily_summaries for given (tenant, day)s from the documents, in the tenant's reporting currency:
/// gross revenue and orders from counted orders placed that day (summed per currency in order_day_totals), refunds
/// issued that day (unless their order is known not to count: a cancelled order has already left its day), new
/// customers by first counted order (first_order_days), ad spend by platform. Each amount is converted at its own day's rate; an amount without one is left out and its currency is
/// listed in missing_fx_rates. A day with nothing left to count loses its row, so the table is a pure function of the
/// documents (the same after a rebuild as after live processing). Callers hold <see cref="DailySummaryLock"/>.
/// </summary>
public static class DailySummaryRecompute
{
    private const string Sql = """
        with touched as (
            select distinct u.tenant_id, u.day, coalesce(t.currency, 'USD') as reporting
            from unnest($1::text[], $2::date[]) as u(tenant_id, day)
            left join tenants t on t.id = u.tenant_id),
        parts as (
            select o.tenant_id, o.day, 'order' as kind, '' as platform,
                   coalesce(nullif(o.currency, ''), t.reporting) as currency, t.reporting, sum(o.gross) as amount, sum(o.orders)::bigint as n
            from touched t join order_day_totals o on o.tenant_id = t.tenant_id and o.day = t.day
            where o.orders <> 0
            group by 1, 2, 5, 6
            union all
            select r.tenant_id, r.refund_day, 'refund', '', coalesce(o.currency, t.reporting), t.reporting, sum(r.amount), count(*)
            from touched t join order_refunds r on r.tenant_id = t.tenant_id and r.refund_day = t.day
            left join orders o on o.tenant_id = r.tenant_id and o.order_id = r.order_id
            where o.counted is not false
            group by 1, 2, 5, 6
            union all
            select a.tenant_id, a.day, 'ad', a.platform, coalesce(a.currency, t.reporting), t.reporting, sum(a.spend), count(*)
            from touched t join ad_spend a on a.tenant_id = t.tenant_id and a.day = t.day
            group by 1, 2, 4, 5, 6),
        converted as (
            select p.*, p.amount * case when p.currency = p.reporting then 1
                                        else fx_rate(p.tenant_id, p.day, p.currency, p.reporting) end as value
            from parts p),
        by_platform as (
            select tenant_id, day, jsonb_object_agg(platform, spend order by platform) as spend
            from (select tenant_id, day, platform, sum(value) as spend from converted
                  where kind = 'ad' and value is not null group by 1, 2, 3) x
            group by 1, 2),
        sums as (
            select tenant_id, day, min(reporting) as reporting,
                   coalesce(sum(value) filter (where kind = 'order'), 0) as gross,
                   coalesce(sum(value) filter (where kind = 'refund'), 0) as refunds,
                   coalesce(sum(n) filter (where kind = 'order'), 0) as orders,
                   coalesce(sum(value) filter (where kind = 'ad'), 0) as ad_spend,
                   coalesce(array_agg(distinct currency order by currency) filter (where value is null), '{}') as missing
            from converted group by 1, 2),
        firsts as (
            select t.tenant_id, t.day, t.reporting, f.customers as n
            from touched t join first_order_days f on f.tenant_id = t.tenant_id and f.day = t.day
            where f.customers <> 0),
        computed as (
            select coalesce(s.tenant_id, f.tenant_id) as tenant_id, coalesce(s.day, f.day) as day,
                   coalesce(s.reporting, f.reporting) as currency,
                   coalesce(s.gross, 0) as gross, coalesce(s.refunds, 0) as refunds,
                   coalesce(s.orders, 0) as orders, coalesce(f.n, 0) as new_customers,
                   coalesce(s.ad_spend, 0) as ad_spend, coalesce(p.spend, '{}'::jsonb) as by_platform,
                   coalesce(s.missing, '{}') as missing
            from sums s
            full join firsts f on f.tenant_id = s.tenant_id and f.day = s.day
            left join by_platform p on p.tenant_id = coalesce(s.tenant_id, f.tenant_id) and p.day = coalesce(s.day, f.day)),
        emptied as (
            delete from daily_summaries d using touched t
            where d.tenant_id = t.tenant_id and d.day = t.day
              and not exists (select 1 from computed c where c.tenant_id = d.tenant_id and c.day = d.day))
        insert into daily_summaries as d (tenant_id, day, currency, gross_revenue, refunds, revenue, orders_count,
            new_customers, ad_spend, ad_spend_by_platform, missing_fx_rates)
        select tenant_id, day, currency, gross, refunds, gross - refunds, orders, new_customers, ad_spend, by_platform, missing
        from computed
        on conflict (tenant_id, day) do update set
            currency = excluded.currency, gross_revenue = excluded.gross_revenue, refunds = excluded.refunds,
            revenue = excluded.revenue, orders_count = excluded.orders_count, new_customers = excluded.new_customers,
            ad_spend = excluded.ad_spend, ad_spend_by_platform = excluded.ad_spend_by_platform,
            missing_fx_rates = excluded.missing_fx_rates
        """;

    public static async Task RecomputeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<(string Tenant, DateOnly Day)> days, CancellationToken ct)
    {
        if (days.Count == 0) return;
        await using var cmd = new NpgsqlCommand(Sql, conn, tx);
        cmd.Parameters.Add(new() { Value = days.Select(d => d.Tenant).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = days.Select(d => d.Day).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Recomputes every day from <paramref name="start"/> to <paramref name="end"/> of one tenant, taking the tenant's lock.</summary>
    public static async Task<int> RecomputeRangeAsync(TenantDatabases databases, string tenantId, DateOnly start, DateOnly end, CancellationToken ct)
    {
        await using var db = await TenantDb.BeginAsync(databases, tenantId, ct);
        await DailySummaryLock.AcquireAsync(db.Connection, db.Transaction, [tenantId], ct);
        var days = Days(tenantId, start, end);
        await RecomputeAsync(db.Connection, db.Transaction, days, ct);
        await db.CommitAsync(ct);
        return days.Count;
    }

    public static List<(string Tenant, DateOnly Day)> Days(string tenantId, DateOnly start, DateOnly end)
    {
        var days = new List<(string, DateOnly)>();
        for (var d = start; d <= end; d = d.AddDays(1)) days.Add((tenantId, d));
        return days;
    }
}
