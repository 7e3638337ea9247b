using GrowHalo.Analytics.Metrics;
using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Customers;

/// <summary>
/// GET /api/v1/analytics/cohorts?start=&amp;end=&amp;granularity=month|week: customers grouped by the month (or
/// Monday-started week) of their first counted order, for cohorts starting in the range (default: the last 12
/// months). Per period k since: active customers, retention, net revenue (their counted orders placed in it minus
/// the refunds created in it, at each day's rate), cumulative revenue per customer; the cohort's CAC (ad spend of its
/// first period ÷ size), LTV÷CAC at each k, and the payback period (first k where cumulative revenue per customer
/// reaches the CAC).
/// </summary>
public static class CohortsEndpoint
{
    public sealed record Period(int K, DateOnly Start, long ActiveCustomers, decimal? Retention, decimal Revenue,
        decimal? CumulativeRevenuePerCustomer, decimal? LtvToCac);

    public sealed record CohortRow([property: System.Text.Json.Serialization.JsonPropertyName("cohort")] DateOnly Start, long Size, decimal AdSpend, decimal? Cac, int? PaybackPeriod, IReadOnlyList<Period> Periods);

    public sealed record Cohorts(IReadOnlyList<CohortRow> Data, string Granularity, DateOnly Start, DateOnly End, string Currency, DateTimeOffset? AsOf);

    private static readonly IReadOnlyList<string> Granularities = ["month", "week"];

    // $1 tenant, $2/$3 first and last cohort start, $4 'month' or 'week', $5 reporting currency.
    private const string Sql = """
        with members as (
            select customer_key, date_trunc($4, first_order_day)::date as cohort
            from customers
            where tenant_id = $1 and first_order_day is not null
              and date_trunc($4, first_order_day)::date between $2 and $3),
        sized as (select cohort, count(*) as size from members group by cohort),
        placed as (
            select m.cohort, date_trunc($4, o.placed_day)::date as period, count(distinct o.customer_key) as active,
                   sum(o.total_price * case when coalesce(o.currency, $5) = $5 then 1
                                            else fx_rate($1, o.placed_day, o.currency, $5) end) as gross
            from orders o join members m on m.customer_key = o.customer_key
            where o.tenant_id = $1 and o.counted
            group by 1, 2),
        refunded as (
            select m.cohort, date_trunc($4, r.refund_day)::date as period,
                   sum(r.amount * case when coalesce(o.currency, $5) = $5 then 1
                                       else fx_rate($1, r.refund_day, o.currency, $5) end) as refunds
            from order_refunds r
            join orders o on o.tenant_id = r.tenant_id and o.order_id = r.order_id and o.counted
            join members m on m.customer_key = o.customer_key
            where r.tenant_id = $1
            group by 1, 2),
        spend as (
            select s.cohort, coalesce(sum(d.ad_spend), 0) as ad_spend
            from sized s
            left join daily_summaries d on d.tenant_id = $1 and date_trunc($4, d.day)::date = s.cohort
            group by s.cohort),
        periods as (
            select cohort, period, sum(active) as active, sum(gross) as gross, sum(refunds) as refunds
            from (select cohort, period, active, gross, 0 as refunds from placed
                  union all
                  select cohort, period, 0, 0, refunds from refunded) u
            group by 1, 2)
        select s.cohort, s.size, sp.ad_spend, p.period, coalesce(p.active, 0), coalesce(p.gross, 0) - coalesce(p.refunds, 0)
        from sized s
        join spend sp on sp.cohort = s.cohort
        left join periods p on p.cohort = s.cohort
        order by 1, 4
        """;

    [WolverineGet("/api/v1/analytics/cohorts", OperationId = "AnalyticsCohorts"), RequireScope(Scopes.Read), Tags("Analytics")]
    public static async Task<Results<Ok<Cohorts>, ValidationProblem>> Get(string? start, string? end, string? granularity,
        RequestTenant tenant, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Validation();
        var today = tenant.Tenant.LocalDate(clock.GetUtcNow());
        granularity ??= "month";
        if (!Granularities.Contains(granularity)) errors.Add("granularity", $"\"{granularity}\" is not allowed. Allowed: {Validation.OneOf(Granularities)}.");
        var range = start is null && end is null ? DateRange.LastDays(today, 365) : DateRange.Parse(start, end, errors);
        if (!errors.IsValid || range is null) return errors.Problem();

        var bucket = granularity == "week" ? "weekly" : "monthly";
        var (first, last) = (Metrics.Granularity.BucketOf(bucket, range.Start), Metrics.Granularity.BucketOf(bucket, range.End));
        await using var db = await TenantDb.BeginAsync(dataSource, tenant.Id, ct);
        await using var cmd = db.Command(Sql, tenant.Id, first, last, granularity, tenant.Tenant.Currency);
        var rows = new List<(DateOnly Cohort, long Size, decimal AdSpend, DateOnly? Period, long Active, decimal Revenue)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rows.Add((r.GetFieldValue<DateOnly>(0), r.GetInt64(1), r.GetDecimal(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateOnly>(3),
                    r.GetInt64(4), r.GetDecimal(5)));

        var now = Metrics.Granularity.BucketOf(bucket, today);
        var cohorts = rows.GroupBy(x => (x.Cohort, x.Size, x.AdSpend)).Select(g =>
        {
            var (cohort, size, adSpend) = g.Key;
            var byPeriod = g.Where(x => x.Period is not null).ToDictionary(x => x.Period!.Value);
            decimal? cac = size == 0 ? null : adSpend / size;
            var periods = new List<Period>();
            var cumulative = 0m;
            int? payback = null;
            var k = 0;
            for (var p = cohort; p <= now; p = Metrics.Granularity.Next(bucket, p), k++)
            {
                var (active, revenue) = byPeriod.TryGetValue(p, out var x) ? (x.Active, x.Revenue) : (0L, 0m);
                cumulative += revenue;
                var perCustomer = size == 0 ? (decimal?)null : cumulative / size;
                if (payback is null && cac is not null && perCustomer >= cac) payback = k;
                periods.Add(new Period(k, p, active, size == 0 ? null : Rounding.Ratio((decimal)active / size), Rounding.Money(revenue),
                    Rounding.Money(perCustomer), cac is null or 0 ? null : Rounding.Ratio(perCustomer / cac)));
            }
            return new CohortRow(cohort, size, Rounding.Money(adSpend), Rounding.Money(cac), payback, periods);
        }).ToList();
        return TypedResults.Ok(new Cohorts(cohorts, granularity, first, last, tenant.Tenant.Currency, await Freshness.AsOfAsync(db, ct)));
    }
}
