using GrowHalo.Modeling.Commerce;
using GrowHalo.Platform.Tenancy;
using GrowHalo.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Analytics.Metrics;

/// <summary>
/// GET /api/v1/metrics/summary?period=last_30_days (or start&amp;end): the window's metrics, the same-length window
/// right before it, and the percent change of each.
/// </summary>
public static class SummaryEndpoint
{
    public sealed record Window(DateOnly Start, DateOnly End, int Days);

    public sealed record SummaryResponse(MetricSet Current, MetricSet Previous, MetricChanges Changes, string? PeriodName,
        Window Period, Window PreviousPeriod, string Currency, DateTimeOffset? AsOf, IReadOnlyList<MissingFxRate> MissingFxRates);

    [WolverineGet("/api/v1/metrics/summary", OperationId = "MetricsSummary"), RequireScope(Scopes.Read)]
    public static async Task<Results<Ok<SummaryResponse>, ValidationProblem>> Get(string? period, string? start, string? end, RequestTenant tenant,
        TenantDatabases databases, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Validation();
        DateRange? range = null;
        if (start is not null || end is not null)
        {
            if (period is not null) errors.Add("period", "Send either period or start and end, not both.");
            else range = DateRange.Parse(start, end, errors);
        }
        else
        {
            period ??= "last_30_days";
            if (DateRange.Periods.TryGetValue(period, out var days)) range = DateRange.LastDays(tenant.Tenant.LocalDate(clock.GetUtcNow()), days);
            else errors.Add("period", $"\"{period}\" is not a period. Allowed: {Validation.OneOf(DateRange.Periods.Keys)}; or send start and end (YYYY-MM-DD).");
        }
        if (!errors.IsValid || range is null) return errors.Problem();

        var previous = range.Previous;
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        var rows = await SummaryRows.ReadAsync(db, previous.Start, range.End, ct);
        var current = MetricTotals.Sum(rows.Where(r => range.Contains(r.Day)).Select(r => r.Totals));
        var before = MetricTotals.Sum(rows.Where(r => previous.Contains(r.Day)).Select(r => r.Totals));
        return TypedResults.Ok(new SummaryResponse(current.ToSet(), before.ToSet(), MetricChanges.Between(current, before),
            start is null ? period : null, new Window(range.Start, range.End, range.Days), new Window(previous.Start, previous.End, previous.Days),
            tenant.Tenant.Currency, await Freshness.AsOfAsync(db, ct), MissingFxRates.From(rows, tenant.Tenant.Currency)));
    }
}

/// <summary>Percent change of each metric, (current − previous) ÷ previous × 100, null when previous is 0 or null.</summary>
public sealed record MetricChanges(decimal? Revenue, decimal? GrossRevenue, decimal? Refunds, decimal? OrdersCount, decimal? NewCustomers,
    decimal? AdSpend, decimal? Roas, decimal? Cac, decimal? AvgOrderValue)
{
    public static MetricChanges Between(MetricTotals current, MetricTotals previous)
    {
        decimal? Change(string metric)
        {
            var (c, p) = (current.Value(metric), previous.Value(metric));
            return c is null || p is null || p == 0 ? null : Rounding.Percent((c - p) / p * 100);
        }
        return new(Change("revenue"), Change("gross_revenue"), Change("refunds"), Change("orders_count"), Change("new_customers"),
            Change("ad_spend"), Change("roas"), Change("cac"), Change("avg_order_value"));
    }
}
