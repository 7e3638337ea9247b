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

    // $1 tenant, $2/$3 first and last cohort start, $4 'month' or 'week'. The cells are kept by the commerce projection
    // (Modeling/0309_cohort_periods.sql); a cohort's size is the active customers of its first period, where every
    // member placed the first counted order.
    private const string Sql = """
        with cells as (
            select cohort, period, active, revenue from cohort_periods
            where tenant_id = $1 and granularity = $4 and cohort between $2 and $3),
        sized as (select cohort, active as size from cells where period = cohort and active > 0),
        spend as (
            select date_trunc($4, d.day::timestamp)::date as cohort, sum(d.ad_spend) as ad_spend
            from daily_summaries d
            where d.tenant_id = $1 and d.day >= $2
            group by 1)
        select s.cohort, s.size, coalesce(sp.ad_spend, 0), c.period, c.active, c.revenue
        from sized s
        left join spend sp on sp.cohort = s.cohort
        join cells c on c.cohort = s.cohort
        order by 1, 4
        """;

    [WolverineGet("/api/v1/analytics/cohorts", OperationId = "AnalyticsCohorts"), RequireScope(Scopes.Read), Tags("Analytics")]
    public static async Task<Results<Ok<Cohorts>, ValidationProblem>> Get(string? start, string? end, string? granularity,
        RequestTenant tenant, TenantDatabases databases, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Validation();
        var today = tenant.Tenant.LocalDate(clock.GetUtcNow());
        granularity ??= "month";
        if (!Granularities.Contains(granularity)) errors.Add("granularity", $"\"{granularity}\" is not allowed. Allowed: {Validation.OneOf(Granularities)}.");
        var range = start is null && end is null ? DateRange.LastDays(today, 365) : DateRange.Parse(start, end, errors);
        if (!errors.IsValid || range is null) return errors.Problem();

        var bucket = granularity == "week" ? "weekly" : "monthly";
        var (first, last) = (Metrics.Granularity.BucketOf(bucket, range.Start), Metrics.Granularity.BucketOf(bucket, range.End));
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        await using var cmd = db.Command(Sql, tenant.Id, first, last, granularity);
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
